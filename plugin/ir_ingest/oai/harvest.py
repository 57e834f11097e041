"""The harvest run: list pages into the store, checkpointed after every page.

Each page is committed with its checkpoint (:mod:`ir_ingest.oai.store_pages`), so a run killed
at any moment is continued by the next run of the same source from its last committed page.

Around that loop: incremental runs (``from`` = start of the last completed harvest minus a safety
overlap, at the endpoint's granularity: :mod:`ir_ingest.oai.plan`), date windows harvested one
after another or in parallel (:mod:`ir_ingest.oai.windows`), pages fetched ahead while the
previous one is stored (:mod:`ir_ingest.oai.prefetch`), an optional raw-page archive, and for
``full`` runs a ListIdentifiers sweep that lists records gone from the source without a deletion
notice (:mod:`ir_ingest.oai.sweep`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ir_ingest.config import AUTO_PREFIX, is_auto
from ir_ingest.crosswalk import check_crosswalk_name, check_reader
from ir_ingest.errors import (
    HarvestError,
    OAIProtocolError,
    StoreError,
    UsageError,
)
from ir_ingest.oai.archive import check_archive
from ir_ingest.oai.client import OAIClient
from ir_ingest.oai.clocks import note_clock, note_endpoint_clock
from ir_ingest.oai.fallback import check_fallback
from ir_ingest.oai.formats import richest_offered, with_formats_offered
from ir_ingest.oai.pages import PageGuards
from ir_ingest.oai.plan import (
    DEFAULT_OVERLAP,
    HarvestOptions,
    asks_for_all_of,
    bounds_at,
    check_not_future,
    check_set,
    left_issue,
    plan_run,
)
from ir_ingest.oai.store_pages import harvest_windows
from ir_ingest.oai.sweep import sweep
from ir_ingest.oai.windows import MAX_PARALLEL, WINDOW_SIZES
from ir_ingest.report.keeper import count_committed
from ir_ingest.report.model import RunReport
from ir_ingest.store import Store, default_db_url, source_key
from ir_ingest.store.lock import locks_sources, source_lock
from ir_ingest.wording import counted

if TYPE_CHECKING:
    from datetime import timedelta
    from pathlib import Path

    from ir_ingest.oai.plan import Plan
    from ir_ingest.oai.transport import TransportPolicy

ProgressCallback = Callable[[RunReport], None]


def check_options(options: HarvestOptions) -> None:
    """Refuse, with a :class:`UsageError`, what no run can be asked for; done before any
    request (and by the CLI before the store is opened): a typing error is the user's, not
    the endpoint's."""
    if not 1 <= options.parallel <= MAX_PARALLEL:
        raise UsageError(f"parallel must be between 1 and {MAX_PARALLEL}, got {options.parallel}")
    bounds_at(options, day=False)
    check_not_future(options.from_date, datetime.now(UTC))
    if options.set_spec is not None and not options.set_spec.strip():
        # Sent as "set=", it asked some endpoints for every record and others for none.
        raise UsageError("--set must name a set, such as openaire (leave it out for all)")
    if options.set_spec is not None and options.set_spec != options.set_spec.strip():
        # Asked for as such: no set of that name, a run of nothing (a walkthrough).
        raise UsageError(f"--set has white space around it: {options.set_spec!r}")
    if options.archive is not None:
        check_archive(options.archive)
    if options.window is not None and options.window not in WINDOW_SIZES:
        sizes = " or ".join(WINDOW_SIZES)
        raise UsageError(f"window must be {sizes}, got {options.window!r}")


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
    crosswalk_process: bool | None = None,
    fallback_prefix: str | None = None,
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
    endpoint fails beyond its retry budget (or the crosswalk process fails); the run is then
    stored as ``failed`` with its checkpoints intact.  ``repository`` is the name records and
    checkpoints are kept under (default: ``url``); ``archive`` a directory for the raw pages;
    ``crosswalk`` the crosswalk to read records with when not the one the prefix names (or,
    for a prefix that names none, the one the root element names); ``crosswalk_process``
    whether to crosswalk in a process of its own (:mod:`ir_ingest.worker`; default: once the
    harvest proves long, where it may use several cores); ``fallback_prefix`` a simpler format
    each record that fails in ``prefix`` is asked for again in (:mod:`ir_ingest.oai.fallback`).
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
        crosswalk_process=crosswalk_process,
        fallback_prefix=fallback_prefix,
    )
    check_options(options)
    check_crosswalk_name(crosswalk)
    check_crosswalk_name(fallback_prefix)
    own_store = store is None
    store = store or Store(db_url or default_db_url())
    try:
        with OAIClient(url, options.policy, repository) as client:
            started = datetime.now(UTC)  # the run's start: it asks its first question now
            auto = is_auto(prefix)
            if auto:
                prefix = _richest_offered_or_failed(store, client, options, started)
            if crosswalk == prefix:
                # The crosswalk the prefix names anyway: records must not say otherwise.
                options = replace(options, crosswalk=None)
            check_reader(crosswalk, prefix)
            if not auto:
                # ``auto`` may take the fallback prefix (an endpoint offering only oai_dc):
                # the run then goes on without a fallback, saying so (harvest_windows).
                check_fallback(options.fallback_prefix, prefix)
            key = source_key(client.repository, prefix, options.set_spec, options.crosswalk)
            with source_lock(store, key):
                return _run(store, client, prefix, options, on_page, started)
    finally:
        if own_store:
            store.close()


