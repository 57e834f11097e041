"""Records of the second where two date windows meet, which both windows send: stored once.

At second granularity a window ends at the second the next begins (see
:mod:`ir_ingest.oai.windows`), so an endpoint sends a record changed in that second with both.
The copy that comes second, with the same identifier and datestamp, is left out before it is
stored: the store would keep it unchanged anyway, but the run's report would count it twice.
(Within one process: a run killed between the two copies, and continued, counts the second
as unchanged.)
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from ir_ingest.oai.datestamp import parse_datestamp

if TYPE_CHECKING:
    from ir_ingest.entry import Entry
    from ir_ingest.oai.responses import Page

_SECOND = timedelta(seconds=1)


class SharedSeconds:
    """The seconds the run's windows share, and the records of them already taken."""

    def __init__(self, bounds: list[tuple[str | None, str | None]]) -> None:
        """``bounds``: ``(from, until)`` of every window of the run, finished ones included."""
        starts = {lower for lower, _ in bounds if lower and "T" in lower}
        ends = {upper for _, upper in bounds if upper}
        self.shared = {m for m in map(parse_datestamp, starts & ends) if m is not None}
        self.taken: set[tuple[str, str]] = set()

    def repeats_left_out(self, page: Page, entries: list[Entry]) -> list[Entry]:
        """``entries`` without the records of a shared second taken from an earlier page.

        A page is read record by record only when its datestamps reach a shared second.
        """
        if not self.shared or not self._may_hold_shared(page):
            return entries
        kept = []
        for entry in entries:
            harvested = entry.harvested
            moment = parse_datestamp(harvested.datestamp)
            if moment is not None and moment in self.shared:  # read to the second
                key = (harvested.identifier, harvested.datestamp)
                if key in self.taken:
                    continue
                self.taken.add(key)
            kept.append(entry)
        return kept

    def _may_hold_shared(self, page: Page) -> bool:
        oldest = parse_datestamp(page.oldest_datestamp or "")
        newest = parse_datestamp(page.newest_datestamp or "")
        if oldest is None or newest is None:
            return True  # cannot tell: read it
        return any(oldest < second + _SECOND and second <= newest for second in self.shared)
