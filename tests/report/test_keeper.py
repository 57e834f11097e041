"""A running run's report is kept in the store as it goes, and never over a finished one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ir_ingest.report.keeper import ProgressKeeper
from ir_ingest.report.model import RunReport

if TYPE_CHECKING:
    from ir_ingest.store import Store


def test_the_first_page_is_kept_at_once_and_the_next_when_due(store: Store) -> None:
    run_id = store.begin_run("urn:test", "oai_dc")
    report = RunReport("urn:test", "oai_dc", run_id=run_id)
    keep = ProgressKeeper(store, report, every=3600)
    report.pages = 1
    keep()
    report.pages = 2
    keep()  # not due for an hour
    kept = store.run_report(run_id)
    assert kept is not None
    assert kept["pages"] == 1
    keep(now=True)  # the last page: written whether due or not
    assert store.run_report(run_id)["pages"] == 2  # type: ignore[index]


def test_a_finished_runs_report_is_not_replaced(store: Store) -> None:
    run_id = store.begin_run("urn:test", "oai_dc")
    report = RunReport("urn:test", "oai_dc", run_id=run_id)
    report.finish("completed")
    store.finish_run(run_id, "completed", report.to_dict())
    late = RunReport("urn:test", "oai_dc", run_id=run_id, pages=9)
    store.save_progress(run_id, late.to_dict())
    assert store.run_report(run_id) == report.to_dict()
