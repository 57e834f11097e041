"""A datestamp longer than the store's column: a warning on the record, never a failed run."""

from __future__ import annotations

from sqlalchemy import select

from ir_ingest.oai.harvest import run_harvest
from ir_ingest.oai.provider import serve_in_background
from ir_ingest.store import Store
from ir_ingest.store import tables as t
from tests.oai.scripted import header, page, record, scripted

#: Seen from a CRIS export job: an HTTP date with a note, 77 characters.
LONG = "Mon, 01 Jan 2024 00:00:00 GMT (last modified by the CRIS nightly sync job)"


def test_a_long_datestamp_is_kept_with_a_warning(any_store: Store) -> None:
    deleted = f'<record><header status="deleted">{header("oai:x:gone", LONG)[8:]}</record>'
    reject = f"<record>{header('oai:x:bad', LONG)}</record>"
    items = [record("oai:x:1", "2024-01-01T00:00:00Z"), record("oai:x:2", LONG), deleted, reject]
    body = page("ListRecords", items)
    with serve_in_background(scripted(lambda _: body)) as url:
        report = run_harvest(url, "oai_dc", store=any_store)
    assert report.status == "completed"
    assert report.issue_counts.get("oai.long_datestamp") == 3
    assert any_store.counts() == {"records": 3, "deleted": 1, "versions": 3, "rejects": 1}
    with any_store.engine.connect() as conn:
        stamps = set(conn.execute(select(t.records.c.datestamp)).scalars())
    assert LONG[:64] in stamps
    # Reprocess reads the datestamp back whole, from the record, not from the cut column.
    reread = {h.identifier: h.datestamp for h, _ in any_store.iter_harvested()}
    assert reread["oai:x:2"] == LONG
