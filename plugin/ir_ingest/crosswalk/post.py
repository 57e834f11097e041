"""Named post-processing steps a crosswalk file may list under ``postprocess``.

Rules map one source value at a time; these steps look at the whole record when the rules are
done, for what a single rule cannot know (a chapter's ISBN belongs to its book).  Each step is
small, named in data, and tested; none invents values the source did not carry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ir_ingest.crosswalk.hosts import (
    host_from_pages,
    host_from_part,
    host_from_relation,
    inferred,
    meeting_of_talk,
    organisation_host,
)
from ir_ingest.crosswalk.lookups import lookup_row
from ir_ingest.crosswalk.own_citation import host_from_own_citation
from ir_ingest.crosswalk.record_dates import (
    date_from_other_dates,
    date_of_no_kind,
    date_qualifiers,
    issued_date,
)
from ir_ingest.crosswalk.series import series_from_relation, series_issn, series_statement
from ir_ingest.crosswalk.zenodo import concept_doi, packed_keywords, record_page

if TYPE_CHECKING:
    from ir_ingest.crosswalk.engine import Applied

Step = Callable[["Applied"], None]


#: COAR's "other", which a type the source did not say further maps to.
_OTHER = "http://purl.org/coar/resource_type/c_1843"


def type_from_set(applied: Applied) -> None:
    """A record typed only "other" whose set names its kind (the ``set_types`` table: Zenodo's
    ``software`` and ``openaire_data`` sets, whose records' only dc:type is OpenAIRE's
    ``info:eu-repo/semantics/other``) takes that type, said by ``crosswalk.inferred_type``.

    Not a record on a journal's pages (see :func:`host_from_pages`): ``openaire_data`` holds
    every record Zenodo's depositors typed Other, journal articles among them."""
    data = applied.data
    resource_type = data.get("resource_type") or {}
    if resource_type.get("uri") != _OTHER or data.get("host"):
        return  # on a journal's pages (see host_from_pages): no dataset, whatever its set
    for set_spec in data["source"].get("set_specs", []):
        row = lookup_row("set_types", set_spec)
        found = lookup_row("resource_types", row["type"]) if row else None
        if found is not None:
            data["resource_type"] = {**resource_type, **found}
            # No source type had mapped: "recorded as 'other'" is no longer so.
            applied.issues = [i for i in applied.issues if i.code != "crosswalk.unmapped_type"]
            applied.lineage.setdefault("resource_type", []).append("source.set_specs")
            said = f"the type {found['label']!r} was read from the record's set {set_spec!r}"
            applied.issues.append(inferred(said, "resource_type", code="crosswalk.inferred_type"))
            return


#: COAR's "text", which MARC's MODS of every printed book says (typeOfResource text).
_TEXT = "http://purl.org/coar/resource_type/c_18cf"


def book_from_isbn(applied: Applied) -> None:
    """A record typed only "text" with an ISBN of its own, in no host, is a book, said by
    ``crosswalk.inferred_type``: LoC's MARC to MODS stylesheet gives a book no genre but
    typeOfResource text (a chapter's ISBN is its host's, and a host makes no book)."""
    data = applied.data
    resource_type = data.get("resource_type") or {}
    isbn = any(i.get("scheme") == "isbn" for i in data.get("identifiers", []))
    if resource_type.get("uri") != _TEXT or not isbn or data.get("host"):
        return
    book = lookup_row("resource_types", "book")
    assert book is not None  # a COAR label: the table maps every one to itself
    data["resource_type"] = {**resource_type, **book}
    applied.lineage.setdefault("resource_type", []).append("identifiers[isbn]")
    said = "the type 'book' was read from the record's own ISBN"
    applied.issues.append(inferred(said, "resource_type", code="crosswalk.inferred_type"))


def own_relations(applied: Applied) -> None:
    """A relation naming one of the record's own identifiers is the record, no related item:
    Zenodo writes an article's publisher DOI in dc:identifier and again in dc:relation, and
    a version's own DOI beside its concept DOI."""
    data = applied.data
    related = data.get("related")
    if not related:
        return
    own = {(i.get("scheme"), i.get("value")) for i in data.get("identifiers", [])}
    kept = [r for r in related if (r.get("scheme"), r.get("value")) not in own]
    if len(kept) == len(related):
        return
    if kept:
        data["related"] = kept
    else:
        del data["related"]


