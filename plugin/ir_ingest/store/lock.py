"""One harvest of a source at a time, with a lock released when its holder dies.

Two harvests of one source at once (a cron job still running when the next one starts) would
both "resume" the same run and write its checkpoints in turn.  The lock is one the operating
system or the database frees when the process ends, however it ends, so a harvest killed with
SIGKILL never leaves a stale lock behind: on PostgreSQL a session advisory lock, on a SQLite file
an ``flock`` on a file beside the database.  An in-memory SQLite store is private to its process
and needs none.
"""

from __future__ import annotations

import fcntl
import hashlib
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text

from ir_ingest.errors import HarvestError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ir_ingest.store.store import Store


@contextmanager
def source_lock(store: Store, key: str) -> Iterator[None]:
    """Hold the lock of source ``key`` for the duration; raise if another harvest holds it."""
    digest = hashlib.sha256(key.encode()).digest()
    if store.engine.dialect.name == "postgresql":
        with _advisory_lock(store, int.from_bytes(digest[:8], "big", signed=True), key):
            yield
        return
    database = store.engine.url.database
    if not database or database == ":memory:":
        yield
        return
    with _file_lock(Path(f"{database}.{digest.hex()[:16]}.lock"), key):
        yield


@contextmanager
def _advisory_lock(store: Store, lock_id: int, key: str) -> Iterator[None]:
    with store.engine.connect() as conn:
        taken = conn.execute(text("select pg_try_advisory_lock(:id)"), {"id": lock_id}).scalar()
        conn.commit()
        if not taken:
            raise _busy(key)
        try:
            yield
        finally:
            conn.execute(text("select pg_advisory_unlock(:id)"), {"id": lock_id})
            conn.commit()


@contextmanager
def _file_lock(path: Path, key: str) -> Iterator[None]:
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise _busy(key) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _busy(key: str) -> HarvestError:
    return HarvestError(
        f"another harvest of this source is running ({key}); wait for it to end, or stop it"
    )
