"""The harvest loop: list pages into the store, checkpointed after every page.

Each page's entries and the checkpoint that follows them (the resumption token for the next page,
the cursor, the newest datestamp seen) are committed in one transaction, so a run killed at any
moment (even ``kill -9``) is continued by the next run of the same source from its last committed
page: nothing lost, nothing stored twice.  A completed run leaves no token behind.

Around that loop: incremental runs (``from`` = start of the last completed harvest minus a safety
overlap, at the endpoint's granularity), date windows harvested one after another or in parallel
(:mod:`ir_ingest.oai.windows`), pages fetched ahead while the previous one is stored
(:mod:`ir_ingest.oai.prefetch`), an optional raw-page archive, and for ``full`` runs a
ListIdentifiers sweep that lists records gone from the source without a deletion notice.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from ir_ingest.crosswalk import check_crosswalk_name, richest_format
from ir_ingest.entry import Entry, HarvestedRecord, Issue, Outcome, Severity
from ir_ingest.errors import ConfigError, HarvestError, MalformedResponseError, OAIProtocolError
from ir_ingest.oai.archive import PageArchive
from ir_ingest.oai.bounds import bound_argument, bound_moment
from ir_ingest.oai.client import OAIClient, Page
from ir_ingest.oai.datestamp import format_datestamp, newest_datestamp, parse_datestamp
from ir_ingest.oai.pages import PageGuards, Window, iter_pages, read_page
from ir_ingest.oai.prefetch import prefetched
from ir_ingest.oai.windows import WINDOW_SIZES, date_windows
from ir_ingest.pipeline import process
from ir_ingest.report.keeper import ProgressKeeper
from ir_ingest.report.model import RunReport
from ir_ingest.store import Checkpoint, Store, default_db_url, source_key
from ir_ingest.store.lock import locks_sources, source_lock

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from ir_ingest.oai.transport import TransportPolicy
    from ir_ingest.store.runs import RunInfo

ProgressCallback = Callable[[RunReport], None]
log = logging.getLogger(__name__)

#: Subtracted from the last harvest's start for the next ``from``: clocks differ and endpoints
#: index late (DSpace's own harvester pads by 120 s; a few minutes costs nothing).
DEFAULT_OVERLAP = timedelta(minutes=10)
#: The prefix that asks the endpoint which formats it offers and takes the richest we read.
AUTO_PREFIX = "auto"
#: Most date windows harvested at once from one endpoint.
MAX_PARALLEL = 8
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class HarvestOptions:
    """What to harvest and how; the defaults make an incremental, sequential, resumable run."""

    set_spec: str | None = None
    from_date: str | None = None
    until_date: str | None = None
    full: bool = False
    window: str | None = None
    parallel: int = 1
    archive: Path | None = None
    policy: TransportPolicy | None = None
    guards: PageGuards = field(default_factory=PageGuards)
    overlap: timedelta = DEFAULT_OVERLAP
    resume: bool = True
    #: The crosswalk to read records with, when not the one the prefix names.
    crosswalk: str | None = None


@dataclass(slots=True)
class _WindowState:
    """One window's progress, as its checkpoint records it."""

    index: int
    key: str
    window: Window
    token: str | None = None
    last_datestamp: str | None = None
    pages: int = 0
    records: int = 0
    complete_list_size: int | None = None
    #: Records this window received but did not store (the store holds a newer or richer
    #: copy), by identifier, with their datestamps: the store cannot tell them from records not
    #: received yet when a recovery sends them again.  Only those not older than the newest
    #: datestamp are kept, as a recovery asks from there.
    skipped: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Plan:
    from_date: str | None
    sync_started_at: datetime
    windows: list[_WindowState]
    resumed: RunInfo | None
    #: A window the resumed run finished had been cut short by a guard.
    cut_short: bool
    #: An unfinished run of the source this one does not continue (it asked for other records).
    left: RunInfo | None = None


