"""Pages an endpoint sends again: stored once, and a page that repeats ends the window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ir_ingest.oai.harvest import run_harvest
from ir_ingest.oai.provider import serve_in_background
from tests.oai.scripted import page, record, scripted

if TYPE_CHECKING:
    from ir_ingest.store import Store

#: A record without metadata: a reject (``oai.no_metadata``).
BAD = (
    "<record><header><identifier>oai:x:bad</identifier>"
    "<datestamp>2024-01-01T00:00:00Z</datestamp></header></record>"
)


def test_a_page_sent_again_stores_its_rejects_once(store: Store) -> None:
    body = page("ListRecords", [BAD, record("oai:x:1", "2024-01-01T00:00:00Z")], token="same")
    with serve_in_background(scripted(lambda _: body)) as url:
        report = run_harvest(url, "oai_dc", store=store)
    assert [issue["code"] for issue in report.run_issues] == ["harvest.repeated_token"]
    assert store.counts() == {"records": 1, "deleted": 0, "versions": 1, "rejects": 1}
