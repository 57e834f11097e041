"""Reading OAI-PMH records out of a parsed response (OAI-PMH 2.0 §2.5 and §4).

A record's header (identifier, datestamp, sets, deleted status) and its XML as received become a
:class:`~ir_ingest.entry.HarvestedRecord`; a record without an identifier is kept under a name of
its own, to be stored as a reject.  :func:`unwrap` finds the record and its metadata in a
document given whole (a saved response, a bare ``<record>``, a bare metadata element).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import TYPE_CHECKING

from lxml import etree

from ir_ingest import xmlsafe
from ir_ingest.entry import HarvestedRecord, Issue, Severity
from ir_ingest.xmlrepair import repairs_by_part
from ir_ingest.xmlsafe import OAI_NS, OAI_XPATH

if TYPE_CHECKING:
    from collections.abc import Iterable

RECORDS = etree.XPath("/oai:OAI-PMH/*/oai:record | /oai:OAI-PMH/oai:record", namespaces=OAI_XPATH)
_HEADERS = etree.XPath("/oai:OAI-PMH/*/oai:header | /oai:OAI-PMH/oai:header", namespaces=OAI_XPATH)
_OAI_PMH, _RECORD, _METADATA = (f"{{{OAI_NS}}}{name}" for name in ("OAI-PMH", "record", "metadata"))
_HEADER, _IDENTIFIER, _DATESTAMP, _SET_SPEC = (
    f"{{{OAI_NS}}}{name}" for name in ("header", "identifier", "datestamp", "setSpec")
)


def read_headers(root: etree._Element, repository: str, prefix: str) -> list[HarvestedRecord]:
    """Read every ``<header>`` of a ListIdentifiers response as a header-only record."""
    return [
        _harvested(header, repository, prefix, b"", None)
        for header in xmlsafe.elements(_HEADERS(root))
    ]


#: Identifier prefix of a record whose header names none (it can only become a reject).
UNIDENTIFIED = "urn:ir-ingest:unidentified:"


def read_records(root: etree._Element, repository: str, prefix: str) -> list[HarvestedRecord]:
    """Read every ``<record>`` of a response into :class:`HarvestedRecord` objects.

    A record without a header or identifier cannot be tracked; it is named
    ``urn:ir-ingest:unidentified:<hash of its XML>`` so that it is kept, raw, as a reject.
    """
    records = []
    for node in xmlsafe.elements(RECORDS(root)):
        raw = xmlsafe.to_bytes(node)
        headers = list(node.iterchildren(_HEADER))  # by tag: an XPath call costs microseconds
        harvested = _harvested(headers[0] if headers else node, repository, prefix, raw, node)
        if not harvested.identifier or not headers:
            digest = hashlib.sha256(raw).hexdigest()[:20]
            harvested = replace(harvested, identifier=UNIDENTIFIED + digest, deleted=False)
        records.append(harvested)
    return records


def unidentified_issues(records: list[HarvestedRecord]) -> dict[str, list[Issue]]:
    """An error issue for each record whose header named no identifier."""
    return {
        record.identifier: [
            Issue(
                "oai.no_identifier",
                "the record's header has no identifier; it is kept as a reject",
                Severity.ERROR,
            )
        ]
        for record in records
        if record.identifier.startswith(UNIDENTIFIED)
    }


def _harvested(
    header: etree._Element,
    repository: str,
    prefix: str,
    raw: bytes,
    tree: etree._Element | None,
) -> HarvestedRecord:
    # The header's children read in one pass: two findtext() and an iterfind() had read them
    # three times through ElementPath (this function was 5% of the crosswalk process's time on
    # a page of oai_dc records, py-spy); and only the texts used, each child's tag once (lxml
    # makes a tag's string anew at every read).
    identifier = datestamp = None
    specs = []
    for child in header:
        tag = child.tag
        if tag == _IDENTIFIER:
            identifier = (child.text or "") if identifier is None else identifier
        elif tag == _DATESTAMP:
            datestamp = (child.text or "") if datestamp is None else datestamp
        elif tag == _SET_SPEC:
            specs.append(child.text or "")
    # By position: keywords cost a frozen dataclass's __init__ 0.8 µs more (of 3.3).
    return HarvestedRecord(
        repository,
        (identifier or "").strip(),
        (datestamp or "").strip(),
        prefix,
        raw,
        _sorted_specs(specs),
        header.get("status") == "deleted",
        None,  # the crosswalk: the one the prefix names
        tree,
    )


def set_specs(header: etree._Element) -> tuple[str, ...]:
    """The sets a record's ``<header>`` says it belongs to (§2.5), sorted.

    Sets have no order, and endpoints list them in any (DSpace by collection, Pure by type):
    as sent, the same record in another order looked changed and got a new version.
    """
    return _sorted_specs(spec.text or "" for spec in header.iterfind(_SET_SPEC))


def _sorted_specs(texts: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(text.strip() for text in texts))


def adopt_bare_record(root: etree._Element) -> None:
    """Put a namespace-less ``<record>`` (with ``<header>`` or ``<metadata>``) into the OAI-PMH
    namespace, in place.

    Tools that strip namespaces save harvested records so (DPLA's ingestion3 test records);
    the metadata inside keeps its own namespace and is not touched.
    """
    if root.tag != "record" or not any(child.tag in ("header", "metadata") for child in root):
        return
    root.tag = f"{{{OAI_NS}}}record"
    for child in root:
        if child.tag in ("header", "metadata", "about"):
            child.tag = f"{{{OAI_NS}}}{child.tag}"
    header = root.find(f"{{{OAI_NS}}}header")
    for part in header if header is not None else ():
        if isinstance(part.tag, str) and not part.tag.startswith("{"):
            part.tag = f"{{{OAI_NS}}}{part.tag}"


def unwrap(root: etree._Element) -> tuple[etree._Element | None, etree._Element | None]:
    """Find the OAI ``<record>`` and the metadata element in a document.

    Accepts a whole OAI-PMH response (GetRecord or ListRecords: its first record), a bare
    ``<record>`` (with or without its namespace), or a bare metadata element (then there is no
    record element).
    """
    adopt_bare_record(root)
    record: etree._Element | None = root
    tag = root.tag
    if tag == _OAI_PMH:
        found = xmlsafe.elements(RECORDS(root))
        record = found[0] if found else None
    elif tag != _RECORD:
        return None, root
    if record is None:
        return None, None
    # The children looked at, not record.find(): that costs lxml a path's set-up, every record.
    metadata = next((child for child in record if child.tag == _METADATA), None)
    if metadata is None or not len(metadata):
        return record, None
    return record, metadata[0]


def attribute_repairs(root: etree._Element, parsed: xmlsafe.Parsed) -> dict[str, list[Issue]]:
    """Give each record an issue for each repair made inside it, naming the lines."""
    records = xmlsafe.elements(RECORDS(root))
    issues: dict[str, list[Issue]] = {}
    for node, found in repairs_by_part(records, parsed.repairs, "response").items():
        identifier = node.findtext(f"{{{OAI_NS}}}header/{{{OAI_NS}}}identifier", default="")
        if str(identifier).strip():
            issues[str(identifier).strip()] = found
    return issues
