"""The store on SQLite and on PostgreSQL: versions, tombstones, rejects, checkpoints."""

from __future__ import annotations

import dataclasses
import threading
import uuid
from typing import TYPE_CHECKING

import msgspec
import pytest
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.exc import OperationalError

from ir_ingest.entry import Entry, HarvestedRecord, Issue, Outcome, Severity
from ir_ingest.errors import HarvestError, StoreError
from ir_ingest.schema import Record, Source, Text, record_id
from ir_ingest.store import Checkpoint, Store, source_key
from ir_ingest.store import tables as t
from ir_ingest.store.lock import source_lock
from ir_ingest.store.pagewrite import PageWriter
from tests.conftest import POSTGRES_URL, unavailable

if TYPE_CHECKING:
    from pathlib import Path
from typing import Any

REPO = "https://repo.example/oai"


def _postgres_url() -> str:
    """A fresh PostgreSQL schema for one test, or a skip saying why the server is unreachable."""
    engine = create_engine(POSTGRES_URL)
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except OperationalError as exc:
        unavailable(f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc.orig}")
    finally:
        engine.dispose()
    return POSTGRES_URL


def _entry(
    identifier: str,
    title: str | None = "A title",
    deleted: bool = False,
    issues: list[Issue] | None = None,
    datestamp: str = "2024-01-01T00:00:00Z",
) -> Entry:
    harvested = HarvestedRecord(
        repository=REPO,
        identifier=identifier,
        datestamp=datestamp,
        metadata_prefix="oai_dc",
        raw=b"<record/>",
        deleted=deleted,
    )
    record = None
    if title is not None and not deleted:
        record = Record(
            id=record_id(REPO, identifier),
            source=Source(
                repository=REPO,
                oai_identifier=identifier,
                datestamp=datestamp,
                metadata_prefix="oai_dc",
            ),
            title=Text(value=title),
        )
    return Entry(harvested, record=record, issues=issues or [])


def _save(store: Store, *entries: Entry) -> list[Outcome | None]:
    store.save_page(None, list(entries), None)
    return [entry.outcome for entry in entries]


def test_create_unchanged_update(any_store: Store) -> None:
    assert _save(any_store, _entry("oai:1")) == [Outcome.CREATED]
    assert _save(any_store, _entry("oai:1")) == [Outcome.UNCHANGED]
    assert _save(any_store, _entry("oai:1", title="Another title")) == [Outcome.UPDATED]
    assert any_store.counts() == {"records": 1, "deleted": 0, "versions": 2, "rejects": 0}


def test_a_new_datestamp_alone_is_not_a_new_version(any_store: Store) -> None:
    _save(any_store, _entry("oai:1"))
    later = _entry("oai:1")
    assert later.record is not None
    later.record.source.datestamp = "2025-05-05T00:00:00Z"
    assert _save(any_store, later) == [Outcome.UNCHANGED]
    assert any_store.counts()["versions"] == 1


def test_an_unchanged_record_keeps_the_raw_xml_just_received(any_store: Store) -> None:
    # The source changed what no rule reads (an <about> block): no new version, but the row
    # holds the current XML and datestamp, which reprocess works from.
    _save(any_store, _entry("oai:1"))
    later = _entry("oai:1")
    assert later.record is not None
    later.record.source.datestamp = "2025-05-05T00:00:00Z"
    later.harvested = dataclasses.replace(
        later.harvested,
        raw=b"<record><about>new</about></record>",
        datestamp="2025-05-05T00:00:00Z",
    )
    assert _save(any_store, later) == [Outcome.UNCHANGED]
    [(harvested, _)] = list(any_store.iter_harvested())
    assert harvested.raw == b"<record><about>new</about></record>"
    assert harvested.datestamp == "2025-05-05T00:00:00Z"
    stored = any_store.get(record_id(REPO, "oai:1"))
    assert stored is not None
    assert stored.source.datestamp == "2025-05-05T00:00:00Z"
    assert any_store.counts()["versions"] == 1


def test_valid_only_export_still_carries_deletions(any_store: Store) -> None:
    invalid = _entry("oai:1", issues=[Issue("validate.missing_title", "no title", Severity.ERROR)])
    _save(any_store, invalid)
    assert list(any_store.iter_records(valid_only=True)) == []
    _save(any_store, _entry("oai:1", deleted=True))
    [tombstone] = any_store.iter_records(valid_only=True)
    assert tombstone.source.deleted


