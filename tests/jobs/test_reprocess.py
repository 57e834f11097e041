"""Reprocessing stored raw XML keeps what only the original response could show."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text

from ir_ingest.entry import Entry, HarvestedRecord, Issue, Severity
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


def _reject(store: Store, raw: bytes, code: str, datestamp: str = "2024-01-01") -> None:
    harvested = HarvestedRecord("urn:test", "oai:x:1", datestamp, "oai_dc", raw)
    store.save_page(None, [Entry(harvested, issues=[Issue(code, "failed", Severity.ERROR)])], None)


def test_a_reject_that_now_crosswalks_is_stored_and_forgotten(store: Store) -> None:
    _reject(store, RAW, "crosswalk.internal_error")  # a crosswalk bug, fixed since
    _reject(store, RAW, "crosswalk.internal_error")  # and again in the next harvest

    report = reprocess(store)

    assert report.counts["created"] == 1
    assert store.counts() == {"records": 1, "deleted": 0, "versions": 1, "rejects": 0}


def test_rejects_that_fail_again_stay_once_and_are_listed(store: Store) -> None:
    _reject(store, b"<record><broken", "xml.malformed")
    unknown = RAW.replace(b"<oai_dc:dc", b'<x:thing xmlns:x="urn:custom"><oai_dc:dc').replace(
        b"</oai_dc:dc>", b"</oai_dc:dc></x:thing>"
    )
    harvested = HarvestedRecord("urn:test", "oai:x:2", "2024-01-01", "custom", unknown)
    failed = Issue("crosswalk.unknown_format", "no crosswalk", Severity.ERROR)
    store.save_page(None, [Entry(harvested, issues=[failed])], None)

    report = reprocess(store)

    assert report.counts["failed"] == 2
    assert store.counts()["rejects"] == 2
    codes = {entry.identifier: entry.issues[-1]["code"] for entry in report.entries}
    assert codes == {"oai:x:1": "xml.malformed", "oai:x:2": "crosswalk.unknown_format"}


def test_a_reject_a_later_harvest_superseded_is_forgotten_untried(store: Store) -> None:
    _reject(store, RAW, "crosswalk.internal_error", datestamp="2024-01-01")
    newer = HarvestedRecord(
        "urn:test", "oai:x:1", "2024-06-01", "oai_dc", RAW.replace(b"Bell title", b"Corrected")
    )
    store.save_page(None, [process(newer)], None)

    report = reprocess(store)

    assert report.counts["unchanged"] == 1
    assert report.counts["created"] == report.counts["updated"] == 0
    assert store.counts() == {"records": 1, "deleted": 0, "versions": 1, "rejects": 0}
