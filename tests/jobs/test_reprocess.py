"""Reprocessing stored raw XML keeps what only the original response could show."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
from sqlalchemy import text

from ir_ingest import pipeline
from ir_ingest.crosswalk import CrosswalkResult, add_crosswalk_dir, crosswalk_record
from ir_ingest.entry import Entry, HarvestedRecord, Issue, Severity
from ir_ingest.errors import ConfigError, HarvestError
from ir_ingest.jobs.reprocess import reprocess
from ir_ingest.oai.records import UNIDENTIFIED
from ir_ingest.pipeline import process
from ir_ingest.report import render
from ir_ingest.schema import record_id
from ir_ingest.store import source_key
from ir_ingest.store.lock import source_lock
from tests.conftest import interrupt_after_first_page, misspelt_crosswalk

if TYPE_CHECKING:
    from pathlib import Path

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


def _stored_title(store: Store) -> str | None:
    """The title of the stored urn:test record oai:x:1, or None."""
    record = store.get(record_id("urn:test", "oai:x:1"))
    return record.title.value if record is not None and record.title is not None else None


def _reject(store: Store, harvested: HarvestedRecord, prefix: str | None = "oai_dc") -> None:
    """Store ``harvested`` as a reject, as a harvest in ``prefix`` (or a file import) would."""
    run_id = store.begin_run(harvested.repository, prefix) if prefix else None
    failed = Entry(harvested, issues=[Issue("crosswalk.internal_error", "boom", Severity.ERROR)])
    store.save_page(run_id, [failed], None)


def _with_set(raw: bytes, datestamp: str = "2024-01-01") -> bytes:
    return raw.replace(
        b"<datestamp>2024-01-01</datestamp>",
        f"<datestamp>{datestamp}</datestamp><setSpec>theses</setSpec>".encode(),
    )


@pytest.mark.usefixtures("isolated_crosswalks")
def test_a_broken_crosswalk_file_is_refused_before_the_run_begins(
    store: Store, tmp_path: Path
) -> None:
    # It failed every record, and the run completed (walkthrough 3).
    harvested = HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "oai_dc", RAW)
    store.save_page(None, [process(harvested)], None)
    broken = misspelt_crosswalk(tmp_path / "mine")
    add_crosswalk_dir(broken.parent)

    with pytest.raises(ConfigError, match=re.escape(f"{broken} rule 1: host has no field")):
        reprocess(store)
    assert store.run_report() is None, "no run was begun"


def test_a_reject_that_crosswalks_now_is_stored_with_its_sets(store: Store) -> None:
    _reject(store, HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "", _with_set(RAW)))

    report = reprocess(store)

    assert report.counts["created"] == 1
    assert store.counts()["rejects"] == 0
    assert _stored_title(store) == "Bell title"
    record = store.get(record_id("urn:test", "oai:x:1"))
    assert record is not None
    assert record.source.set_specs == ["theses"]
    assert record.source.metadata_prefix == "oai_dc"


def test_a_file_imports_reject_gets_its_format_from_its_root(store: Store) -> None:
    _reject(store, HarvestedRecord("urn:ir-ingest:file", "urn:sha256:1", "", "", RAW), None)

    report = reprocess(store)

    assert report.counts["created"] == 1
    record = store.get(record_id("urn:ir-ingest:file", "urn:sha256:1"))
    assert record is not None
    assert record.source.metadata_prefix == "oai_dc"


def test_a_reject_that_fails_again_stays_once_and_is_listed(store: Store) -> None:
    broken = RAW.replace(b"oai_dc:dc ", b"oai_dc:unknown ").replace(
        b"</oai_dc:dc>", b"</oai_dc:unknown>"
    )
    _reject(store, HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "oai_dc", broken))

    first, second = reprocess(store), reprocess(store)

    assert first.counts["failed"] == second.counts["failed"] == 1
    assert store.counts()["rejects"] == 1
    assert [entry.outcome for entry in second.entries] == ["failed"]
    assert second.entries[0].issues[0]["code"] == "crosswalk.wrong_root"


def test_a_reject_the_store_holds_as_new_in_its_format_is_forgotten(store: Store) -> None:
    held = HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "oai_dc", RAW)
    store.save_page(None, [process(held)], None)
    # The same moment at a finer granularity: as strings it would sort later, as dates it is not.
    _reject(store, HarvestedRecord("urn:test", "oai:x:1", "2024-01-01T00:00:00Z", "oai_dc", RAW))

    report = reprocess(store)

    assert store.counts() == {"records": 1, "deleted": 0, "versions": 1, "rejects": 0}
    assert report.counts["unchanged"] == 1
    assert report.counts["created"] == 0
    assert [(i["code"], i["severity"]) for i in report.run_issues] == [
        ("reprocess.rejects_superseded", "info")
    ]
    assert report.run_issues[0]["message"].startswith("1 record(s)")


def test_a_reject_newer_than_the_stored_record_replaces_it(store: Store) -> None:
    store.save_page(
        None, [process(HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "oai_dc", RAW))], None
    )
    corrected = RAW.replace(b"Bell title", b"Corrected").replace(b"2024-01-01", b"2024-06-01")
    _reject(store, HarvestedRecord("urn:test", "oai:x:1", "2024-06-01", "oai_dc", corrected))

    report = reprocess(store)

    assert report.counts["updated"] == 1
    assert _stored_title(store) == "Corrected"
    assert store.counts()["rejects"] == 0


def test_a_reject_in_another_format_than_the_stored_record_is_left_alone(store: Store) -> None:
    store.save_page(
        None, [process(HarvestedRecord("urn:test", "oai:x:1", "2024-06-01", "oai_dc", RAW))], None
    )
    _reject(store, HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "qdc", RAW), "qdc")

    report = reprocess(store)

    assert store.counts()["rejects"] == 1
    assert [i["code"] for i in report.run_issues] == ["reprocess.rejects_other_format"]
    record = store.get(record_id("urn:test", "oai:x:1"))
    assert record is not None
    assert record.source.metadata_prefix == "oai_dc"


def test_another_sources_record_does_not_supersede_a_reject(store: Store) -> None:
    store.save_page(
        None, [process(HarvestedRecord("urn:a", "oai:x:1", "2024-06-01", "oai_dc", RAW))], None
    )
    _reject(store, HarvestedRecord("urn:b", "oai:x:1", "2024-01-01", "oai_dc", RAW))

    report = reprocess(store)

    assert report.counts["created"] == 1
    assert store.get(record_id("urn:b", "oai:x:1")) is not None


def test_rejects_a_harvest_could_not_name_are_not_tried(store: Store) -> None:
    _reject(store, HarvestedRecord("urn:test", UNIDENTIFIED + "abc", "", "oai_dc", RAW))

    report = reprocess(store)

    assert sum(report.counts.values()) == 0
    assert store.counts()["rejects"] == 1


def _crosswalk_bug(*_args: object, **_kwargs: object) -> NoReturn:
    raise RuntimeError("a crosswalk bug")


def test_a_newer_reject_survives_a_failing_reprocess_and_is_stored_after_the_fix(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save_page(
        None, [process(HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "oai_dc", RAW))], None
    )
    corrected = RAW.replace(b"Bell title", b"Corrected").replace(b"2024-01-01", b"2024-06-01")
    _reject(store, HarvestedRecord("urn:test", "oai:x:1", "2024-06-01", "oai_dc", corrected))

    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "crosswalk_record", _crosswalk_bug)
        broken = reprocess(store)
    fixed = reprocess(store)

    # The stored record keeps its version while the crosswalk fails; nothing is copied to
    # the rejects, and the record is counted once.
    assert broken.counts["failed"] == 1
    assert sum(broken.counts.values()) == 1
    assert fixed.counts["updated"] == 1
    assert sum(fixed.counts.values()) == 1
    assert _stored_title(store) == "Corrected"
    assert store.counts()["rejects"] == 0


def test_a_stored_record_that_fails_now_is_not_copied_to_the_rejects(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save_page(
        None, [process(HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "oai_dc", RAW))], None
    )
    monkeypatch.setattr(pipeline, "crosswalk_record", _crosswalk_bug)

    reports = [reprocess(store), reprocess(store)]

    assert [report.counts["failed"] for report in reports] == [1, 1]
    assert store.counts() == {"records": 1, "deleted": 0, "versions": 1, "rejects": 0}


def test_the_reject_with_the_newest_datestamp_is_tried(store: Store) -> None:
    newest = RAW.replace(b"Bell title", b"Newest").replace(b"2024-01-01", b"2024-06-01")
    _reject(store, HarvestedRecord("urn:test", "oai:x:1", "2024-06-01", "oai_dc", newest))
    _reject(store, HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "oai_dc", RAW))

    report = reprocess(store)

    assert report.counts["created"] == 1
    assert _stored_title(store) == "Newest"
    assert store.counts()["rejects"] == 0


def test_a_reject_a_harvest_stores_while_reprocess_runs_is_kept(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A harvest and a reprocess may run at once (they hold different locks).  The harvest's
    # newer copy fails too, and is kept as a reject while reprocess crosswalks the old one:
    # reprocess must forget the rejects it read, not that one and its raw XML with it.
    _reject(store, HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "oai_dc", RAW))
    newer = RAW.replace(b"Bell title", b"Newer").replace(b"2024-01-01", b"2024-06-01")

    def harvest_commits_meanwhile(*args: Any, **kwargs: Any) -> CrosswalkResult:
        monkeypatch.setattr(pipeline, "crosswalk_record", crosswalk_record)
        _reject(store, HarvestedRecord("urn:test", "oai:x:1", "2024-06-01", "oai_dc", newer))
        return crosswalk_record(*args, **kwargs)

    monkeypatch.setattr(pipeline, "crosswalk_record", harvest_commits_meanwhile)
    first = reprocess(store)

    assert first.counts["created"] == 1
    assert [row[1:] for row in store.list_rejects()] == [("urn:test", "oai:x:1", "2024-06-01")]
    second = reprocess(store)  # the newer one, tried once the crosswalk is fixed
    assert second.counts["updated"] == 1
    assert _stored_title(store) == "Newer"
    assert store.counts()["rejects"] == 0


def test_a_reject_whose_response_was_malformed_is_parsed_again(store: Store) -> None:
    harvested = HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "oai_dc", RAW)
    failed = Entry(harvested, issues=[Issue("xml.malformed", "cut short", Severity.ERROR)])
    store.save_page(store.begin_run("urn:test", "oai_dc"), [failed], None)

    report = reprocess(store)

    assert report.counts["created"] == 1


def test_a_reprocess_run_is_kept_with_its_report_and_marks_what_it_wrote(store: Store) -> None:
    harvested = HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "oai_dc", RAW)
    store.save_page(None, [process(harvested)], None)
    with store.engine.begin() as conn:  # as a record made by an older crosswalk would be
        conn.execute(text("update records set content_hash = 'old'"))

    report = reprocess(store, "urn:test")

    assert report.run_id is not None
    assert report.counts["updated"] == 1
    assert store.run_status(report.run_id) == ("completed", None)
    assert store.run_report() == report.to_dict(), "ir-ingest report shows it"
    assert report.repository == "urn:test"
    shown = render.to_text(report)
    assert shown.startswith(
        f"Reprocess run {report.run_id} completed: 1 record: 0 created, 1 updated"
    )
    assert "Source: urn:test, from the raw XML stored\n" in shown
    page = render.to_html(report)
    assert f"<h1>Reprocess run {report.run_id}: " in page
    assert "format <code>" not in page
    assert "page" not in page.split("</p>", 1)[0].split('class="meta"')[1], "no pages"
    with store.engine.connect() as conn:
        assert conn.execute(text("select run_id from records")).scalar_one() == report.run_id


def test_an_interrupted_reprocess_is_kept_as_failed(store: Store) -> None:
    harvested = HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "oai_dc", RAW)
    store.save_page(None, [process(harvested)], None)

    def interrupt(_: object) -> NoReturn:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reprocess(store, on_batch=interrupt)
    failed = store.run_report()
    assert failed is not None
    assert failed["status"] == "failed"
    assert failed["error"] == "interrupted (Ctrl-C)", "said without its class name"
    assert failed["repository"] == "all sources"


def test_a_reprocess_stopped_just_after_a_batch_is_stored_keeps_its_counts(store: Store) -> None:
    # As a harvest stopped between a page's commit and its counting: kept failed with 0
    # records, the counts committed with the batch cleared.
    harvested = HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "oai_dc", RAW)
    store.save_page(None, [process(harvested)], None)
    interrupt_after_first_page(store)
    with pytest.raises(KeyboardInterrupt):
        reprocess(store)
    (listed,) = store.list_runs(1)
    assert (listed.status, listed.records) == ("failed", 1)
    kept = store.run_report(listed.id)
    assert kept is not None
    assert kept["counts"]["unchanged"] == 1


def test_a_reprocess_ends_killed_reprocess_runs_of_any_scope(store: Store) -> None:
    killed = [
        store.begin_run("all sources", "(reprocess)"),
        store.begin_run("urn:x", "(reprocess)"),
    ]
    harvest = store.begin_run("urn:x", "oai_dc")  # a harvest's is its source's business
    report = reprocess(store, "urn:test")
    why = "stopped without finishing (killed, or its machine went down)"
    assert [store.run_status(run) for run in killed] == [
        ("failed", f"{why}; noticed by run {report.run_id}")
    ] * 2
    assert store.run_status(harvest) == ("running", None)


def test_two_reprocess_runs_at_once_are_refused_whatever_their_scope(store: Store) -> None:
    with source_lock(store, source_key("all sources", "(reprocess)", None)):
        for scope in (None, "urn:test"):
            with pytest.raises(HarvestError, match="another run of this source is going on"):
                reprocess(store, scope)
        assert store.run_report() is None, "the refused runs left nothing behind"
    assert reprocess(store).status == "completed"


def test_a_reprocess_report_says_what_each_updated_record_changed(store: Store) -> None:
    harvested = HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "oai_dc", RAW)
    store.save_page(None, [process(harvested)], None)
    with store.engine.begin() as conn:  # as an older crosswalk <b>would</b> have titled it
        old = conn.execute(text("select record_json from records")).scalar_one()
        older = bytes(old).replace(b"Bell title", b"Bell <b>title</b>")
        conn.execute(
            text("update records set content_hash = 'old', record_json = :j"), {"j": older}
        )

    report = reprocess(store)

    assert report.changes == [
        {
            "identifier": "oai:x:1",
            "title": "Bell title",
            "fields": ["title"],
            "values": {"title": ["Bell <b>title</b>", "Bell title"]},
        }
    ]
    assert report.changed_field_counts == {"title": 1}
    assert "New versions changed: title ×1\n" in render.to_text(report)
    page = render.to_html(report)
    assert '<table id="changes">' in page
    row = (
        "<td>Bell title<br><code>oai:x:1</code></td><td><code>title</code>: "
        "<del>Bell &lt;b&gt;title&lt;/b&gt;</del> → <ins>Bell title</ins></td>"
    )
    assert row in page


def test_a_reprocess_commits_its_counts_with_each_batch(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a harvest does with each page: a reprocess killed between the few-second saves of
    its report had been listed with the records of its last save only."""
    for number in range(3):
        raw = RAW.replace(b"oai:x:1", f"oai:x:{number}".encode())
        harvested = HarvestedRecord("urn:test", f"oai:x:{number}", "2024-01-01", "oai_dc", raw)
        store.save_page(None, [process(harvested)], None)
    monkeypatch.setattr("ir_ingest.jobs.reprocess.BATCH", 1)
    listed: list[int | None] = []
    reprocess(store, on_batch=lambda report: listed.append(store.list_runs(1)[0].records))
    assert listed == [1, 2, 3]
