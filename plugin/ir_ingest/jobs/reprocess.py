"""``ir-ingest reprocess``: crosswalk and validate the stored raw XML again, without harvesting.

After a crosswalk or validation change, every stored record goes through the pipeline again from
the raw XML kept with it.  Records whose result is unchanged get no new version; changed ones
get one, exactly as if they had been harvested again.  A record a harvest changed meanwhile keeps
the harvest's version.  The check and the write are two transactions apart, so a harvest that
commits in between can still be overwritten by the older text: run reprocess when no harvest of
the source is running.

Rejects are tried again too (the newest of each record): one that now crosswalks, after a new
crosswalk or a fixed bug, is stored and its rejects are forgotten; one the store meanwhile holds
at the same or a newer datestamp is superseded and forgotten; the rest stay rejects, listed in
the report.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import islice
from typing import TYPE_CHECKING

from ir_ingest import xmlsafe
from ir_ingest.crosswalk import for_element
from ir_ingest.entry import Entry, HarvestedRecord, Issue, Outcome, Severity
from ir_ingest.errors import CrosswalkError, XMLError
from ir_ingest.oai.client import unwrap
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
    stored = store.iter_harvested(repository)
    while batch := list(islice(stored, BATCH)):
        # A harvest may have changed or deleted some of these since they were read: its newer
        # state wins, they are left alone.
        current = store.unchanged_since_read(record for record, _ in batch)
        entries = [
            process(record, issues) for record, issues in batch if record.identifier in current
        ]
        store.save_page(None, entries, None)
        report.add(entries)
        if on_batch is not None:
            on_batch(report)
    _retry_rejects(store, repository, report, on_batch)
    report.finish("completed")
    return report


def _retry_rejects(
    store: Store, repository: str | None, report: RunReport, on_batch: ProgressCallback | None
) -> None:
    rejects = store.iter_rejects(repository)
    while batch := list(islice(rejects, BATCH)):
        stored = store.stored_datestamps(harvested for harvested, _ in batch)
        # A record the store holds as new as the reject (a later harvest got it) is not retried.
        superseded = [
            h for h, _ in batch if h.identifier in stored and stored[h.identifier] >= h.datestamp
        ]
        entries = [_retry(h, issues) for h, issues in batch if h not in superseded]
        # A reject that fails again keeps its row; writing it would only add a copy.
        again = [entry for entry in entries if entry.record is None]
        for entry in again:
            entry.outcome = Outcome.FAILED
        recovered = [entry for entry in entries if entry.record is not None]
        store.save_page(None, recovered, None)
        store.drop_rejects([*superseded, *(entry.harvested for entry in recovered)])
        report.add(entries)
        if on_batch is not None:
            on_batch(report)


def _retry(harvested: HarvestedRecord, issues: list[Issue]) -> Entry:
    """Process a reject again, its format told from its metadata's root (rejects do not keep it).

    XML that cannot be read or holds no metadata goes through :func:`process` as it is, which
    names the problem again.
    """
    try:
        _, metadata = unwrap(xmlsafe.parse(harvested.raw).root)
        if metadata is None:
            return process(harvested, issues)
        crosswalk = for_element(metadata, None)
    except XMLError:
        return process(harvested, issues)
    except CrosswalkError as exc:
        return Entry(harvested, issues=[*issues, Issue(exc.code, str(exc), Severity.ERROR)])
    return process(replace(harvested, metadata_prefix=crosswalk.format), issues)
