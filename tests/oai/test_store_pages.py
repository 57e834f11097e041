"""Pages crosswalked in a process of their own are stored as those crosswalked here."""

from __future__ import annotations

import os
import signal
import time
from typing import TYPE_CHECKING, ClassVar

import msgspec
import pytest

from ir_ingest import worker
from ir_ingest.errors import HarvestError
from ir_ingest.oai import offload, store_pages
from ir_ingest.oai.harvest import run_harvest
from ir_ingest.oai.provider import serve_in_background
from ir_ingest.store import Store, source_key
from ir_ingest.store.changes import comparable
from tests.oai import scripted
from tests.oai.faults import FaultPlan, assert_every_record_once, faulty_endpoint, synthetic_records
from tests.oai.test_sync import FAST, REPO

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from ir_ingest.entry import Entry, HarvestedRecord
    from ir_ingest.oai.provider import ProvidedRecord, WSGIApp
    from ir_ingest.oai.responses import Page
    from ir_ingest.report.model import RunReport


def _harvest(
    url: str, folder: Path, crosswalk_process: bool | None, **kw: object
) -> tuple[RunReport, Store, list[int]]:
    """Harvest into a new store under ``folder``; the pages committed, as progress saw them."""
    folder.mkdir()
    store = Store(f"sqlite:///{folder / 'store.sqlite3'}")
    seen: list[int] = []
    report = run_harvest(
        url,
        "oai_dc",
        store=store,
        policy=FAST,
        repository=REPO,
        archive=folder / "archive",
        crosswalk_process=crosswalk_process,
        on_page=lambda report: seen.append(report.pages),
        **kw,  # type: ignore[arg-type]
    )
    return report, store, seen


def _contents(store: Store) -> dict[str, object]:
    return {r.id: comparable(msgspec.to_builtins(r)) for r in store.iter_records()}


@pytest.mark.parametrize("parallel", [1, 4])
def test_a_crosswalk_process_stores_what_this_process_stores(
    tmp_path: Path, demo_records: list[ProvidedRecord], parallel: int
) -> None:
    windows = {"window": "monthly", "parallel": parallel} if parallel > 1 else {}
    with serve_in_background(faulty_endpoint(demo_records, FaultPlan(batch_size=3))) as url:
        here, store_here, seen_here = _harvest(url, tmp_path / "here", False, **windows)
        there, store_there, seen_there = _harvest(url, tmp_path / "there", True, **windows)

    assert there.status == here.status == "completed"
    assert there.counts == here.counts
    assert there.pages == here.pages > 10
    assert _contents(store_there) == _contents(store_here)
    assert_every_record_once(store_there, demo_records)
    assert seen_there == seen_here == list(range(1, here.pages + 1)), "progress saw every page"
    archived = sorted(p.name for p in (tmp_path / "there" / "archive").rglob("*.xml.gz"))
    assert archived == sorted(p.name for p in (tmp_path / "here" / "archive").rglob("*.xml.gz"))
    assert len(archived) == here.pages, "each page archived once, under its own number"
    store_here.close()
    store_there.close()


class _Counted(worker.CrosswalkWorker):
    started: ClassVar[list[int]] = []

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.started.append(self.pid)


