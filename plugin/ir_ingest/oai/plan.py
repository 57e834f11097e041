"""What a harvest run asks for: its options, its ``from``, its date windows and their checkpoints.

A run continues the source's unfinished run when that one got somewhere and asked for the same
records; otherwise it starts afresh, asking (unless ``full``) only for what changed since the last
completed run began, minus a safety overlap, at the endpoint's granularity.  Date windows
(:mod:`ir_ingest.oai.windows`) each keep a checkpoint of their own.  The checks on ``from``,
``until`` and the set are here too; what the endpoint's clock does to ``from`` is in
:mod:`ir_ingest.oai.clocks`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from ir_ingest.entry import Issue, Severity
from ir_ingest.errors import (
    HarvestError,
    UsageError,
)
from ir_ingest.oai.bounds import bound_argument, bound_moment
from ir_ingest.oai.clocks import clock_lag
from ir_ingest.oai.datestamp import datestamp_shaped, format_datestamp, parse_datestamp
from ir_ingest.oai.pages import PageGuards, Window
from ir_ingest.oai.windows import date_windows

if TYPE_CHECKING:
    from pathlib import Path

    from ir_ingest.oai.client import OAIClient
    from ir_ingest.oai.transport import TransportPolicy
    from ir_ingest.report.model import RunReport
    from ir_ingest.store import Store
    from ir_ingest.store.runs import RunInfo

log = logging.getLogger(__name__)

#: Subtracted from the last harvest's start for the next ``from``: clocks differ and endpoints
#: index late (DSpace's own harvester pads by 120 s; a few minutes costs nothing).
DEFAULT_OVERLAP = timedelta(minutes=10)
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
    #: Crosswalk in a process of its own (:mod:`ir_ingest.worker`): always, never, or
    #: (``None``) once a harvest proves long, where it may use several cores.
    crosswalk_process: bool | None = None
    #: The simpler format a record that fails in the run's is asked for again in (GetRecord,
    #: one record at a time: :mod:`ir_ingest.oai.fallback`); None: no fallback.
    fallback_prefix: str | None = None


@dataclass(slots=True)
class WindowState:
    """One window's progress, as its checkpoint records it."""

    index: int
    key: str
    window: Window
    token: str | None = None
    last_datestamp: str | None = None
    pages: int = 0
    records: int = 0
    complete_list_size: int | None = None
    #: A guard or a recovery cut the window somewhere (kept with every later checkpoint of it).
    cut_short: bool = False
    #: Records this window received but did not store (the store holds a newer or richer
    #: copy), by identifier, with their datestamps: the store cannot tell them from records not
    #: received yet when a recovery sends them again.  Only those not older than the newest
    #: datestamp are kept, as a recovery asks from there.
    skipped: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Plan:
    """What a run asks for: its ``from``, when it began, and its windows left to harvest."""

    from_date: str | None
    sync_started_at: datetime
    windows: list[WindowState]
    resumed: RunInfo | None
    #: A window the resumed run finished had been cut short by a guard.
    cut_short: bool
    #: An unfinished run of the source this one does not continue (it asked for other records).
    left: RunInfo | None = None
    #: The endpoint's clock less ours, where an incremental run asked (see _incremental_from).
    clock_skew: timedelta | None = None
    #: ``(from, until)`` of every window of the run, those a resumed run finished included.
    bounds: list[tuple[str | None, str | None]] = field(default_factory=list)
    #: How far the endpoint's clock is behind ours, kept with the run (see _incremental_from).
    clock_lag: timedelta | None = None


def bounds_at(options: HarvestOptions, day: bool) -> HarvestOptions:
    """``options`` with ``from``/``until`` as the endpoint's granularity needs them (§3.3.1).

    Sent as typed they failed: pyoai's server (and others) answer ``badArgument`` when
    ``from`` and ``until`` differ in granularity, which every incremental run with a date-only
    ``--until`` did (its ``from`` is a datestamp); and an offset such as ``+02:00`` is no
    OAI-PMH datestamp at all.  Raises :class:`UsageError` naming a value that cannot be read.
    """
    bounds = {}
    for name, value in (("from", options.from_date), ("until", options.until_date)):
        upper = name == "until"
        sent = None if value is None else bound_argument(value, upper=upper, day_granularity=day)
        if value is not None and sent is None and datestamp_shaped(value):
            # It had been told to be "a date (YYYY-MM-DD)", which it is written as.
            raise UsageError(
                f"--{name} {value!r} is written as a date, but no such day or time exists"
            )
        if value is not None and sent is None:
            raise UsageError(
                f"--{name} must be a date (YYYY-MM-DD) or a datestamp "
                f"(YYYY-MM-DDThh:mm:ssZ, or with an offset), got {value!r}"
            )
        bounds[name] = sent
    _check_order(options.from_date, options.until_date, "--from is")
    return replace(options, from_date=bounds["from"], until_date=bounds["until"])


