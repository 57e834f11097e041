"""Tolerant reading of OAI-PMH datestamps.

OAI-PMH 2.0 §3.3.1 allows ``YYYY-MM-DD`` and ``YYYY-MM-DDThh:mm:ssZ``.  Real endpoints also send
``20210311`` (Harvard LibraryCloud), fractional seconds (DSpace) and numeric offsets; all of them
are read here, and anything else is kept as sent and simply not used for ordering.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import chain
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

_DATESTAMP = re.compile(
    r"^(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?$",
    re.ASCII,
)


#: The form nearly every endpoint sends (§3.3.1's seconds, in UTC), which
#: :func:`datetime.fromisoformat` reads without the general pattern's groups: 4.0 -> 1.0 µs a
#: datestamp, read for each record of each page (the page's datestamp span).  Its hours stop at
#: 23, as ``datetime`` has them: another Python may read ``24:00:00`` as the next midnight.
_UTC_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):\d{2}:\d{2}Z", re.ASCII)


def datestamp_shaped(value: str) -> bool:
    """Whether ``value`` is written as a date or datestamp is, whether or not the calendar has
    it (``2024-02-30`` has that shape and is no day)."""
    return _DATESTAMP.match(value.strip()) is not None


def parse_datestamp(value: str) -> datetime | None:
    """Return the datestamp as an aware UTC datetime, or ``None`` if it cannot be read."""
    if _UTC_SECONDS.fullmatch(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:  # a day the calendar does not have
            return None
    match = _DATESTAMP.match(value.strip())
    if not match:
        return None
    parts = match.groupdict()
    tz = parts["tz"]
    offset = timedelta(0)
    if tz and tz != "Z":
        digits = tz[1:].replace(":", "")
        if int(digits[:2]) > 23 or int(digits[2:]) > 59:
            # No such offset (datetime's timezone refuses it too): "--from …+25:00" had been
            # taken as 25 hours off, and "+02:99" as 3 h 39 min.
            return None
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        offset = offset if tz[0] == "+" else -offset
    try:
        moment = datetime(
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            int(parts["H"] or 0),
            int(parts["M"] or 0),
            int(parts["S"] or 0),
            tzinfo=UTC,
        )
        # 9999-12-31T23:00:00-05:00 is past the last moment datetime can hold: unreadable, not
        # a crash on every page that carries it (security audit).
        return moment - offset
    except (ValueError, OverflowError):
        return None


def format_datestamp(moment: datetime, day_granularity: bool = False) -> str:
    """Format an aware datetime as an OAI-PMH datestamp in UTC at the given granularity.

    The year has its four digits (§3.3.1): strftime's ``%Y`` writes year 1 as "1", and an
    endpoint whose earliestDatestamp is 0001-01-01 was asked ``from=1-01-01``.
    """
    moment = moment.astimezone(UTC)
    day = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
    if day_granularity:
        return day
    return f"{day}T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"


def newest_datestamp(datestamps: Iterable[str | None], current: str | None) -> str | None:
    """The newest of ``datestamps`` and ``current``; missing ones and those that cannot be read
    are ignored."""
    return datestamp_span(chain([current], datestamps))[1]


def datestamp_span(datestamps: Iterable[str | None]) -> tuple[str | None, str | None]:
    """The oldest and the newest of ``datestamps``, as sent (the first of equal ones);
    missing ones and those that cannot be read are ignored."""
    oldest = newest = None
    low = high = None
    for stamp in datestamps:
        moment = parse_datestamp(stamp) if stamp else None
        if moment is None:
            continue
        if low is None or moment < low:
            oldest, low = stamp, moment
        if high is None or moment > high:
            newest, high = stamp, moment
    return oldest, newest
