"""``ir-ingest reprocess``: crosswalk and validate the stored raw XML again, without harvesting.

After a crosswalk or validation change, every stored record goes through the pipeline again from
the raw XML kept with it, with the crosswalk that made it or the one its source's configuration
names now (:mod:`ir_ingest.jobs.crosswalk_choice`).  Records whose result is unchanged get no
new version; changed ones get one, exactly as if they had been harvested again.  A record a
harvest changed meanwhile keeps the harvest's version: it is left out when the batch is read,
and a harvest that commits between that check and the write wins too, as the store never
writes an older datestamp over a newer one (the entry is ``skipped``).

Rejects are tried first, so that a record that failed on a crosswalk bug is stored once the
bug is fixed.  Of each record's rejects the one with the newest datestamp is tried (compared as
dates; the latest written breaks a tie).  When it now crosswalks it is stored and the record's
rejects are forgotten.  When the store holds the record as new or newer (deleted, or in the
reject's format) the rejects are superseded and forgotten; held in another format they are left
alone, since storing them would replace that version.  The rest stay rejects, as they are, and
are listed in the report as failed.  A reject's format is its harvest run's; a reject no run
wrote (older versions of reprocess wrote some) has it told from its metadata's root element.

A stored record that no longer crosswalks keeps its current version and is listed as failed;
it is not copied to the rejects (its raw XML is kept with it already).  Each record is counted
once: a stored record whose newer reject was tried is not reprocessed after it (the reject is
stored in its place, or fails again and keeps waiting with the record's version unchanged).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING

from ir_ingest import xmlsafe
from ir_ingest.crosswalk import for_element
from ir_ingest.entry import Entry, HarvestedRecord, Issue, Outcome, Severity
from ir_ingest.errors import CrosswalkError, XMLError
from ir_ingest.jobs.crosswalk_choice import COMMAND_LINE, Chooser, check_choices
from ir_ingest.oai.datestamp import parse_datestamp
from ir_ingest.oai.records import UNIDENTIFIED, set_specs, unwrap
from ir_ingest.pipeline import process
from ir_ingest.report.keeper import ProgressKeeper, count_committed
from ir_ingest.report.model import RunReport
from ir_ingest.store import source_key
from ir_ingest.store.lock import locks_sources, source_lock
from ir_ingest.xmlsafe import OAI_NS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ir_ingest.jobs.crosswalk_choice import CrosswalkChoice
    from ir_ingest.oai.harvest import ProgressCallback
    from ir_ingest.store import Store

#: Records committed together.
BATCH = 200
#: What a reprocess run is kept under: its repository (or all) and this in place of a format
#: (no endpoint names a format so: metadataPrefix characters allow it, but nobody does).
ALL_SOURCES = "all sources"
RUN_PREFIX = "(reprocess)"
#: Where a reject whose datestamp cannot be read ranks: before every dated one.
_UNDATED = datetime.min.replace(tzinfo=UTC)
#: What the run issues about rejects not tried say (with their count).
_UNTRIED = {
    "reprocess.rejects_superseded": (
        "{} record(s) had rejects the store holds as new or newer versions of; "
        "those rejects were forgotten"
    ),
    "reprocess.rejects_other_format": (
        "{} record(s) have rejects in another format than the stored version, which is as new "
        "or newer; those rejects were left as they are"
    ),
}


def reprocess(
    store: Store,
    repository: str | None = None,
    on_batch: ProgressCallback | None = None,
    choices: Sequence[CrosswalkChoice] = (),
) -> RunReport:
    """Re-crosswalk every reject and every live stored record (of ``repository``, or all),
    each with the crosswalk that made it, or the one of the ``choices`` that covers it.

    The run is kept with the harvests' (``ir-ingest report`` shows it).  One reprocess runs
    at a time, whatever its scope: two would retry the same rejects.  A crosswalk file that
    cannot be loaded, or a choice naming no crosswalk, raises
    :class:`~ir_ingest.errors.ConfigError` before the run begins.
    """
    scope = repository or ALL_SOURCES
    if repository is not None:  # another source's choice is none of this run's business
        choices = [choice for choice in choices if choice.repository == repository]
    # Before any run begins or record is read: a broken crosswalk file would fail them all.
    check_choices(choices)
    choose = Chooser(choices)
    with source_lock(store, source_key(ALL_SOURCES, RUN_PREFIX, None)):
        run_id = store.begin_run(scope, RUN_PREFIX)
        report = RunReport(scope, RUN_PREFIX, run_id=run_id, kind="reprocess")
        # Said in the report's header, as a harvest's --crosswalk is.
        report.crosswalk = next(
            (choice.crosswalk for choice in choices if choice.origin == COMMAND_LINE), None
        )
        try:
            if locks_sources(store):  # no reprocess is going on but this one
                for key in store.running_sources():
                    if key.endswith(f" {RUN_PREFIX} *"):
                        store.end_dead_runs(key, run_id)
            _reprocess(store, repository, report, on_batch, choose)
            choose.report(report)
        except BaseException as exc:
            report.fail(exc)
            count_committed(store, report)
            store.finish_run(run_id, "failed", report.to_dict(), report.error)
            raise
        report.finish("completed")
        store.finish_run(run_id, "completed", report.to_dict())
    return report


def _reprocess(
    store: Store,
    repository: str | None,
    report: RunReport,
    on_batch: ProgressCallback | None,
    choose: Chooser,
) -> None:
    keep = ProgressKeeper(store, report)
    tried: set[tuple[str, str]] = set()
    untried: Counter[str] = Counter()
    rejects, listed = _newest_rejects(store, repository)
    for start in range(0, len(rejects), BATCH):
        keys = rejects[start : start + BATCH]
        tried |= _retry_rejects(store, keys, listed, report, untried, choose)
        keep()
        if on_batch is not None:
            on_batch(report)
    for code, count in sorted(untried.items()):
        report.add_run_issue(Issue(code, _UNTRIED[code].format(count), Severity.INFO), "rejects")
    stored = store.iter_harvested(repository)
    while batch := list(islice(stored, BATCH)):
        # A harvest may have changed or deleted some of these since they were read: its newer
        # state wins, they are left alone.
        current = store.unchanged_since_read(record for record, _ in batch) - tried
        entries = [
            process(choose(record), issues)
            for record, issues in batch
            if (record.repository, record.identifier) in current
        ]
        written = [entry for entry in entries if entry.record is not None]
        # Its counts committed with the batch, as a harvest's with each page: exact if killed.
        store.save_page(report.run_id, written, None, partial(report.counts_with, entries))
        report.add(_failed_kept(entries))
        keep()
        if on_batch is not None:
            on_batch(report)


def _newest_rejects(
    store: Store, repository: str | None
) -> tuple[list[int], dict[tuple[str, str], list[int]]]:
    """The key of each record's newest reject (see the module docstring), in written order;
    and the keys of all its rejects, as listed now (those forgotten once it is settled)."""
    newest: dict[tuple[str, str], tuple[datetime, int]] = {}
    listed: dict[tuple[str, str], list[int]] = {}
    # A record a harvest could not name cannot be matched to anything that supersedes it.
    for key, source, identifier, datestamp in store.list_rejects(repository, UNIDENTIFIED):
        rank = (parse_datestamp(datestamp) or _UNDATED, key)
        newest[source, identifier] = max(rank, newest.get((source, identifier), rank))
        listed.setdefault((source, identifier), []).append(key)
    return sorted(key for _, key in newest.values()), listed


def _retry_rejects(
    store: Store,
    keys: list[int],
    listed: dict[tuple[str, str], list[int]],
    report: RunReport,
    untried: Counter[str],
    choose: Chooser,
) -> set[tuple[str, str]]:
    """Try these rejects again; return the records tried (stored now, or failed again).

    A record settled forgets its rejects ``listed`` when the run began, and only those: one a
    harvest kept meanwhile is newer, and waits for the next run.  Those not tried are counted
    in ``untried`` by the code of the run issue that tells of them.
    """
    candidates = [
        # An error the response caused (malformed XML) comes back when the XML is parsed
        # again; a repair it needed does not (the raw XML kept is the repaired one).
        (_reread(harvested), [i for i in issues if i.severity is not Severity.ERROR])
        for harvested, issues in store.read_rejects(keys)
    ]
    stored = store.stored_states(harvested for harvested, _ in candidates)
    settled: list[tuple[str, str]] = []
    entries: list[Entry] = []
    for harvested, issues in candidates:
        key = (harvested.repository, harvested.identifier)
        state = stored.get(key)
        if state is None or not _as_new(state.datestamp, harvested.datestamp):
            entries.append(process(choose(harvested), issues))
        elif state.deleted or state.metadata_prefix == harvested.metadata_prefix:
            settled.append(key)
            untried["reprocess.rejects_superseded"] += 1
        else:
            untried["reprocess.rejects_other_format"] += 1
    written = [entry for entry in entries if entry.record is not None]
    store.save_page(report.run_id, written, None, partial(report.counts_with, entries))
    recovered = [(e.harvested.repository, e.harvested.identifier) for e in entries if e.record]
    store.drop_rejects(key for record in [*settled, *recovered] for key in listed[record])
    report.add(_failed_kept(entries))
    return {(entry.harvested.repository, entry.harvested.identifier) for entry in entries}


def _failed_kept(entries: list[Entry]) -> list[Entry]:
    """``entries``, those that failed marked so: they were not written, their rows stay."""
    for entry in entries:
        if entry.record is None and not entry.harvested.deleted:
            entry.outcome = Outcome.FAILED
    return entries


def _reread(harvested: HarvestedRecord) -> HarvestedRecord:
    """A reject as it was harvested: its sets from its header, its format if it has none.

    Raw XML that cannot be read, or whose format cannot be told, is returned as it is:
    :func:`process` names the problem again.
    """
    try:
        parsed = xmlsafe.parse(harvested.raw)
    except XMLError:
        return harvested
    record, metadata = unwrap(parsed.root)
    header = record.find(f"{{{OAI_NS}}}header") if record is not None else None
    prefix = harvested.metadata_prefix
    if not prefix and metadata is not None:
        with contextlib.suppress(CrosswalkError):
            prefix = for_element(metadata, None).format
    sets = set_specs(header) if header is not None else harvested.set_specs
    # The tree saves process() a second parse; a repaired one is parsed again, to say so.
    tree = parsed.root if not parsed.issues else None
    return replace(harvested, metadata_prefix=prefix, set_specs=sets, tree=tree)


def _as_new(stored: str, rejected: str) -> bool:
    """Whether the stored datestamp is the reject's or later (as dates: granularities differ)."""
    stored_at, rejected_at = parse_datestamp(stored), parse_datestamp(rejected)
    if stored_at is None or rejected_at is None:
        return stored == rejected
    return stored_at >= rejected_at
