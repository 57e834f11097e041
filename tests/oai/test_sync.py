"""Incremental runs, date windows (one at a time and parallel), the full-run sweep, the archive."""

from __future__ import annotations

import gzip
import stat
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

import pytest
from lxml import html

from ir_ingest.documents import process_file
from ir_ingest.errors import ConfigError, HarvestError
from ir_ingest.oai.archive import PageArchive, check_archive
from ir_ingest.oai.datestamp import format_datestamp
from ir_ingest.oai.harvest import run_harvest
from ir_ingest.oai.provider import ProvidedRecord, serve_in_background
from ir_ingest.oai.transport import TransportPolicy
from ir_ingest.report import render
from tests.oai.faults import (
    FaultPlan,
    assert_every_record_once,
    faulty_endpoint,
    synthetic_records,
)

if TYPE_CHECKING:
    from pathlib import Path

    from ir_ingest.report.model import RunReport
    from ir_ingest.store import Store

# Retries absorb what a loaded machine adds (a reset pooled connection, a slow answer): a run
# must fail where its planned fault is, or the resume test sees the wrong window first.
FAST = TransportPolicy(connect_timeout=1, read_timeout=5, retries=4, backoff=0.01, max_wait=0.05)
REPO = "urn:sync"


def _run(
    store: Store, records: list[ProvidedRecord], plan: FaultPlan | None = None, **kw: object
) -> RunReport:
    with serve_in_background(faulty_endpoint(records, plan or FaultPlan())) as url:
        policy = kw.pop("policy", FAST)
        return run_harvest(url, "oai_dc", store=store, policy=policy, repository=REPO, **kw)  # type: ignore[arg-type]


