"""Date windows: one long selective harvest split into monthly or daily ``from``/``until`` ranges.

Small windows keep resumption tokens young (large endpoints expire them: arXiv, DSpace behind
Solr, whose deep paging slows down with the offset: DSpace/DSpace#12980), let a failed window be
re-asked on its own, and can be harvested in parallel.

The bounds are inclusive (OAI-PMH 2.0 §3.3.1).  At ``YYYY-MM-DD`` granularity each window ends
the day before the next begins.  At ``YYYY-MM-DDThh:mm:ssZ`` granularity two windows share the
second they meet at (``until=…T00:00:00Z``, then ``from=…T00:00:00Z``): endpoints keep finer
datestamps than they serve (DSpace's carry milliseconds), and one that compares them to the
bounds as sent puts a record changed at 23:59:59.5 after ``until=23:59:59`` and before
``from=00:00:00``, in neither window (our own provider did: a 50,000-record harvest found
49,998).  A record of the shared second comes twice and is stored once
(:mod:`ir_ingest.oai.overlap`).  Sharing a day would ask for a day's records twice a window,
everything twice in daily windows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from ir_ingest.errors import ConfigError
from ir_ingest.oai.datestamp import format_datestamp

WindowSize = Literal["monthly", "daily"]
WINDOW_SIZES: tuple[WindowSize, ...] = ("monthly", "daily")
#: Most date windows harvested at once from one endpoint.
MAX_PARALLEL = 8
#: Where windows of a month or a day begin at the earliest; what comes before is one window.
#: Endpoints announce an earliestDatestamp of 0001-01-01 or 1970-01-01 (a fuzz found 24,000
#: monthly requests for such an empty past, 740,000 daily); OAI-PMH is of 2001, and records an
#: endpoint dates before 2000 are few.
FIRST_WINDOWED = datetime(2000, 1, 1, tzinfo=UTC)


def date_windows(
    start: datetime, end: datetime, size: str, *, day_granularity: bool
) -> list[tuple[str, str]]:
    """Split ``start``..``end`` (inclusive, aware datetimes) into ``(from, until)`` datestamps.

    Windows are aligned to calendar months or days in UTC from :data:`FIRST_WINDOWED` on,
    everything before it being one window; the first and the last are cut to ``start`` and
    ``end``.  An empty list when ``end`` is before ``start``.
    """
    if size not in WINDOW_SIZES:
        raise ConfigError(f"the window size must be one of {', '.join(WINDOW_SIZES)}, got {size!r}")
    granule = timedelta(days=1) if day_granularity else timedelta(seconds=1)
    start, end = _floor(start.astimezone(UTC), granule), _floor(end.astimezone(UTC), granule)
    windows = []
    lower = start
    # Seconds are shared (see above): the next window starts where this one ends.
    step = granule if day_granularity else timedelta(0)
    while lower <= end:
        boundary = FIRST_WINDOWED if lower < FIRST_WINDOWED else _next_boundary(lower, size)
        upper = min(boundary - step, end)
        windows.append(
            (format_datestamp(lower, day_granularity), format_datestamp(upper, day_granularity))
        )
        if upper == end:
            break
        lower = upper + step
    return windows


def _next_boundary(moment: datetime, size: str) -> datetime:
    """Midnight UTC of the next day, or of the first of the next month."""
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if size == "daily":
        return day + timedelta(days=1)
    first = day.replace(day=1)
    return (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )


def _floor(moment: datetime, granule: timedelta) -> datetime:
    if granule >= timedelta(days=1):
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return moment.replace(microsecond=0)
