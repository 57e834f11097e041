"""``from`` and ``until`` of a selective harvest (OAI-PMH 2.0 §3.3.1), as the endpoint needs them.

Both bounds are inclusive, so a date-only ``until`` means the whole of that day: read as
midnight it would leave out everything the endpoint stamped later that day.  And §3.3.1 requires
``from`` and ``until`` to share a granularity (pyoai's server and most others answer
``badArgument`` otherwise), so both are sent in the granularity Identify announces (§4.2),
whatever form they were typed in: a numeric offset becomes UTC ``Z``, a date-only ``until`` at
seconds granularity becomes ``T23:59:59Z``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from ir_ingest.oai.datestamp import format_datestamp, parse_datestamp

#: A date without a time of day: ``2024-01-31`` or ``20240131`` (Harvard LibraryCloud's form).
_DATE_ONLY = re.compile(r"^\s*\d{4}-?\d{2}-?\d{2}\s*$")
#: The finest granule OAI-PMH knows (§3.3.2): an inclusive ``until`` ends one before midnight.
_GRANULE = timedelta(seconds=1)


def bound_moment(value: str, *, upper: bool) -> datetime | None:
    """``value`` as the moment a bound covers up to (``upper``) or from; ``None`` if unreadable.

    A date-only ``until`` covers its day: it ends at 23:59:59 UTC.
    """
    moment = parse_datestamp(value)
    if moment is not None and upper and _DATE_ONLY.match(value):
        moment += timedelta(days=1) - _GRANULE
    return moment


def bound_argument(value: str, *, upper: bool, day_granularity: bool) -> str | None:
    """``value`` as a ``from`` (or ``until`` when ``upper``) argument at the endpoint's
    granularity (§3.3.2), in UTC; ``None`` if it cannot be read."""
    moment = bound_moment(value, upper=upper)
    return None if moment is None else format_datestamp(moment, day_granularity)
