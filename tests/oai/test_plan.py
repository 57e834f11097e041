"""A run's plan: what it asks for, and its warning when it leaves an unfinished run's records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from ir_ingest.errors import HarvestError
from ir_ingest.oai.harvest import run_harvest
from ir_ingest.oai.provider import ProvidedRecord, serve_in_background
from ir_ingest.oai.transport import TransportPolicy
from tests.oai.faults import failing_endpoint

if TYPE_CHECKING:
    from ir_ingest.store import Store


def test_a_run_that_does_not_ask_for_an_unfinished_runs_records_says_so(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    failing = {"on": False}
    policy = TransportPolicy(retries=1, backoff=0.01)

    def harvest(**options: Any) -> Any:
        return run_harvest(url, "oai_dc", store=store, policy=policy, **options)

    def fails(**options: Any) -> int:
        failing["on"] = True
        with pytest.raises(HarvestError):
            harvest(**options)
        failing["on"] = False
        failed = store.run_report()
        assert failed is not None
        return int(failed["run_id"])

    with serve_in_background(
        failing_endpoint(demo_records, fail_at_cursor=20, failing=failing)
    ) as url:
        first = fails()
        windowed = harvest(window="monthly")  # asks for the same records, in windows
        assert (windowed.from_date, windowed.run_issues) == (None, []), first
        full = fails(full=True)
        plain = harvest()  # incremental: only what changed since the windowed run began
        assert plain.from_date is not None
        assert plain.run_issues == [
            {
                "code": "harvest.unfinished_run_left",
                "message": f"run {full} did not finish, and this run does not ask for all the "
                "records it asked for; harvest with --full to ask for them again",
                "severity": "warning",
                "where": "plan",
            }
        ]
        fails(from_date="2000-01-01")
        assert harvest(full=True).run_issues == [], "a full run asks for every record"
