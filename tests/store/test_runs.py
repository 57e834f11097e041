"""Harvest runs and checkpoints: reports, runs a killed process left, incremental state."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from ir_ingest.report.model import RunReport
from ir_ingest.store import Checkpoint, source_key
from ir_ingest.store.run_reports import PAGES, Committed
from ir_ingest.store.runs import Synced
from tests.store.test_store import REPO, _entry

if TYPE_CHECKING:
    from ir_ingest.store import Store


def test_runs_keep_their_reports(any_store: Store) -> None:
    run_id = any_store.begin_run(REPO, "oai_dc", "openaire", "2024-01-01")
    any_store.finish_run(run_id, "completed", {"counts": {"created": 3}})
    assert any_store.run_status(run_id) == ("completed", None)
    assert any_store.run_report(run_id) == {"counts": {"created": 3}}
    assert any_store.run_report() == {"counts": {"created": 3}}
    assert any_store.run_status(run_id + 1) is None


def test_runs_left_running_by_a_killed_process_are_ended_by_the_next_run(any_store: Store) -> None:
    key = source_key(REPO, "oai_dc", None)
    other = any_store.begin_run(REPO, "mods")  # another source's run may well be going on
    older = any_store.begin_run(REPO, "oai_dc")
    killed = any_store.begin_run(REPO, "oai_dc")
    finished = any_store.begin_run(REPO, "oai_dc")
    any_store.finish_run(finished, "completed", {})
    successor = any_store.begin_run(REPO, "oai_dc")
    any_store.end_dead_runs(key, successor, resumed=killed)

    why = "stopped without finishing (killed, or its machine went down)"
    assert any_store.run_status(killed) == ("failed", f"{why}; run {successor} continued it")
    assert any_store.run_status(older) == ("failed", f"{why}; noticed by run {successor}")
    assert any_store.run_status(finished) == ("completed", None)
    assert any_store.run_status(other) == ("running", None)
    assert any_store.run_status(successor) == ("running", None)


def test_runs_chain_and_incremental_state(any_store: Store) -> None:
    key = source_key(REPO, "oai_dc", None)
    assert any_store.last_run(key) is None
    assert any_store.last_sync(key) is None
    first = any_store.begin_run(REPO, "oai_dc", window="monthly")
    started = any_store.last_run(key)
    assert started is not None
    assert (started.id, started.status, started.window, started.full) == (
        first,
        "running",
        "monthly",
        False,
    )
    lag = timedelta(hours=2)
    any_store.note_clock_lag(first, lag)
    resumed = any_store.begin_run(
        REPO, "oai_dc", sync_started_at=started.sync_started_at, clock_lag=lag
    )
    any_store.finish_run(resumed, "completed", {})
    assert any_store.last_sync(key) == Synced(started.sync_started_at, lag)
    last = any_store.last_run(key)
    assert last is not None
    assert last.clock_lag_seconds == 7200
    bounded = any_store.begin_run(REPO, "oai_dc", until_date="2024-01-01")
    any_store.finish_run(bounded, "completed", {})
    assert any_store.last_sync(key) == Synced(started.sync_started_at, lag), (
        "an until run does not count"
    )


def test_a_run_kept_for_a_failure_before_its_plan_is_passed_over(any_store: Store) -> None:
    key = source_key(REPO, "oai_dc", None)
    unfinished = any_store.begin_run(REPO, "oai_dc", until_date="2024-01-01")
    any_store.finish_run(unfinished, "failed", {})
    outage = any_store.begin_run(REPO, "oai_dc", until_date="2024-01-01", unplanned=True)
    any_store.finish_run(outage, "failed", {})
    last, planned = any_store.last_run(key), any_store.last_run(key, unplanned=False)
    assert last is not None
    assert planned is not None
    assert (last.id, planned.id) == (outage, unfinished)
    assert last.until_date == "2024-01-01", "it says what it asked for"


def test_window_checkpoints_are_cleared_by_prefix(any_store: Store) -> None:
    run_id = any_store.begin_run(REPO, "oai_dc")
    key = source_key(REPO, "oai_dc", None)
    # Another source whose key differs only in case (a URL's path is case-sensitive): SQLite's
    # LIKE ignores ASCII case, and its windows' checkpoints had been cleared too.
    other = source_key(REPO.upper(), "oai_dc", None)
    keys = [key, f"{key} [2024-01-01 2024-01-31]", f"{key}_other [x]", f"{other} [2024-01-01 *]"]
    for window_key in keys:
        any_store.save_page(run_id, [], Checkpoint(window_key, run_id, "t", 0, 0, None, 1, 0))
    any_store.clear_checkpoints(f"{key} [")
    assert [any_store.checkpoint(k) is not None for k in keys] == [True, False, True, True]


def test_a_running_run_s_counts_are_committed_with_each_page(any_store: Store) -> None:
    run_id = any_store.begin_run(REPO, "oai_dc")
    report = RunReport(REPO, "oai_dc", run_id=run_id)
    any_store.save_progress(run_id, report.to_dict())  # as kept after its first page: none
    page = [_entry("oai:x:1"), _entry("oai:x:2"), _entry("oai:x:3", title=None)]
    any_store.save_page(run_id, page, None, lambda: {**report.counts_with(page), PAGES: 1})
    counted = {**report.counts, "created": 2, "failed": 1}
    (listed,) = any_store.list_runs(1)
    assert listed.records == 3, "the page's, though its report was kept before it"
    shown = any_store.run_shown(run_id)
    assert shown is not None
    assert shown.report is not None
    assert (shown.report["counts"], shown.report["pages"]) == (counted, 1), "no record: a page"
    assert any_store.committed(run_id) == Committed(counted, 1)
    report.add(page)
    assert report.counts == counted, "what the report counts once the page is added"
    report.finish("completed")
    any_store.finish_run(run_id, "completed", {**report.to_dict(), "counts": {"created": 9}})
    (listed,) = any_store.list_runs(1)
    assert listed.records == 9, "a finished run's counts are its report's"
