"""The content hash a page write stores: the same value for the same content, in every version."""

from __future__ import annotations

import hashlib
import json
import threading
import uuid

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select, text

from ir_ingest.entry import Issue, Outcome, Severity
from ir_ingest.schema import Agent, Record, Source, Text, record_id
from ir_ingest.store import Store
from ir_ingest.store import tables as t
from ir_ingest.store.changes import comparable, note_changes
from ir_ingest.store.pagewrite import content_hash
from tests.store.gates import install_gate, one_after_another, wait_until_both_wait
from tests.store.test_store import REPO, _entry


def _hash_as_first_defined(record: Record) -> str:
    """The hash stores hold: of the JSON of the record's data without volatile provenance."""
    return hashlib.sha256(msgspec.json.encode(comparable(record.to_dict()))).hexdigest()


@settings(max_examples=100)
@given(st.from_type(Record))
def test_the_content_hash_is_the_one_stores_hold(record: Record) -> None:
    # A different value for the same content would make every stored record "updated" once.
    assert content_hash(record) == _hash_as_first_defined(record)


def test_the_content_hash_leaves_out_what_changes_without_the_content() -> None:
    source = Source(
        repository="urn:r",
        oai_identifier="oai:r:1",
        datestamp="2024-01-01",
        metadata_prefix="oai_dc",
        set_specs=["s"],
        raw_sha256="ab",
        crosswalk="dc",
    )
    record = Record(
        id="x",
        source=source,
        title=Text(value="Eels", lang="eng"),
        creators=[Agent(name="Roe, K.")],
        extra={"dc:x": ["y"]},
    )
    # The value earlier versions computed, and stored, for this record.
    assert content_hash(record) == (
        "d9f4d10ad0bcec25b2ae096abb9eaa3b9c3716c3a3f7c1e5b7b1eef2a6099c6a"
    )
    again = msgspec.structs.replace(source, datestamp="2025-01-01", raw_sha256="cd", crosswalk=None)
    assert content_hash(msgspec.structs.replace(record, source=again)) == content_hash(record)


#: More records than a statement may have parameters on PostgreSQL (psycopg sends at most
#: 65,535; SQLite builds allow 32,766 or, as Debian's, 250,000).
MORE_THAN_PARAMETERS = 65_536


@pytest.mark.parametrize("any_db_url", ["postgres"], indirect=True)
def test_a_page_of_more_records_than_a_statement_takes_parameters(any_store: Store) -> None:
    # `import` stores a whole document as one page: a collection of some 65,000 records (a
    # repository's MODS export, within the 64 MB limit) had failed on PostgreSQL with "number
    # of parameters must be between 0 and 65535", its records read in one IN list.
    page = [_entry(f"oai:{n}") for n in range(MORE_THAN_PARAMETERS)]
    any_store.save_page(None, page, None)
    assert {entry.outcome for entry in page} == {Outcome.CREATED}
    assert any_store.counts()["versions"] == MORE_THAN_PARAMETERS
    # What their next versions changed is read as one IN list too (here of records the
    # store does not hold: the same statement, without writing 65,536 versions again).
    updated = {f"id-{n}": entry for n, entry in enumerate(page)}
    with any_store.engine.begin() as conn:
        note_changes(conn, updated)
    assert all(entry.changed_fields == [] for entry in page)


@pytest.mark.parametrize("any_db_url", ["postgres"], indirect=True)
@pytest.mark.parametrize("held", [False, True], ids=["new", "held"])
def test_two_pages_of_the_same_records_in_opposite_orders_never_deadlock(
    any_db_url: str, held: bool
) -> None:
    # Two harvests of sets (or windows) holding the same records, each sent in its own order:
    # each page's transaction wrote its first record and then waited for the other's, which
    # waited for its own first one.  PostgreSQL ended one of them (40P01) and it was written
    # again; with more writers and records it could happen three times and fail the run.
    identifiers = [f"oai:{n}" for n in range(1, 5)]
    key = uuid.uuid4().int % 2**62
    name = f"gate_{key}"
    setup = Store(any_db_url)
    if held:
        setup.save_page(None, [_entry(i) for i in identifiers], None)
    install_gate(setup, key)
    writers = [Store(f"{any_db_url}&application_name={name}") for _ in range(2)]
    failures: list[str | None] = []
    for writer in writers:
        event.listen(
            writer.engine,
            "handle_error",
            lambda context: failures.append(getattr(context.original_exception, "sqlstate", None)),
        )
    newer = "2024-02-01T00:00:00Z"
    pages = [
        [_entry(i, datestamp=newer) for i in order] for order in (identifiers, identifiers[::-1])
    ]
    threads = [
        threading.Thread(target=writer.save_page, args=(None, page, None))
        for writer, page in zip(writers, pages, strict=True)
    ]
    try:
        with setup.engine.connect() as gate:
            gate.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            for thread in threads:
                thread.start()
            # Each page has written its first record (or waits for the other's) before either
            # goes on: the interleaving that deadlocked, every time.
            wait_until_both_wait(gate, name)
            gate.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            gate.commit()
        for thread in threads:
            thread.join(timeout=60)
        stored = setup.counts()["records"]
    finally:
        for store in (*writers, setup):
            store.close()
    assert "40P01" not in failures
    assert all(entry.outcome is not None for page in pages for entry in page)
    assert stored == len(identifiers)