#: How far ahead of this machine's clock a ``--from`` may be: a date typed where the day has
#: begun already (UTC+14 is a day ahead of UTC), or an endpoint whose clock runs fast.
FUTURE_SLACK = timedelta(days=1)


def check_not_future(from_date: str | None, now: datetime) -> None:
    """Refuse a ``--from`` later than ``now`` (give or take :data:`FUTURE_SLACK`): nothing is
    stamped there yet, and the run would complete having harvested nothing, as a mistyped year
    ("2062" for "2026") did without a word (a walkthrough)."""
    since = _moment(from_date)
    if since is not None and since > now + FUTURE_SLACK:
        raise UsageError(
            f"--from {from_date} is in the future (it is {format_datestamp(now)} now): "
            "nothing is stamped after it yet"
        )


def _check_order(from_date: str | None, until_date: str | None, start: str) -> None:
    """Refuse a ``from`` after ``until``: the endpoint would answer noRecordsMatch (or
    badArgument, §3.3.1), and the run would complete having asked for nothing."""
    since = _moment(from_date)
    until = bound_moment(until_date, upper=True) if until_date else None
    if since is not None and until is not None and since > until:
        raise UsageError(
            f"{start} {from_date}, after --until {until_date}: nothing could be harvested "
            "(give an earlier --from, a later --until, or --full)"
        )


def check_set(client: OAIClient, report: RunReport, set_spec: str) -> None:
    """Say so when an empty run asked for a set the endpoint does not list (§4.6).

    Endpoints answer an unknown set with ``noRecordsMatch`` as often as with ``badArgument``:
    a mistyped set then looks like a set with nothing new in it.
    """
    try:
        listed = [spec for spec, _ in client.sets()]
    except HarvestError as exc:  # advice only: the harvest itself went well
        log.warning("%s: could not list the sets to check %r: %s", client.base_url, set_spec, exc)
        return
    issue = unknown_set_issue(listed, set_spec)
    if issue is not None:
        report.add_run_issue(issue, "ListSets")


def unknown_set_issue(listed: list[str], set_spec: str) -> Issue | None:
    """``harvest.unknown_set`` when the sets an endpoint lists lack ``set_spec``."""
    if set_spec in listed:
        return None
    shown = ", ".join(listed[:10]) + (f" and {len(listed) - 10} more" if len(listed) > 10 else "")
    return Issue(
        "harvest.unknown_set",
        f"the endpoint lists no set {set_spec!r} (its sets: {shown or 'none'})",
        Severity.WARNING,
    )


def plan_run(
    store: Store, client: OAIClient, key: str, prefix: str, options: HarvestOptions
) -> Plan:
    """Continue the source's unfinished run, or start afresh (incremental unless ``full``)."""
    last = store.last_run(key, unplanned=False) if options.resume else None
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
        windows, cut_short, bounds = _windows(
            store, client, key, prefix, options, last.from_date, last.sync_started_at, fresh=False
        )
        lag = None if last.clock_lag_seconds is None else timedelta(seconds=last.clock_lag_seconds)
        return Plan(
            last.from_date,
            last.sync_started_at,
            windows,
            last,
            cut_short,
            bounds=bounds,
            clock_lag=lag,
        )
    started = datetime.now(UTC)
    from_date, skew = options.from_date, None
    if from_date is None and not options.full:
        from_date, skew = _incremental_from(store, client, key, options.overlap)
    _check_order(from_date, options.until_date, "this incremental run starts at")
    windows, _, bounds = _windows(
        store, client, key, prefix, options, from_date, started, fresh=True
    )
    left = last if unfinished else None
    return Plan(from_date, started, windows, None, False, left, skew, bounds, clock_lag(skew))


def asks_for_all_of(plan: Plan, until_date: str | None, left: RunInfo) -> bool:
    """Whether a run asking for ``plan.from_date``..``until_date`` asks for every record
    the unfinished run ``left`` asked for (date windows split a range, they do not cut it)."""
    until, left_until = _moment(until_date), _moment(left.until_date)
    if until is not None and (left_until is None or until < left_until):
        return False
    since, left_since = _moment(plan.from_date), _moment(left.from_date)
    if since is None:
        return True
    return left_since is not None and not left.full and since <= left_since


