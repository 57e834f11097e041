"""Crosswalks: metadata XML in a known format -> :class:`~ir_ingest.schema.Record`.

Crosswalk files live in ``crosswalks/`` (shipped) and in directories users add; each is loaded
once and found by its ``format`` (the OAI metadataPrefix) or, when no prefix is given, by the
namespace and name of the metadata's root element.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

import msgspec

from ir_ingest import xmlsafe
from ir_ingest.crosswalk.definition import Crosswalk, load_crosswalk
from ir_ingest.crosswalk.engine import apply_crosswalk
from ir_ingest.entry import Issue, Severity
from ir_ingest.errors import CrosswalkError
from ir_ingest.resources import bundled
from ir_ingest.schema import Record, Source, record_id

if TYPE_CHECKING:
    from pathlib import Path

    from lxml import etree

COAR_OTHER = {
    "uri": "http://purl.org/coar/resource_type/c_1843",
    "label": "other",
    "general": "other research product",
}

_user_dirs: list[Path] = []


@dataclass(slots=True)
class CrosswalkResult:
    """The record a crosswalk made, the issues it found, and where each field came from."""

    record: Record
    issues: list[Issue] = field(default_factory=list)
    lineage: dict[str, list[str]] = field(default_factory=dict)


def add_crosswalk_dir(path: Path) -> None:
    """Make the crosswalk files in ``path`` available; they win over shipped ones of a format."""
    _user_dirs.insert(0, path)
    registry.cache_clear()


@cache
def registry() -> dict[str, Crosswalk]:
    """All crosswalks by format; user directories override the shipped files."""
    found: dict[str, Crosswalk] = {}
    for folder in [bundled("crosswalks"), *reversed(_user_dirs)]:
        for path in sorted(folder.glob("*.yaml")):
            crosswalk = load_crosswalk(path)
            found[crosswalk.format] = crosswalk
    return found


def for_element(root: etree._Element, prefix: str | None) -> Crosswalk:
    """Choose the crosswalk for a metadata element, by prefix or by its root element."""
    crosswalks = registry()
    if prefix is not None:
        if prefix not in crosswalks:
            known = ", ".join(sorted(crosswalks))
            raise CrosswalkError(
                f"no crosswalk for format {prefix!r}; known formats: {known}",
                code="crosswalk.unknown_format",
            )
        chosen = crosswalks[prefix]
        if root.tag != chosen.root_clark:
            raise CrosswalkError(
                f"format {prefix!r} expects a {chosen.root} root element, found {root.tag}",
                code="crosswalk.wrong_root",
            )
        return chosen
    for crosswalk in crosswalks.values():
        if root.tag == crosswalk.root_clark:
            return crosswalk
    raise CrosswalkError(
        f"cannot tell the format of a {root.tag} element; give the prefix explicitly",
        code="crosswalk.unknown_format",
    )


def crosswalk_record(
    xml: bytes | etree._Element, prefix: str | None = None, source: Source | None = None
) -> CrosswalkResult:
    """Crosswalk one metadata element (or its bytes) into a record.

    ``source`` is the provenance from the OAI header; without it (offline use) a provenance of
    ``urn:ir-ingest:offline`` is recorded and the id derives from a hash of the content.
    """
    root = xmlsafe.parse(xml).root if isinstance(xml, bytes) else xml
    crosswalk = for_element(root, prefix)
    applied = apply_crosswalk(crosswalk, root)
    data = applied.data
    issues = applied.issues
    if source is None:
        source = Source(
            repository="urn:ir-ingest:offline",
            oai_identifier="urn:sha256:" + hashlib.sha256(xmlsafe.to_bytes(root)).hexdigest(),
            datestamp="",
            metadata_prefix=crosswalk.format,
        )
    source_data = msgspec.to_builtins(source)
    source_data.update(data.pop("source", {}))
    data["source"] = source_data
    data["id"] = record_id(source.repository, source.oai_identifier)
    if "resource_type" not in data:
        data["resource_type"] = COAR_OTHER
        issues.append(
            Issue(
                code="crosswalk.unmapped_type",
                message="no source type maps to a COAR resource type; recorded as 'other'",
                severity=Severity.WARNING,
                path="resource_type",
            )
        )
    _landing_page_from_identifiers(data)
    _issued_date(data)
    try:
        record = msgspec.convert(data, Record)
    except msgspec.ValidationError as exc:
        raise CrosswalkError(
            f"crosswalk {crosswalk.path.name} produced an invalid record: {exc}",
            code="crosswalk.invalid_output",
        ) from exc
    return CrosswalkResult(record, issues, applied.lineage)


def _issued_date(data: dict[str, Any]) -> None:
    """The publication date is also the ``issued`` event in ``dates`` (DataCite dateType Issued)."""
    date = data.get("publication_date")
    dates = data.setdefault("dates", [])
    if date and not any(d.get("type") == "issued" for d in dates):
        dates.insert(0, {"date": date, "type": "issued"})


def _landing_page_from_identifiers(data: dict[str, Any]) -> None:
    """A URL identifier is the landing page when the source named none (Pure, DSpace, OJS)."""
    source = data["source"]
    identifiers = data.get("identifiers")
    if (
        not isinstance(source, dict)
        or source.get("landing_page")
        or not isinstance(identifiers, list)
    ):
        return
    for ident in identifiers:
        if isinstance(ident, dict) and ident.get("scheme") == "url":
            source["landing_page"] = ident["value"]
            return