def run_harvest(
    url: str,
    prefix: str,
    *,
    db_url: str | None = None,
    store: Store | None = None,
    on_page: ProgressCallback | None = None,
    repository: str | None = None,
    set_spec: str | None = None,
    from_date: str | None = None,
    until_date: str | None = None,
    full: bool = False,
    window: str | None = None,
    parallel: int = 1,
    archive: Path | None = None,
    policy: TransportPolicy | None = None,
    guards: PageGuards | None = None,
    overlap: timedelta = DEFAULT_OVERLAP,
    resume: bool = True,
    crosswalk: str | None = None,
) -> RunReport:
    """Harvest ``url`` in format ``prefix`` into the store and return the run's report.

    ``prefix`` ``auto`` asks ListMetadataFormats and takes the richest format a crosswalk
    reads (MODS over qualified DC over oai_dc); the report names the one taken.

    Without ``from_date`` a run asks only for what changed since the last completed run of the
    source began (minus ``overlap``); ``full`` asks for everything and then sweeps with
    ListIdentifiers for records gone from the source.  ``window`` (``monthly``/``daily``) splits
    the harvest into date windows, ``parallel`` of them fetched at once.  An unfinished run of
    the same source (killed, or failed after its retries) is continued from its checkpoints
    unless ``resume`` is false.  Raises :class:`~ir_ingest.errors.HarvestError` when the
    endpoint fails beyond its retry budget; the run is then stored as ``failed`` with its
    checkpoints intact.  ``repository`` is the name records and checkpoints are kept under
    (default: ``url``); ``archive`` a directory for the raw pages; ``crosswalk`` the crosswalk
    to read records with when not the one the prefix names (or, for a prefix that names none,
    the one the root element names).
    """
    options = HarvestOptions(
        set_spec=set_spec,
        from_date=from_date,
        until_date=until_date,
        full=full,
        window=window,
        parallel=parallel,
        archive=archive,
        policy=policy,
        guards=guards or PageGuards(),
        overlap=overlap,
        resume=resume,
        crosswalk=crosswalk,
    )
    if not 1 <= options.parallel <= MAX_PARALLEL:
        raise ConfigError(f"parallel must be between 1 and {MAX_PARALLEL}, got {options.parallel}")
    # Checked before any request: a typing error is the user's, not the endpoint's.
    _bounds_at(options, day=False)
    check_crosswalk_name(crosswalk)
    if options.window is not None and options.window not in WINDOW_SIZES:
        sizes = " or ".join(WINDOW_SIZES)
        raise ConfigError(f"window must be {sizes}, got {options.window!r}")
    own_store = store is None
    store = store or Store(db_url or default_db_url())
    try:
        with OAIClient(url, options.policy, repository) as client:
            if prefix == AUTO_PREFIX:
                prefix = _richest_offered(client, crosswalk)
            if crosswalk == prefix:
                # The crosswalk the prefix names anyway: records must not say otherwise.
                options = replace(options, crosswalk=None)
            key = source_key(client.repository, prefix, options.set_spec, options.crosswalk)
            with source_lock(store, key):
                return _run(store, client, prefix, options, on_page)
    finally:
        if own_store:
            store.close()


_AUTO_FAILED = (
    "{}: asking which formats it offers (ListMetadataFormats, for --prefix auto) failed: {}; "
    "give --prefix"
)


def _richest_offered(client: OAIClient, reader: str | None) -> str:
    """The prefix ``auto`` stands for: the richest format the endpoint offers that we read
    (that the crosswalk ``reader`` reads, when the run has one)."""
    try:
        offered = client.metadata_formats()
    except OAIProtocolError as exc:
        if exc.code != "noMetadataFormats":
            raise HarvestError(_AUTO_FAILED.format(client.repository, exc)) from exc
        offered = []
    except MalformedResponseError as exc:
        raise HarvestError(_AUTO_FAILED.format(client.repository, exc)) from exc
    chosen = richest_format(((prefix, namespace) for prefix, _, namespace in offered), reader)
    if chosen is None:
        names = ", ".join(prefix for prefix, _, _ in offered) or "none"
        by = "a crosswalk reads" if reader is None else f"the crosswalk {reader!r} reads"
        raise HarvestError(
            f"{client.repository} offers no format {by} (it offers: {names}); "
            "give --prefix, and add a crosswalk of your own for it"
        )
    return chosen


