"""The ``--full`` run's ListIdentifiers sweep when the endpoint misbehaves during it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ir_ingest.oai.harvest import run_harvest
from ir_ingest.oai.provider import serve_in_background
from tests.oai.scripted import error, header, page, record, scripted

if TYPE_CHECKING:
    from ir_ingest.store import Store

RECORDS = [
    ("oai:x:1", "2024-01-01T00:00:00Z"),
    ("oai:x:2", "2024-02-01T00:00:00Z"),
    ("oai:x:3", "2024-03-01T00:00:00Z"),
    ("oai:x:4", "2024-04-01T00:00:00Z"),
]


def test_a_token_recovered_in_the_sweep_lists_nothing_as_gone(store: Store) -> None:
    expired = [True]

    def answer(params: dict[str, str]) -> bytes:
        if params["verb"] == "ListRecords":
            return page("ListRecords", [record(i, stamp) for i, stamp in RECORDS])
        # Listed newest first (identifier order, not datestamp order): a recovery from the
        # newest datestamp seen cannot find the older records the expired token would have.
        if "resumptionToken" in params:
            if expired.pop() if expired else False:
                return error("badResumptionToken")
            return page("ListIdentifiers", [header(i, stamp) for i, stamp in RECORDS[:2]])
        since = params.get("from", "")
        listed = [header(i, stamp) for i, stamp in RECORDS[2:] if stamp >= since]
        return page("ListIdentifiers", listed, token=None if since else "t1")

    with serve_in_background(scripted(answer)) as url:
        report = run_harvest(url, "oai_dc", store=store, full=True)
    assert report.gone_from_source == []
    # The records themselves were all harvested; only the review list is missing.
    assert report.status == "completed"
    issues = [(issue["code"], issue["where"]) for issue in report.run_issues]
    assert issues == [("harvest.token_recovered", "ListIdentifiers sweep")]
