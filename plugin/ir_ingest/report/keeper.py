"""Keeping a running run's report in the store, so that a killed run's work is reported.

A run's report is written when the run ends.  A run killed before that (``kill -9``, a machine
that went down) has stored pages of records, but no report of them: the run that continues it
reports only its own.  So a running run's report is also written after its first page, then
every few seconds, and after its last page; ``ir-ingest report RUN_ID`` shows it, up to a few
seconds before the run was killed.  Not each page's: a report lists up to thousands of records
with issues (2.3 MB of JSON and 250 ms for 5,000, against some 10 ms for a page's commit).  A
run's counts are exact all the same: they are committed with each page of a harvest and
each batch of a reprocess (``Store.save_page``), and shown over the report's.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ir_ingest.report.model import RunReport
    from ir_ingest.store import Store

#: Seconds between two writes of a running run's report: a killed run's report leaves out at
#: most the pages stored in the last of these.
EVERY = 5.0


class ProgressKeeper:
    """Call after each stored page or batch: writes the report when one is due."""

    def __init__(self, store: Store, report: RunReport, every: float = EVERY) -> None:
        self._store = store
        self._report = report
        self._every = every
        self._due = time.monotonic()  # the first page is written at once

    def __call__(self, *, now: bool = False) -> None:
        """Write the report if it is due, or ``now`` (the last page is stored)."""
        moment = time.monotonic()
        if (moment < self._due and not now) or self._report.run_id is None:
            return
        self._store.save_progress(self._report.run_id, self._report.to_dict())
        self._due = moment + self._every


def count_committed(store: Store, report: RunReport) -> None:
    """Give a run that stops (to be closed as failed) the counts and pages committed with its
    pages.

    A page's counts are committed with it, and added to the report once it is stored: Ctrl-C
    or SIGTERM in the moment between the two had closed the run with the counts of the pages
    before it, and cleared the committed ones (``report --list`` said 0 records of the 10 the
    run had stored), and its pages one short ("run 1 stored 10 records" unsaid, as of none).
    The lists of records with issues may lack that page's, as a killed run's lack those of
    its last few seconds.
    """
    if report.run_id is None:
        return
    committed = store.committed(report.run_id)
    if committed is not None:
        report.counts = committed.counts
        if committed.pages is not None:
            report.pages = committed.pages