def test_a_runs_export_holds_the_records_whose_current_version_it_wrote(
    any_store: Store,
) -> None:
    def run(*entries: Entry) -> int:
        run_id = any_store.begin_run(REPO, "oai_dc")
        any_store.save_page(run_id, list(entries), None)
        return run_id

    untitled = Issue("validate.missing_title", "no title", Severity.ERROR)
    first = run(*(_entry(f"oai:{n}") for n in range(1, 5)))
    second = run(
        _entry("oai:1", title="A new title"),
        _entry("oai:2", deleted=True),
        _entry("oai:3"),  # unchanged: the record's run_id is this run's now, its version not
        _entry("oai:5", issues=[untitled]),
    )

    def exported(run_id: int, *, valid_only: bool = False) -> list[tuple[str, bool]]:
        records = any_store.iter_records(run_id=run_id, valid_only=valid_only)
        return [(r.source.oai_identifier, r.source.deleted) for r in records]

    # The export is in record id order.
    order = [i for _, i in sorted((record_id(REPO, f"oai:{n}"), f"oai:{n}") for n in range(1, 6))]
    assert exported(first) == [(i, False) for i in order if i in ("oai:3", "oai:4")]
    changed = {"oai:1": False, "oai:2": True, "oai:5": False}
    assert exported(second) == [(i, changed[i]) for i in order if i in changed]
    assert ("oai:5", False) not in exported(second, valid_only=True)
    assert exported(second + 1) == []


def test_tombstone_keeps_the_last_version(any_store: Store) -> None:
    _save(any_store, _entry("oai:1", title="Kept title"))
    deletion = _entry("oai:1", deleted=True)
    assert _save(any_store, deletion) == [Outcome.DELETED]
    assert deletion.tombstoned_title == "Kept title"  # for the run's report
    assert _save(any_store, _entry("oai:1", deleted=True)) == [Outcome.UNCHANGED]
    stored = any_store.get(record_id(REPO, "oai:1"))
    assert stored is not None
    assert stored.source.deleted is True
    assert stored.title == Text(value="Kept title")
    assert any_store.counts() == {"records": 1, "deleted": 1, "versions": 2, "rejects": 0}
    # a record that comes back after deletion is a new version again, restored
    assert _save(any_store, _entry("oai:1", title="Kept title")) == [Outcome.RESTORED]


def test_deletion_of_an_unknown_record_is_a_tombstone_only(any_store: Store) -> None:
    """Stored, so that later runs know the record is gone, but no deletion: the store never
    held it (a first harvest said "4 deleted" of the source's old deletions)."""
    deletion = _entry("oai:never-seen", deleted=True)
    assert _save(any_store, deletion) == [Outcome.TOMBSTONE_ONLY]
    assert deletion.tombstoned_title is None
    (tombstone,) = list(any_store.iter_records())
    assert tombstone.source.deleted
    assert tombstone.source.oai_identifier == "oai:never-seen"
    later = "2024-02-01T00:00:00Z"
    assert _save(any_store, _entry("oai:never-seen", deleted=True, datestamp=later)) == [
        Outcome.UNCHANGED
    ]
    # Sent live at last: created (there was nothing to restore), and nothing "changed".
    back = _entry("oai:never-seen", datestamp="2024-03-01T00:00:00Z")
    assert _save(any_store, back) == [Outcome.CREATED]
    assert back.changed_fields == []
    assert any_store.counts() == {"records": 1, "deleted": 0, "versions": 2, "rejects": 0}
    # Held now: deleted and back again are a deletion and a restoration.
    gone = _entry("oai:never-seen", deleted=True, datestamp="2024-04-01T00:00:00Z")
    assert _save(any_store, gone) == [Outcome.DELETED]
    again = _entry("oai:never-seen", datestamp="2024-05-01T00:00:00Z")
    assert _save(any_store, again) == [Outcome.RESTORED]


def test_a_record_first_held_invalid_after_a_tombstone_only_changed_nothing(
    any_store: Store,
) -> None:
    _save(any_store, _entry("oai:1", deleted=True))
    error = Issue("validate.missing_creator", "no creator", Severity.ERROR)
    back = _entry("oai:1", issues=[error], datestamp="2024-02-01T00:00:00Z")
    assert _save(any_store, back) == [Outcome.INVALID]
    assert back.changed_fields == [], "nothing held before: compared with nothing"


def test_a_tombstone_only_and_the_record_in_one_page(any_store: Store) -> None:
    page = [_entry("oai:1", deleted=True), _entry("oai:1", title="Back")]
    assert _save(any_store, *page) == [Outcome.TOMBSTONE_ONLY, Outcome.CREATED]