@pytest.fixture
def started_pids(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The crosswalk processes harvests start (their pids), on a machine of two cores."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1})
    monkeypatch.setattr(store_pages, "CrosswalkWorker", _Counted)
    monkeypatch.setattr(_Counted, "started", [])
    return _Counted.started


@pytest.fixture
def held_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """Harvests whose pages are always taken as waiting for them (however long they waited),
    for tests of what else decides whether a crosswalk process is started."""
    monkeypatch.setattr(offload, "BEHIND_WAIT", float("inf"))


@pytest.mark.parametrize(("count", "started"), [(offload.OFFLOAD_AFTER - 100, 0), (1500, 1)])
@pytest.mark.usefixtures("held_up")
def test_left_to_decide_a_harvest_starts_a_crosswalk_process_once_it_proves_long(
    tmp_path: Path, started_pids: list[int], count: int, started: int
) -> None:
    records = synthetic_records(count)
    with serve_in_background(faulty_endpoint(records, FaultPlan(batch_size=100))) as url:
        report, store, _ = _harvest(url, tmp_path / "auto", None)
    assert len(started_pids) == started
    assert report.counts["created"] == count
    assert_every_record_once(store, records)
    store.close()


def test_a_harvest_that_waits_for_its_pages_starts_no_crosswalk_process(
    tmp_path: Path, started_pids: list[int]
) -> None:
    # Long enough, but each page takes the endpoint 0.3 s: processing keeps up in this process
    # (100 records: some 20 ms), and a second one would only take CPU from others (the
    # endpoint's, on one machine).
    records = synthetic_records(offload.OFFLOAD_AFTER + 500)
    plan = FaultPlan(batch_size=100, latency=0.3)
    with serve_in_background(faulty_endpoint(records, plan)) as url:
        report, store, _ = _harvest(url, tmp_path / "slow", None)
    assert started_pids == []
    assert report.counts["created"] == len(records)
    store.close()


def _process_slowly(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Make a page take ``seconds`` more to process in the harvest's own process."""
    here = store_pages._process_page

    def slowly(page: Page, records: list[HarvestedRecord]) -> list[Entry]:
        time.sleep(seconds)
        return here(page, records)

    monkeypatch.setattr(store_pages, "_process_page", slowly)


def test_a_harvest_its_pages_wait_for_starts_a_crosswalk_process(
    tmp_path: Path, started_pids: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Processing here made slower than any fetch from the local endpoint: the next page is
    # always there when the harvest turns to it.  On a loaded machine (three busy processes
    # on 2 cores) the harvest's threads still waited a few ms for the GIL or the CPU at each
    # turn, more than BEHIND_WAIT: "waiting" is allowed 50 ms here, far below any endpoint's.
    _process_slowly(monkeypatch, 0.2)
    monkeypatch.setattr(offload, "BEHIND_WAIT", 0.05)
    records = synthetic_records(offload.OFFLOAD_AFTER + 1000)
    with serve_in_background(faulty_endpoint(records, FaultPlan(batch_size=100))) as url:
        report, store, _ = _harvest(url, tmp_path / "quick", None)
    assert len(started_pids) == 1
    assert report.counts["created"] == len(records)
    assert_every_record_once(store, records)
    store.close()


def test_a_harvest_that_kept_up_with_its_endpoint_does_not_decide_again(
    tmp_path: Path, started_pids: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Slow pages while the harvest proves long: it waits for them, and decides against a
    # process; the quick pages after them, which wait for its slowed processing, change
    # nothing (a burst of pages after a slow commit would otherwise start one mid-run).
    _process_slowly(monkeypatch, 0.05)
    records = synthetic_records(3200)
    decided_by = offload.WARM_UP_PAGES + offload.RECENT_PAGES + 1
    plan = FaultPlan(
        batch_size=100, slow_seconds=0.2, faults={n: ["slow"] for n in range(decided_by + 1)}
    )
    with serve_in_background(faulty_endpoint(records, plan)) as url:
        report, store, _ = _harvest(url, tmp_path / "kept-up", None)
    assert started_pids == []
    assert report.counts["created"] == len(records)
    store.close()


def _counted_list(total: int, log: list[dict[str, str]]) -> Callable[[str], WSGIApp]:
    """An endpoint listing ``total`` records, 100 a page, whose tokens say how many there are
    (``completeListSize``) and how many came before (``cursor``), as DSpace's and Pure's do."""

    def answer(params: dict[str, str]) -> bytes:
        if params.get("verb") != "ListRecords":
            return scripted.error("badVerb")
        start = int(params.get("resumptionToken", "0"))
        end = min(start + 100, total)
        items = [scripted.record(f"oai:x:{n}", "2024-01-01T00:00:00Z") for n in range(start, end)]
        token = str(end) if end < total else ""
        attrs = f' cursor="{start}" completeListSize="{total}"'
        return scripted.page("ListRecords", items, token, attrs)

    return scripted.scripted(answer, log)


@pytest.mark.parametrize(("total", "started"), [(1500, False), (offload.OFFLOAD_LEFT + 1500, True)])
@pytest.mark.usefixtures("held_up")
def test_where_the_endpoint_says_how_many_are_to_come_a_harvest_decides_by_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, total: int, started: bool
) -> None:
    # 1,500 records: past OFFLOAD_AFTER, but too few to pay for the process; 3,500: it is
    # started as soon as the harvest knows it is held up (RECENT_PAGES pages after the first).
    log: list[dict[str, str]] = []
    asked_when_started: list[int] = []

    class Started(worker.CrosswalkWorker):
        def __init__(self, *args: object) -> None:
            asked_when_started.append(len(log))
            super().__init__(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1})
    monkeypatch.setattr(store_pages, "CrosswalkWorker", Started)
    with serve_in_background(_counted_list(total, log)) as url:
        report, store, _ = _harvest(url, tmp_path / "counted", None)
    assert report.total == total
    assert bool(asked_when_started) == started
    if started:
        # Requests made by then: the pages it has taken, and the next ones fetched ahead.
        assert asked_when_started[0] <= offload.WARM_UP_PAGES + offload.RECENT_PAGES + 3
    store.close()


def _counted_windows(per_month: int) -> Callable[[str], WSGIApp]:
    """An endpoint of ``per_month`` records in each of 2024's first three months, that answers
    ``from``/``until`` and counts each list (``completeListSize``)."""
    stamps = [
        f"2024-0{month}-{1 + n % 28:02d}T00:00:00Z" for month in (1, 2, 3) for n in range(per_month)
    ]

    def answer(params: dict[str, str]) -> bytes:
        if params.get("verb") != "ListRecords":
            return scripted.error("badVerb")
        token = params.get(
            "resumptionToken", f"{params.get('from', '')}|{params.get('until', '~')}|0"
        )
        low, high, start = token.split("|")
        listed = [n for n, stamp in enumerate(stamps) if low <= stamp <= high]
        if not listed:
            return scripted.error("noRecordsMatch")
        end = min(int(start) + 100, len(listed))
        items = [scripted.record(f"oai:x:{n}", stamps[n]) for n in listed[int(start) : end]]
        attrs = f' cursor="{start}" completeListSize="{len(listed)}"'
        more = f"{low}|{high}|{end}" if end < len(listed) else ""
        return scripted.page("ListRecords", items, more, attrs)

    return scripted.scripted(
        answer, identify_body=scripted.identify(earliest="2024-01-01T00:00:00Z")
    )


@pytest.mark.usefixtures("held_up")
def test_in_date_windows_a_window_s_count_does_not_say_the_harvest_is_short(
    tmp_path: Path, started_pids: list[int]
) -> None:
    # 3 windows of 900 records: each count is below OFFLOAD_LEFT, the harvest is not.
    with serve_in_background(_counted_windows(900)) as url:
        report, store, _ = _harvest(url, tmp_path / "windows", None, window="monthly")
    assert report.total == 2700
    assert len(started_pids) == 1
    store.close()


def test_one_core_is_left_to_the_harvest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Pinned to one of the machine's cores (taskset, a container's cpuset): a second process
    # would share it.
    monkeypatch.setattr(store_pages, "CrosswalkWorker", _Counted)
    monkeypatch.setattr(_Counted, "started", [])
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(allowed)})
    try:
        with serve_in_background(faulty_endpoint(synthetic_records(900), FaultPlan())) as url:
            report, store, _ = _harvest(url, tmp_path / "one", None)
    finally:
        os.sched_setaffinity(0, allowed)
    assert _Counted.started == []
    assert report.counts["created"] == 900
    store.close()