@pytest.mark.parametrize("any_db_url", ["postgres"], indirect=True)
def test_a_sweep_and_a_page_of_the_same_records_never_deadlock(any_db_url: str) -> None:
    # A --full run's ListIdentifiers sweep marks a page of records found, in one UPDATE,
    # while another run writes a page of the same records.  The UPDATE locked its rows in
    # the order they lie in the table (a sweep page of 100 ids of 20,000 records plans a
    # bitmap heap scan; of 1,000, a sequential scan), which every new version changes, and
    # the page in the order of their key: each held a row the other waited for.
    identifiers = [f"oai:{n}" for n in range(1, 5)]
    key = uuid.uuid4().int % 2**62
    name = f"gate_{key}"
    setup = Store(any_db_url)
    setup.save_page(None, [_entry(i) for i in identifiers], None)
    # The row of the first key, received again, lies last in the table now.
    first = min(identifiers, key=lambda identifier: record_id(REPO, identifier))
    setup.save_page(None, [_entry(first, datestamp="2024-01-15T00:00:00Z")], None)
    install_gate(setup, key)
    # As on a store of thousands of records: the sweep reads the rows in the table's order.
    in_table_order = "%20-cenable_indexscan%3Doff%20-cenable_bitmapscan%3Doff"
    sweeper = Store(f"{any_db_url}{in_table_order}&application_name={name}")
    writer = Store(f"{any_db_url}&application_name={name}")
    page = [_entry(i, datestamp="2024-02-01T00:00:00Z") for i in identifiers]
    try:
        # The page writes its first record and waits; then the sweep (whose trigger runs once
        # its UPDATE has written every row) has written the others and waits for that one.
        failures, raised = one_after_another(
            setup,
            key,
            [
                (writer, lambda: writer.save_page(None, page, None)),
                (sweeper, lambda: sweeper.mark_swept(7, REPO, identifiers)),
            ],
        )
        with setup.engine.connect() as conn:
            rows = conn.execute(select(t.records.c.swept_run_id, t.records.c.datestamp)).all()
    finally:
        for store in (sweeper, writer, setup):
            store.close()
    assert "40P01" not in failures
    assert raised == []
    assert sorted(rows) == [(7, "2024-02-01T00:00:00Z")] * len(identifiers)
    assert {entry.outcome for entry in page} == {Outcome.UNCHANGED}


def test_each_record_stores_its_own_issues_whether_shared_or_alike(store: Store) -> None:
    # The issues' JSON and validity are found by the identity of the issue objects (a
    # crosswalk process gives its records the same ones); equal objects, other lists and
    # the same list again must each be stored as what they say.
    note = Issue("validate.missing_subject", "no subject", Severity.INFO, "subjects")
    error = Issue("validate.missing_title", "no title", Severity.ERROR, "title")
    alike = Issue("validate.missing_subject", "no subject", Severity.INFO, "subjects")
    said = [[note], [note], [alike], [note, error], [], [error, note], [note]]
    page = [_entry(f"oai:{n}", issues=list(issues)) for n, issues in enumerate(said)]
    store.save_page(None, page, None)
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(t.records.c.oai_identifier, t.records.c.valid, t.records.c.issues_json)
        ).all()
    stored = {identifier: (valid, json.loads(issues)) for identifier, valid, issues in rows}
    assert stored == {
        f"oai:{n}": (
            Severity.ERROR not in {i.severity for i in issues},
            [i.to_dict() for i in issues],
        )
        for n, issues in enumerate(said)
    }
    assert [entry.outcome for entry in page].count(Outcome.INVALID) == 2
