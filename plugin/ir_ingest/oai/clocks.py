"""The endpoint's clock against this machine's: how far it is off (its responseDate, §3.2),
what the report says of it, and what a run keeps of it.

An endpoint whose clock is behind ours stamps records by its own: an incremental run asks
from that much earlier (:mod:`ir_ingest.oai.plan`), so that nothing it stamped is missed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from ir_ingest.entry import Issue, Severity
from ir_ingest.errors import MalformedResponseError, OAIProtocolError

if TYPE_CHECKING:
    from ir_ingest.oai.client import OAIClient
    from ir_ingest.report.model import RunReport
    from ir_ingest.store import Store

__all__ = [
    "MAX_CLOCK_SKEW",
    "MIN_CLOCK_SKEW",
    "clock_issue",
    "clock_lag",
    "note_clock",
    "note_endpoint_clock",
]

#: An endpoint clock further from ours than this is no clock set wrong nor a local time sent
#: as UTC (14 hours at most), but a responseDate cached or fixed: an incremental run does not
#: follow it.
MAX_CLOCK_SKEW = timedelta(hours=24)
#: A difference of clocks under this is the round trip and whole seconds (the responseDate's
#: are cut, so the same clocks differ by 0 or 1 s from one run to the next): neither followed
#: nor said; the overlap covers it.
MIN_CLOCK_SKEW = timedelta(minutes=1)


def clock_issue(skew: timedelta | None) -> Issue | None:
    """What the report says of the endpoint's clock, where it is a minute or more off ours."""
    if skew is None or abs(skew) < MIN_CLOCK_SKEW:
        return None
    if skew > timedelta(0):
        said = (
            f"is {_minutes(skew)} ahead of this machine's: runs ask from this machine's clock, the "
            "earlier, so nothing is missed"
        )
    elif -skew < MAX_CLOCK_SKEW:
        said = (
            f"is {_minutes(-skew)} behind this machine's: incremental runs ask from that much "
            "earlier, so that no record it stamped by its own clock is missed"
        )
    else:
        said = (
            f"is {_minutes(-skew)} behind this machine's, too far for a clock set wrong (its "
            "Identify answer may be cached): not followed"
        )
    severity = Severity.INFO if skew > timedelta(0) else Severity.WARNING
    return Issue("harvest.clock_skew", f"the endpoint's clock (its responseDate) {said}", severity)


def _minutes(span: timedelta) -> str:
    """``2 h 05 min``: a difference of clocks to the minute (its seconds are noise)."""
    hours, minutes = divmod(round(span.total_seconds() / 60), 60)
    return f"{hours} h {minutes:02d} min"


def clock_lag(skew: timedelta | None) -> timedelta | None:
    """How far the endpoint's clock is behind ours, where by enough to matter and not so far
    that it would be a cached answer; else ``None``."""
    return -skew if skew is not None and -MAX_CLOCK_SKEW < skew <= -MIN_CLOCK_SKEW else None


def note_endpoint_clock(store: Store, client: OAIClient, report: RunReport) -> None:
    """For a fresh run that did not ask Identify for its ``from`` (a first or ``--full`` run,
    or one with ``--from``), ask it now and keep with the run how far the endpoint's clock is
    behind ours, as an incremental run keeps it from the start; the report says what the clock
    is.

    Called once the run is begun, so that an endpoint that does not answer leaves a failed run,
    as its first ListRecords would after the same wait.  Where it answers Identify with an
    OAI-PMH error or without its element (a broken module, a saved response served in its
    place), this run, which needs no more, goes on and says so: incremental runs will fail
    until Identify is fixed.  What is no OAI-PMH answer at all fails the run.
    """
    assert report.run_id is not None
    try:
        identify = client.identify_endpoint()
    except (OAIProtocolError, MalformedResponseError) as exc:
        if isinstance(exc, MalformedResponseError) and exc.code != "oai.no_identify":
            raise
        message = (
            f"{exc}; the endpoint's clock is unknown, and this run went on without it, but "
            "incremental runs need Identify and will fail until it answers"
        )
        report.add_run_issue(
            Issue("harvest.identify_failed", message, Severity.WARNING), "Identify"
        )
        return
    lag = clock_lag(identify.clock_skew)
    if lag is not None:
        store.note_clock_lag(report.run_id, lag)
    note_clock(report, identify.clock_skew)


def note_clock(report: RunReport, skew: timedelta | None) -> None:
    """Say in the report what the endpoint's clock is, where it is a minute or more off ours."""
    clock = clock_issue(skew)
    if clock is not None:
        report.add_run_issue(clock, "Identify")