def left_issue(left: RunInfo) -> Issue:
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


def _incremental_from(
    store: Store, client: OAIClient, key: str, overlap: timedelta
) -> tuple[str | None, timedelta | None]:
    """``from`` for an incremental run: the last completed harvest's start minus ``overlap``,
    and the endpoint's clock less ours (``None`` for a first run, which asks for everything).

    The start is by this machine's clock; an endpoint whose clock is behind it (set wrong, or
    its local time sent as UTC: OpenSKOS/OpenSKOS#11) stamps records by its own, and a record
    changed just after the last harvest began would be stamped before ``from``.  So ``from`` is
    moved back by its lag then or now, whichever is the larger: set right since, it had stamped
    them by the lagging clock (VuFind's harvester takes the endpoint's responseDate for its next
    ``from``; its clock ahead of ours, ours is the earlier and kept).  Identify must answer:
    its granularity makes ``from``, and an endpoint that answers it wrong may answer all alike
    (a ``noRecordsMatch`` to everything would pass for a source with nothing new).
    """
    synced = store.last_sync(key)
    if synced is None:
        return None, None
    identify = client.identify_endpoint()
    lag = max(synced.clock_lag or timedelta(0), clock_lag(identify.clock_skew) or timedelta(0))
    start = synced.started_at - overlap - lag
    return format_datestamp(start, identify.day_granularity), identify.clock_skew


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
) -> tuple[list[WindowState], bool, list[tuple[str | None, str | None]]]:
    """The run's windows with their checkpoints, whether a window a resumed run finished had
    been cut short, and the bounds of all; windows a resumed run finished are left out."""
    bounds: list[tuple[str | None, str | None]] = [(from_date, options.until_date)]
    keys = [key]
    if options.window is not None:
        bounds = _window_bounds(client, options, from_date, sync_started_at)
        keys = [f"{key} [{lower or '*'} {upper or '*'}]" for lower, upper in bounds]
        if fresh:
            store.clear_checkpoints(f"{key} [")
    states = []
    cut_short = False
    for index, ((lower, upper), window_key) in enumerate(zip(bounds, keys, strict=True)):
        state = WindowState(index, window_key, Window(prefix, options.set_spec, lower, upper))
        checkpoint = None if fresh else store.checkpoint(window_key)
        if checkpoint is not None and checkpoint.token is not None:
            state.token, state.last_datestamp = checkpoint.token, checkpoint.last_datestamp
            state.pages, state.records = checkpoint.pages, checkpoint.records
            # A recovery before the interruption: continued from its token, the window is
            # still one that may have missed records (it had made the run incomplete).
            state.cut_short = checkpoint.cut_short
            cut_short = cut_short or checkpoint.cut_short
        elif checkpoint is not None:
            # Finished before the run was interrupted (its last page stored, no token left: a
            # --full run whose sweep failed had asked for every page again); if a guard cut
            # it short, the run that continues this one is incomplete too (the cut is saved
            # with the checkpoint).
            cut_short = cut_short or checkpoint.cut_short
            continue
        states.append(state)
    return states, cut_short, bounds


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
    asked_end = (bound_moment(until, upper=True) if until else None) or sync_started_at
    # Windows reach no later than now; an until past it is the last window's.  --until
    # 9999-12-31 had made a window a day up to it (three million, 750 MB, each to be asked),
    # then failed on the day after its last (OverflowError, a traceback).
    end = min(asked_end, sync_started_at)
    day = identify.day_granularity
    pairs: list[tuple[str | None, str | None]] = list(
        date_windows(start, end, options.window, day_granularity=day)
    )
    if from_date is None:
        # An earliestDatestamp later than the end still leaves one open window.
        last = pairs[0][1] if pairs else format_datestamp(end, day)
        pairs[:1] = [(None, last)]
    if until is None and pairs:
        # Open above, as a run without windows: an endpoint whose clock is ahead of ours stamps
        # its latest changes after our now, which would leave them to the next run.
        pairs[-1] = (pairs[-1][0], None)
    elif asked_end > end and pairs:
        pairs[-1] = (pairs[-1][0], format_datestamp(asked_end, day))
    return pairs


def _moment(stamp: str | None) -> datetime | None:
    return parse_datestamp(stamp) if stamp else None
