"""One harvest of a source at a time, with a lock released when its holder dies.

Two harvests of one source at once (a cron job still running when the next one starts) would
both "resume" the same run and write its checkpoints in turn.  The lock is one the operating
system or the database frees when the process ends, however it ends, so a harvest killed with
SIGKILL never leaves a stale lock behind: on PostgreSQL a session advisory lock, on a SQLite file
an ``flock`` on a file beside the database, removed as the lock is let go (a killed run's file
by the next run of its source).  An in-memory SQLite store is private to its process and needs
none; other databases (and systems without ``fcntl``) get no lock, with a warning.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import time
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ir_ingest.errors import HarvestError
from ir_ingest.store.engine import sqlite_file

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sqlalchemy import Connection

    from ir_ingest.store.store import Store

log = logging.getLogger(__name__)


#: Seconds a lock held elsewhere is tried again before its holder counts as a run going on:
#: a run looking for dead runs holds other sources' locks for a moment (``harvest``).
WAIT = 2.0
_POLL = 0.05


@contextmanager
def source_lock(store: Store, key: str, wait: float = WAIT) -> Iterator[None]:
    """Hold the lock of source ``key`` for the duration; raise :class:`HarvestError` if
    another run still holds it after ``wait`` seconds."""
    dialect = store.engine.dialect.name
    if dialect == "postgresql":
        with _advisory_lock(store, key, wait):
            yield
        return
    path = _lock_file(store, key)
    if path is None:
        if dialect != "sqlite":
            log.warning("no per-source harvest lock on %s databases", dialect)
        yield
        return
    with _file_lock(path, store, key, wait):
        yield


def _lock_file(store: Store, key: str) -> Path | None:
    """The file whose ``flock`` is source ``key``'s lock, beside a SQLite store's file."""
    path = sqlite_file(store.engine.url) if store.engine.dialect.name == "sqlite" else None
    if path is None:
        return None
    return Path(f"{path}.{hashlib.sha256(key.encode()).hexdigest()[:16]}.lock")


def locks_sources(store: Store) -> bool:
    """Whether :func:`source_lock` really locks on this store (see the module's docstring)."""
    dialect = store.engine.dialect.name
    if dialect == "postgresql":
        return True
    if dialect != "sqlite" or sqlite_file(store.engine.url) is None:
        return False
    try:
        import fcntl  # noqa: F401
    except ImportError:
        return False
    return True


def held(store: Store, key: str) -> bool | None:
    """Whether a run holds the lock of source ``key`` now; None where locks cannot tell.

    Taken and given back at once when free: a run starting meanwhile waits for it (``WAIT``),
    and a lock file left by a killed run is removed, as the run after it would.
    """
    if not locks_sources(store):
        return None
    path = _lock_file(store, key)
    if path is not None and not path.exists():
        return False  # not locked now: nothing to make (a reading command makes no file)
    if path is not None and not os.access(path, os.W_OK):
        return None  # another user's lock file: it cannot be tried from here
    try:
        with source_lock(store, key, wait=0):
            return False
    except HarvestError:
        return True


def _tried(attempt: Callable[[], bool], wait: float) -> bool:
    """Whether ``attempt`` succeeded within ``wait`` seconds (it is made at least once)."""
    deadline = time.monotonic() + wait
    while not attempt():
        if time.monotonic() >= deadline:
            return False
        time.sleep(_POLL)
    return True


def _advisory_lock_id(schema: str | None, key: str) -> int:
    """The advisory lock of source ``key`` in the store whose tables are in ``schema``.

    A database's advisory locks are the whole database's: two stores in two schemas of one
    database (staging and production) had shared each source's lock, a harvest into one
    refusing the other's.  The default schema's lock is the key's alone, as it was before, so
    that a harvest an older ir-ingest runs meanwhile still holds the same one.
    """
    named = key if schema in (None, "public") else f"{schema}\0{key}"  # no identifier holds NUL
    digest = hashlib.sha256(named.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def _advisory_lock(store: Store, key: str, wait: float) -> Iterator[None]:
    conn = store.engine.connect()
    released = False
    try:
        lock_id = _advisory_lock_id(conn.execute(text("select current_schema()")).scalar(), key)
        if not _tried(partial(_try_advisory_lock, conn, lock_id), wait):
            released = True  # nothing of ours to release
            raise _busy(store, key)
        yield
        try:
            released = bool(
                conn.execute(text("select pg_advisory_unlock(:id)"), {"id": lock_id}).scalar()
            )
            conn.commit()
        except SQLAlchemyError as exc:  # the session is gone, and its lock with it
            log.warning("could not release the harvest lock of %s: %s", key, exc)
    finally:
        if not released:
            # A connection that may still hold the lock must never go back to the pool: the
            # next harvest of this source in this process would take it again, re-entrantly.
            conn.invalidate()
        conn.close()


def _try_advisory_lock(conn: Connection, lock_id: int) -> bool:
    taken = conn.execute(text("select pg_try_advisory_lock(:id)"), {"id": lock_id}).scalar()
    conn.commit()
    return bool(taken)


@contextmanager
def _file_lock(path: Path, store: Store, key: str, wait: float) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:
        log.warning("no per-source harvest lock on this system (no fcntl)")
        yield
        return
    taken: list[TextIO] = []

    def attempt() -> bool:
        handle = _locked(path)
        if handle is not None:
            taken.append(handle)
        return handle is not None

    if not _tried(attempt, wait):
        raise _busy(store, key)
    with taken[0] as handle:
        # Named by a hash, the file says inside whose lock it is, for a manager who finds
        # one beside the store (writing is the holder's: the lock is taken).
        handle.truncate(0)
        handle.write(f"harvest lock of source {key}\n")
        handle.flush()
        try:
            yield
        finally:
            # Removed while still held, so that none pile up (one had been left for every
            # source ever harvested, each URL's spelling, set and format); a run that opened
            # it meanwhile sees, once it has its lock, that it is no longer the source's.
            # Not for a file another user made (its folder not ours): it stays, harmless.
            with contextlib.suppress(OSError):
                path.unlink()
            fcntl.flock(handle, fcntl.LOCK_UN)


def _locked(path: Path) -> TextIO | None:
    """The lock file at ``path`` opened and locked (``flock``, which :func:`_file_lock` has
    found), made if it is not there; ``None`` while another process (or another open file)
    holds it.

    The lock taken is the file's that is at ``path`` still: its holder removes it as it
    lets go (:func:`_file_lock`), and a run that had opened it before would otherwise hold
    the lock of a file no longer the source's, while a third run held the new one's.
    """
    import fcntl

    while True:
        try:
            handle = _opened(path)
        except OSError as exc:
            said = "it is a symbolic link" if exc.errno == errno.ELOOP else exc.strerror
            raise HarvestError(f"cannot create the harvest lock {path}: {said}") from exc
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return None
        if _is_at(handle, path):
            return handle
        handle.close()  # removed by its holder as it let go: the lock is free, in a new file


def _opened(path: Path) -> TextIO:
    """The file at ``path`` open for appending, made if it is not there; never one a symbolic
    link there names (``ELOOP``).  The name is known to anyone who can work out the store's
    and the source's (a hash), and a link put there in a shared folder had been followed: the
    harvest emptied the file it named (a security review)."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    return os.fdopen(os.open(path, flags, 0o666), "a")


def _is_at(handle: TextIO, path: Path) -> bool:
    """Whether the file open as ``handle`` is the one at ``path`` still."""
    try:
        return os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except FileNotFoundError:
        return False


def _busy(store: Store, key: str) -> HarvestError:
    """The refusal, naming the run that holds the source when the store says which."""
    last = store.last_run(key)
    which = (
        f"run {last.id}, started {last.started_at:%Y-%m-%d %H:%M:%S} UTC"
        if last is not None and last.status == "running"
        else "a harvest, or a reprocess"
    )
    return HarvestError(
        f"another run of this source is going on ({which}; source {key}, * for every set); "
        "wait for it to end, or stop it"
    )