def landing_page(applied: Applied) -> None:
    """The landing page when the source named none, the first found of: the page the
    repository gives each record by its OAI identifier (see :func:`_repository_page`), the
    record's own page among its relations (EPrints: see :func:`_own_page`), a URL identifier
    (Pure, DSpace, OJS)."""
    data = applied.data
    source = data.setdefault("source", {})
    if source.get("landing_page"):
        return
    found = _repository_page(data) or _related_page(data) or _identifier_page(data)
    if found is not None:
        source["landing_page"], origin = found
        applied.lineage.setdefault("source.landing_page", []).append(origin)


def _repository_page(data: dict[str, Any]) -> tuple[str, str] | None:
    """arXiv's own record's abstract page (see :func:`_arxiv_page`), or Zenodo's record page:
    Zenodo's dc:identifier gives DOIs and the OAI identifier only, and its first URL, where
    there is one, is another site's (a journal's article page, a Plazi treatment)."""
    arxiv = _arxiv_page(data)
    if arxiv is not None:
        return arxiv, "identifiers[arxiv]"
    # Read without its header (offline), a record still names itself in dc:identifier.
    return record_page(data)


def _related_page(data: dict[str, Any]) -> tuple[str, str] | None:
    """The record's own page among its relations (see :func:`_own_page`), no longer one."""
    own = _own_page(data)
    if own is None:
        return None
    data["related"] = [r for r in data["related"] if r is not own]
    if not data["related"]:
        del data["related"]
    return own["value"], "related[url]"


def _identifier_page(data: dict[str, Any]) -> tuple[str, str] | None:
    """The first URL identifier, else the first handle's resolver URL: DSpace gives its item
    page as http://hdl.handle.net/1975/7634 alone, which is read as the handle."""
    identifiers = data.get("identifiers", [])
    for ident in identifiers:
        if ident.get("scheme") == "url":
            return ident["value"], "identifiers[url]"
    for ident in identifiers:
        if ident.get("scheme") == "handle":
            return f"https://hdl.handle.net/{ident['value']}", "identifiers[handle]"
    return None


#: The OAI identifiers of arXiv's records: oai:arXiv.org:2101.00001, …:hep-th/9901001.
_ARXIV_OAI = "oai:arXiv.org:"


def _arxiv_page(data: dict[str, Any]) -> str | None:
    """arXiv's own record's abstract page: its dc:identifier http://arxiv.org/abs/1507.03011
    is read as its arXiv id (see identifiers._ARXIV_PAGE), and had been its landing page.
    The arXiv id of another repository's record is its preprint's, not its own page."""
    oai = str(data["source"].get("oai_identifier", ""))
    local = oai.removeprefix(_ARXIV_OAI)
    own = f"arXiv:{local}"
    if local == oai or not any(i.get("value") == own for i in data.get("identifiers", [])):
        return None
    return f"https://arxiv.org/abs/{local}"


def _own_page(data: dict[str, Any]) -> dict[str, Any] | None:
    """The relation that is the record's own page: EPrints writes its abstract page
    (``http://eprints.example.ac.uk/1/``, for ``oai:eprints.example.ac.uk:1``) in dc:relation,
    its files in dc:identifier, so the file had been the landing page and the page a
    related item."""
    namespace, _, local = (
        str(data["source"].get("oai_identifier", "")).removeprefix("oai:").rpartition(":")
    )
    if not namespace or not local:
        return None
    related: dict[str, Any]
    for related in data.get("related", []):
        if related.get("scheme") != "url":
            continue
        parts = urlsplit(related["value"])
        host = parts.netloc.lower().removeprefix("www.")
        if host == namespace.lower().removeprefix("www.") and parts.path.strip("/") == local:
            return related
    return None


def authors_as_creators(applied: Applied) -> None:
    """A record whose authors are all among its contributors: they are its creators.

    Islandora's MODS to DC stylesheet writes every name as a ``dc:contributor``, an author's
    role after it ("Smith, Jane (authoraut)"): its records had no creator at all.
    """
    _as_creators(applied, frozenset({"aut"}))


def editors_as_creators(applied: Applied) -> None:
    """An edited book with no authors: its editors are its creators, role ``edt``.

    OpenAIRE and DataCite practice (reference/targets.md §4.2 note 2); InvenioRDM needs a creator.
    """
    _as_creators(applied, frozenset({"edt"}))