def test_an_incremental_run_asks_only_for_what_changed(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    first = _run(store, demo_records)
    versions = store.counts()["versions"]
    now = datetime.now(UTC)
    live = [r for r in demo_records if not r.deleted]
    changed = [*demo_records, replace(live[0], identifier="oai:new:1", datestamp=now)]
    changed[changed.index(live[1])] = ProvidedRecord(
        live[1].identifier, now, "oai_dc", deleted=True
    )
    plan = FaultPlan()
    second = _run(store, changed, plan)

    assert first.from_date is None
    sent = parse_qs(plan.queries()[0])["from"][0]
    expected = before - timedelta(minutes=10)
    assert expected <= datetime.strptime(sent, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert sent == second.from_date
    assert second.total == 2, "only the new and the newly deleted record were sent"
    assert (second.counts["created"], second.counts["deleted"]) == (1, 1)
    assert store.counts()["versions"] == versions + 2, "unchanged records get no version"
    assert second.run_issues == [], "an endpoint that keeps to from= is not blamed"
    third = _run(store, changed)
    assert third.total == 2, "the overlap re-sends recent changes"
    assert third.counts["unchanged"] == 2
    assert store.counts()["versions"] == versions + 2


def test_an_endpoint_that_ignores_from_is_named_in_the_report(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    _run(store, demo_records)
    versions = store.counts()["versions"]
    plan = FaultPlan(ignores=("from", "until"))
    second = _run(store, demo_records, plan)

    assert "from=" in plan.queries()[0]
    assert second.status == "completed"
    assert (second.total, second.counts["unchanged"]) == (36, 36)
    assert store.counts()["versions"] == versions
    [issue] = second.run_issues
    assert issue["code"] == "harvest.outside_dates"
    oldest = min(demo_records, key=lambda r: r.datestamp)
    assert issue["message"].startswith(
        f"the endpoint sent 36 records dated before the from= asked for ({second.from_date}), "
        f"{oldest.identifier} of {format_datestamp(oldest.datestamp)} the furthest"
    )


def test_an_endpoint_that_ignores_the_set_is_named_in_the_report(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    others = [r for r in demo_records if r.set_specs and "openaire" not in r.set_specs]
    plan = FaultPlan(ignores=("set",))
    report = _run(store, demo_records, plan, set_spec="openaire")

    assert "set=openaire" in plan.queries()[0]
    assert report.total == 36
    [issue] = report.run_issues
    assert issue["code"] == "harvest.outside_set"
    assert issue["message"].startswith(
        f"the endpoint sent {len(others)} records in none of the set asked for (openaire), "
    )


def test_records_after_until_are_counted(store: Store, demo_records: list[ProvidedRecord]) -> None:
    newest = max(demo_records, key=lambda r: r.datestamp)
    until = newest.datestamp - timedelta(days=1)
    late = [r for r in demo_records if r.datestamp > until.replace(hour=23, minute=59, second=59)]
    plan = FaultPlan(ignores=("from", "until"), batch_size=50)
    report = _run(store, demo_records, plan, until_date=format_datestamp(until, True), full=True)

    [issue] = report.run_issues
    assert issue["message"].startswith(
        f"the endpoint sent {len(late)} record{'s' * (len(late) > 1)} dated after the until= "
        "asked for "
        f"({format_datestamp(until)[:10]}T23:59:59Z), {newest.identifier} of "
        f"{format_datestamp(newest.datestamp)} the furthest"
    )


@pytest.mark.parametrize("parallel", [1, 4])
def test_windows_sharing_a_second_lose_no_record_and_count_each_once(
    store: Store, parallel: int
) -> None:
    # An endpoint that keeps milliseconds and compares the bounds to them: a record in the last
    # second of January is after until=…23:59:59Z; one at midnight is sent by both windows.
    midnight = datetime(2024, 2, 1, tzinfo=UTC)
    moments = [midnight - timedelta(milliseconds=500), midnight, midnight + timedelta(days=1)]
    records = [
        replace(record, datestamp=moment)
        for record, moment in zip(synthetic_records(3), moments, strict=True)
    ]
    plan = FaultPlan(sub_second=True)
    report = _run(store, records, plan, window="monthly", parallel=parallel, full=True)

    assert (report.status, report.total, report.counts["created"]) == ("completed", 3, 3)
    assert_every_record_once(store, records)
    untils = {parse_qs(q)["until"][0] for q in plan.queries() if "until=" in q}
    assert "2024-02-01T00:00:00Z" in untils


def test_the_delay_holds_between_all_requests_of_parallel_windows(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    plan = FaultPlan(batch_size=50)
    polite = replace(FAST, delay=0.2)
    report = _run(store, demo_records, plan, window="monthly", parallel=4, policy=polite)

    assert report.status == "completed"
    starts = sorted(at for at, _, _ in plan.seen)
    assert len(starts) > 10
    # Arrivals at the endpoint, not starts: a loaded machine delays one request more than the
    # next now and then, which shortens the gap after it (0.15 s, then 0.09 s of 0.2 s, while
    # other test suites ran); the span of them all is as long as the delays.  Without the
    # delay, four windows' requests come within milliseconds of each other.
    assert starts[-1] - starts[0] >= 0.2 * (len(starts) - 1) - 0.1
    # One gap may be short (0.036 s once, with three other test runs on the machine): the
    # request before it arrived late.  Two windows let through together each time are not.
    short = [b - a for a, b in pairwise(starts) if b - a < 0.05]
    assert len(short) <= 1, short


@pytest.mark.parametrize("parallel", [1, 4])
def test_monthly_windows_store_every_record_once(
    store: Store, demo_records: list[ProvidedRecord], parallel: int
) -> None:
    plan = FaultPlan(batch_size=2)
    report = _run(store, demo_records, plan, window="monthly", parallel=parallel)

    assert report.status == "completed"
    assert report.total == 36
    assert_every_record_once(store, demo_records)
    firsts = [parse_qs(q) for q in plan.queries() if "until=" in q]
    assert any("from" not in q and q["until"] == ["2023-03-01T00:00:00Z"] for q in firsts), (
        "the first window is open below and ends with earliestDatestamp's month"
    )
    froms = {parse_qs(q)["from"][0] for q in plan.queries() if "from=" in q}
    assert len(froms) > 30, "one window a month up to now"
    assert len([q for q in plan.queries() if "from=" in q and "until=" not in q]) == 1, (
        "the last window is open above"
    )


def test_a_failed_windowed_run_resumes_only_unfinished_windows(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    plan = FaultPlan({1: ["503-seconds"] * 99}, batch_size=1, retry_after=0)
    with pytest.raises(HarvestError):
        _run(store, demo_records, plan, window="monthly")
    stored_before = store.counts()["records"]
    assert 0 < stored_before < 36

    plan.faults.clear()
    plan.seen.clear()
    report = _run(store, demo_records, plan, window="monthly")

    assert report.resumed_run_id is not None
    assert report.total == 36 - stored_before
    assert_every_record_once(store, demo_records)
    assert "resumptionToken" in plan.queries()[0], "the interrupted window goes on from its token"


def test_a_full_run_lists_records_gone_without_a_deletion(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    _run(store, demo_records)
    live = [r for r in demo_records if not r.deleted]
    vanished = {live[3].identifier, live[7].identifier}
    report = _run(store, [r for r in demo_records if r.identifier not in vanished], full=True)

    assert report.from_date is None
    assert sorted(report.gone_from_source) == sorted(vanished)
    # With their titles: an identifier alone tells a reviewer little (third walkthrough).
    assert report.gone_titles.keys() == vanished
    assert all(report.gone_titles.values())
    page = html.fromstring(render.to_html(report))
    items = page.iterfind(".//ul[@id='gone-from-source']/li")
    listed = [" ".join("".join(map(str, li.itertext())).split()) for li in items]
    assert listed == [f"{report.gone_titles[i]} {i}" for i in report.gone_from_source]
    assert [i["code"] for i in report.run_issues] == ["harvest.gone_from_source"]
    assert store.counts()["deleted"] == 4, "nothing is deleted silently"


def test_the_archive_keeps_every_raw_page(
    store: Store, demo_records: list[ProvidedRecord], tmp_path: Path
) -> None:
    _run(store, demo_records, archive=tmp_path / "archive")

    pages = sorted((tmp_path / "archive").rglob("*.xml.gz"))
    assert [p.name for p in pages] == [f"w0000-p00000{n}.xml.gz" for n in range(1, 5)]
    assert b"<ListRecords>" in gzip.decompress(pages[0].read_bytes())
    assert pages[0].parent.name == f"run-{1:05d}"
    # A kept page is read back by import as it is (gzip and all).
    entries = process_file(pages[0])
    assert len(entries) == gzip.decompress(pages[0].read_bytes()).count(b"<record>") > 0
    assert all(e.record is not None for e in entries if not e.harvested.deleted)
    # Nothing new: the endpoint's noRecordsMatch answer is kept as it came, not an empty file.
    assert _run(store, demo_records, archive=tmp_path / "archive").total == 0
    [empty] = (tmp_path / "archive").rglob("run-00002/*.xml.gz")
    assert b'code="noRecordsMatch"' in gzip.decompress(empty.read_bytes())


def test_an_archive_that_cannot_be_written_stops_the_run_before_the_page_is_stored(
    store: Store, demo_records: list[ProvidedRecord], tmp_path: Path
) -> None:
    # Found before any request: the archive's directory cannot be made.
    (tmp_path / "archive").write_text("a file where the folder should be")
    plan = FaultPlan()
    with pytest.raises(ConfigError, match=r"--archive .*archive/deeper: .*archive is not a dir"):
        _run(store, demo_records, plan, archive=tmp_path / "archive" / "deeper")
    assert (plan.seen, store.list_runs(10)) == ([], [])
    # Found at the first page: the source's own directory cannot be made.
    (tmp_path / "archive").unlink()
    blocked = PageArchive(tmp_path / "archive", REPO, "oai_dc", None).directory
    blocked.parent.mkdir()
    blocked.write_text("a file where the source's folder should be")
    with pytest.raises(HarvestError, match=r"cannot archive a raw page under .*archive"):
        _run(store, demo_records, archive=tmp_path / "archive")
    assert store.counts()["records"] == 0


def test_a_link_at_a_pages_temporary_name_is_not_followed(tmp_path: Path) -> None:
    # A security review: a page was written to its temporary name (a .part beside it) through
    # a symbolic link put there, over the file the link named.
    archive = PageArchive(tmp_path / "archive", REPO, "oai_dc", None)
    folder = archive.directory / "run-00001"
    folder.mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("kept")
    (folder / "w0000-p000001.xml.part").symlink_to(victim)
    with pytest.raises(HarvestError, match=r"cannot archive a raw page under .*run-00001"):
        archive.write(1, 0, 1, b"<OAI-PMH/>")
    assert victim.read_text() == "kept"
    assert not (folder / "w0000-p000001.xml.gz").exists()
    # Another page, with no link in its way, is kept.
    kept = archive.write(1, 0, 2, b"<OAI-PMH/>")
    assert gzip.decompress(kept.read_bytes()) == b"<OAI-PMH/>"


def test_a_page_written_over_a_left_temporary_file_is_the_owners_alone(tmp_path: Path) -> None:
    # A run killed while writing leaves the .part, which an open keeps the mode of: a page
    # written through it had stayed readable by every user (0644), an API key in its <request>.
    archive = PageArchive(tmp_path / "archive", REPO, "oai_dc", None)
    folder = archive.directory / "run-00001"
    folder.mkdir(parents=True)
    left = folder / "w0000-p000001.xml.part"
    left.write_bytes(b"cut short")
    left.chmod(0o644)
    kept = archive.write(1, 0, 1, b"<OAI-PMH/>")
    assert gzip.decompress(kept.read_bytes()) == b"<OAI-PMH/>"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_an_archive_is_checked_without_making_anything(tmp_path: Path) -> None:
    check_archive(tmp_path / "new" / "archive")
    assert list(tmp_path.iterdir()) == [], "made when the first page is kept, not before"
    (tmp_path / "kept").mkdir()
    check_archive(tmp_path / "kept")
    assert [p.name for p in tmp_path.rglob("*")] == ["kept"], "the probe file is removed"
    (tmp_path / "kept").rmdir()
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    with pytest.raises(ConfigError, match="gone is a symbolic link to nothing"):
        check_archive(tmp_path / "gone" / "archive")
    with pytest.raises(ConfigError, match="File name too long"):
        check_archive(tmp_path / ("a" * 300))


def test_an_empty_set_is_refused_before_any_request(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    plan = FaultPlan()
    with pytest.raises(ConfigError, match="--set must name a set"):
        _run(store, demo_records, plan, set_spec=" ")
    assert plan.seen == []


def test_a_run_with_a_later_from_does_not_move_the_next_runs_start(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    # A mistyped year (2026 for 2016), after every record: the run finds nothing, and must not
    # make later runs skip everything.  (One in the future is refused: check_not_future.)
    typo = _run(store, demo_records, from_date="2026-06-01")
    assert (typo.status, typo.total) == ("completed", 0)
    scheduled = _run(store, demo_records)
    assert scheduled.from_date is None
    assert scheduled.total == 36
    covering = _run(store, demo_records, from_date="2024-06-01")  # before the last sync: no gap
    after = _run(store, demo_records)
    began = datetime.fromisoformat(covering.started_at)
    expected = format_datestamp(began - timedelta(minutes=10, seconds=2))
    assert after.from_date is not None
    assert after.from_date >= expected, "the covering run is the sync point"
