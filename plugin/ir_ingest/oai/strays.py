"""Records an endpoint sent outside what a window asked for: dated outside its ``from`` and
``until``, or in none of its set.

OAI-PMH 2.0 §3.3.1 makes ``from`` and ``until`` bounds on the datestamps listed.  Some endpoints
ignore them (IQSS/dataverse.harvard.edu#243: every incremental run got the whole repository
again).  Nothing is lost then, and the store makes no version of a record that did not change,
so nobody notices that a run meant to take a minute takes hours: the run's report says so.
Others lose the set after the first page (their resumption tokens do not carry it:
MarkVSullivan/SobekCM-Web-Application#6), and a harvest of one set takes in the repository.
The records are stored as any others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ir_ingest.entry import Issue, Severity
from ir_ingest.oai.bounds import bound_moment
from ir_ingest.report.render import one_line
from ir_ingest.wording import counted

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from ir_ingest.entry import Entry, HarvestedRecord
    from ir_ingest.oai.pages import Window
    from ir_ingest.oai.responses import Page


@dataclass(slots=True)
class _Side:
    """The records dated beyond one bound: how many, the furthest of them (identifier and
    datestamp), and the bounds they strayed from (one a window)."""

    count: int = 0
    furthest: tuple[str, str] | None = None
    furthest_moment: datetime | None = None
    bounds: set[str] = field(default_factory=set)

    def add(self, entry: Entry, moment: datetime, bound: str | None, *, later: bool) -> None:
        """Count ``entry``, dated ``moment``; ``later``: the furthest is the latest."""
        self.count += 1
        self.bounds.add(str(bound))
        known = self.furthest_moment
        if known is None or (moment > known if later else moment < known):
            self.furthest = (entry.harvested.identifier, entry.harvested.datestamp)
            self.furthest_moment = moment


class Strays:
    """The run's records dated before their window's ``from`` or after its ``until``, and
    those in none of its set."""

    def __init__(self) -> None:
        self.before = _Side()
        self.after = _Side()
        #: Records whose header names the set asked for (or one below it), and those whose
        #: header names sets, none of them that one.
        self.in_set = 0
        self.other_sets = 0
        self.other_set_example: tuple[str, str, tuple[str, ...]] | None = None
        self._bounds: dict[Window, tuple[datetime | None, datetime | None]] = {}

    def note(self, window: Window, page: Page, entries: list[Entry]) -> None:
        """Count the page's records outside ``window``.

        The page's oldest and newest datestamps (read where it was fetched) clear most pages
        of strays by date at once; only a page that strays is read record by record.
        """
        if window.set_spec:
            self._note_sets(window.set_spec, entries)
        since, until = self._window_bounds(window)
        # The page's datestamps are ordered by the start of what each names (a date-only one,
        # its midnight), as the records' below, so that a page with any stray is read.
        oldest = _moment(page.oldest_datestamp, upper=False)
        newest = _moment(page.newest_datestamp, upper=False)
        if (since is None or oldest is None or oldest >= since) and (
            until is None or newest is None or newest <= until
        ):
            return
        for entry in entries:
            stamp = entry.harvested.datestamp
            # A date-only datestamp is the whole day: it strays only if all of it does.
            if since is not None and (end := _moment(stamp, upper=True)) and end < since:
                self.before.add(entry, end, window.from_date, later=False)
            elif until is not None and (start := _moment(stamp, upper=False)) and start > until:
                self.after.add(entry, start, window.until_date, later=True)

    def _note_sets(self, asked: str, entries: list[Entry]) -> None:
        self.note_set_records(asked, [entry.harvested for entry in entries])

    def note_set_records(self, asked: str, records: Iterable[HarvestedRecord]) -> None:
        """Count ``records`` of a list of set ``asked`` in it and in none of it."""
        # A record of a set below the one asked for (``a:b`` for ``a``) is in it (§2.7.2); one
        # whose header names no set cannot be told.
        below = asked + ":"
        for harvested in records:
            specs = harvested.set_specs
            if not specs:
                continue
            if any(spec == asked or spec.startswith(below) for spec in specs):
                self.in_set += 1
            else:
                self.other_sets += 1
                if self.other_set_example is None:
                    self.other_set_example = (asked, harvested.identifier, specs)

    def issues(self) -> list[Issue]:
        """What the run's report says: one issue for each bound the endpoint ignored."""
        found = [] if (other := self._set_issue()) is None else [other]
        for side, bound, what in (
            (self.before, "from", "before"),
            (self.after, "until", "after"),
        ):
            if side.count and side.furthest is not None:
                asked = ", ".join(sorted(side.bounds)[:3]) + (", …" if len(side.bounds) > 3 else "")
                # Harvested values, written on one line each (a line break in one had
                # printed a line of the tool's own).
                identifier, stamp = (one_line(value) for value in side.furthest)
                found.append(
                    Issue(
                        "harvest.outside_dates",
                        f"the endpoint sent {counted(side.count, 'record')} dated {what} the "
                        f"{bound}= asked for ({asked}), {identifier} of {stamp} the furthest: it "
                        f"seems to ignore {bound}=, so each run gets more than it asks for (they "
                        "were stored as any other)",
                        Severity.WARNING,
                    )
                )
        return found

    def set_strays(self) -> str | None:
        """What came in none of the set asked for, in words (None: nothing, or nothing can be
        told)."""
        # Only where some records named the set: Dataverse's headers name one set a record is
        # in, not always the one asked for (IQSS/dataverse#3687), and all its records would
        # seem to be outside it.
        if not self.in_set or self.other_set_example is None:
            return None
        asked, identifier, specs = self.other_set_example
        # Harvested values (and the spec asked for), written on one line each: a line break in
        # one had printed a line of the tool's own, in the report and in ``check --set``.
        asked, identifier = one_line(asked), one_line(identifier)
        specs = tuple(one_line(spec) for spec in specs)
        return (
            f"the endpoint sent {counted(self.other_sets, 'record')} in none of the set asked for "
            f"({asked}), {identifier} in {', '.join(specs)} the first, beside {self.in_set:,} "
            "in it"
        )

    def _set_issue(self) -> Issue | None:
        said = self.set_strays()
        if said is None:
            return None
        return Issue(
            "harvest.outside_set",
            f"{said}: it seems to ignore set= (or to lose it in its resumption tokens), so the "
            "run got more than the set (they were stored as any other)",
            Severity.WARNING,
        )

    def _window_bounds(self, window: Window) -> tuple[datetime | None, datetime | None]:
        if window not in self._bounds:
            self._bounds[window] = (
                _moment(window.from_date, upper=False),
                _moment(window.until_date, upper=True),
            )
        return self._bounds[window]


def _moment(value: str | None, *, upper: bool) -> datetime | None:
    return bound_moment(value, upper=upper) if value else None
