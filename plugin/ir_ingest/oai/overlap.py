"""Records of the second two date windows share, which both send: stored once.

At second granularity a window ends at the second the next begins (see
:mod:`ir_ingest.oai.windows`), so an endpoint sends a record changed in that second with both.
The copy that comes second, with the same identifier and datestamp, is left out before it is
stored: the store would keep it unchanged anyway, but the run's report would count it twice.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from ir_ingest.oai.datestamp import parse_datestamp

if TYPE_CHECKING:
    from datetime import datetime

    from ir_ingest.entry import Entry
    from ir_ingest.oai.client import Page
    from ir_ingest.oai.pages import Window

_SECOND = timedelta(seconds=1)


class SharedSeconds:
    """The seconds the run's windows share, and the records of them already taken."""

    def __init__(self, windows: list[Window]) -> None:
        starts = {w.from_date for w in windows if w.from_date and "T" in w.from_date}
        ends = {w.until_date for w in windows if w.until_date}
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
        oldest = _moment(page.oldest_datestamp)
        newest = _moment(page.newest_datestamp)
        if oldest is None or newest is None:
            return True  # cannot tell: read it
        return any(oldest < second + _SECOND and second <= newest for second in self.shared)


def _moment(stamp: str | None) -> datetime | None:
    return parse_datestamp(stamp) if stamp else None
