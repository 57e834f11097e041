"""Storing a run's pages: each page processed and committed with its window's checkpoint.

Each page's entries and the checkpoint that follows them (the resumption token for the next page,
the cursor, the newest datestamp seen) are committed in one transaction, so a run killed at any
moment (even ``kill -9``) is continued by the next run of the same source from its last committed
page: nothing lost, nothing stored twice.  A completed run leaves no token behind.  The pages are
fetched ahead in worker threads (:mod:`ir_ingest.oai.prefetch`), crosswalked here or in a
process of their own (:mod:`ir_ingest.worker`), and stored here, one at a time, in order.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import deque
from dataclasses import replace
from typing import TYPE_CHECKING

from ir_ingest.collector import collector_for_pages
from ir_ingest.crosswalk import crosswalk_dirs, warm_up
from ir_ingest.crosswalk.lookups import lookup_dirs
from ir_ingest.entry import Entry, HarvestedRecord, Issue, Outcome
from ir_ingest.errors import HarvestError
from ir_ingest.oai.archive import PageArchive
from ir_ingest.oai.datestamp import newest_datestamp, parse_datestamp
from ir_ingest.oai.fallback import FormatFallback, fallback_is_the_format
from ir_ingest.oai.offload import Offload, cores
from ir_ingest.oai.overlap import SharedSeconds
from ir_ingest.oai.pages import iter_pages, read_page
from ir_ingest.oai.prefetch import prefetched
from ir_ingest.oai.strays import Strays
from ir_ingest.pipeline import process
from ir_ingest.report.keeper import ProgressKeeper
from ir_ingest.store import Checkpoint
from ir_ingest.store.run_reports import PAGES
from ir_ingest.worker import CrosswalkWorker

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ir_ingest.oai.client import OAIClient
    from ir_ingest.oai.harvest import ProgressCallback
    from ir_ingest.oai.plan import HarvestOptions, Plan, WindowState
    from ir_ingest.oai.responses import Page
    from ir_ingest.report.model import RunReport
    from ir_ingest.store import Store

log = logging.getLogger(__name__)


def harvest_windows(
    store: Store,
    client: OAIClient,
    report: RunReport,
    plan: Plan,
    options: HarvestOptions,
    on_page: ProgressCallback | None,
) -> None:
    """Fetch every window's pages in worker threads; store them here, one page at a time."""
    producers = [functools.partial(_window_pages, client, options, state) for state in plan.windows]
    keep = ProgressKeeper(store, report)

    def committed() -> None:
        report.complete_list_size = _known_total(plan.windows)
        keep()
        if on_page is not None:
            on_page(report)

    pages = _PageLine(store, report, options, client.repository, committed, plan.bounds)
    if options.fallback_prefix == report.metadata_prefix:
        # Only prefix auto gets here (run_harvest refuses the fallback prefix named as the
        # prefix): it took the fallback's format, and there is nothing to fall back to.
        report.add_run_issue(fallback_is_the_format(report.metadata_prefix), "plan")
    elif options.fallback_prefix is not None:
        # Asked for from here, between pages: a client of this thread, paced with the others.
        own = client.sibling()
        pages.fallback = FormatFallback(own, options.fallback_prefix, store, report)
    warming = warm_up(options.crosswalk or report.metadata_prefix)
    try:
        with collector_for_pages():
            for index, page in prefetched(producers, options.parallel, warming, store.copy_wal):
                pages.add(plan.windows[index], page)
            pages.finish()
    except HarvestError:
        pages.finish()  # the pages processed meanwhile are stored before the run fails
        raise
    finally:
        pages.close()
        for issue in pages.strays.issues():
            report.add_run_issue(issue, "ListRecords")
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


