"""``ir-ingest reprocess``: crosswalk and validate the stored raw XML again, without harvesting.

After a crosswalk or validation change, every stored record goes through the pipeline again from
the raw XML kept with it.  Records whose result is unchanged get no new version; changed ones
get one, exactly as if they had been harvested again.  A record a harvest changed meanwhile keeps
the harvest's version.  The check and the write are two transactions apart, so a harvest that
commits in between can still be overwritten by the older text: run reprocess when no harvest of
the source is running.
"""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING

from ir_ingest.pipeline import process
from ir_ingest.report.model import RunReport

if TYPE_CHECKING:
    from ir_ingest.oai.harvest import ProgressCallback
    from ir_ingest.store import Store

#: Records committed together.
BATCH = 200


def reprocess(
    store: Store, repository: str | None = None, on_batch: ProgressCallback | None = None
) -> RunReport:
    """Re-crosswalk every live stored record (of ``repository``, or all) and store the results."""
    report = RunReport(repository=repository or "all sources", metadata_prefix="*")
    stored = store.iter_harvested(repository)
    while batch := list(islice(stored, BATCH)):
        # A harvest may have changed or deleted some of these since they were read: its newer
        # state wins, they are left alone.
        current = store.unchanged_since_read(record for record, _ in batch)
        entries = [
            process(record, issues)
            for record, issues in batch
            if (record.repository, record.identifier) in current
        ]
        store.save_page(None, entries, None)
        report.add(entries)
        if on_batch is not None:
            on_batch(report)
    report.finish("completed")
    return report