@pytest.mark.parametrize("crosswalk_process", [False, True])
def test_a_run_that_fails_to_fetch_a_page_stores_every_page_before_it(
    tmp_path: Path, crosswalk_process: bool
) -> None:
    # The pages the crosswalk process has when the fetch fails are stored, as here.
    plan = FaultPlan(batch_size=10, faults={8: ["503-seconds"] * 5}, retry_after=0)
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    with (
        serve_in_background(faulty_endpoint(synthetic_records(200), plan)) as url,
        pytest.raises(HarvestError, match="failed 5 times"),
    ):
        run_harvest(
            url,
            "oai_dc",
            store=store,
            policy=FAST,
            repository=REPO,
            crosswalk_process=crosswalk_process,
        )
    checkpoint = store.checkpoint(source_key(REPO, "oai_dc", None))
    assert checkpoint is not None
    assert (checkpoint.pages, checkpoint.records) == (8, 80)
    store.close()


def test_a_crosswalk_process_killed_mid_run_fails_it_and_the_next_run_completes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_pages, "CrosswalkWorker", _Counted)
    monkeypatch.setattr(_Counted, "started", [])
    records = synthetic_records(100)
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")

    def kill_after_two(report: RunReport) -> None:
        if report.pages == 2:
            os.kill(_Counted.started[-1], signal.SIGKILL)

    run = {"store": store, "policy": FAST, "repository": REPO, "crosswalk_process": True}
    with serve_in_background(faulty_endpoint(records, FaultPlan(batch_size=10))) as url:
        with pytest.raises(HarvestError) as failed:
            run_harvest(url, "oai_dc", on_page=kill_after_two, **run)  # type: ignore[arg-type]
        checkpoint = store.checkpoint(source_key(REPO, "oai_dc", None))
        assert checkpoint is not None
        assert 2 <= checkpoint.pages < 10, "the pages answered before the kill are stored"
        said = [str(failed.value), *failed.value.__notes__]
        assert "killed by SIGKILL" in said[0]
        assert " ".join(said).count("continues from") == 1, "how to go on is said once"
        report = run_harvest(url, "oai_dc", **run)  # type: ignore[arg-type]
    assert report.status == "completed"
    assert report.resumed_run_id is not None
    assert_every_record_once(store, records)
    store.close()