#: Pages sent to the crosswalk process and not answered yet from which this process, rather
#: than wait for it, crosswalks the pages that come itself.  Pages come quicker than one
#: process crosswalks them where windows are fetched in parallel, and this one, which only
#: stores them, has time to spare.  4 windows of 50,000 records (bench/harvest.py, 20 ms a
#: page): with test suites running beside it, 5.1-5.7 s with 6 here (it took 14-18% of the
#: pages), 6.2 s without; with 2 it took 42% of them and 6.4-7.2 s, the crosswalk process then
#: waiting for it.  On a quiet machine 1-2% (5.68 and 6.72 s against 5.76 and 6.81 s): both
#: cores are then 87-89% busy without it, the endpoint's process taking its share.
_BEHIND = 6
#: Pages processed, or sent to be, and not committed yet, after which the first is committed
#: even where that waits for the crosswalk process.
_PENDING = 8


class _PageLine:
    """Pages from fetch to store, in order.  With a crosswalk process, pages are processed
    there while those before them are committed here; and here too, while it is behind
    (:data:`_BEHIND`)."""

    def __init__(
        self,
        store: Store,
        report: RunReport,
        options: HarvestOptions,
        repository: str,
        committed: Callable[[], None],
        bounds: list[tuple[str | None, str | None]],
    ) -> None:
        self.store = store
        self.committed = committed
        self.report = report
        self.crosswalk = options.crosswalk
        self.archive = None
        if options.archive is not None:
            self.archive = PageArchive(
                options.archive, repository, report.metadata_prefix, options.set_spec
            )
        self.offload = Offload(
            options.crosswalk_process,
            # Parallel windows are asked for where a harvest is long: no need for proof.
            parallel=options.parallel > 1,
            # The endpoint's count (completeListSize) is of the list asked for: in date
            # windows, of one window, which says nothing of the harvest's length.
            counted=options.window is None,
        )
        self.worker: CrosswalkWorker | None = None
        #: Pages sent to the crosswalk process (entries ``None`` until it answers) or processed
        #: here, in the order they are committed.
        self.pending: deque[tuple[WindowState, Page, list[Entry] | None]] = deque()
        self.strays = Strays()
        self.shared = SharedSeconds(bounds)
        self.fallback: FormatFallback | None = None

    def add(self, state: WindowState, page: Page) -> None:
        """Process and commit ``page``; or hand it to the crosswalk process, and commit the
        first page there if it has too many."""
        self.offload.turning()
        try:
            self._add(state, page)
        finally:
            self.offload.turned_now()

    def _add(self, state: WindowState, page: Page) -> None:
        worker = self._worker(page)
        if worker is None or page.may_repeat or not self._ready(worker):
            # A page that may repeat is read here: the store must hold every page before it
            # to tell what this run stored already.
            self.finish()
            self._here(state, page)
            return
        if worker.unanswered >= _BEHIND:
            self.pending.append((state, page, self._processed_here(state, page)))
        else:
            try:
                worker.send(page, self.crosswalk)
            except HarvestError as exc:
                self._without_worker(exc)
                self._here(state, page)
                return
            self.pending.append((state, page, None))
        while self.pending and (len(self.pending) > _PENDING or self._first_done()):
            self._commit_first()

    def finish(self) -> None:
        """Commit the pages the crosswalk process has."""
        while self.pending:
            self._commit_first()

    def close(self) -> None:
        """Stop the crosswalk process, and the fallback's client, where there are."""
        if self.worker is not None:
            self.worker.close()
        if self.fallback is not None:
            self.fallback.client.close()

    def _here(self, state: WindowState, page: Page) -> None:
        """Process a page in this process and commit it."""
        self._commit(state, page, self._processed_here(state, page))

    def _processed_here(self, state: WindowState, page: Page) -> list[Entry]:
        records = _page_records(self.store, self.report, state, page, self.crosswalk)
        return _process_page(page, records)

    def _first_done(self) -> bool:
        """Whether the first pending page can be committed without waiting."""
        assert self.worker is not None
        return self.pending[0][2] is not None or self.worker.unanswered < self.worker.in_flight

    def _commit_first(self) -> None:
        """Commit the first pending page, once processed (or all, here, if the crosswalk
        process failed)."""
        assert self.worker is not None
        entries = self.pending[0][2]
        if entries is None:
            try:
                entries = self.worker.receive()
            except HarvestError as exc:
                self._without_worker(exc)
                return
        state, page, _ = self.pending.popleft()
        self._commit(state, page, entries)

    def _ready(self, worker: CrosswalkWorker) -> bool:
        try:
            return worker.ready
        except HarvestError as exc:  # it could not warm up
            self._without_worker(exc)
            return False

    def _without_worker(self, exc: HarvestError) -> None:
        """Go on in this process after the crosswalk process failed, with the pages it had,
        unless it was asked for (then the run fails: the user wanted it, and should know)."""
        if self.offload.asked:
            raise exc
        log.warning("%s; going on without it", exc)
        self.report.add_run_issue(
            Issue("harvest.crosswalk_process_failed", f"{exc}; the harvest went on without it"),
            "crosswalk process",
        )
        if self.worker is not None:
            self.worker.close()
        self.worker, self.offload.asked = None, False
        pending, self.pending = self.pending, deque()
        for state, page, entries in pending:
            if entries is None:
                self._here(state, page)
            else:
                self._commit(state, page, entries)

    def _commit(self, state: WindowState, page: Page, entries: list[Entry]) -> None:
        """Archive the page; commit its entries with its window's checkpoint; count them."""
        report = self.report
        assert report.run_id is not None
        entries = self.shared.repeats_left_out(page, entries)
        if self.fallback is not None:
            # Before the page is written, so that each record's better copy alone is stored;
            # committed with the page, a killed run asks again for what it had not committed.
            entries = self.fallback.applied(entries)
        if self.archive is not None:
            self.archive.write(report.run_id, state.index, state.pages + 1, page.body)
        state.last_datestamp = newest_datestamp([page.newest_datestamp], state.last_datestamp)
        state.pages += 1
        state.records += len(entries)
        if page.complete_list_size is not None:
            state.complete_list_size = page.complete_list_size
        # The window's, not the page's: the pages after a recovery are whole, the window is
        # not, and a run continued after an interruption reads it from the last checkpoint.
        state.cut_short = (
            state.cut_short or page.stop_issue is not None or page.recovery is not None
        )
        checkpoint = Checkpoint(
            source_key=state.key,
            run_id=report.run_id,
            token=page.token,
            cursor=page.cursor,
            complete_list_size=page.complete_list_size,
            last_datestamp=state.last_datestamp,
            pages=state.pages,
            records=state.records,
            cut_short=state.cut_short,
        )
        # The run's counts and pages are committed with the page: a killed run's are exact.
        self.store.save_page(
            report.run_id,
            entries,
            checkpoint,
            lambda: {**report.counts_with(entries), PAGES: report.pages + 1},
        )
        _remember_skipped(state, entries)
        self.strays.note(state.window, page, entries)
        report.pages += 1
        report.add(entries)
        for cut in (page.stop_issue, page.recovery):
            if cut is not None:
                report.add_run_issue(cut, state.window.describe())
                report.cut_short = True
        self.committed()

    def _worker(self, page: Page) -> CrosswalkWorker | None:
        """The crosswalk process, started when it is wanted: always (waiting for it to warm
        up), never, or (``None``) where it may use several cores once a harvest has proved
        long and held up by its own work: started for a few pages, or for a harvest that
        waits for its endpoint, a process costs more than it saves."""
        if self.worker is None and self.offload.asked is not False:
            if self.offload.asked:
                self.worker = CrosswalkWorker(crosswalk_dirs(), lookup_dirs())
                self.worker.wait_ready()
                return self.worker
            wanted = self.offload.wanted(page)
            if wanted is False:
                self.offload.asked = False  # it keeps up with its endpoint: decided once
            elif wanted and cores() > 1:
                try:
                    self.worker = CrosswalkWorker(crosswalk_dirs(), lookup_dirs())
                except HarvestError as exc:
                    self._without_worker(exc)
        return self.worker


def _page_records(
    store: Store, report: RunReport, state: WindowState, page: Page, crosswalk: str | None
) -> list[HarvestedRecord]:
    """A page's records to process: read here, those this run already stored left out."""
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
    return records


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
