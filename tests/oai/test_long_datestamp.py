"""A datestamp longer than the store's column: a warning on the record, never a failed run."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from ir_ingest.oai.harvest import run_harvest
from ir_ingest.oai.provider import serve_in_background
from ir_ingest.store import Store
from ir_ingest.store import tables as t
from tests.conftest import POSTGRES_URL, unavailable
from tests.oai.scripted import header, page, record, scripted

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

#: Seen from a CRIS export job: an HTTP date with a note, 77 characters.
LONG = "Mon, 01 Jan 2024 00:00:00 GMT (last modified by the CRIS nightly sync job)"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A SQLite store, and a PostgreSQL store in a schema of its own (varchar(64) is enforced
    only there)."""
    if request.param == "sqlite":
        opened = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
        yield opened
        opened.close()
        return
    admin = create_engine(POSTGRES_URL)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as exc:
        admin.dispose()
        unavailable(f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc.orig}")
    opened = Store(f"{POSTGRES_URL}?options=-csearch_path%3D{schema}")
    try:
        yield opened
    finally:
        opened.close()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


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
