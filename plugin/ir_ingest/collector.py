"""The garbage collector's settings for a harvest's long loops: its pages stored (here, in
the harvest's process) and crosswalked (in the crosswalk process, :mod:`ir_ingest.worker`).

Each loop holds a page's entries until the page is done, then drops them together; Python's
defaults had the collector go through them again and again, and through every object made
before the loop in each full collection (50-110 ms each): the loops' largest single cost.
"""

from __future__ import annotations

import contextlib
import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["YOUNG_OBJECTS", "collector_for_pages"]

#: Tracked objects made (less those freed) between two collections of the youngest generation
#: while pages are stored or crosswalked: more than the pages in flight hold (some 3,600
#: objects a page of 100 records), so that most are freed before a collection goes through
#: them.  Python's 700 had every record's objects gone through two or three times: the
#: collector took 0.23 s of a 20,000-record harvest's main process, 0.07 s so.
YOUNG_OBJECTS = 20_000


@contextlib.contextmanager
def collector_for_pages() -> Iterator[None]:
    """Set the garbage collector for storing pages, as it was again afterwards.

    The objects made before the pages (modules, tables: some 60,000) are frozen out of its
    collections.  A page's entries live through a few collections (pages in flight are kept
    until their commit) and so reach the oldest generation, which is collected whole once it
    has grown by a quarter: every 2,000 records or so, each collection going through every
    object of the process (50-110 ms).  And its youngest generation is collected less often
    (see :data:`YOUNG_OBJECTS`).  A program that froze objects itself, or set the collector
    to collect less often, or never, keeps its choice.
    """
    thresholds = gc.get_threshold()
    if 0 < thresholds[0] < YOUNG_OBJECTS:
        gc.set_threshold(YOUNG_OBJECTS, *thresholds[1:])
    freezing = gc.get_freeze_count() == 0
    if freezing:
        gc.freeze()
    try:
        yield
    finally:
        if freezing:
            gc.unfreeze()
        gc.set_threshold(*thresholds)