#: MARC relator codes of those who make a work's content where no one is named its author:
#: artist, photographer, engraver, etcher, illustrator, composer, cartographer, architect,
#: sculptor, designer, programmer (https://id.loc.gov/vocabulary/relators).  Not contributor
#: (``ctb``): DSpace writes a thesis's advisor so.
MAKER_ROLES = frozenset(
    {"art", "pht", "egr", "etr", "ill", "cmp", "ctg", "arc", "scl", "dsr", "prg"}
)


def makers_as_creators(applied: Applied) -> None:
    """A work with no author or editor (a photograph, a print, a map): those who made it are
    its creators, with their roles.  Run after :func:`editors_as_creators`.

    DataCite's creators are the people who made the resource; without this, a photograph
    catalogued with its photographer (MODS role ``pht``) was invalid for want of a creator.
    """
    _as_creators(applied, MAKER_ROLES)


def _as_creators(applied: Applied, roles: frozenset[str]) -> None:
    """Make the contributors in ``roles`` the creators of a record that has none."""
    data = applied.data
    if data.get("creators"):
        return
    chosen = [c for c in data.get("contributors", []) if c.get("role") in roles]
    if chosen:
        data["creators"] = chosen
        data["contributors"] = [c for c in data["contributors"] if c.get("role") not in roles]
        # --explain: the creators come from where the contributors did.
        paths = applied.lineage.get("contributors", [])
        applied.lineage["creators"] = list(paths)
        if not data["contributors"]:
            del data["contributors"]
            applied.lineage.pop("contributors", None)


def imprint_from_host(applied: Applied) -> None:
    """A chapter's publisher and place are its book's (reference/targets.md §4.2 ``publisher``)."""
    data = applied.data
    host = data.get("host") or {}
    for field, host_field in (("publisher", "publisher"), ("place_of_publication", "place")):
        if not data.get(field) and host.get(host_field):
            data[field] = host[host_field]
            applied.lineage.setdefault(field, []).append(f"host.{host_field}")


#: The fields a library catalogue writes as ISBD does, each part followed by the punctuation
#: before the next ("Leiden :", "E.J. Brill,", "Title /"), and MODS made from MARC keeps.
_CATALOGUED = (
    ("title", "value"), ("subtitle", "value"), ("publisher",), ("place_of_publication",),
    ("host", "title"), ("host", "subtitle"), ("host", "publisher"), ("host", "place"),
    ("series", "title"),
)  # fmt: skip
#: ISBD's punctuation between parts, at the end of a value; a full stop stays ("Inc.").
_ISBD_END = " /:;,="
_REFERENCE_END = re.compile(r"&#?\w+;$")


def catalogue_punctuation(applied: Applied) -> None:
    """Take ISBD's punctuation off the end of a title, publisher or place ("Leiden :" is
    "Leiden"): it separates a catalogue's parts, and says nothing of the value."""
    data = applied.data
    for path in _CATALOGUED:
        holder: Any = data
        for key in path[:-1]:
            holder = holder.get(key)
            if not isinstance(holder, dict):
                break
        else:
            value = holder.get(path[-1])
            # The test of the last character first: it runs for every record.  Not a
            # reference's ";" ("caf&eacute;", escaped twice by the source).
            if (
                isinstance(value, str)
                and value[-1:] in _ISBD_END
                and value.rstrip(_ISBD_END)
                and not _REFERENCE_END.search(value)
            ):
                holder[path[-1]] = value.rstrip(_ISBD_END)


STEPS: dict[str, Step] = {
    "issued_date": issued_date,
    "landing_page": landing_page,
    "own_relations": own_relations,
    "concept_doi": concept_doi,
    "packed_keywords": packed_keywords,
    "host_from_part": host_from_part,
    "host_from_own_citation": host_from_own_citation,
    "host_from_pages": host_from_pages,
    "host_from_relation": host_from_relation,
    "meeting_of_talk": meeting_of_talk,
    "organisation_host": organisation_host,
    "authors_as_creators": authors_as_creators,
    "editors_as_creators": editors_as_creators,
    "makers_as_creators": makers_as_creators,
    "imprint_from_host": imprint_from_host,
    "date_qualifiers": date_qualifiers,
    "catalogue_punctuation": catalogue_punctuation,
    "series_issn": series_issn,
    "date_from_other_dates": date_from_other_dates,
    "date_of_no_kind": date_of_no_kind,
    "series_statement": series_statement,
    "series_from_relation": series_from_relation,
    "type_from_set": type_from_set,
    "book_from_isbn": book_from_isbn,
}
