"""``ir-ingest reprocess``: crosswalk and validate the stored raw XML again, without harvesting.

After a crosswalk or validation change, every stored record goes through the pipeline again from
the raw XML kept with it.  Records whose result is unchanged get no new version; changed ones
get one, exactly as if they had been harvested again.  A record a harvest changed meanwhile keeps
the harvest's version.  The check and the write are two transactions apart, so a harvest that
commits in between can still be overwritten by the older text: run reprocess when no harvest of
the source is running.

Rejects are tried again too, the newest of each record, so a record that failed on a crosswalk
bug is stored once the bug is fixed.  One that now crosswalks is stored and its rejects are
forgotten.  One the store meanwhile holds as new or newer (same datestamp or later, compared as
dates) is superseded and forgotten, when the store holds it deleted or in the reject's format;
held in another format it is left alone, since storing it would replace that version.  The
rest stay rejects, once each, and are listed in the report.  A reject's format is its harvest
run's, or, for a file import, told from its metadata's root element.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from itertools import islice
from typing import TYPE_CHECKING

from ir_ingest import xmlsafe
from ir_ingest.crosswalk import for_element
from ir_ingest.entry import Entry, HarvestedRecord, Outcome
from ir_ingest.errors import CrosswalkError, XMLError
from ir_ingest.oai.client import OAI_NS, UNIDENTIFIED, set_specs, unwrap
from ir_ingest.oai.datestamp import parse_datestamp
from ir_ingest.pipeline import process
from ir_ingest.report.model import RunReport

if TYPE_CHECKING:
    from ir_ingest.oai.harvest import ProgressCallback
    from ir_ingest.store import Store

#: Records committed together.
BATCH = 200


def reprocess(
    store: Store, repository: str | None = None, on_batch: ProgressCallback | None = None
) -> RunReport:
    """Re-crosswalk every live stored record (of ``repository``, or all) and store the results."""
    report = RunReport(repository=repository or "all sources", metadata_prefix="*")
    # Read first: a record that fails now becomes a reject below, and is not to be tried twice.
    # A record a harvest could not name cannot be matched to anything that supersedes it.
    rejects = store.newest_rejects(repository, skip_prefix=UNIDENTIFIED)
    stored = store.iter_harvested(repository)
    while batch := list(islice(stored, BATCH)):
        # A harvest may have changed or deleted some of these since they were read: its newer
        # state wins, they are left alone.
        current = store.unchanged_since_read(record for record, _ in batch)
        entries = [
            process(record, issues)
            for record, issues in batch
            if (record.repository, record.identifier) in current
        ]
        store.save_page(None, entries, None)
        report.add(entries)
        if on_batch is not None:
            on_batch(report)
    for start in range(0, len(rejects), BATCH):
        _retry_rejects(store, rejects[start : start + BATCH], report)
        if on_batch is not None:
            on_batch(report)
    report.finish("completed")
    return report


def _retry_rejects(store: Store, keys: list[int], report: RunReport) -> None:
    """Try these rejects again: store the recovered, forget the superseded, count the rest."""
    candidates = [(_reread(harvested), issues) for harvested, issues in store.read_rejects(keys)]
    stored = store.stored_states(harvested for harvested, _ in candidates)
    settled: list[tuple[str, str]] = []
    entries: list[Entry] = []
    for harvested, issues in candidates:
        key = (harvested.repository, harvested.identifier)
        state = stored.get(key)
        if state is None or not _as_new(state.datestamp, harvested.datestamp):
            entries.append(process(harvested, issues))
        elif state.deleted or state.metadata_prefix == harvested.metadata_prefix:
            settled.append(key)
    recovered = [entry for entry in entries if entry.record is not None]
    store.save_page(None, recovered, None)
    settled += [(e.harvested.repository, e.harvested.identifier) for e in recovered]
    store.drop_rejects(settled)
    for entry in entries:
        if entry.record is None:
            entry.outcome = Outcome.FAILED  # its reject row stays; writing it would add a copy
    report.add(entries)


def _reread(harvested: HarvestedRecord) -> HarvestedRecord:
    """A reject as it was harvested: its sets from its header, its format if it has none.

    Raw XML that cannot be read, or whose format cannot be told, is returned as it is:
    :func:`process` names the problem again.
    """
    try:
        record, metadata = unwrap(xmlsafe.parse(harvested.raw).root)
    except XMLError:
        return harvested
    header = record.find(f"{{{OAI_NS}}}header") if record is not None else None
    prefix = harvested.metadata_prefix
    if not prefix and metadata is not None:
        with contextlib.suppress(CrosswalkError):
            prefix = for_element(metadata, None).format
    sets = set_specs(header) if header is not None else harvested.set_specs
    return replace(harvested, metadata_prefix=prefix, set_specs=sets)


def _as_new(stored: str, rejected: str) -> bool:
    """Whether the stored datestamp is the reject's or later (as dates: granularities differ)."""
    stored_at, rejected_at = parse_datestamp(stored), parse_datestamp(rejected)
    if stored_at is None or rejected_at is None:
        return stored == rejected
    return stored_at >= rejected_at
