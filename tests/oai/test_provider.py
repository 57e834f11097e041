"""The local OAI-PMH provider (demo, tests, benches): pyoai's server over records in memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from ir_ingest.oai.harvest import run_harvest
from ir_ingest.oai.provider import fixture_endpoint_app, serve_in_background
from tests.oai.faults import synthetic_records

if TYPE_CHECKING:
    from pathlib import Path


def test_a_record_in_the_last_second_of_a_window_is_in_that_window(tmp_path: Path) -> None:
    # Served as 23:59:59 (the granularity Identify announces): until=23:59:59 takes it, and
    # from=00:00:00 of the next window does not.  Compared to the microsecond, it was in
    # neither of the two monthly windows that meet at midnight.
    late = datetime(2024, 1, 31, 23, 59, 59, 500000, tzinfo=UTC)
    records = synthetic_records(3, late - timedelta(days=3), timedelta(days=3))
    assert records[1].datestamp == late
    with serve_in_background(fixture_endpoint_app(records)) as url:
        report = run_harvest(
            url, "oai_dc", db_url=f"sqlite:///{tmp_path / 'store.sqlite3'}", window="monthly"
        )
    assert report.counts["created"] == len(records) == 3
