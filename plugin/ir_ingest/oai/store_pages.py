"""Storing a run's pages: each page processed and committed with its window's checkpoint.

Each page's entries and the checkpoint that follows them (the resumption token for the next page,
the cursor, the newest datestamp seen) are committed in one transaction, so a run killed at any
moment (even ``kill -9``) is continued by the next run of the same source from its last committed
page: nothing lost, nothing stored twice.  A completed run leaves no token behind.  The pages are
fetched ahead in worker threads (:mod:`ir_ingest.oai.prefetch`) and stored here, one at a time.
"""

from __future__ import annotations

import functools
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from ir_ingest.entry import Entry, HarvestedRecord, Outcome
from ir_ingest.oai.archive import PageArchive
from ir_ingest.oai.datestamp import newest_datestamp, parse_datestamp
from ir_ingest.oai.pages import iter_pages, read_page
from ir_ingest.oai.prefetch import prefetched
from ir_ingest.pipeline import process
from ir_ingest.report.keeper import ProgressKeeper
from ir_ingest.store import Checkpoint

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ir_ingest.oai.client import OAIClient, Page
    from ir_ingest.oai.harvest import ProgressCallback
    from ir_ingest.oai.plan import HarvestOptions, Plan, WindowState
    from ir_ingest.report.model import RunReport
    from ir_ingest.store import Store


def harvest_windows(
    store: Store,
    client: OAIClient,
    report: RunReport,
    plan: Plan,
    options: HarvestOptions,
    on_page: ProgressCallback | None,
) -> None:
    """Fetch every window's pages in worker threads; store them here, one page at a time."""
    archive = None
    if options.archive is not None:
        archive = PageArchive(
            options.archive, client.repository, report.metadata_prefix, options.set_spec
        )
    producers = [functools.partial(_window_pages, client, options, state) for state in plan.windows]
    keep = ProgressKeeper(store, report)
    for index, page in prefetched(producers, options.parallel):
        state = plan.windows[index]
        if archive is not None:
            archive.write(report.run_id or 0, state.index, state.pages + 1, page.body)
        _store_page(store, report, state, page, options.crosswalk)
        report.complete_list_size = _known_total(plan.windows)
        keep()
        if on_page is not None:
            on_page(report)
    keep(now=True)  # before the sweep, which stores nothing and may take long


def _window_pages(client: OAIClient, options: HarvestOptions, state: WindowState) -> Iterator[Page]:
    """One window's pages, from its checkpoint on, fetched with a client of its own."""
    with client.sibling() as own:
        yield from iter_pages(
            own,
            state.window,
            token=state.token,
            last_datestamp=state.last_datestamp,
            guards=options.guards,
        )


def _store_page(
    store: Store, report: RunReport, state: WindowState, page: Page, crosswalk: str | None
) -> None:
    """Process one page, commit it with its window's checkpoint, count it."""
    assert report.run_id is not None
    # Records a prefetch thread parsed (a salvaged page) are parsed again from their bytes:
    # lxml evaluates XPath on another thread's document some 25x slower (its dictionaries
    # are thread-local), and a record costs far less to parse.
    own_trees = read_page(page)
    records = page.records if own_trees else [replace(h, tree=None) for h in page.records]
    if page.may_repeat:
        repeated = store.received_in_run(report.run_id, records)
        records = [
            h
            for h in records
            if h.identifier not in repeated and state.skipped.get(h.identifier) != h.datestamp
        ]
    if crosswalk is not None:
        records = [replace(h, crosswalk=crosswalk) for h in records]
    entries = _process_page(page, records)
    state.last_datestamp = newest_datestamp([page.newest_datestamp], state.last_datestamp)
    state.pages += 1
    state.records += len(entries)
    if page.complete_list_size is not None:
        state.complete_list_size = page.complete_list_size
    checkpoint = Checkpoint(
        source_key=state.key,
        run_id=report.run_id,
        token=page.token,
        cursor=page.cursor,
        complete_list_size=page.complete_list_size,
        last_datestamp=state.last_datestamp,
        pages=state.pages,
        records=state.records,
        cut_short=page.stop_issue is not None or page.recovery is not None,
    )
    store.save_page(report.run_id, entries, checkpoint)
    _remember_skipped(state, entries)
    report.pages += 1
    report.add(entries)
    for cut in (page.stop_issue, page.recovery):
        if cut is not None:
            report.add_run_issue(cut, state.window.describe())
            report.cut_short = True


def _remember_skipped(state: WindowState, entries: list[Entry]) -> None:
    """Note the entries not stored; forget those older than the window's newest datestamp."""
    for entry in entries:
        if entry.outcome is Outcome.SKIPPED:
            state.skipped[entry.harvested.identifier] = entry.harvested.datestamp
    newest = parse_datestamp(state.last_datestamp or "")
    if newest is not None and state.skipped:
        state.skipped = {
            identifier: stamp
            for identifier, stamp in state.skipped.items()
            if (parse_datestamp(stamp) or newest) >= newest
        }


#: Seconds of processing after which the prefetch threads get a turn at the GIL.
_YIELD_EVERY = 0.001


def _process_page(page: Page, records: list[HarvestedRecord]) -> list[Entry]:
    """Crosswalk and validate a page's records, giving the prefetch threads a turn now and then.

    A prefetch thread needs the GIL back for a moment after each socket read; behind this
    busy loop it would wait out the 5 ms switch interval every time, and requests took 31 ms
    a page instead of 25.  Yielding each millisecond keeps requests quick without handing the
    GIL over so often that processing starves when several windows are fetched at once
    (bench/harvest.py: 0.78x -> 0.88x Sickle sequentially; yielding after every record cost
    a fifth of the 4-window speed).
    """
    entries = []
    turn = time.perf_counter() + _YIELD_EVERY
    for harvested in records:
        issues = page.issues_by_identifier.get(harvested.identifier, ())
        entries.append(process(harvested, issues))
        if time.perf_counter() >= turn:
            time.sleep(0)  # releases the GIL to a thread waiting for it
            turn = time.perf_counter() + _YIELD_EVERY
    return entries


def _known_total(states: list[WindowState]) -> int | None:
    """The harvest's size as the endpoint announced it (completeListSize), where it did."""
    sizes = [s.complete_list_size for s in states if s.complete_list_size is not None]
    return sum(sizes) if sizes else None