def _run(
    store: Store,
    client: OAIClient,
    prefix: str,
    options: HarvestOptions,
    on_page: ProgressCallback | None,
) -> RunReport:
    key = source_key(client.repository, prefix, options.set_spec, options.crosswalk)
    if options.from_date is not None or options.until_date is not None:
        options = _bounds_at(options, client.identify_endpoint().day_granularity)
    plan = _plan(store, client, key, prefix, options)
    run_id = store.begin_run(
        client.repository,
        prefix,
        options.set_spec,
        plan.from_date,
        options.until_date,
        window=options.window,
        full=options.full,
        sync_started_at=plan.sync_started_at,
        crosswalk=options.crosswalk,
    )
    report = RunReport(
        repository=client.repository,
        metadata_prefix=prefix,
        run_id=run_id,
        set_spec=options.set_spec,
        from_date=plan.from_date,
        until_date=options.until_date,
        window=options.window,
        crosswalk=options.crosswalk,
        resumed_from_token=plan.windows[0].token if len(plan.windows) == 1 else None,
        resumed_run_id=plan.resumed.id if plan.resumed else None,
    )
    # A window the run this one continues had cut short is not asked for again here (its
    # checkpoint says "done"): the cut must stay on record, or the records it left are lost.
    report.cut_short = plan.cut_short
    if plan.left is not None and not _asks_for_all_of(plan, options.until_date, plan.left):
        report.add_run_issue(_left_issue(plan.left), "plan")
    try:
        _end_dead_runs(store, key, run_id, plan.resumed)
        _harvest_windows(store, client, report, plan, options, on_page)
        # Only a run that asked for everything: an empty incremental run is the usual case,
        # and listing a DSpace's thousands of sets after each one would cost many requests.
        if options.set_spec is not None and report.total == 0 and plan.from_date is None:
            _check_set(client, report, options.set_spec)
        if options.full:
            _sweep(store, client, report, options)
    except BaseException as exc:
        report.fail(exc)
        store.finish_run(run_id, "failed", report.to_dict(), report.error)
        raise
    # A window a guard cut short (repeated token, empty pages, request cap) left records
    # unasked for: such a run is "incomplete", and the next incremental run starts from the
    # last *completed* one, so those records are asked for again instead of skipped for good.
    status = "incomplete" if report.cut_short else "completed"
    report.finish(status)
    store.finish_run(run_id, status, report.to_dict())
    return report


def _end_dead_runs(store: Store, key: str, run_id: int, resumed: RunInfo | None) -> None:
    """Mark the runs that say ``running`` but are not going on as failed: this source's
    earlier ones (its lock is ours), and other sources' whose lock is free.

    Nothing is marked when the locks cannot tell (an in-memory store, a database without
    locks): a run may be going on in another thread or process.
    """
    if not locks_sources(store):
        return
    store.end_dead_runs(key, run_id, resumed.id if resumed else None)
    for other in store.running_sources() - {key}:
        try:
            with source_lock(store, other, wait=0):
                store.end_dead_runs(other, run_id)
        except HarvestError:
            continue  # a run of that source is going on


def _bounds_at(options: HarvestOptions, day: bool) -> HarvestOptions:
    """``options`` with ``from``/``until`` as the endpoint's granularity needs them (§3.3.1).

    Sent as typed they failed: pyoai's server (and others) answer ``badArgument`` when
    ``from`` and ``until`` differ in granularity, which every incremental run with a date-only
    ``--until`` did (its ``from`` is a datestamp); and an offset such as ``+02:00`` is no
    OAI-PMH datestamp at all.  Raises :class:`ConfigError` naming a value that cannot be read.
    """
    bounds = {}
    for name, value in (("from", options.from_date), ("until", options.until_date)):
        upper = name == "until"
        sent = None if value is None else bound_argument(value, upper=upper, day_granularity=day)
        if value is not None and sent is None:
            raise ConfigError(
                f"--{name} must be a date (YYYY-MM-DD) or a datestamp "
                f"(YYYY-MM-DDThh:mm:ssZ, or with an offset), got {value!r}"
            )
        bounds[name] = sent
    _check_order(options.from_date, options.until_date, "--from is")
    return replace(options, from_date=bounds["from"], until_date=bounds["until"])


def _check_order(from_date: str | None, until_date: str | None, start: str) -> None:
    """Refuse a ``from`` after ``until``: the endpoint would answer noRecordsMatch (or
    badArgument, §3.3.1), and the run would complete having asked for nothing."""
    since = _moment(from_date)
    until = bound_moment(until_date, upper=True) if until_date else None
    if since is not None and until is not None and since > until:
        raise ConfigError(
            f"{start} {from_date}, after --until {until_date}: nothing could be harvested "
            "(give an earlier --from, a later --until, or --full)"
        )


