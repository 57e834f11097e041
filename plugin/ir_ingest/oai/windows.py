"""Date windows: one long selective harvest split into monthly or daily ``from``/``until`` ranges.

Small windows keep resumption tokens young (large endpoints expire them: arXiv, DSpace behind
Solr, whose deep paging slows down with the offset: DSpace/DSpace#12980), let a failed window be
re-asked on its own, and can be harvested in parallel.  The bounds are inclusive (OAI-PMH 2.0
§3.3.1), so each window ends one granule before the next begins: a second at
``YYYY-MM-DDThh:mm:ssZ`` granularity, a day at ``YYYY-MM-DD``.
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


def date_windows(
    start: datetime, end: datetime, size: str, *, day_granularity: bool
) -> list[tuple[str, str]]:
    """Split ``start``..``end`` (inclusive, aware datetimes) into ``(from, until)`` datestamps.

    Windows are aligned to calendar months or days in UTC; the first and the last are cut to
    ``start`` and ``end``.  An empty list when ``end`` is before ``start``.
    """
    if size not in WINDOW_SIZES:
        raise ConfigError(f"the window size must be one of {', '.join(WINDOW_SIZES)}, got {size!r}")
    granule = timedelta(days=1) if day_granularity else timedelta(seconds=1)
    start, end = _floor(start.astimezone(UTC), granule), _floor(end.astimezone(UTC), granule)
    windows = []
    lower = start
    while lower <= end:
        upper = min(_next_boundary(lower, size) - granule, end)
        windows.append(
            (format_datestamp(lower, day_granularity), format_datestamp(upper, day_granularity))
        )
        lower = upper + granule
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
