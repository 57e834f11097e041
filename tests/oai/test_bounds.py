"""``from``/``until`` as the endpoint needs them (OAI-PMH 2.0 §3.3): inclusive, one granularity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from ir_ingest.oai.harvest import run_harvest
from ir_ingest.oai.provider import ProvidedRecord, serve_in_background
from ir_ingest.oai.transport import TransportPolicy
from tests.oai.faults import FaultPlan, faulty_endpoint, synthetic_records

if TYPE_CHECKING:
    from ir_ingest.report.model import RunReport
    from ir_ingest.store import Store

FAST = TransportPolicy(connect_timeout=1, read_timeout=2, retries=1, backoff=0.01, max_wait=0.05)


def _last_days() -> list[ProvidedRecord]:
    """Two records on 2024-01-30 and six on 2024-01-31, the last at 17:00."""
    return synthetic_records(
        8, start=datetime(2024, 1, 30, 20, tzinfo=UTC), step=timedelta(hours=3)
    )


def _run(store: Store, plan: FaultPlan, records: list[ProvidedRecord], **kw: object) -> RunReport:
    with serve_in_background(faulty_endpoint(records, plan)) as url:
        return run_harvest(url, "oai_dc", store=store, policy=FAST, **kw)  # type: ignore[arg-type]


def test_a_date_only_until_takes_in_the_whole_day_in_windows(store: Store) -> None:
    plan = FaultPlan()
    report = _run(store, plan, _last_days(), until_date="2024-01-31", window="monthly")
    assert report.status == "completed"
    assert store.counts()["records"] == 8
    assert parse_qs(plan.queries()[-1])["until"] == ["2024-01-31T23:59:59Z"]
