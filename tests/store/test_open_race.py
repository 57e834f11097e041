"""Two processes opening one brand-new SQLite store at the same moment (two cron jobs, or a
harvest and an export started together)."""

from __future__ import annotations

import multiprocessing
from typing import TYPE_CHECKING

from ir_ingest.errors import StoreError
from ir_ingest.store import Store

if TYPE_CHECKING:
    from multiprocessing.synchronize import Barrier
    from pathlib import Path

#: Released together, the two failed in about nine trials of ten before the fix.
TRIALS = 20
_barrier: Barrier | None = None


def _keep(barrier: Barrier) -> None:
    global _barrier  # a pool initializer is the only way to hand workers the barrier
    _barrier = barrier


def _open(path: str) -> str | None:
    """Open the store once the other process is ready too; the error, if any."""
    assert _barrier is not None
    _barrier.wait(timeout=30)
    try:
        Store(f"sqlite:///{path}").close()
    except StoreError as exc:
        return str(exc)
    return None


def test_two_processes_create_a_new_sqlite_store_at_once(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    with context.Pool(2, initializer=_keep, initargs=(barrier,)) as pool:
        for trial in range(TRIALS):
            path = str(tmp_path / f"{trial}.sqlite3")
            errors = [e for e in pool.map(_open, [path, path], chunksize=1) if e is not None]
            assert errors == [], f"trial {trial}"