def test_records_with_errors_are_kept_flagged_and_failures_are_rejects(any_store: Store) -> None:
    error = Issue("validate.missing_title", "no title", Severity.ERROR)
    assert _save(any_store, _entry("oai:bad", issues=[error])) == [Outcome.INVALID]
    failed = _entry("oai:broken", title=None, issues=[Issue("xml.malformed", "x", Severity.ERROR)])
    assert _save(any_store, failed) == [Outcome.FAILED]
    assert any_store.counts() == {"records": 1, "deleted": 0, "versions": 1, "rejects": 1}


def test_page_and_checkpoint_commit_together(any_store: Store) -> None:
    run_id = any_store.begin_run(REPO, "oai_dc")
    key = source_key(REPO, "oai_dc", None)
    checkpoint = Checkpoint(key, run_id, "token-2", 10, 36, "2024-01-01T00:00:00Z", 1, 10)
    any_store.save_page(run_id, [_entry("oai:1")], checkpoint)
    assert any_store.checkpoint(key) == checkpoint
    later = Checkpoint(key, run_id, None, 36, 36, "2024-02-01T00:00:00Z", 4, 36)
    any_store.save_page(run_id, [], later)
    assert any_store.checkpoint(key) == later


def test_a_failing_page_leaves_neither_records_nor_checkpoint(any_store: Store) -> None:
    run_id = any_store.begin_run(REPO, "oai_dc")
    key = source_key(REPO, "oai_dc", None)
    broken = _entry("oai:2")
    stamp = "2024-01-01T00:00:00Z"
    broken.harvested = HarvestedRecord(REPO, "oai:2", stamp, None, b"")  # type: ignore[arg-type]
    with pytest.raises(StoreError):
        any_store.save_page(
            run_id, [_entry("oai:1"), broken], Checkpoint(key, run_id, "t", 0, 0, None, 1, 2)
        )
    assert any_store.counts()["records"] == 0
    assert any_store.checkpoint(key) is None


def test_a_write_that_fails_is_said_in_the_databases_words(any_store: Store) -> None:
    """Not with SQLAlchemy's dump of the statement and its parameters: a page's record JSON
    and raw XML (a review)."""
    with any_store.engine.begin() as conn:
        conn.execute(text("DROP TABLE record_versions"))
    with pytest.raises(StoreError, match="cannot write to the store at") as caught:
        any_store.save_page(None, [_entry("oai:1")], None)
    said = str(caught.value)
    assert "record_versions" in said, "the database's words"
    assert "[SQL" not in said
    assert "[parameters" not in said
    assert "sqlalche.me" not in said


def test_repeated_records_and_the_sweep(any_store: Store) -> None:
    run_id = any_store.begin_run(REPO, "oai_dc")
    entries = [_entry("oai:1"), _entry("oai:2"), _entry("oai:3")]
    any_store.save_page(run_id, entries, None)
    harvested = [entry.harvested for entry in entries]
    assert any_store.received_in_run(run_id, harvested) == {"oai:1", "oai:2", "oai:3"}
    assert any_store.received_in_run(run_id + 1, harvested) == set()
    any_store.mark_swept(run_id, REPO, ["oai:1", "oai:3"])
    assert [i for i, _ in any_store.not_swept(run_id, REPO, "oai_dc", None)] == ["oai:2"]
    assert any_store.not_swept(run_id, REPO, "oai_dc", "openaire") == []
    stored = [h.identifier for h, _ in any_store.iter_harvested(REPO, batch=2)]
    assert stored == sorted(stored, key=lambda i: record_id(REPO, i))
    assert sorted(stored) == ["oai:1", "oai:2", "oai:3"]


@pytest.mark.parametrize("any_db_url", ["postgres"], indirect=True)
def test_a_page_of_more_identifiers_than_a_statement_takes_parameters(any_store: Store) -> None:
    # An endpoint may send its whole list in one answer: a sweep's ListIdentifiers page, or a
    # ListRecords page sent again after a recovery, of more than 65,535 records had failed on
    # PostgreSQL ("number of parameters must be between 0 and 65535"), and with it the run.
    run_id = any_store.begin_run(REPO, "oai_dc")
    failed = _entry("oai:2", title=None, issues=[Issue("xml.malformed", "x", Severity.ERROR)])
    stored = [_entry("oai:1"), failed, _entry("oai:3")]
    any_store.save_page(run_id, stored, None)
    listed = [f"oai:{n}" for n in range(1, 65_537)]
    page = [dataclasses.replace(stored[0].harvested, identifier=i) for i in listed]
    assert any_store.received_in_run(run_id, page) == {"oai:1", "oai:2", "oai:3"}
    any_store.mark_swept(run_id, REPO, listed)
    assert any_store.not_swept(run_id, REPO, "oai_dc", None) == []


