"""``from``/``until`` as the endpoint needs them (OAI-PMH 2.0 §3.3): inclusive, one granularity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

import pytest

from ir_ingest.errors import ConfigError
from ir_ingest.oai.harvest import run_harvest
from ir_ingest.oai.plan import check_not_future
from ir_ingest.oai.provider import ProvidedRecord, serve_in_background
from ir_ingest.oai.transport import TransportPolicy
from tests.oai.faults import FaultPlan, faulty_endpoint, synthetic_records
from tests.oai.scripted import error, header, identify, page, record, scripted

if TYPE_CHECKING:
    from ir_ingest.report.model import RunReport
    from ir_ingest.store import Store

FAST = TransportPolicy(connect_timeout=1, read_timeout=5, retries=3, backoff=0.01, max_wait=0.05)


def _last_days() -> list[ProvidedRecord]:
    """Two records on 2024-01-30 and six on 2024-01-31, the last at 17:00."""
    return synthetic_records(
        8, start=datetime(2024, 1, 30, 20, tzinfo=UTC), step=timedelta(hours=3)
    )


def _run(store: Store, plan: FaultPlan, records: list[ProvidedRecord], **kw: object) -> RunReport:
    with serve_in_background(faulty_endpoint(records, plan)) as url:
        return run_harvest(url, "oai_dc", store=store, policy=FAST, repository="urn:b", **kw)  # type: ignore[arg-type]


def test_a_date_only_until_takes_in_the_whole_day_in_windows(store: Store) -> None:
    plan = FaultPlan()
    report = _run(store, plan, _last_days(), until_date="2024-01-31", window="monthly")
    assert report.status == "completed"
    assert store.counts()["records"] == 8
    assert parse_qs(plan.queries()[-1])["until"] == ["2024-01-31T23:59:59Z"]


def _sent(query: str, name: str) -> str:
    return parse_qs(query)[name][0]


def test_an_incremental_run_with_a_date_only_until_sends_one_granularity(store: Store) -> None:
    records = synthetic_records(5)
    _run(store, FaultPlan(), records)
    plan = FaultPlan()
    # After the incremental from, which is now: a fixed day would be refused once it is past.
    until = (datetime.now(UTC) + timedelta(days=400)).strftime("%Y-%m-%d")
    report = _run(store, plan, records, until_date=until)
    assert report.status == "completed"
    query = plan.queries()[0]
    assert _sent(query, "from").endswith("Z"), "the incremental from is at seconds granularity"
    assert _sent(query, "until") == f"{until}T23:59:59Z"


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("2024-01-01T00:00:00+02:00", "2023-12-31T22:00:00Z"),
        ("20240101", "2024-01-01T00:00:00Z"),
        ("2024-01-01T00:00Z", "2024-01-01T00:00:00Z"),
    ],
)
def test_from_is_sent_in_utc_at_the_endpoints_granularity(
    store: Store, typed: str, sent: str
) -> None:
    plan = FaultPlan()
    report = _run(store, plan, synthetic_records(5), from_date=typed, until_date="2030-01-01")
    assert report.status == "completed"
    assert report.total == 5
    assert _sent(plan.queries()[0], "from") == sent
    assert report.from_date == sent


def test_a_recovery_asks_again_in_the_granularity_of_until(store: Store) -> None:
    plan = FaultPlan({2: ["expired-token"]})
    report = _run(store, plan, synthetic_records(40), until_date="2030-01-01")
    assert report.total == 40
    recovery = plan.queries()[3]
    assert _sent(recovery, "from") == "2024-01-01T00:19:00Z"
    assert _sent(recovery, "until") == "2030-01-01T23:59:59Z"


def test_a_day_granularity_endpoint_gets_dates(store: Store) -> None:
    log: list[dict[str, str]] = []
    body = page("ListRecords", [record("oai:x:1", "2024-01-02")])
    day = identify(granularity="YYYY-MM-DD")
    with serve_in_background(scripted(lambda _: body, log, identify_body=day)) as url:
        run_harvest(
            url, "oai_dc", store=store, from_date="2024-01-01T10:00:00Z", until_date="2024-01-31"
        )
    (request,) = [p for p in log if p["verb"] == "ListRecords"]
    assert (request["from"], request["until"]) == ("2024-01-01", "2024-01-31")


def test_an_unreadable_bound_is_a_config_error(store: Store) -> None:
    with pytest.raises(ConfigError, match="'31/01/2024'"):
        run_harvest("http://127.0.0.1:9/oai", "oai_dc", store=store, until_date="31/01/2024")


def test_a_from_after_until_is_a_config_error(store: Store) -> None:
    with pytest.raises(ConfigError, match="--from is 2024-05-10, after --until 2024-05-01"):
        run_harvest(
            "http://127.0.0.1:9/oai",
            "oai_dc",
            store=store,
            from_date="2024-05-10",
            until_date="2024-05-01",
        )


def test_a_from_in_the_future_is_a_config_error_before_any_request(store: Store) -> None:
    with pytest.raises(ConfigError, match=r"--from 2999-01-01 is in the future \(it is 2"):
        run_harvest("http://127.0.0.1:9/oai", "oai_dc", store=store, from_date="2999-01-01")


def test_a_from_up_to_a_day_ahead_of_this_clock_is_taken() -> None:
    """Today in UTC+14 is tomorrow in UTC; an endpoint's clock may run fast."""
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    check_not_future("2026-12-01", now)
    check_not_future("2026-12-01T11:59:59Z", now)
    check_not_future(None, now)
    with pytest.raises(
        ConfigError,
        match=r"--from 2026-12-01T12:00:01Z is in the future \(it "
        r"is 2026-11-30T12:00:00Z now\): nothing is stamped after it yet",
    ):
        check_not_future("2026-12-01T12:00:01Z", now)


def test_an_until_before_the_incremental_start_is_a_config_error(store: Store) -> None:
    records = synthetic_records(5)
    _run(store, FaultPlan(), records)
    plan = FaultPlan()
    with pytest.raises(ConfigError, match=r"this incremental run starts at .*--full"):
        _run(store, plan, records, until_date="2024-05-01")
    assert plan.queries() == [], "nothing was asked for"


def test_windows_start_before_a_late_earliest_datestamp(store: Store) -> None:
    """A migrated repository's Identify names its migration day, older records exist."""
    stamps = ["2024-01-15T00:00:00Z", "2024-02-15T00:00:00Z", "2024-04-15T00:00:00Z"]
    log: list[dict[str, str]] = []

    def answer(params: dict[str, str]) -> bytes:
        lower, upper = params.get("from", ""), params.get("until", "9999")
        kept = [(f"oai:x:{n}", s) for n, s in enumerate(stamps) if lower <= s <= upper]
        if params["verb"] == "ListIdentifiers":
            return page("ListIdentifiers", [header(*item) for item in kept])
        listed = [record(*item) for item in kept]
        return page("ListRecords", listed) if listed else error("noRecordsMatch")

    late = identify(earliest="2024-03-01T00:00:00Z")
    with serve_in_background(scripted(answer, log, identify_body=late)) as url:
        report = run_harvest(url, "oai_dc", store=store, full=True, window="monthly")
    assert report.total == 3
    assert report.gone_from_source == []
    first = next(p for p in log if p["verb"] == "ListRecords")
    assert "from" not in first
    assert first["until"] == "2024-04-01T00:00:00Z"
