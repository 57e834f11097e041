"""Rejects listed, read back and forgotten (:mod:`ir_ingest.store.rejects`), and kept one a
record and datestamp by the page writer."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from ir_ingest.entry import Issue, Severity
from ir_ingest.store import tables as t
from tests.store.test_store import REPO, _entry

if TYPE_CHECKING:
    from ir_ingest.store import Store


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