def test_one_page_may_carry_the_same_record_more_than_once(any_store: Store) -> None:
    page = [_entry("oai:1"), _entry("oai:1", title="Changed"), _entry("oai:1", deleted=True)]
    assert _save(any_store, *page) == [Outcome.CREATED, Outcome.UPDATED, Outcome.DELETED]
    stored = any_store.get(record_id(REPO, "oai:1"))
    assert stored is not None
    assert stored.source.deleted
    assert stored.title == Text(value="Changed")
    assert any_store.counts() == {"records": 1, "deleted": 1, "versions": 3, "rejects": 0}


def test_an_unchanged_record_takes_this_runs_validity_and_issues(any_store: Store) -> None:
    _save(any_store, _entry("oai:1"))
    error = Issue("validate.missing_creator", "no creator", Severity.ERROR)
    assert _save(any_store, _entry("oai:1", issues=[error])) == [Outcome.UNCHANGED]
    with any_store.engine.connect() as conn:
        row = conn.execute(text("select valid, issues_json from records")).one()
    assert not row.valid
    assert b"validate.missing_creator" in bytes(row.issues_json)
    assert any_store.counts()["versions"] == 1


def test_a_record_harvested_in_another_format_says_so(any_store: Store) -> None:
    _save(any_store, _entry("oai:1"))
    again = _entry("oai:1", title="From MODS")
    again.harvested = dataclasses.replace(again.harvested, metadata_prefix="mods")
    assert _save(any_store, again) == [Outcome.UPDATED]
    with any_store.engine.connect() as conn:
        prefixes = conn.execute(text("select metadata_prefix from records")).scalars().all()
    assert prefixes == ["mods"]


def _in(prefix: str, entry: Entry) -> Entry:
    entry.harvested = dataclasses.replace(entry.harvested, metadata_prefix=prefix)
    return entry


def test_a_record_harvested_in_two_formats_keeps_the_richer_one(any_store: Store) -> None:
    # Two sources harvest one repository, in mods and in oai_dc, on alternate nights.
    _save(any_store, _in("mods", _entry("oai:1", title="Rich")))
    poorer = _in("oai_dc", _entry("oai:1", title="Poor"))
    assert _save(any_store, poorer) == [Outcome.SKIPPED]
    assert [(i.code, i.severity) for i in poorer.issues] == [
        ("store.richer_format_stored", Severity.INFO)
    ]
    assert _save(any_store, _in("mods", _entry("oai:1", title="Rich"))) == [Outcome.UNCHANGED]
    assert any_store.counts()["versions"] == 1
    # A change at the source arrives first in the poorer format: taken, then enriched.
    changed = "2024-02-01T00:00:00Z"
    assert _save(any_store, _in("oai_dc", _entry("oai:1", "Poor", datestamp=changed))) == [
        Outcome.UPDATED
    ]
    assert _save(any_store, _in("mods", _entry("oai:1", "Rich 2", datestamp=changed))) == [
        Outcome.UPDATED
    ]
    assert _save(any_store, _in("oai_dc", _entry("oai:1", "Poor", datestamp=changed))) == [
        Outcome.SKIPPED
    ]
    stored = any_store.get(record_id(REPO, "oai:1"))
    assert stored is not None
    assert stored.title == Text(value="Rich 2")
    # A prefix that names no crosswalk has no known richness: the newest copy wins.
    assert _save(any_store, _in("swepub_mods", _entry("oai:1", "Other", datestamp=changed))) == [
        Outcome.UPDATED
    ]
    assert _save(any_store, _in("mods", _entry("oai:1", "Rich 2", datestamp=changed))) == [
        Outcome.UPDATED
    ]
    # A deletion is a deletion in any format.
    gone = _in("oai_dc", _entry("oai:1", deleted=True, datestamp=changed))
    assert _save(any_store, gone) == [Outcome.DELETED]


def test_a_valid_copy_is_not_replaced_by_an_invalid_richer_one(any_store: Store) -> None:
    _save(any_store, _in("oai_dc", _entry("oai:1", title="Valid")))
    broken = [Issue("validate.missing_title", "no title", Severity.ERROR)]
    richer = _in("mods", _entry("oai:1", title="Untitled", issues=broken))
    assert _save(any_store, richer) == [Outcome.SKIPPED]
    assert richer.issues[-1].code == "store.valid_copy_stored"
    assert "invalid (validate.missing_title: no title)" in richer.issues[-1].message
    assert _save(any_store, _in("mods", _entry("oai:1", title="Fixed"))) == [Outcome.UPDATED]


