"""Rejects listed, read back and forgotten (:mod:`ir_ingest.store.rejects`), and kept one a
record and datestamp by the page writer."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from sqlalchemy import select, text

from ir_ingest.entry import Issue, Severity
from ir_ingest.store import Store, page_sql
from ir_ingest.store import tables as t
from tests.store.gates import install_gate, one_after_another
from tests.store.test_store import REPO, _entry


def test_rejects_are_listed_and_read_back_with_their_runs_format(any_store: Store) -> None:
    failed = [Issue("xml.malformed", "bad", Severity.ERROR)]
    run_id = any_store.begin_run(REPO, "mods", crosswalk="swepub")
    any_store.save_page(run_id, [_entry("oai:1", title=None, issues=failed)], None)
    newer = _entry("oai:1", title=None, issues=failed)
    newer.harvested = dataclasses.replace(newer.harvested, datestamp="2025-01-01")
    # An identifier that begins so in another case is not left out (SQLite's LIKE ignores it).
    cased = _entry("SKIP:3", title=None, issues=failed)
    any_store.save_page(None, [newer, _entry("skip:2", title=None, issues=failed), cased], None)

    listed = any_store.list_rejects(REPO, skip_prefix="skip:")
    read = any_store.read_rejects([key for key, *_ in listed])

    assert [row[1:] for row in listed] == [
        (REPO, "oai:1", "2024-01-01T00:00:00Z"),
        (REPO, "oai:1", "2025-01-01"),
        (REPO, "SKIP:3", "2024-01-01T00:00:00Z"),
    ]
    # Its run's format and crosswalk; the others no run wrote, so they have neither.
    assert [(h.metadata_prefix, h.crosswalk) for h, _ in read] == [
        ("mods", "swepub"),
        ("", None),
        ("", None),
    ]
    assert [issue.code for issue in read[0][1]] == ["xml.malformed"]
    assert any_store.list_rejects("https://other.example/oai") == []
    any_store.drop_rejects([key for key, *_ in listed])
    assert [row[2] for row in any_store.list_rejects()] == ["skip:2"]


def test_a_record_failing_again_with_its_datestamp_keeps_one_reject(any_store: Store) -> None:
    """One reject a record and datestamp, the newest run's: a record that failed at every
    nightly --full run had kept one more copy of its raw XML each time."""
    failed = [Issue("xml.malformed", "bad", Severity.ERROR)]
    for _ in range(3):
        run_id = any_store.begin_run(REPO, "oai_dc")
        any_store.save_page(run_id, [_entry("oai:1", title=None, issues=failed)], None)
    changed = _entry("oai:1", title=None, issues=failed, datestamp="2024-02-01T00:00:00Z")
    any_store.save_page(run_id, [changed, _entry("oai:2", title=None, issues=failed)], None)

    listed = any_store.list_rejects()
    assert [row[2:] for row in listed] == [
        ("oai:1", "2024-01-01T00:00:00Z"),
        ("oai:1", "2024-02-01T00:00:00Z"),
        ("oai:2", "2024-01-01T00:00:00Z"),
    ]
    ((first, *_), *_) = listed
    assert [h.metadata_prefix for h, _ in any_store.read_rejects([first])] == ["oai_dc"]
    # The one kept is the newest run's (the third), not the first's.
    with any_store.engine.connect() as conn:
        runs = conn.execute(select(t.rejects.c.run_id).where(t.rejects.c.pk == first)).scalars()
        assert list(runs) == [run_id]


@pytest.mark.parametrize("any_db_url", ["postgres"], indirect=True)
def test_more_rejects_than_a_statement_takes_parameters_are_forgotten(any_store: Store) -> None:
    # A record keeps a reject a datestamp it failed with, and reprocess forgets all of a
    # settled record's at once.  More than 65,535 had failed on PostgreSQL ("number of
    # parameters must be between 0 and 65535"), and the reprocess with them.
    failed = [Issue("xml.malformed", "bad", Severity.ERROR)]
    any_store.save_page(None, [_entry("oai:1", title=None, issues=failed)], None)
    [(key, *_)] = any_store.list_rejects()
    any_store.drop_rejects([key, *range(key + 1, key + 65_536)])
    assert any_store.list_rejects() == []


#: How the rejects of a test below are kept, and the page that rejects them again: by default
#: their keys' order is not their records', and the page's records are in Python's order.
#: Under a collation of a language (ICU's "en-x-icu", as a database made with a locale has
#: one), PostgreSQL puts oai:x:a before oai:x:B, Python after; split into parts of one key,
#: the keys' order is no longer the records' across parts.
_ORDERS = {
    "by key": (["oai:2", "oai:1"], ["oai:1", "oai:2"]),
    "collated": (["oai:x:a", "oai:x:B"], ["oai:x:B", "oai:x:a"]),
    "in parts": (["oai:2", "oai:1"], ["oai:1", "oai:2"]),
}


@pytest.mark.parametrize("any_db_url", ["postgres"], indirect=True)
@pytest.mark.parametrize("order", list(_ORDERS))
def test_forgetting_rejects_while_a_page_rejects_them_again_never_deadlocks(
    any_db_url: str, order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # reprocess forgets the rejects it listed while a harvest rejects the same records again
    # at the same datestamps, which drops their earlier rejects by record.  The DELETE by key
    # locked its rows in the order its plan read them (here the order of their keys, which
    # is the order they were kept), the page in the order of their records: each held a row
    # the other waited for.  Then the rows were locked in the order the database sorts
    # their records (the column's collation, not Python's order), and in the order of their
    # keys across parts of 10,000 keys.
    kept_order, page_order = _ORDERS[order]
    key = uuid.uuid4().int % 2**62
    setup = Store(any_db_url)
    if order == "collated":
        _collate_rejects(setup, "en-x-icu")
    if order == "in parts":
        monkeypatch.setattr(page_sql, "IDS_PER_READ", 1)
    setup.save_page(None, [_entry(i, title=None) for i in kept_order], None)
    kept = [pk for pk, *_ in setup.list_rejects()]
    install_gate(setup, key, on="DELETE ON rejects")
    harvest, reprocess = (Store(f"{any_db_url}&application_name=gate_{key}") for _ in range(2))
    try:
        # The page drops the reject of its first record and waits; then the DELETE has
        # dropped the other's and waits for that one.
        page = [_entry(i, title=None) for i in page_order]
        failures, raised = one_after_another(
            setup,
            key,
            [
                (harvest, lambda: harvest.save_page(None, page, None)),
                (reprocess, lambda: reprocess.drop_rejects(kept)),
            ],
        )
        held = setup.list_rejects()
    finally:
        for store in (harvest, reprocess, setup):
            store.close()
    assert "40P01" not in failures
    assert raised == []
    # The page's rejects, which replaced those forgotten.
    assert sorted(identifier for _, _, identifier, _ in held) == sorted(kept_order)
    assert not {pk for pk, *_ in held} & set(kept)


def _collate_rejects(store: Store, collation: str) -> None:
    """Give the text columns of the rejects' key ``collation``, when the server has it and it
    orders the test's identifiers otherwise than Python (the test is moot elsewhere)."""
    with store.engine.begin() as conn:
        known = conn.execute(
            text("SELECT count(*) FROM pg_collation WHERE collname = :name"), {"name": collation}
        ).scalar()
        if not known:
            pytest.skip(f"this PostgreSQL has no collation {collation!r}")
        otherwise = conn.execute(text(f"SELECT 'oai:x:a' < 'oai:x:B' COLLATE \"{collation}\""))
        assert otherwise.scalar()  # Python: "oai:x:B" < "oai:x:a"
        for column in ("repository", "oai_identifier"):
            conn.execute(
                text(f'ALTER TABLE rejects ALTER COLUMN {column} TYPE text COLLATE "{collation}"')
            )


def test_rejects_are_forgotten_on_either_database_in_parts(
    any_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The lock in the page's order runs on SQLite too (which has no "C" collation).
    failed = [Issue("xml.malformed", "bad", Severity.ERROR)]
    kept = ["oai:x:B", "oai:x:a", "oai:x:c"]
    any_store.save_page(None, [_entry(i, title=None, issues=failed) for i in kept], None)
    monkeypatch.setattr(page_sql, "IDS_PER_READ", 2)
    listed = any_store.list_rejects()
    any_store.drop_rejects([key for key, *_ in listed[:2]])
    assert [row[2] for row in any_store.list_rejects()] == ["oai:x:c"]