def _richest_offered_or_failed(
    store: Store, client: OAIClient, options: HarvestOptions, started: datetime
) -> str:
    """The prefix ``auto`` stands for; when the endpoint cannot say (it is down, or broken),
    a failed run is kept under ``auto``, so that ``report --list`` shows the outage as it
    does for a run with a prefix (a third walkthrough found no trace of it)."""
    try:
        return richest_offered(client, options.crosswalk)
    except HarvestError as exc:
        _keep_failure(store, client.repository, AUTO_PREFIX, options, started, exc)
        raise


def _first_request_refused(plan: Plan, report: RunReport, exc: BaseException) -> bool:
    """Whether a continuing run failed before its first page because the endpoint refused
    what it asked of the windows the run it continues had left (a resumption token it no
    longer takes, a ``from`` it refuses: an OAI error, not an outage), not in its sweep (a
    --full run with every page stored has no window left, and only sweeps)."""
    return bool(plan.windows) and report.pages == 0 and isinstance(exc, OAIProtocolError)


def _begin_run(
    store: Store,
    repository: str,
    prefix: str,
    options: HarvestOptions,
    started: datetime,
    plan: Plan | None,
) -> int:
    """Record a run's start: what it asks for, by its plan (``None``: it failed before one)."""
    return store.begin_run(
        repository,
        prefix,
        options.set_spec,
        options.from_date if plan is None else plan.from_date,
        options.until_date,
        window=options.window,
        full=options.full,
        sync_started_at=None if plan is None else plan.sync_started_at,
        crosswalk=options.crosswalk,
        started_at=started,
        clock_lag=None if plan is None else plan.clock_lag,
        unplanned=plan is None,
        resumes=None if plan is None or plan.resumed is None else plan.resumed.id,
    )


def _keep_failure(
    store: Store,
    repository: str,
    prefix: str,
    options: HarvestOptions,
    started: datetime,
    exc: HarvestError,
) -> int:
    """Keep a run that failed before it began, while asking the endpoint what to ask for
    (its formats, its Identify), so that ``report --list`` shows the outage as it shows any
    failed run, with the time the first question was asked; return its id."""
    run_id = _begin_run(store, repository, prefix, options, started, None)
    shown = started.isoformat(timespec="seconds")
    report = RunReport(
        repository, prefix, run_id=run_id, set_spec=options.set_spec, started_at=shown
    )
    report.fail(exc)
    store.finish_run(run_id, "failed", report.to_dict(), report.error)
    return run_id


def _run(
    store: Store,
    client: OAIClient,
    prefix: str,
    options: HarvestOptions,
    on_page: ProgressCallback | None,
    started: datetime,
) -> RunReport:
    key = source_key(client.repository, prefix, options.set_spec, options.crosswalk)
    # First, before any request: a run of this source left "running" (killed) is failed even
    # if this one fails before it begins its own (the endpoint down, a from= it refuses).
    dead = store.end_dead_runs(key, None) if locks_sources(store) else []
    try:
        if options.from_date is not None or options.until_date is not None:
            options = bounds_at(options, client.identify_endpoint().day_granularity)
        plan = plan_run(store, client, key, prefix, options)
    except HarvestError as exc:  # Identify failed: the endpoint is down, or broken
        failed = _keep_failure(store, client.repository, prefix, options, started, exc)
        if dead:
            store.name_successor(dead, failed, None)
        raise
    report = _begin(store, client.repository, prefix, options, plan, started)
    run_id = report.run_id
    assert run_id is not None
    listing = True  # what fails fails the ListRecords requests (not the set check or sweep)
    try:
        if dead:
            store.name_successor(dead, run_id, plan.resumed.id if plan.resumed else None)
        _end_other_dead_runs(store, key, run_id)
        if plan.resumed is None and plan.clock_skew is None:
            note_endpoint_clock(store, client, report)
        harvest_windows(store, client, report, plan, options, on_page)
        listing = False
        # Until the set has given a record: an empty incremental run of a set that has is the
        # usual case, and listing a DSpace's thousands of sets after each one would cost many
        # requests; but a misspelt set must be said on every run, not only the first.
        if options.set_spec is not None and report.total == 0 and not store.ever_wrote(key):
            check_set(client, report, options.set_spec)
        if options.full:
            sweep(store, client, report, options)
    except BaseException as exc:
        if plan.resumed is not None and listing and _first_request_refused(plan, report, exc):
            # Its first answer refused what the run it continues had left (a token the
            # endpoint no longer takes): the next run starts afresh, not asking it for ever.
            # Down, or the run stopped first, it keeps them: the next one goes on from there.
            store.hand_back_checkpoints(run_id, plan.resumed.id)
        failure = _close_failed(store, client, report, exc)
        if failure is exc:
            raise
        raise failure from exc
    # A window a guard cut short (repeated token, empty pages, request cap) left records
    # unasked for: such a run is "incomplete", and the next incremental run starts from the
    # last *completed* one, so those records are asked for again instead of skipped for good.
    status = "incomplete" if report.cut_short else "completed"
    _note_retries(report, client)
    report.finish(status)
    store.finish_run(run_id, status, report.to_dict())
    return report