def test_of_two_invalid_copies_the_richer_is_kept_and_not_called_valid(any_store: Store) -> None:
    broken = [Issue("validate.missing_creator", "no creator", Severity.ERROR)]
    _save(any_store, _in("mods", _entry("oai:1", title="Rich", issues=list(broken))))
    poorer = _in("oai_dc", _entry("oai:1", title="Poor", issues=list(broken)))
    assert _save(any_store, poorer) == [Outcome.SKIPPED]
    assert poorer.issues[-1].code == "store.richer_format_stored"
    assert "valid" not in poorer.issues[-1].message


def test_validity_decides_even_where_richness_is_unknown(any_store: Store) -> None:
    # A row from before records named their crosswalk: swepub_mods says nothing of richness.
    _save(any_store, _in("swepub_mods", _entry("oai:1", title="Valid")))
    broken = [Issue("validate.missing_title", "no title", Severity.ERROR)]
    assert _save(any_store, _in("oai_dc", _entry("oai:1", "Untitled", issues=broken))) == [
        Outcome.SKIPPED
    ]


def test_a_sources_own_crosswalk_that_declares_no_precedence_ranks_as_its_prefix(
    any_store: Store,
) -> None:
    _save(any_store, _read_as("pure_mods", _in("mods", _entry("oai:1", title="From MODS"))))
    assert _save(any_store, _in("oai_dc", _entry("oai:1", title="From DC"))) == [Outcome.SKIPPED]


def _read_as(crosswalk: str, entry: Entry) -> Entry:
    assert entry.record is not None
    source = msgspec.structs.replace(entry.record.source, crosswalk=crosswalk)
    entry.record = msgspec.structs.replace(entry.record, source=source)
    return entry


def test_of_two_copies_read_by_one_crosswalk_the_one_its_prefix_names_wins(
    any_store: Store,
) -> None:
    # EPrints' oai_bibl is oai_dc by its namespace, but lists the works a record cites.
    _save(any_store, _in("oai_dc", _entry("oai:1", title="The eprint")))
    bibl = _read_as("oai_dc", _in("oai_bibl", _entry("oai:1", title="Cited")))
    assert _save(any_store, bibl) == [Outcome.SKIPPED]
    assert "oai_bibl (read as oai_dc)" in bibl.issues[0].message
    first = _read_as("oai_dc", _in("oai_bibl", _entry("oai:3", title="Cited")))
    assert _save(any_store, first, _in("oai_dc", _entry("oai:3", title="The eprint"))) == [
        Outcome.CREATED,
        Outcome.UPDATED,
    ]


def test_a_record_deleted_and_back_in_one_page_ends_live(any_store: Store) -> None:
    _save(any_store, _entry("oai:1", title="First"))
    page = [_entry("oai:1", deleted=True), _entry("oai:1", title="Back again")]
    assert _save(any_store, *page) == [Outcome.DELETED, Outcome.RESTORED]
    stored = any_store.get(record_id(REPO, "oai:1"))
    assert stored is not None
    assert not stored.source.deleted
    assert stored.title == Text(value="Back again")
    assert any_store.counts() == {"records": 1, "deleted": 0, "versions": 3, "rejects": 0}


def _versions(store: Store) -> list[tuple[int, bool, str | None, bytes | None]]:
    """The versions of oai:1: number, tombstone or not, the title its JSON gives (None where
    it has none: the current version's data is its record row's), its raw XML."""
    v = t.record_versions.c
    query = select(v.version, v.deleted, v.record_json, v.raw).where(
        v.record_id == record_id(REPO, "oai:1")
    )
    with store.engine.connect() as conn:
        rows = conn.execute(query.order_by(v.version)).all()
    return [
        (number, deleted, _title(Record.from_json(data)) if data else None, raw)
        for number, deleted, data, raw in rows
    ]


def _title(record: Record) -> str | None:
    return record.title.value if record.title else None


def _received(title: str | None, raw: bytes, deleted: bool = False) -> Entry:
    entry = _entry("oai:1", title=title, deleted=deleted)
    return dataclasses.replace(entry, harvested=dataclasses.replace(entry.harvested, raw=raw))


def test_a_version_keeps_its_data_once_another_supersedes_it(any_store: Store) -> None:
    _save(any_store, _received("First", b"<first/>"))
    # Current: its record's row holds the data; written once, not twice.
    assert _versions(any_store) == [(1, False, None, None)]
    _save(any_store, _received("Second", b"<second/>"))
    assert _versions(any_store) == [(1, False, "First", b"<first/>"), (2, False, None, None)]
    # Deleted and back in one page: the tombstone this page wrote keeps its own data (the
    # last record's, without raw XML), the version before it its record row's.
    page = [_received(None, b"<deleted/>", deleted=True), _received("Third", b"<third/>")]
    assert _save(any_store, *page) == [Outcome.DELETED, Outcome.RESTORED]
    assert _versions(any_store) == [
        (1, False, "First", b"<first/>"),
        (2, False, "Second", b"<second/>"),
        (3, True, "Second", b"<deleted/>"),
        (4, False, None, None),
    ]
    # A tombstone stored before keeps the deletion's raw XML when a version supersedes it.
    _save(any_store, _received(None, b"<deleted again/>", deleted=True))
    _save(any_store, _received("Fourth", b"<fourth/>"))
    assert _versions(any_store)[-3:] == [
        (4, False, "Third", b"<third/>"),
        (5, True, "Third", b"<deleted again/>"),
        (6, False, None, None),
    ]
    stored = any_store.get(record_id(REPO, "oai:1"))
    assert stored is not None
    assert _title(stored) == "Fourth"


