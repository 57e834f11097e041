"""The pipeline: one entry per harvested record, source -> parse -> crosswalk -> validate -> store.

Every stage appends issues to the entry instead of raising, so one bad record never stops a run.
:func:`process` runs the stages up to validation; the store is the caller's (a harvest commits a
page of entries together with its checkpoint).  Files for manual import enter here too, through
:func:`ir_ingest.documents.process_file`, and take the same path.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

from lxml import etree

from ir_ingest import xmlsafe
from ir_ingest.crosswalk import crosswalk_record, is_envelope
from ir_ingest.entry import DATESTAMP_LENGTH, Entry, HarvestedRecord, Issue, Severity
from ir_ingest.errors import ConfigError, CrosswalkError, XMLError
from ir_ingest.oai.datestamp import parse_datestamp
from ir_ingest.oai.records import unwrap
from ir_ingest.validate import validate_record

if TYPE_CHECKING:
    from collections.abc import Iterable


log = logging.getLogger(__name__)


def process(harvested: HarvestedRecord, issues: Iterable[Issue] = ()) -> Entry:
    """Parse, crosswalk and validate one harvested record; never raises for bad input.

    Raises :class:`~ir_ingest.errors.ConfigError` when a crosswalk file or lookup table is
    broken: that is the run's problem, not the record's.
    """
    entry = Entry(harvested, issues=list(issues))
    if len(harvested.datestamp) > DATESTAMP_LENGTH:
        entry.issues.append(_long_datestamp(harvested.datestamp))
    elif harvested.datestamp and parse_datestamp(harvested.datestamp) is None:
        # Empty is a file's, which has no header (see HarvestedRecord), or a header's without one.
        entry.issues.append(_bad_datestamp(harvested.datestamp))
    if harvested.deleted or entry.has_errors:
        return entry  # a tombstone, or a record an earlier stage already failed (a reject)
    metadata = _metadata(entry)
    if metadata is None:
        return entry
    source = harvested.to_source(raw_sha256=hashlib.sha256(harvested.raw).hexdigest())
    try:
        result = crosswalk_record(metadata, harvested.metadata_prefix, source)
    except CrosswalkError as exc:
        entry.issues.append(Issue(exc.code, str(exc), Severity.ERROR))
        return entry
    except ConfigError:
        # A crosswalk file or lookup table that cannot be read fails every record alike: the
        # run's failure, said once, not each record's (nor a traceback per record).
        raise
    except Exception as exc:  # a crosswalk bug must not end the run; the raw XML is kept
        log.exception("crosswalk failed on %s", harvested.identifier)
        entry.issues.append(
            Issue("crosswalk.internal_error", f"{type(exc).__name__}: {exc}", Severity.ERROR)
        )
        return entry
    entry.record = result.record
    entry.lineage = result.lineage
    entry.issues.extend(result.issues)
    entry.issues.extend(validate_record(result.record))
    return entry


def _long_datestamp(datestamp: str) -> Issue:
    """A datestamp the store's columns cut (OAI-PMH §3.3.1 allows 20 characters; a CRIS
    export has sent an HTTP date followed by a note): the record is kept, its order unknown."""
    return Issue(
        "oai.long_datestamp",
        f"the datestamp is {len(datestamp)} characters long; the store's datestamp columns "
        f"keep its first {DATESTAMP_LENGTH} (the record keeps it whole): {datestamp[:80]!r}",
        Severity.WARNING,
    )


def _bad_datestamp(datestamp: str) -> Issue:
    """A datestamp that reads as no date ("01/02/2020", "yesterday"): the record is kept, and its
    copies are told apart by the order they came in."""
    return Issue(
        "oai.bad_datestamp",
        f"the header's datestamp {datestamp!r} is no date (OAI-PMH's are YYYY-MM-DD or "
        "YYYY-MM-DDThh:mm:ssZ): the record is stored, but which of its copies is newer cannot "
        "be told by it",
        Severity.WARNING,
    )


def _metadata(entry: Entry) -> etree._Element | None:
    """The parse stage: the record's metadata element, or ``None`` with an error issue."""
    harvested = entry.harvested
    tree = harvested.tree
    if tree is None:
        try:
            parsed = xmlsafe.parse(harvested.raw, source=harvested.identifier)
        except XMLError as exc:
            entry.issues.append(Issue(exc.code, str(exc), Severity.ERROR))
            return None
        entry.issues.extend(parsed.issues)
        tree = parsed.root
    record, metadata = unwrap(tree)
    if metadata is None:
        entry.issues.append(
            Issue("oai.no_metadata", "the record has no metadata element", Severity.ERROR)
        )
    elif is_envelope(metadata):
        message = envelope_message(metadata, in_record=record is not None)
        entry.issues.append(Issue("crosswalk.wrong_root", message, Severity.ERROR))
        return None
    return metadata


def envelope_message(element: etree._Element, *, in_record: bool) -> str:
    """What to do about part of OAI-PMH's envelope where a metadata record belongs: inside a
    record's ``<metadata>`` (the endpoint's doing), or as a file's root."""
    name = f"OAI-PMH's <{etree.QName(element).localname}> element"
    if in_record:
        return (
            f"this record's <metadata> holds {name}, not a metadata record (oai_dc, MODS…): "
            "the endpoint wraps a whole OAI-PMH response in its records' metadata, which no "
            "crosswalk reads; ask the endpoint's owner to fix it"
        )
    return (
        f"the document holds {name}, part of an OAI-PMH response: save the whole response, one "
        "OAI <record>, or the metadata record inside its <metadata>; import and crosswalk "
        "read each of those"
    )
