"""Files and saved OAI-PMH responses into entries: what ``import`` and ``crosswalk`` read.

A document is an OAI-PMH response (every record in it), an OAI ``<record>``, bare metadata, or
a collection of records (``mods:modsCollection``); each record then takes the pipeline's path
(:func:`ir_ingest.pipeline.process`), as a harvested one does.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from lxml import etree

from ir_ingest import xmlsafe
from ir_ingest.crosswalk import content_id, for_element, is_envelope
from ir_ingest.entry import Entry, HarvestedRecord, Issue
from ir_ingest.errors import CrosswalkError, IngestError, XMLError
from ir_ingest.oai.records import RECORDS, adopt_bare_record, set_specs, unwrap
from ir_ingest.oai.salvage import read_one_by_one
from ir_ingest.owners import Sources, file_owner, response_owner
from ir_ingest.pipeline import envelope_message, process
from ir_ingest.xmlrepair import repairs_by_part
from ir_ingest.xmlsafe import OAI_NS

if TYPE_CHECKING:
    from pathlib import Path
    from typing import BinaryIO


def read_file(path: Path, prefix: str | None = None) -> list[HarvestedRecord]:
    """Read a file for manual import: an OAI-PMH response (every record in it), an OAI
    ``<record>``, bare metadata, or a collection of records (``mods:modsCollection``).

    Raises :class:`~ir_ingest.errors.XMLError` or :class:`~ir_ingest.errors.CrosswalkError`,
    naming the file, when it cannot be read or its format is unknown.  The endpoint named in an
    OAI-PMH response's ``<request>`` element becomes the repository, so a record imported from a
    saved GetRecord response has the same id as the one harvested from that endpoint.  An
    OAI-PMH ``noRecordsMatch`` answer is an empty result, as a harvest reads it: no record
    (the only document that gives none; any other without records is refused).
    """
    return _read(_file_bytes(path), str(path), prefix)[1]


def all_read(entries: list[Entry], name: str) -> list[Entry]:
    """``entries`` if every record in them could be read (or is a deletion); else an
    :class:`~ir_ingest.errors.IngestError` naming ``name`` and what went wrong, for a manual
    import, which stores all of a document or none of it."""
    for entry in entries:
        if entry.record is None and not entry.harvested.deleted:
            problems = "; ".join(issue.message for issue in entry.issues)
            raise IngestError(f"{name}: not imported: {problems}")
    return entries


def process_file(
    path: Path,
    prefix: str | None = None,
    crosswalk: str | None = None,
    sources: Sources | None = None,
    repository: str | None = None,
) -> list[Entry]:
    """Read a file as :func:`read_file` does and :func:`process` each of its records, with
    the crosswalk ``crosswalk`` when given (else the one the prefix or the root names);
    ``repository``: as :func:`process_document` takes it."""
    raw = _file_bytes(path)
    return process_document(raw, str(path), prefix, crosswalk, None, sources, repository)


def process_stream(
    handle: BinaryIO,
    name: str,
    prefix: str | None = None,
    crosswalk: str | None = None,
    sources: Sources | None = None,
    repository: str | None = None,
) -> list[Entry]:
    """:func:`process_file` for a stream (stdin, a pipe) that messages call ``name``: read as
    a file is, within the same size limit, and decompressed when it is gzip data."""
    try:
        raw = xmlsafe.read_stream(handle, name)
    except OSError as exc:
        raise XMLError(
            f"cannot read it: {exc.strerror or exc}", code="xml.unreadable", source=name
        ) from exc
    return process_document(raw, name, prefix, crosswalk, None, sources, repository)


def process_document(
    raw: bytes,
    name: str,
    prefix: str | None = None,
    crosswalk: str | None = None,
    endpoint: str | None = None,
    sources: Sources | None = None,
    repository: str | None = None,
) -> list[Entry]:
    """:func:`process_file` for a document already read (fetched from a URL, say), which
    messages call ``name``.  ``endpoint``: the base URL an OAI-PMH response was fetched from,
    which names its records' repository, as a harvest of it would (not its ``<request>``,
    which a proxy or an endpoint's own idea of its address may write otherwise).  When
    ``sources`` knows that URL (and the set the ``<request>`` asked for) as a configured
    source's, its records are that source's: kept under its name, read with its crosswalk
    unless ``crosswalk`` is given (:func:`~ir_ingest.owners.response_owner`).  ``repository``
    (``--repository``) is the name they are kept under whatever names the endpoint, as a
    harvest given it keeps them (at configured sources' endpoint, one of their names:
    :func:`~ir_ingest.owners.response_owner`); bare metadata, without an OAI identifier, is
    then refused (:func:`~ir_ingest.owners.file_owner`).

    A record taken out of a larger document (a ListRecords page, a collection) is stored as its
    own XML, which no longer shows the characters the parser removed from it; it gets the issue
    here instead.  The records of an OAI-PMH response are cut apart and parsed one by one to
    tell which lost characters, as a harvest does; those of a collection by their lines.
    """
    parsed, records = _read(raw, name, prefix, endpoint, sources, repository)
    # The crosswalk the format names anyway is not the record's own (as in a harvest).
    records = [
        replace(
            h, crosswalk=None if (own := crosswalk or h.crosswalk) == h.metadata_prefix else own
        )
        for h in records
    ]
    repairs: dict[str, list[Issue]] = {}
    if parsed.repairs and len(records) > 1:
        records, repairs = _repaired(raw, parsed, records, prefix)
    return [process(h, repairs.get(h.identifier, [])) for h in records]


def _repaired(
    raw: bytes, parsed: xmlsafe.Parsed, records: list[HarvestedRecord], prefix: str | None
) -> tuple[list[HarvestedRecord], dict[str, list[Issue]]]:
    """``records``, each read on its own where it can be, as a harvest reads a repaired page
    (an encoding is judged record by record: the same page gave two texts of one record by
    import and harvest, and a record flipped at every run), and the repair issues
    (``xml.illegal_characters``, ``xml.wrong_encoding``) of each, by identifier."""
    one_by_one = read_one_by_one(raw, records[0].repository, prefix or "oai_dc")
    # Paired by place (both in the order of the <record> elements): identifiers may repeat,
    # or be missing and named otherwise by each reading.
    if one_by_one is not None and len(one_by_one.records) == len(records):
        pairs = list(zip(records, one_by_one.records, strict=True))
        found = one_by_one.issues_by_identifier
        return [replace(h, tree=alone.tree, raw=alone.raw) for h, alone in pairs], {
            h.identifier: [i for i in found.get(alone.identifier, []) if i.code.startswith("xml.")]
            for h, alone in pairs
        }
    parts = {h.tree: h.identifier for h in records if h.tree is not None}
    by_part = repairs_by_part(list(parts), parsed.repairs, "document")
    return records, {parts[part]: issues for part, issues in by_part.items()}


def _file_bytes(path: Path) -> bytes:
    try:
        return xmlsafe.read_bounded(path)
    except OSError as exc:
        raise XMLError(
            # An OSError without an errno (io.UnsupportedOperation) had said "None".
            f"cannot read the file: {exc.strerror or exc}",
            code="xml.unreadable",
            source=str(path),
        ) from exc


def _read(
    raw: bytes,
    name: str,
    prefix: str | None,
    endpoint: str | None = None,
    sources: Sources | None = None,
    named: str | None = None,
) -> tuple[xmlsafe.Parsed, list[HarvestedRecord]]:
    parsed = _parsed(raw, name)
    root = parsed.root
    adopt_bare_record(root)  # raw stays as the file has it
    if root.tag == f"{{{OAI_NS}}}OAI-PMH":
        records = xmlsafe.elements(RECORDS(root))
        error = root.find(f"{{{OAI_NS}}}error")
        if not records and error is not None and _no_records_match(error):
            # An empty result, as a harvest reads it (§3.6): an archived page of a window
            # with nothing new had been refused as an error.
            return parsed, []
        if not records and error is not None:  # a saved error answer (§3.6)
            said = " ".join((error.text or "").split())  # an error is one line
            raise XMLError(
                # An error may say nothing more: it had ended in "noRecordsMatch: "
                f"the document is an OAI-PMH error response: {error.get('code')}"
                + (f": {said}" if said else ""),
                code="oai.error_response",
                source=name,
            )
        if not records:
            raise XMLError(
                f"the OAI-PMH response holds no record{_answering(root)}",
                code="oai.no_metadata",
                source=name,
            )
        repository, crosswalk = response_owner(name, root, endpoint, sources, named)
    else:
        records = [root] if root.tag == f"{{{OAI_NS}}}record" else []
        repository, crosswalk = file_owner(name, named, records), None
    # A whole file that was repaired is parsed again by process(), which reports the repair.
    base = HarvestedRecord(
        repository=repository,
        identifier="",
        datestamp="",  # no OAI header: no datestamp (see HarvestedRecord)
        metadata_prefix=prefix or "oai_dc",
        raw=raw,
        tree=root if not parsed.issues else None,
        crosswalk=crosswalk,
    )
    if len(records) <= 1:
        return parsed, _harvested(name, records[0] if records else None, root, base, prefix)
    return (
        parsed,
        [
            found
            for record in records
            for found in _harvested(
                name,
                record,
                record,
                replace(base, raw=xmlsafe.to_bytes(record), tree=record),
                prefix,
            )
        ],
    )


def _no_records_match(error: etree._Element) -> bool:
    """Whether an OAI-PMH ``<error>`` is ``noRecordsMatch``, written as the harvest accepts it
    (" noRecordsMatch", "NoRecordsMatch": :mod:`ir_ingest.oai.client`)."""
    return (error.get("code") or "").strip().lower() == "norecordsmatch"


#: The verbs whose answers hold records (§4): those import and crosswalk read.
_RECORD_VERBS = ("GetRecord", "ListRecords")


def _parsed(raw: bytes, name: str) -> xmlsafe.Parsed:
    """``raw`` parsed; a document that is no XML at all is refused saying what import reads:
    a user had given it the JSON lines ``export`` writes, and read "the document is JSON, not
    XML" as a fault of that file."""
    try:
        return xmlsafe.parse(raw, source=name)
    except XMLError as exc:
        if exc.code != "xml.not_xml":
            raise
        said = str(exc).removeprefix(f"{name}: ")
        json = said.startswith("the document is JSON")
        export = "; the JSON `ir-ingest export` writes cannot be imported" if json else ""
        raise XMLError(
            f"{said}: ir-ingest reads XML (OAI-PMH responses, MODS or Dublin Core records){export}",
            code=exc.code,
            source=name,
        ) from exc


