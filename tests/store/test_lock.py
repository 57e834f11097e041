"""Source locks: one harvest of a source at a time in a store, and only in that store."""

from __future__ import annotations

import contextlib
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, text

from ir_ingest.errors import HarvestError
from ir_ingest.store import Store, source_key
from ir_ingest.store.lock import _lock_file, held, source_lock
from tests.conftest import POSTGRES_URL

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

KEY = source_key("https://repo.example/oai", "oai_dc", None)


@contextlib.contextmanager
def _another_store(store: Store, tmp_path: Path) -> Iterator[Store]:
    """A second store beside ``store``: another SQLite file in its folder, or another schema
    of the same PostgreSQL database (staging and production stores kept in one database)."""
    if store.engine.dialect.name == "sqlite":
        other = Store(f"sqlite:///{tmp_path / 'other.sqlite3'}")
        try:
            yield other
        finally:
            other.close()
        return
    admin = create_engine(POSTGRES_URL)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    other = Store(f"{POSTGRES_URL}?options=-csearch_path%3D{schema}")
    try:
        yield other
    finally:
        other.close()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_a_harvest_in_one_store_does_not_lock_the_source_in_another(
    any_store: Store, tmp_path: Path
) -> None:
    # Two stores in two schemas of one PostgreSQL database had shared their advisory locks
    # (a database's lock space is the whole database): a harvest of a source into one
    # refused the other's ("another run of this source is going on"), and `report` there
    # showed that store's killed run of it as still running.
    with _another_store(any_store, tmp_path) as other, source_lock(any_store, KEY):
        assert held(other, KEY) is False
        with source_lock(other, KEY, wait=0):
            assert held(any_store, KEY) is True, "each store's lock is its own"


def test_a_link_where_the_lock_file_goes_is_not_followed(tmp_path: Path) -> None:
    # A security review: the lock file beside a store in a shared folder has a name anyone
    # can work out (the store's and the hash of the source), and a symbolic link put there
    # was followed: the harvest emptied the file it named, and wrote its lock line in it.
    victim = tmp_path / "victim.txt"
    victim.write_text("kept\n")
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    try:
        link = _lock_file(store, KEY)
        assert link is not None
        link.symlink_to(victim)
        with contextlib.suppress(HarvestError), source_lock(store, KEY, wait=0):
            pass
    finally:
        store.close()
    assert victim.read_text() == "kept\n"
