"""Post-processing steps for Zenodo's (InvenioRDM's) oai_dc, which says more by its order and
its identifiers than Dublin Core can say by itself.

Zenodo's own records are told by the shape of their identifiers: its OAI identifier
``oai:zenodo.org:N`` (in the header and again in dc:identifier) and its DOI
``10.5281/zenodo.N``, of the same record number N.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ir_ingest.crosswalk.engine import Applied

#: Zenodo's OAI identifiers (oai:zenodo.org:10357859) name its records' pages.  A record
#: number is a few digits: one of thousands is none (int() refuses over 4,300).
_ZENODO_OAI = re.compile(r"oai:zenodo\.org:(\d{1,18})")
#: A DOI Zenodo minted: 10.5281/zenodo.N, N a record number (a version's or a concept's).
_ZENODO_DOI = re.compile(r"10\.5281/zenodo\.(\d{1,18})")


def record_number(data: dict[str, Any]) -> int | None:
    """The Zenodo record number of a record harvested from Zenodo, else None.

    The OAI identifier of the header, or (offline, a record read without its header) the one
    Zenodo writes in dc:identifier.
    """
    found = _numbered(data)
    return found[0] if found is not None else None


def record_page(data: dict[str, Any]) -> tuple[str, str] | None:
    """A Zenodo record's page, and the field its number was read from (for lineage)."""
    found = _numbered(data)
    return (f"https://zenodo.org/records/{found[0]}", found[1]) if found is not None else None


def _numbered(data: dict[str, Any]) -> tuple[int, str] | None:
    """The record number (see :func:`record_number`) and the field it is written in."""
    oai = [(str(data.get("source", {}).get("oai_identifier", "")), "source.oai_identifier")]
    oai += [
        (i["value"], "identifiers[oai]")
        for i in data.get("identifiers", [])
        if i.get("scheme") == "oai"
    ]
    for written, origin in oai:
        found = _ZENODO_OAI.fullmatch(written)
        if found is not None:
            return int(found[1]), origin
    return None


def concept_doi(applied: Applied) -> None:
    """Zenodo's concept DOI among a version's relations is what the version is a version of:
    relation ``IsVersionOf``, as Zenodo's own DataCite export says.

    InvenioRDM's oai_dc writes the record's related identifiers, then its communities' pages,
    then its parent's (concept) DOI, last.  A record whose own DOI Zenodo minted
    (10.5281/zenodo.N, N its record number) has one; the concept was made before its first
    version, so its number is lower.  A record with another DOI (Dryad's, a journal's) has
    none, and its Zenodo DOIs among its relations are other records'.
    """
    data = applied.data
    related = data.get("related")
    number = record_number(data) if related else None
    if related is None or number is None:
        return
    own = {"scheme": "doi", "value": f"10.5281/zenodo.{number}"}
    if own not in data.get("identifiers", []):
        return
    last = related[-1]
    found = _ZENODO_DOI.fullmatch(str(last.get("value"))) if last.get("scheme") == "doi" else None
    if found is not None and int(found[1]) < number and not last.get("relation"):
        last["relation"] = "IsVersionOf"


def packed_keywords(applied: Applied) -> None:
    """A Zenodo record's only keyword, a list packed with commas, is its several keywords:
    "Nmap, IDS, IPS, network scanning, Suricata", at times written as a sentence ("…, and
    Drug-resistant malaria", "…, karbon emissiyasi.").

    Zenodo's form takes one keyword per field, and writes one dc:subject each; a depositor
    who typed them all into the first field made the only one.  Only then, and only for
    Zenodo: elsewhere a comma is a heading's ("History, Modern", "Smith, John, 1901-1980"),
    and a Zenodo record with several subjects keeps a comma in one of them (a Scopus subject
    area, "Ecology, Evolution, Behavior and Systematics").
    """
    data = applied.data
    subjects = data.get("subjects", [])
    keywords = [s for s in subjects if s.get("scheme") == "keyword"]
    if len(keywords) != 1 or "," not in keywords[0]["value"] or record_number(data) is None:
        return
    packed = keywords[0]
    parts = [part.strip() for part in packed["value"].split(",")]
    if len(parts) > 1:  # the sentence's end and its "and" belong to no keyword
        parts[-1] = parts[-1].removesuffix(".").removeprefix("and ").strip()
    unique = dict.fromkeys(part for part in parts if part)  # a word typed twice is one
    if len(unique) < 2:
        return  # "," or "a," is no list: the value stays as written
    at = subjects.index(packed)
    subjects[at : at + 1] = [{**packed, "value": part} for part in unique]