def _answering(root: etree._Element) -> str:
    """What an OAI-PMH response without records answers, for the message that refuses it: a
    saved Identify or ListIdentifiers had been said to hold "no record", as if it were empty."""
    envelope = {f"{{{OAI_NS}}}responseDate", f"{{{OAI_NS}}}request"}
    answers = [
        etree.QName(child).localname
        for child in root
        if isinstance(child.tag, str) and child.tag not in envelope
    ]
    verb = answers[0] if answers else None
    if verb is None or verb in _RECORD_VERBS:
        return ""
    return (
        f": it answers {verb}"
        + (" (headers only)" if verb == "ListIdentifiers" else "")
        + "; import and crosswalk read GetRecord and ListRecords responses"
    )


def _harvested(
    name: str,
    record: etree._Element | None,
    document: etree._Element,
    base: HarvestedRecord,
    prefix: str | None,
) -> list[HarvestedRecord]:
    """The harvested record(s) of one OAI ``<record>`` (or of bare metadata when it is None).

    A record is named by its OAI header; without one, by the hash of its metadata
    (``urn:sha256:…``, as an offline crosswalk names it), never by the file's name: two files
    called ``export.xml`` hold different records.
    """
    _, metadata = unwrap(document if record is None else record)
    header = record.find(f"{{{OAI_NS}}}header") if record is not None else None
    deleted = header is not None and header.get("status") == "deleted"
    if header is not None:
        base = replace(
            base,
            identifier=header.findtext(f"{{{OAI_NS}}}identifier", default="").strip()
            or base.identifier,
            datestamp=header.findtext(f"{{{OAI_NS}}}datestamp", default="").strip(),
            set_specs=set_specs(header),
            deleted=deleted,
        )
    if deleted and not base.identifier:
        # Nothing names the record it deletes: stored, it was a tombstone of identifier "", a
        # deletion of nothing in every export (a harvest keeps such a record as a reject).
        raise XMLError(
            "a deleted record's header names no identifier (its datestamp: "
            f"{base.datestamp or 'none'}): which record it deletes cannot be told",
            code="oai.no_identifier",
            source=name,
        )
    if metadata is None:
        if not deleted:
            raise XMLError(
                f"no metadata found for record {base.identifier or 'without identifier'}",
                code="oai.no_metadata",
                source=name,
            )
        return [base]
    members = _members(name, metadata, prefix, in_record=record is not None)
    if members[0][0] is metadata:  # one record, not a collection (of any size) of them
        return [
            replace(
                base,
                identifier=base.identifier or content_id(metadata),
                metadata_prefix=members[0][1],
            )
        ]
    return [
        replace(
            base,
            identifier=content_id(member),
            metadata_prefix=format_,
            raw=xmlsafe.to_bytes(member),
            tree=member,
        )
        for member, format_ in members
    ]


def _members(
    name: str, metadata: etree._Element, prefix: str | None, *, in_record: bool
) -> list[tuple[etree._Element, str]]:
    """The records in a metadata element (inside an OAI ``<record>``, or the file's root):
    itself, or each child of a collection wrapper."""
    try:
        return [(metadata, for_element(metadata, prefix).format)]
    except CrosswalkError as exc:
        error = exc
    children = [child for child in metadata if isinstance(child.tag, str)]
    try:
        members = [(child, for_element(child, prefix).format) for child in children]
    except CrosswalkError:
        members = []
    if not members and is_envelope(metadata):
        message = envelope_message(metadata, in_record=in_record)
        raise CrosswalkError(f"{name}: {message}", code=error.code) from error
    if not members:
        raise CrosswalkError(f"{name}: {error}", code=error.code) from error
    return members
