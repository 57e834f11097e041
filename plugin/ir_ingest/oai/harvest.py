"""The harvest loop: ListRecords pages into the store, checkpointed after every page.

Each page's entries and the checkpoint that follows them (the resumption token for the next page,
the cursor, the newest datestamp seen) are committed in one transaction.  A run that stopped before
its last page (killed, or failed after its retries) is resumed from that token by the next run of
the same source; a completed run leaves no token behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ir_ingest.oai.client import OAIClient, Page
from ir_ingest.oai.datestamp import parse_datestamp
from ir_ingest.pipeline import process
from ir_ingest.report.model import RunReport
from ir_ingest.store import Checkpoint, Store, default_db_url, source_key

if TYPE_CHECKING:
    from ir_ingest.oai.transport import TransportPolicy

ProgressCallback = Callable[[RunReport], None]


def run_harvest(
    url: str,
    prefix: str,
    *,
    set_spec: str | None = None,
    from_date: str | None = None,
    until_date: str | None = None,
    db_url: str | None = None,
    store: Store | None = None,
    policy: TransportPolicy | None = None,
    on_page: ProgressCallback | None = None,
    resume: bool = True,
    repository: str | None = None,
) -> RunReport:
    """Harvest ``url`` in format ``prefix`` into the store and return the run's report.

    With ``resume`` (the default) a previous unfinished run of the same source continues from
    its checkpoint instead of starting over.  Raises :class:`~ir_ingest.errors.HarvestError` when
    the endpoint fails beyond its retry budget; the run is then stored as ``failed`` with its
    checkpoint intact, ready to resume.  ``repository`` is the name records and checkpoints are
    kept under (default: ``url``), for an endpoint whose address changes.
    """
    own_store = store is None
    store = store or Store(db_url or default_db_url())
    repository = repository or url
    key = source_key(repository, prefix, set_spec)
    previous = store.checkpoint(key)
    token = previous.token if resume and previous and previous.token else None
    run_id = store.begin_run(repository, prefix, set_spec, from_date, until_date)
    report = RunReport(
        repository=repository,
        metadata_prefix=prefix,
        run_id=run_id,
        set_spec=set_spec,
        from_date=from_date,
        until_date=until_date,
        resumed_from_token=token,
    )
    last_datestamp = previous.last_datestamp if token and previous else None
    try:
        with OAIClient(url, policy, repository) as client:
            for page in client.iter_pages(
                prefix, set_spec=set_spec, from_date=from_date, until_date=until_date, token=token
            ):
                last_datestamp = _store_page(store, report, key, page, last_datestamp)
                if on_page is not None:
                    on_page(report)
    except BaseException as exc:
        report.finish("failed", f"{type(exc).__name__}: {exc}")
        store.finish_run(run_id, "failed", report.to_dict(), report.error)
        raise
    else:
        report.finish("completed")
        store.finish_run(run_id, "completed", report.to_dict())
    finally:
        if own_store:
            store.close()
    return report


def _store_page(
    store: Store, report: RunReport, key: str, page: Page, last_datestamp: str | None
) -> str | None:
    """Process one page, commit it with its checkpoint, count it; return the newest datestamp."""
    entries = [
        process(harvested, page.issues_by_identifier.get(harvested.identifier, ()))
        for harvested in page.records
    ]
    last_datestamp = newest_datestamp([h.datestamp for h in page.records], last_datestamp)
    report.pages += 1
    if page.complete_list_size is not None:
        report.complete_list_size = page.complete_list_size
    assert report.run_id is not None
    checkpoint = Checkpoint(
        source_key=key,
        run_id=report.run_id,
        token=page.token,
        cursor=page.cursor,
        complete_list_size=page.complete_list_size,
        last_datestamp=last_datestamp,
        pages=report.pages,
        records=report.total + len(entries),
    )
    store.save_page(report.run_id, entries, checkpoint)
    report.add(entries)
    return last_datestamp


def newest_datestamp(datestamps: list[str], current: str | None) -> str | None:
    """The newest of ``datestamps`` and ``current``; datestamps that cannot be read are ignored."""
    best = current
    best_moment = parse_datestamp(current) if current else None
    for stamp in datestamps:
        moment = parse_datestamp(stamp)
        if moment is not None and (best_moment is None or moment > best_moment):
            best, best_moment = stamp, moment
    return best
