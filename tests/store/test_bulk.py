"""Rows written through the driver (``bulk``) are stored as SQLAlchemy would store them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, insert

from ir_ingest.store import tables as t
from ir_ingest.store.bulk import BulkStatement, bulk_insert, driver_value

if TYPE_CHECKING:
    from ir_ingest.store import Store


def _record_row(rid: str, moment: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "repository": "urn:r",
        "oai_identifier": "oai:r:1",
        "metadata_prefix": "oai_dc",
        "crosswalk": None,
        "datestamp": "2024-01-01T00:00:00Z",
        "deleted": False,
        "valid": True,
        "version": 1,
        "content_hash": "ab",
        "record_json": b'{"id":"x"}',
        "issues_json": b"[]",
        "raw": b"<record/>",
        "created_at": moment,
        "updated_at": moment,
        "run_id": None,
        "swept_run_id": 3,
    }


def test_a_bulk_insert_stores_what_sqlalchemy_stores(any_store: Store) -> None:
    now = datetime.now(UTC)
    with any_store.engine.begin() as conn:
        converted = driver_value(conn, t.records.c.updated_at, now)
        bulk_insert(t.records).run(conn, [_record_row("a", converted)])
        conn.execute(insert(t.records), [_record_row("b", now)])
    with any_store.engine.connect() as conn:
        # As the database holds them: the driver's values, no type of SQLAlchemy's between.
        ours, theirs = conn.exec_driver_sql("SELECT * FROM records ORDER BY id").all()
    assert ours[1:] == theirs[1:]


def test_a_bulk_statement_says_how_many_rows_it_matched(any_store: Store) -> None:
    now = datetime.now(UTC)
    with any_store.engine.begin() as conn:
        rows = [_record_row(rid, driver_value(conn, t.records.c.updated_at, now)) for rid in "abc"]
        assert bulk_insert(t.records).run(conn, rows) == 3
        # A statement of one parameter takes its rows' values as tuples of one, too.
        remove = BulkStatement(delete(t.records).where(t.records.c.id == bindparam("rid")))
        assert remove.run(conn, [{"rid": "a"}, {"rid": "c"}, {"rid": "gone"}]) == 2
    assert any_store.counts()["records"] == 1
