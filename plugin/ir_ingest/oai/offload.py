"""Whether a harvest crosswalks in a second process (:mod:`ir_ingest.worker`): asked for,
refused, or, left to decide, once the harvest proves long and held up by its own work.

A crosswalk process takes about a second of CPU to warm up and a second core to pay: started for
a few pages, or for a harvest that waits for its endpoint, it costs more than it saves.
"""

from __future__ import annotations

import os
import time
from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ir_ingest.oai.responses import Page

#: Records a harvest has been sent when it starts a crosswalk process (when it is left to
#: decide, and the endpoint does not say how many are to come): five pages of a hundred, as a
#: harvest that will not end with the next page or two.
OFFLOAD_AFTER = 500
#: Records still to come, by the endpoint's count (``completeListSize``), for which a harvest
#: starts a crosswalk process once it knows it is held up (see :data:`RECENT_PAGES`): the
#: process's warm-up (about a second of CPU) costs a harvest of 1,000 records more than it
#: saves, and pays off by some 2,000.
OFFLOAD_LEFT = 2000

#: Pages over which a harvest must have waited for its pages less than :data:`BEHIND_WAIT`
#: a page, on average, to start a crosswalk process once it proves long (unless windows are
#: fetched in parallel): a harvest that waits for its pages is as quick as its endpoint, and a
#: second process would only take CPU from others.  At 20 ms a page (bench/harvest.py's endpoint) a
#: sequential harvest of 20,000 records took 6.2-6.4 s without one, 6.7-6.8 s with it; at no
#: latency, 4.7-5.2 s with it, 6.7 s without.  Over 8 pages it waited 24 ms at least in three
#: such harvests (a slow commit lets a page or two in), 1.2 ms at most at no latency; a burst
#: of quick pages did start one somewhere in a 50,000-record harvest, hence the decision is
#: made once (see :meth:`Offload.wanted`).
RECENT_PAGES = 8
BEHIND_WAIT = 0.001
#: Pages whose waits do not count: the first ones are slow here (the crosswalk files read, the
#: normalisers' first imports and tables: some 100-200 ms), and the endpoint's pile up
#: meanwhile.  Counted, they made one of two sequential 50,000-record harvests at 20 ms a page
#: start a process (its peak RSS, with the process's, 1.96x the 5,000-record harvest's).
WARM_UP_PAGES = 4


class Offload:
    """A harvest's choice of a crosswalk process: ``asked`` True (start it, and wait for it
    to warm up), False (never: refused, decided, or failed), or None (decided by
    :meth:`wanted` as pages come)."""

    def __init__(self, asked: bool | None, *, parallel: bool, counted: bool) -> None:
        self.asked = asked
        self.long = parallel
        self.counted = counted
        #: Records seen so far, while left to decide.
        self.seen = 0
        #: How long this harvest waited for each of the last pages (see :data:`RECENT_PAGES`),
        #: and when it last turned to the next page.
        self.waits: deque[float] = deque(maxlen=RECENT_PAGES)
        self.turned: float | None = None
        self.taken = 0

    def turning(self) -> None:
        """The harvest takes its next page: how long it waited for it counts (after the
        first :data:`WARM_UP_PAGES`)."""
        if self.turned is not None and self.taken > WARM_UP_PAGES:
            self.waits.append(time.perf_counter() - self.turned)
        self.taken += 1

    def turned_now(self) -> None:
        """The harvest is done with a page and turns to the next."""
        self.turned = time.perf_counter()

    def wanted(self, page: Page) -> bool | None:
        """Whether a crosswalk process is wanted; ``None`` while it cannot be told yet.

        Wanted for parallel windows (asked for where a harvest is long); else once the
        harvest is long enough (:data:`OFFLOAD_LEFT` records still to come by the endpoint's
        count of a harvest not in windows, or :data:`OFFLOAD_AFTER` records in with more to
        come) and its last :data:`RECENT_PAGES` pages were waiting for it.  Not wanted, for
        good, by a harvest long enough that waited for them: a few pages that came in a
        burst after a slow commit would otherwise start one at one size of a harvest and not
        at another.
        """
        self.seen += page.size
        if self.long:
            return True
        if not page.token:
            return None
        if self.counted and page.complete_list_size is not None and page.cursor is not None:
            # The cursor counts the records listed before this page (§3.5).
            long = page.complete_list_size - page.cursor - page.size >= OFFLOAD_LEFT
        else:
            long = self.seen >= OFFLOAD_AFTER
        if not long or len(self.waits) < RECENT_PAGES:
            return None
        return sum(self.waits) < BEHIND_WAIT * RECENT_PAGES


def cores() -> int:
    """The cores this process may run on: a container's or ``taskset``'s share of the
    machine's, which :func:`os.cpu_count` counts all of."""
    if hasattr(os, "sched_getaffinity"):  # not on macOS
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
