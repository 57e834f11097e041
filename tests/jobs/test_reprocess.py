"""Reprocessing stored raw XML keeps what only the original response could show."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text

from ir_ingest.entry import HarvestedRecord, Issue
from ir_ingest.jobs.reprocess import reprocess
from ir_ingest.pipeline import process

if TYPE_CHECKING:
    from ir_ingest.store import Store

OAI = "http://www.openarchives.org/OAI/2.0/"
RAW = (
    f'<record xmlns="{OAI}"><header><identifier>oai:x:1</identifier>'
    "<datestamp>2024-01-01</datestamp></header><metadata>"
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Bell title</dc:title>'
    "<dc:creator>Doe, J.</dc:creator></oai_dc:dc></metadata></record>"
).encode()


def test_reprocess_keeps_the_responses_repair_issues(store: Store) -> None:
    harvested = HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "oai_dc", RAW)
    repaired = Issue("xml.illegal_characters", "removed characters (response line 7)")
    store.save_page(None, [process(harvested, [repaired])], None)

    report = reprocess(store)

    assert report.counts["unchanged"] == 1
    with store.engine.connect() as conn:
        issues = conn.execute(text("select issues_json from records")).scalar_one()
    assert b"xml.illegal_characters" in bytes(issues)


def test_reprocess_leaves_records_a_harvest_changed_meanwhile(store: Store) -> None:
    harvested = HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "oai_dc", RAW)
    store.save_page(None, [process(harvested)], None)
    stale = list(store.iter_harvested())
    newer = HarvestedRecord(
        "urn:test", "oai:x:1", "2024-06-01", "oai_dc", RAW.replace(b"Bell title", b"Corrected")
    )
    store.save_page(None, [process(newer)], None)  # a harvest commits after reprocess read

    assert store.unchanged_since_read(record for record, _ in stale) == set()
    report = reprocess(store)  # reads afresh: the corrected record, unchanged
    assert report.counts["unchanged"] == 1
    with store.engine.connect() as conn:
        title = conn.execute(text("select record_json from records")).scalar_one()
    assert b"Corrected" in bytes(title)


def test_two_sources_with_one_oai_identifier_are_told_apart(store: Store) -> None:
    first = HarvestedRecord("urn:a", "oai:x:1", "2024-01-01", "oai_dc", RAW)
    second = HarvestedRecord("urn:b", "oai:x:1", "2024-01-01", "oai_dc", RAW)
    store.save_page(None, [process(first), process(second)], None)
    stale = [record for record, _ in store.iter_harvested()]
    newer = HarvestedRecord("urn:b", "oai:x:1", "2024-06-01", "oai_dc", RAW)
    store.save_page(None, [process(newer)], None)  # a harvest of urn:b commits meanwhile

    assert store.unchanged_since_read(stale) == {("urn:a", "oai:x:1")}
