"""SQLite's log is copied back into the database file off the writing thread."""

from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path

import pytest

from ir_ingest.store import Store
from ir_ingest.store.engine import sqlite_file
from tests.store.test_store import _entry


def _made(store: Store, at_least: int) -> int:
    """The checkpoints the store's thread has made, once there are ``at_least`` (or 30 s on)."""
    assert store.wal is not None
    for _ in range(3000):
        if store.wal.made >= at_least:
            break
        time.sleep(0.01)
    return store.wal.made


def test_a_committed_page_is_copied_into_the_database_file_by_the_checkpoint_thread(
    store: Store,
) -> None:
    database = Path(sqlite_file(store.engine.url) or "")
    raw = b"<record>" + b"x" * 4000 + b"</record>"
    entries = [_entry(f"oai:x:{n}") for n in range(50)]
    for entry in entries:
        entry.harvested = dataclasses.replace(entry.harvested, raw=raw)
    before = database.stat().st_size
    store.save_page(None, entries, None)
    # 50 records of 4 KB: some 60 pages of the log, far below the 1,000 after which the
    # commit itself would have copied them: only the thread moves them into the file.
    assert _made(store, 1) >= 1
    assert database.stat().st_size - before >= 50 * 4000


def test_the_checkpoint_thread_ends_with_the_store(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    store.save_page(None, [_entry("oai:x:1")], None)
    store.close()
    assert "ir-ingest-wal-checkpoints" not in {thread.name for thread in threading.enumerate()}


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_a_database_in_memory_has_no_log_to_copy(url: str) -> None:
    store = Store(url)
    try:
        assert store.wal is None
        store.save_page(None, [_entry("oai:x:1")], None)
    finally:
        store.close()


def test_only_a_sqlite_file_has_a_checkpoint_thread(any_store: Store) -> None:
    assert (any_store.wal is not None) == (any_store.engine.dialect.name == "sqlite")
