"""Post-processing steps that read a part's host publication, a conference, and a series from
the record as a whole, and tell a repository's collection written as a host from a
publication (see :mod:`ir_ingest.crosswalk.post`, which names every step).

Pure and OJS write a chapter's book and an article's journal into the part's own identifiers
and ``dc:source``, Zenodo its conference's name, DSpace a report's series and an article's
journal into ``dc:relation``: no single rule can tell whose they are.  What is read so is said
as an info issue.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ir_ingest.crosswalk.citations import citation
from ir_ingest.crosswalk.dates import edtf_date
from ir_ingest.crosswalk.identifiers import host_identifier
from ir_ingest.crosswalk.lookups import lookup_key
from ir_ingest.crosswalk.meetings import MEETING, meeting
from ir_ingest.crosswalk.normalise import NormaliseError
from ir_ingest.entry import Issue, Severity

if TYPE_CHECKING:
    from ir_ingest.crosswalk.engine import Applied

COAR = "http://purl.org/coar/resource_type/"
#: Types whose identifiers such as ISBN and ISSN name the containing publication, not the part.
PART_TYPES = frozenset(
    COAR + suffix
    for suffix in ("c_3248", "c_5794", "c_6501", "c_2df8fbb1", "c_dcae04bc", "c_6670", "c_ba08")
)
#: The host a part type lives in: book part in a book, paper in proceedings, article in a journal.
HOST_TYPES = {
    COAR + "c_3248": COAR + "c_2f33",
    COAR + "c_5794": COAR + "c_f744",
    COAR + "c_6670": COAR + "c_f744",
}
#: The schemes of a part's own identifiers that name its host (the book's ISBN on a chapter);
#: unlike a DOI, which is the part's own.  See HOST_SOURCE_SCHEMES for dc:source.
PART_HOST_SCHEMES = ("isbn", "issn")
#: Where a part's record names its host, as paths in ``extra``: Pure's and OJS's dc:source,
#: qualified DC's dcterms:isPartOf (a title, a citation or an ISSN alone).
HOST_SOURCES = ("dc:source", "dcterms:isPartOf")


def host_from_part(applied: Applied) -> None:
    """For a part (chapter, paper, article): its ISBN/ISSN and its host source are the host's.

    Pure and OJS write the book's ISBN or the journal's ISSN into the chapter's own
    ``dc:identifier`` and the book or journal title (OJS: a citation) into ``dc:source``;
    qualified DC names the journal or book in ``dcterms:isPartOf``.  Only a part has a host:
    CONTENTdm's isPartOf on a photograph is its digital collection, not a publication.
    """
    data = applied.data
    type_uri = (data.get("resource_type") or {}).get("uri")
    if type_uri not in PART_TYPES:
        return
    host = data.setdefault("host", {})
    moved = [i for i in data.get("identifiers", []) if i.get("scheme") in PART_HOST_SCHEMES]
    if moved and not host.get("identifiers"):
        data["identifiers"] = [i for i in data["identifiers"] if i not in moved]
        host["identifiers"] = moved
        applied.lineage.setdefault("host.identifiers", []).append("identifiers[isbn|issn]")
    for path in HOST_SOURCES:
        titles = [t for t in data.get("extra", {}).get(path, []) if not host_ids(applied, t, path)]
        _host_from_titles(applied, host, type_uri, titles, path)
    host_type(applied, host, type_uri)
    if not host:
        del data["host"]


def _host_from_titles(
    applied: Applied, host: dict[str, Any], type_uri: str, titles: list[str], path: str
) -> None:
    """Fill ``host`` from the one title or citation of ``titles`` (found in ``path``) that is
    no link and no meeting (a paper's); several, or none, leave it as it is."""
    titles = [t for t in titles if not _LINK.match(t)]
    if not titles:
        return
    if type_uri in _EVENT_PART_TYPES:
        titles = [t for t in titles if not _conference(applied, t, path)]
    if len(titles) == 1 and not host.get("title"):
        _host_from_citation(applied, host, titles[0], path)


#: A link or an identifier no rule read ("www.example.org/journal", "hdl:1234/5", "urn:…",
#: "doi:10.1/x"): a scheme and its value without a space, or a host name.  It names no title:
#: a part's isPartOf so written had become its journal's title.
_LINK = re.compile(r"^\s*(?:[a-z][\w+.-]*:[^\s:]|www\.)", re.IGNORECASE)
#: Where DSpace's oai_dc writes a part's dc.relation.ispartof (the journal's or book's title).
RELATION = "dc:relation"


def host_from_relation(applied: Applied) -> None:
    """A part's one ``dc:relation`` that names a publication is its host: DSpace's oai_dc
    writes dc.relation.ispartof ("Coastal Wetlands Review") as a plain ``dc:relation``, as
    qualified DC writes ``dcterms:isPartOf`` (:func:`host_from_part`).  Only where no host
    title was found (a ``dc:source``, the part's own reference): run after those steps.

    Not a link or an identifier, DSpace's series ("Series;number": dc.relation.ispartofseries,
    :func:`.series.series_from_relation`'s), nor a date (EUR's DSpace writes "December 2003");
    of several such relations, which is the host cannot be told.  The value stays in
    ``extra`` and an info issue says the host was read from it.
    """
    data = applied.data
    relations = data.get("extra", {}).get(RELATION)
    type_uri = (data.get("resource_type") or {}).get("uri")
    if not relations or type_uri not in PART_TYPES or (data.get("host") or {}).get("title"):
        return
    titles = [text for text in relations if ";" not in text and not _is_date(text)]
    host = data.setdefault("host", {})
    _host_from_titles(applied, host, type_uri, titles, RELATION)
    host_type(applied, host, type_uri)
    if not host:
        del data["host"]


def _is_date(text: str) -> bool:
    """Whether ``text`` is a date (:func:`.dates.edtf_date` reads it)."""
    try:
        edtf_date(text)
    except NormaliseError:
        return False
    return True


def host_type(applied: Applied, host: dict[str, Any], type_uri: str) -> None:
    """A named host's type, where the part's type says it (:data:`HOST_TYPES`): a chapter's
    host is a book, a paper's the proceedings."""
    named = host.get("title") or host.get("identifiers")
    if type_uri in HOST_TYPES and named and "resource_type" not in host:
        host["resource_type"] = HOST_TYPES[type_uri]
        applied.lineage.setdefault("host.resource_type", []).append("resource_type")


#: Types that say no more than "other" or "text", and Zenodo's "conference proceedings": its
#: depositors give a journal article the type Other, and a paper the proceedings' type, and
#: write its journal into dc:source as they do an article's.
_LOOSELY_TYPED = frozenset(COAR + suffix for suffix in ("c_1843", "c_18cf", "c_f744"))


def host_from_pages(applied: Applied) -> None:
    """A loosely typed record (see ``_LOOSELY_TYPED``) whose one host source is a citation
    with a page range is on those pages of that host: "ILM-FAN XABARNOMASI, 14(01),
    1200-1208, (2026-06-09)" on a Zenodo record of type Other.

    Only a page range tells: a volume and issue alone may be those of the paper a dataset
    supports (Zenodo's "Cell Reports, 42(10), (2023-10-12)" on a dataset typed Other), and a
    single page a treatment's place in an article (Plazi's "…, pp. 286-293 in Zootaxa,
    5737(2), 289").  Run before :func:`ir_ingest.crosswalk.post.type_from_set`: the type
    judged is the one the source gave.  The source value stays in ``extra``.
    """
    data = applied.data
    if (data.get("resource_type") or {}).get("uri") not in _LOOSELY_TYPED or data.get("host"):
        return
    extra = data.get("extra", {})
    paged = [(text, path) for path in HOST_SOURCES for text in extra.get(path, []) if _paged(text)]
    if len(paged) != 1:
        return  # several: which is the record's own host cannot be told
    host = data["host"] = {}
    _host_from_citation(applied, host, *paged[0])
    if not host:
        del data["host"]  # the citation named the record itself


def _paged(text: str) -> bool:
    """Whether ``text`` is a citation with a page range (see :func:`.citations.citation`)."""
    try:
        parsed = citation(text)
    except NormaliseError:
        return False
    return "end" in parsed.get("pages", {})


def meeting_of_talk(applied: Applied) -> None:
    """A talk's source that names a meeting is where it was given: Zenodo writes the meeting of
    a presentation or lecture into dc:source as it does a conference paper's ("PyHEP 2023
    Workshop, 9-12 October 2023").  A talk is no part of a publication (no host), so this is
    not :func:`host_from_part`'s; the text stays in ``extra`` as a paper's does."""
    data = applied.data
    if (data.get("resource_type") or {}).get("uri") not in _TALK_TYPES:
        return
    for path in HOST_SOURCES:
        for text in data.get("extra", {}).get(path, []):
            _conference(applied, text, path)


def organisation_host(applied: Applied) -> None:
    """A host known by its title alone that names one of the record's organisations is the
    repository's collection of that organisation's work, not a publication: OKHub's MODS of
    a ShareOK (DSpace) fact sheet names its community, "Oklahoma Cooperative Extension
    Service", as its host, and the same service as a contributor.

    As with the archival collections the MODS host rule leaves, the title goes to ``extra``
    under the element's path (a related item known only by its title cannot be linked), and
    an info issue says so.  Run before any step that changes the host's title.
    """
    data = applied.data
    host = data.get("host")
    if not host or host.keys() != {"title"}:
        return  # a publication's data: an imprint, a part, an identifier, editors
    paths = applied.lineage.get("host.title", [])
    if len(paths) != 1 or paths[0] in HOST_SOURCES:
        return  # read by host_from_part (its text is in extra), or from several values
    # Compared as lookups match: case and spacing aside, and a closing full stop.
    organisations = {
        lookup_key(agent["name"]).rstrip(".")
        for agent in (*data.get("creators", []), *data.get("contributors", []))
        if agent.get("type") == "organizational" and agent.get("name")
    }
    if lookup_key(host["title"]).rstrip(".") not in organisations:
        return
    del data["host"], applied.lineage["host.title"]
    at = _element_path(paths[0])
    data.setdefault("extra", {}).setdefault(at, []).append(host["title"])
    applied.consumed_values -= 1
    said = f"the host {host['title']!r} is the record's own organisation: taken as a collection"
    applied.issues.append(inferred(said, at))


_PREDICATE = re.compile(r"\[[^\[\]]*\]")


def _element_path(path: str) -> str:
    """The path ``extra`` keeps a value under: a rule's path without its predicates
    (``mods:relatedItem[@type='host'][…]/mods:title`` is ``mods:relatedItem/mods:title``)."""
    while (stripped := _PREDICATE.sub("", path)) != path:
        path = stripped
    return path


#: A conference paper or poster, whose source may name its meeting, not its proceedings.
_EVENT_PART_TYPES = frozenset((COAR + "c_5794", COAR + "c_6670"))
#: What is given at a meeting and published in nothing: a lecture, a conference presentation
#: (COAR 3's R60J-J5BD), a conference output of no finer type.
_TALK_TYPES = frozenset((COAR + "c_8544", COAR + "R60J-J5BD", COAR + "c_c94f"))


#: A title that names the proceedings, not the meeting: "Proceedings of…", "Proc. …", and as
#: French, Portuguese, Italian and German write it ("Actes du…", "Anais do…", "Atti del…").
_PROCEEDINGS = re.compile(r"(?i)(?:proceedings|proc\.|actes|anais|atti|tagungsband)\b")


def _conference(applied: Applied, text: str, path: str) -> bool:
    """Whether ``text`` names the meeting a paper was given at (Zenodo's dc:source of a
    conference paper: "GPHS2025, Global Public Health Summit 2025 …, Sri Lanka, 13-16 July
    2025"); it is then the record's conference (see :func:`meeting`), not its proceedings'
    title."""
    if not MEETING.search(text) or applied.data.get("conference") or _PROCEEDINGS.match(text):
        return False  # "Proceedings of the … Conference, Springer, Cham" is the proceedings
    if _numbered(text):
        return False  # so is "… Conference, 3(2), 1-9", whatever its first word
    conference = applied.data["conference"] = meeting(text)
    for key in conference:
        applied.lineage.setdefault(f"conference.{key}", []).append(path)
    said = f"the conference was read from {path} {text!r}"
    applied.issues.append(inferred(said, path, code="crosswalk.inferred_host"))
    return True


def _numbered(text: str) -> bool:
    """Whether ``text`` is a citation with a volume, issue or pages."""
    parsed = citation_or_none(text)
    return parsed is not None and has_numbers(parsed)


def has_numbers(parsed: dict[str, Any]) -> bool:
    """Whether a citation as read gives a volume, issue or pages."""
    return any(key in parsed for key in ("volume", "issue", "pages"))


def citation_or_none(text: str) -> dict[str, Any] | None:
    """``text`` read by :func:`.citations.citation`, or ``None`` where it is no citation."""
    try:
        return citation(text)
    except NormaliseError:
        return None


def host_ids(applied: Applied, text: str, path: str) -> bool:
    """Add the host identifiers ``text`` consists of; True if it is nothing else.

    One ("ISBN: 978…", "1234-5679") or several separated by ";" ("ISBN: 978…; 978…", Pure
    lists a book's print and electronic ISBNs so).  A value with anything else in it is no
    list of identifiers (OJS: "Journal; Vol 3 No 2 (2021); 15-27") and is read as a citation.
    """
    found: list[tuple[str, dict[str, str]]] = []
    errors: list[NormaliseError] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        try:
            one = host_identifier(part)
        except NormaliseError as exc:  # "ISBN: 978…" with a bad checksum: no title either
            errors.append(exc)
            continue
        if one is None:
            return False
        found.append((part, one))
    for error in errors:
        applied.issues.append(
            Issue(
                code="crosswalk.bad_value",
                message=f"{path}: {error}; the value is kept in extra",
                severity=Severity.WARNING,
                path=path,
            )
        )
    host = applied.data["host"]
    for part, one in found:
        known = {(i.get("scheme"), i.get("value")) for i in host.get("identifiers", [])}
        if (one["scheme"], one["value"]) in known:
            continue
        host.setdefault("identifiers", []).append(one)
        applied.lineage.setdefault("host.identifiers", []).append(path)
        applied.issues.append(
            inferred(f"an identifier of the host was read from {path} {part!r}", path)
        )
    return bool(found or errors)


def _host_from_citation(applied: Applied, host: dict[str, Any], text: str, path: str) -> None:
    """Fill ``host`` from a citation or title in ``path`` (see :func:`.citations.citation`).

    Title, volume, issue, year and pages as read; a text that is no citation we read leaves the
    host as it is.  The source value stays in ``extra`` verbatim and an info issue says the
    host was inferred from it.
    """
    parsed = citation_or_none(text)
    if parsed is not None:
        fill_host(applied, host, parsed, text, path)


def fill_host(
    applied: Applied, host: dict[str, Any], parsed: dict[str, Any], text: str, path: str
) -> None:
    """Fill ``host`` from the citation ``text`` in ``path``, read as ``parsed``."""
    own = (applied.data.get("title") or {}).get("value")
    if own and parsed["title"].casefold() == own.casefold():
        return  # Zenodo's dc:source that repeats the record's own title names no host
    # The source value stays in extra, verbatim; the host is our reading of it.
    issn = parsed.pop("issn", None)
    host.update(parsed)
    if issn is not None:
        host_ids(applied, f"ISSN: {issn}", path)
    for key in parsed:  # the title, and the volume, issue, pages or date the citation gives
        applied.lineage.setdefault(f"host.{key}", []).append(path)
    applied.issues.append(inferred(f"the host publication was read from {path} {text!r}", path))


def inferred(message: str, path: str, code: str = "crosswalk.inferred_host") -> Issue:
    """The info issue (``crosswalk.inferred_host``, ``…_series``, ``…_date``) saying what was
    read from the record as a whole, and where it went or came from."""
    return Issue(code, message, Severity.INFO, path)