def test_a_version_a_store_wrote_with_its_data_keeps_it(any_store: Store) -> None:
    _save(any_store, _received("First", b"<first/>"))
    # As a store written before the current version left its data to the record row.
    old = Record.from_json(_save_json("Written before"))
    with any_store.engine.begin() as conn:
        conn.execute(update(t.record_versions).values(record_json=old.to_json(), raw=b"<old/>"))
    _save(any_store, _received("Second", b"<second/>"))
    assert _versions(any_store) == [
        (1, False, "Written before", b"<old/>"),
        (2, False, None, None),
    ]


def _save_json(title: str) -> bytes:
    record = _entry("oai:1", title=title).record
    assert record is not None
    return record.to_json()


def test_a_page_that_lost_a_race_is_written_again(
    any_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _save(any_store, _entry("oai:1"))  # another writer got there first ...
    real_states = PageWriter._states
    calls: list[int] = []

    def stale_once(self: PageWriter, entries: list[Entry]) -> Any:
        calls.append(1)
        return {} if len(calls) == 1 else real_states(self, entries)  # ... after our read

    monkeypatch.setattr(PageWriter, "_states", stale_once)
    run_id = any_store.begin_run(REPO, "oai_dc")
    key = source_key(REPO, "oai_dc", None)
    checkpoint = Checkpoint(key, run_id, "t2", 10, 20, None, 1, 2)
    failed = _entry("oai:2", title=None, issues=[Issue("xml.malformed", "x", Severity.ERROR)])
    page = [_entry("oai:1"), failed]
    any_store.save_page(run_id, page, checkpoint)
    assert [entry.outcome for entry in page] == [Outcome.UNCHANGED, Outcome.FAILED]
    assert len(calls) == 2
    # The first attempt was rolled back whole: one reject, one version, the checkpoint once.
    assert any_store.counts() == {"records": 1, "deleted": 0, "versions": 1, "rejects": 1}
    assert any_store.checkpoint(key) == checkpoint


def test_an_older_record_never_replaces_a_newer_one(any_store: Store) -> None:
    # A file exported last year, imported after this month's harvest; a window of a parallel
    # harvest that got a record before it changed and wrote it after a later window did.
    _save(any_store, _entry("oai:1", title="New", datestamp="2024-03-01T00:00:00Z"))
    old = _entry("oai:1", title="Old", datestamp="2024-01-01")
    assert _save(any_store, old) == [Outcome.SKIPPED]
    assert [issue.code for issue in old.issues] == ["store.older_than_stored"]
    assert "2024-03-01T00:00:00Z" in old.issues[0].message
    old_deletion = _entry("oai:1", deleted=True, datestamp="2024-02-01T00:00:00Z")
    assert _save(any_store, old_deletion) == [Outcome.SKIPPED]
    stored = any_store.get(record_id(REPO, "oai:1"))
    assert stored is not None
    assert stored.title == Text(value="New")
    assert not stored.source.deleted
    assert any_store.counts() == {"records": 1, "deleted": 0, "versions": 1, "rejects": 0}


def test_a_newer_deletion_is_not_undone_by_an_older_record(any_store: Store) -> None:
    _save(any_store, _entry("oai:1", deleted=True, datestamp="2024-03-01T00:00:00Z"))
    assert _save(any_store, _entry("oai:1", datestamp="2024-02-01T00:00:00Z")) == [Outcome.SKIPPED]
    assert any_store.counts()["deleted"] == 1
    # A later one brings the record (never held before) in, and the same datestamp is the
    # same state again.
    assert _save(any_store, _entry("oai:1", datestamp="2024-04-01T00:00:00Z")) == [Outcome.CREATED]
    assert _save(any_store, _entry("oai:1", datestamp="2024-04-01T00:00:00Z")) == [
        Outcome.UNCHANGED
    ]


def test_a_day_is_not_older_than_a_moment_of_that_day(any_store: Store) -> None:
    _save(any_store, _entry("oai:1", title="Harvested", datestamp="2024-03-05T10:00:00Z"))
    assert _save(any_store, _entry("oai:1", title="Exported", datestamp="2024-03-05")) == [
        Outcome.UPDATED
    ]
    assert _save(any_store, _entry("oai:1", title="Old", datestamp="20240304")) == [Outcome.SKIPPED]


def test_a_record_without_a_readable_datestamp_is_stored(any_store: Store) -> None:
    # A bare metadata file has no OAI header: the user imported it on purpose.
    _save(any_store, _entry("oai:1", title="Harvested", datestamp="2024-03-01T00:00:00Z"))
    assert _save(any_store, _entry("oai:1", title="Imported", datestamp="")) == [Outcome.UPDATED]
    assert _save(any_store, _entry("oai:1", title="Again", datestamp="2024-01-01")) == [
        Outcome.UPDATED
    ]


# Ours "First": our page would only touch the row (same content), which no unique key guards;
# ours "Ours": it would add a version, which the (record_id, version) key catches as well.
# Theirs "First": the other writer only touched the row (a newer datestamp, same version).
@pytest.mark.parametrize(
    ("title", "theirs"), [("First", "Newer"), ("Ours", "Newer"), ("Ours", "First")]
)
def test_a_page_whose_record_another_writer_changed_meanwhile_is_decided_again(
    any_store: Store, monkeypatch: pytest.MonkeyPatch, title: str, theirs: str
) -> None:
    _save(any_store, _entry("oai:1", title="First", datestamp="2024-01-01T00:00:00Z"))
    other = Store(any_store.url)  # another process's store, with its own connections
    real_states = PageWriter._states
    calls: list[int] = []

    def read_then_lose_the_race(self: PageWriter, entries: list[Entry]) -> Any:
        states = real_states(self, entries)
        if self.conn.engine is not any_store.engine:
            return states  # the other writer's own read
        calls.append(1)
        if len(calls) == 1:  # another writer stores a newer version after our read
            newer = _entry("oai:1", title=theirs, datestamp="2024-03-01T00:00:00Z")
            thread = threading.Thread(target=other.save_page, args=(None, [newer], None))
            thread.start()
            thread.join()
        return states

    monkeypatch.setattr(PageWriter, "_states", read_then_lose_the_race)
    ours = _entry("oai:1", title=title, datestamp="2024-02-01T00:00:00Z")
    # On SQLite the other writer waits for nothing: our read opened no write transaction.
    try:
        assert _save(any_store, ours) == [Outcome.SKIPPED]
    finally:
        other.close()
    assert len(calls) == 2
    assert [issue.code for issue in ours.issues] == ["store.older_than_stored"]
    stored = any_store.get(record_id(REPO, "oai:1"))
    assert stored is not None
    assert stored.title == Text(value=theirs)
    assert stored.source.datestamp == "2024-03-01T00:00:00Z"
    assert any_store.counts()["versions"] == (2 if theirs == "Newer" else 1)


@pytest.mark.parametrize("any_db_url", ["postgres"], indirect=True)
def test_a_page_chosen_as_a_deadlock_victim_is_written_again(any_store: Store) -> None:
    _save(any_store, _entry("oai:1"), _entry("oai:2"))
    first, second = record_id(REPO, "oai:1"), record_id(REPO, "oai:2")
    other = create_engine(any_store.url)  # another writer, holding oai:2 and then oai:1
    page = [_entry(i, datestamp="2024-02-01T00:00:00Z") for i in ("oai:1", "oai:2")]
    saver = threading.Thread(target=_save, args=(any_store, *page))
    touch = text("update records set updated_at = now() where id = :id")
    try:
        with other.connect() as conn:
            # Ours (1 s, the default) finds the deadlock first and is the one ended.
            conn.execute(text("set deadlock_timeout = '30s'"))
            conn.execute(touch, {"id": second})
            saver.start()  # updates oai:1, then waits for oai:2
            _wait_for_a_lock_wait(other)
            conn.execute(touch, {"id": first})  # waits for oai:1: a deadlock
            conn.commit()
        saver.join(timeout=30)
    finally:
        other.dispose()
    assert [entry.outcome for entry in page] == [Outcome.UNCHANGED, Outcome.UNCHANGED]
    with any_store.engine.connect() as conn:
        stamps = conn.execute(text("select datestamp from records order by id")).scalars().all()
    assert stamps == ["2024-02-01T00:00:00Z"] * 2


def _wait_for_a_lock_wait(engine: Any) -> None:
    query = text("select count(*) from pg_stat_activity where wait_event_type = 'Lock'")
    for _ in range(500):
        with engine.connect() as conn:
            if conn.execute(query).scalar():
                return
        threading.Event().wait(0.01)
    raise AssertionError("the page never waited for the other writer's row")


def test_one_harvest_of_a_source_at_a_time(any_store: Store) -> None:
    key = source_key(REPO, "oai_dc", None)
    with source_lock(any_store, key):
        with (
            pytest.raises(HarvestError, match="another run of this source is going on"),
            source_lock(any_store, key),
        ):
            pass  # the second lock is refused before this
        with source_lock(any_store, source_key(REPO, "mods", None)):
            pass  # another source is free
    with source_lock(any_store, key):
        pass  # released
    run_id = any_store.begin_run(REPO, "oai_dc")
    with (
        source_lock(any_store, key),
        pytest.raises(HarvestError, match=rf"going on \(run {run_id}, started 20\d\d-.* UTC;"),
        source_lock(any_store, key, wait=0),
    ):
        pass  # the refusal names the run going on


def test_a_lock_file_says_whose_lock_it_is_and_goes_with_it(tmp_path: Path) -> None:
    """One file a source held, saying once which; removed as it is let go: a file had been
    left for every source ever harvested (every spelling of a URL, every set and format)."""
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    for prefix in ("oai_dc", "mods", "oai_dc"):
        with source_lock(store, source_key(REPO, prefix, None)):
            said = [path.read_text() for path in tmp_path.glob("store.sqlite3.*.lock")]
            assert said == [f"harvest lock of source {source_key(REPO, prefix, None)}\n"]
    assert list(tmp_path.glob("*.lock")) == []
    store.close()


def test_a_lock_file_left_by_a_killed_run_is_taken_and_removed(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    key = source_key(REPO, "oai_dc", None)
    with source_lock(store, key):
        (left,) = tmp_path.glob("*.lock")
        kept = left.read_bytes()
    left.write_bytes(kept)  # as SIGKILL leaves it: no process holds it
    with source_lock(store, key):
        pass
    assert list(tmp_path.glob("*.lock")) == []
    store.close()


def test_lock_files_removed_never_let_two_runs_hold_a_source(tmp_path: Path) -> None:
    """A run waiting on a file its holder removes as it lets go must not take the lock of
    that file, no longer the source's, while a third run takes the new file's."""
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    key = source_key(REPO, "oai_dc", None)
    holding: list[int] = []
    most = [0]

    def run(number: int) -> None:
        for _ in range(40):
            with source_lock(store, key, wait=60):
                holding.append(number)
                most[0] = max(most[0], len(holding))
                threading.Event().wait(0.001)
                holding.remove(number)

    runs = [threading.Thread(target=run, args=(n,)) for n in range(6)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(120)
    assert most[0] == 1
    assert list(tmp_path.glob("*.lock")) == []
    store.close()


def test_a_lock_held_for_a_moment_is_waited_for(any_store: Store) -> None:
    """Another run looking for dead runs holds a source's lock for milliseconds: the run of
    that source starting then waits, instead of failing as if a harvest were going on."""
    key = source_key(REPO, "oai_dc", None)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with source_lock(any_store, key, wait=0):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    with (
        pytest.raises(HarvestError, match="another run of this source is going on"),
        source_lock(any_store, key, wait=0),
    ):
        pass  # not waited for: refused at once
    threading.Timer(0.3, release.set).start()
    with source_lock(any_store, key):
        assert release.is_set(), "taken once the other let go"
    holder.join()


def test_a_failed_run_frees_its_lock(any_store: Store) -> None:
    key = source_key(REPO, "oai_dc", None)
    with pytest.raises(RuntimeError), source_lock(any_store, key):
        raise RuntimeError("the harvest failed")
    with source_lock(any_store, key):
        pass  # free again


def test_lock_files_for_sqlite_uris(tmp_path: Path) -> None:
    uri = Store(f"sqlite:///file:{tmp_path / 'u.sqlite3'}?uri=true")
    memory = Store("sqlite://")
    try:
        with source_lock(uri, "k"), source_lock(memory, "k"):
            assert [p.name.split(".")[0] for p in tmp_path.glob("*.lock")] == ["u"]
    finally:
        uri.close()
        memory.close()


@pytest.mark.postgres
def test_workers_opening_a_new_postgres_store_together_all_succeed() -> None:
    base = _postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{base}?options=-csearch_path%3D{schema}"
    start = threading.Barrier(8)
    failures: list[BaseException] = []

    def open_store() -> None:
        start.wait()
        try:
            Store(url).close()
        except StoreError as exc:
            failures.append(exc)

    try:
        workers = [threading.Thread(target=open_store) for _ in range(8)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert failures == []
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