def _begin(
    store: Store,
    repository: str,
    prefix: str,
    options: HarvestOptions,
    plan: Plan,
    started: datetime,
) -> RunReport:
    """Record the run's start in the store; its report, with what the plan already says."""
    run_id = _begin_run(store, repository, prefix, options, started, plan)
    report = RunReport(
        repository=repository,
        metadata_prefix=prefix,
        started_at=started.isoformat(timespec="seconds"),
        run_id=run_id,
        set_spec=options.set_spec,
        from_date=plan.from_date,
        until_date=options.until_date,
        window=options.window,
        full=options.full,
        crosswalk=options.crosswalk,
        resumed_from_token=plan.windows[0].token if len(plan.windows) == 1 else None,
        resumed_run_id=plan.resumed.id if plan.resumed else None,
    )
    # A window the run this one continues had cut short is not asked for again here (its
    # checkpoint says "done"): the cut must stay on record, or the records it left are lost.
    report.cut_short = plan.cut_short
    if plan.left is not None and not asks_for_all_of(plan, options.until_date, plan.left):
        report.add_run_issue(left_issue(plan.left), "plan")
    note_clock(report, plan.clock_skew)
    return report


def _close_failed(
    store: Store, client: OAIClient, report: RunReport, exc: BaseException
) -> BaseException:
    """Close the run as failed by ``exc``; return the failure to raise (``exc``, or one that
    explains it better)."""
    assert report.run_id is not None
    _note_retries(report, client)
    report.fail(exc)
    try:
        count_committed(store, report)
        store.finish_run(report.run_id, "failed", report.to_dict(), report.error)
    except StoreError as refused:
        # What stopped the run (Ctrl-C and its exit status, the endpoint's error) is what the
        # user must hear; that the store could not close the run is said with it.
        exc.add_note(str(refused))
        return exc
    # Closed first: explaining a failure asks the endpoint again, which may fail or be
    # interrupted in its turn.
    failure = with_formats_offered(client, report.metadata_prefix, exc)
    if failure is not exc:
        report.fail(failure)
        store.finish_run(report.run_id, "failed", report.to_dict(), report.error)
    # Said with the error: a run that failed or was stopped on page 40 has 39 pages kept.
    # "10 records (1 pages)" had been said of a run stopped on its second page.
    stored = (
        f"run {report.run_id} stored {counted(report.total, 'record')} "
        f"({counted(report.pages, 'page')})"
    )
    if report.pages and isinstance(failure, HarvestError):
        failure.add_note(
            f"{stored} before it failed; harvesting the source again continues from the last "
            "page stored"
        )
    elif report.pages and isinstance(failure, KeyboardInterrupt):
        failure.add_note(stored)  # the command says how it goes on
    return failure


def _note_retries(report: RunReport, client: OAIClient) -> None:
    """Say in the report how many requests were retried, why, and what it cost."""
    retried = client.transport.pacing.issue()
    if retried is not None:
        report.add_run_issue(retried, "requests")


def _end_other_dead_runs(store: Store, key: str, run_id: int) -> None:
    """Mark the runs of sources other than ``key`` that say ``running`` but are not going on
    as failed: those whose lock is free (``key``'s are marked as the run starts).

    Nothing is marked when the locks cannot tell (an in-memory store, a database without
    locks): a run may be going on in another thread or process.
    """
    if not locks_sources(store):
        return
    for other in store.running_sources() - {key}:
        try:
            with source_lock(store, other, wait=0):
                store.end_dead_runs(other, run_id)
        except HarvestError:
            continue  # a run of that source is going on