def _check_set(client: OAIClient, report: RunReport, set_spec: str) -> None:
    """Say so when an empty run asked for a set the endpoint does not list (§4.6).

    Endpoints answer an unknown set with ``noRecordsMatch`` as often as with ``badArgument``:
    a mistyped set then looks like a set with nothing new in it.
    """
    try:
        listed = [spec for spec, _ in client.sets()]
    except HarvestError as exc:  # advice only: the harvest itself went well
        log.warning("%s: could not list the sets to check %r: %s", client.base_url, set_spec, exc)
        return
    if set_spec in listed:
        return
    shown = ", ".join(listed[:10]) + (f" and {len(listed) - 10} more" if len(listed) > 10 else "")
    report.add_run_issue(
        Issue(
            "harvest.unknown_set",
            f"the endpoint lists no set {set_spec!r} (its sets: {shown or 'none'})",
            Severity.WARNING,
        ),
        "ListSets",
    )


def _plan(store: Store, client: OAIClient, key: str, prefix: str, options: HarvestOptions) -> _Plan:
    """Continue the source's unfinished run, or start afresh (incremental unless ``full``)."""
    last = store.last_run(key) if options.resume else None
    # Continue an unfinished run only if it got somewhere (a checkpoint) and asked for the same
    # thing: a run that failed on its first request (a from= the endpoint refused) is not
    # replayed forever, and a new --from or --until is a new request.  (Another crosswalk is
    # another source: see source_key.)
    unfinished = (
        last is not None
        and last.status in ("running", "failed")
        and store.run_has_checkpoints(last.id)
    )
    resumable = (
        last is not None
        and unfinished
        and (last.window, last.full) == (options.window, options.full)
        and options.from_date in (None, last.from_date)
        and options.until_date == last.until_date
    )
    if last is not None and resumable:
        windows, cut_short = _windows(
            store, client, key, prefix, options, last.from_date, last.sync_started_at, fresh=False
        )
        return _Plan(last.from_date, last.sync_started_at, windows, last, cut_short)
    started = datetime.now(UTC)
    from_date = options.from_date
    if from_date is None and not options.full:
        from_date = _incremental_from(store, client, key, options.overlap)
    _check_order(from_date, options.until_date, "this incremental run starts at")
    windows, _ = _windows(store, client, key, prefix, options, from_date, started, fresh=True)
    return _Plan(from_date, started, windows, None, False, last if unfinished else None)


def _asks_for_all_of(plan: _Plan, until_date: str | None, left: RunInfo) -> bool:
    """Whether a run asking for ``plan.from_date``..``until_date`` asks for every record
    the unfinished run ``left`` asked for (date windows split a range, they do not cut it)."""
    until, left_until = _moment(until_date), _moment(left.until_date)
    if until is not None and (left_until is None or until < left_until):
        return False
    since, left_since = _moment(plan.from_date), _moment(left.from_date)
    if since is None:
        return True
    return left_since is not None and not left.full and since <= left_since


def _left_issue(left: RunInfo) -> Issue:
    """Say that an unfinished run is not continued, and what asks for its records again."""
    everything = left.full or left.from_date is None
    asked = ["--full"] if everything else [f"--from {left.from_date}"]
    asked += [f"--until {left.until_date}"] if left.until_date else []
    return Issue(
        "harvest.unfinished_run_left",
        f"run {left.id} did not finish, and this run does not ask for all the records it "
        f"asked for; harvest with {' '.join(asked)} to ask for them again",
        Severity.WARNING,
    )


def _incremental_from(store: Store, client: OAIClient, key: str, overlap: timedelta) -> str | None:
    """``from`` for an incremental run: the last completed harvest's start minus ``overlap``."""
    synced = store.last_synced_at(key)
    if synced is None:
        return None
    return format_datestamp(synced - overlap, client.identify_endpoint().day_granularity)