@pytest.mark.usefixtures("held_up")
def test_left_to_decide_a_harvest_goes_on_without_a_crosswalk_process_that_died(
    tmp_path: Path, started_pids: list[int]
) -> None:
    # Killed 10 pages in, perhaps still warming up: the harvest notices its end at one of the
    # 20 pages after (at the last of 5, it once had not: nothing said the process had failed).
    records = synthetic_records(3000)
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    killed: list[int] = []

    def kill_once(report: RunReport) -> None:
        if started_pids and not killed and report.pages >= 10:
            killed.append(report.pages)
            os.kill(started_pids[0], signal.SIGKILL)

    with serve_in_background(faulty_endpoint(records, FaultPlan(batch_size=100))) as url:
        report = run_harvest(
            url, "oai_dc", store=store, policy=FAST, repository=REPO, on_page=kill_once
        )
    assert len(started_pids) == 1, "started once, not again after it died"
    assert killed, "killed while pages were still to come"
    assert report.status == "completed"
    assert report.counts["created"] == 3000, "the pages it had were crosswalked here"
    assert_every_record_once(store, records)
    assert [issue["code"] for issue in report.run_issues] == ["harvest.crosswalk_process_failed"]
    assert "killed by SIGKILL" in report.run_issues[0]["message"]
    store.close()


def test_parallel_windows_start_a_crosswalk_process_at_once(
    tmp_path: Path, started_pids: list[int], demo_records: list[ProvidedRecord]
) -> None:
    # Asked for where a harvest is long: 36 records, far below OFFLOAD_AFTER.
    with serve_in_background(faulty_endpoint(demo_records, FaultPlan(batch_size=3))) as url:
        report, store, _ = _harvest(url, tmp_path / "4w", None, window="monthly", parallel=4)
    assert len(started_pids) == 1
    assert report.total == len(demo_records)
    assert_every_record_once(store, demo_records)
    store.close()


class _Stalled(worker.CrosswalkWorker):
    """A crosswalk process stopped (SIGSTOP) once handed its first page, and let go on only
    when the harvest waits for an answer: a process far behind the harvest."""

    sent: ClassVar[int] = 0

    def send(self, page: Page, crosswalk: str | None = None) -> None:
        super().send(page, crosswalk)
        type(self).sent += 1
        if type(self).sent == 1:
            os.kill(self.pid, signal.SIGSTOP)

    def receive(self) -> list[Entry]:
        os.kill(self.pid, signal.SIGCONT)
        return super().receive()

    def close(self) -> None:
        os.kill(self.pid, signal.SIGCONT)
        super().close()


def test_a_harvest_crosswalks_pages_itself_while_its_crosswalk_process_is_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_pages, "CrosswalkWorker", _Stalled)
    monkeypatch.setattr(_Stalled, "sent", 0)
    records = synthetic_records(60)
    with serve_in_background(faulty_endpoint(records, FaultPlan(batch_size=5))) as url:
        here, store_here, seen_here = _harvest(url, tmp_path / "here", False)
        there, store_there, seen_there = _harvest(url, tmp_path / "there", True)
    assert there.pages == here.pages == 12
    # Six pages went to the stopped process; the harvest took the next ones itself until it
    # had eight waiting to be committed, then waited for the process.
    assert store_pages._BEHIND <= _Stalled.sent < there.pages
    assert there.counts == here.counts
    assert _contents(store_there) == _contents(store_here)
    assert_every_record_once(store_there, records)
    assert seen_there == seen_here == list(range(1, 13)), "committed in order, each once"
    store_here.close()
    store_there.close()