def _windows(
    store: Store,
    client: OAIClient,
    key: str,
    prefix: str,
    options: HarvestOptions,
    from_date: str | None,
    sync_started_at: datetime,
    *,
    fresh: bool,
) -> tuple[list[_WindowState], bool]:
    """The run's windows with their checkpoints, and whether a window a resumed run finished
    had been cut short; windows a resumed run finished are left out."""
    bounds: list[tuple[str | None, str | None]] = [(from_date, options.until_date)]
    keys = [key]
    if options.window is not None:
        bounds = _window_bounds(client, options, from_date, sync_started_at)
        keys = [f"{key} [{lower or '*'} {upper}]" for lower, upper in bounds]
        if fresh:
            store.clear_checkpoints(f"{key} [")
    states = []
    cut_short = False
    for index, ((lower, upper), window_key) in enumerate(zip(bounds, keys, strict=True)):
        state = _WindowState(index, window_key, Window(prefix, options.set_spec, lower, upper))
        checkpoint = None if fresh else store.checkpoint(window_key)
        if checkpoint is not None and checkpoint.token is not None:
            state.token, state.last_datestamp = checkpoint.token, checkpoint.last_datestamp
            state.pages, state.records = checkpoint.pages, checkpoint.records
        elif checkpoint is not None and options.window is not None:
            # Finished before the run was interrupted; if a guard cut it short, the run that
            # continues this one is incomplete too (the cut is saved with the checkpoint).
            cut_short = cut_short or checkpoint.cut_short
            continue
        states.append(state)
    return states, cut_short


def _window_bounds(
    client: OAIClient, options: HarvestOptions, from_date: str | None, sync_started_at: datetime
) -> list[tuple[str | None, str | None]]:
    """``(from, until)`` of each date window; without ``from_date`` the first has no ``from``.

    Identify's earliestDatestamp (§4.2) only sizes the first window: migrated repositories
    (a DSpace or Pure import) announce their migration day while keeping the records'
    original, older datestamps, which a first window starting there would never ask for.
    """
    assert options.window is not None
    identify = client.identify_endpoint()
    start = _moment(from_date) or _moment(identify.earliest_datestamp) or _EPOCH
    until = options.until_date
    # Inclusive (§3.3.1): a date-only until is the whole day, not its first second.
    end = (bound_moment(until, upper=True) if until else None) or sync_started_at
    day = identify.day_granularity
    pairs: list[tuple[str | None, str | None]] = list(
        date_windows(start, end, options.window, day_granularity=day)
    )
    if from_date is None:
        # An earliestDatestamp later than the end still leaves one open window.
        last = pairs[0][1] if pairs else format_datestamp(end, day)
        pairs[:1] = [(None, last)]
    return pairs


def _moment(stamp: str | None) -> datetime | None:
    return parse_datestamp(stamp) if stamp else None


def _harvest_windows(
    store: Store,
    client: OAIClient,
    report: RunReport,
    plan: _Plan,
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


def _window_pages(
    client: OAIClient, options: HarvestOptions, state: _WindowState
) -> Iterator[Page]:
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
    store: Store, report: RunReport, state: _WindowState, page: Page, crosswalk: str | None
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


def _remember_skipped(state: _WindowState, entries: list[Entry]) -> None:
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


def _known_total(states: list[_WindowState]) -> int | None:
    """The harvest's size as the endpoint announced it (completeListSize), where it did."""
    sizes = [s.complete_list_size for s in states if s.complete_list_size is not None]
    return sum(sizes) if sizes else None


def _sweep(store: Store, client: OAIClient, report: RunReport, options: HarvestOptions) -> None:
    """ListIdentifiers over the whole source; stored live records it misses go on a review list.

    Nothing is deleted: a record gone without a deletion notice (``deletedRecord=no`` endpoints,
    or a transient failure: DOAJ/doaj#1408) is for a person to look at.  A sweep a guard cut
    short, or one that had to ask again after an expired token (§3.5: a recovery from the
    newest datestamp misses older records an endpoint listing by identifier sends later), has
    not seen every live record: it lists none as gone.
    """
    assert report.run_id is not None
    window = Window(report.metadata_prefix, options.set_spec)
    complete = True
    for page in iter_pages(client, window, verb="ListIdentifiers", guards=options.guards):
        live = [h.identifier for h in page.records if not h.deleted]
        store.mark_swept(report.run_id, client.repository, live)
        for cut in (page.stop_issue, page.recovery):
            if cut is not None:
                report.add_run_issue(cut, "ListIdentifiers sweep")
                complete = False
    if not complete:
        return
    gone = store.not_swept(
        report.run_id, client.repository, report.metadata_prefix, options.set_spec
    )
    report.gone_from_source = gone
    if gone:
        report.add_run_issue(
            Issue(
                "harvest.gone_from_source",
                f"{len(gone)} stored records are no longer listed by the source and it sent no "
                "deletion for them; they are kept, listed for review",
                Severity.WARNING,
            ),
            "ListIdentifiers sweep",
        )
