"""SQLite's write-ahead log copied back into the database by a thread of its own.

In WAL mode a commit appends the pages it changed to the ``-wal`` file; the commit that finds
the log past 1,000 pages (SQLite's ``wal_autocheckpoint``) then copies it back into the
database and syncs both files before it returns.  A harvest page of 100 records writes some
150 database pages, so about every sixth page's commit waited for a copy of 4 MB and two
fsyncs, while the pages fetched and crosswalked behind it queued.

:class:`WalCheckpointer` makes that copy after each page, in a thread with a connection of its
own.  It is a PASSIVE checkpoint (https://sqlite.org/c3ref/wal_checkpoint_v2.html): it neither
waits for nor blocks the harvest's writes, which SQLite lets go on beside it; the next commit
finds the log copied and starts it over, so its own checkpoint has nothing left to do.  Nothing
changes for durability: a checkpoint only moves what is committed already.  If the thread
fails, the commits' own checkpoints are still there: it says so once, and stops.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)


class WalCheckpointer:
    """Checkpoints of a SQLite file's log, one after each :meth:`nudge`, off the writer's
    thread; several nudges while one runs make one more."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._wanted = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        #: How many checkpoints the thread has made.
        self.made = 0

    def nudge(self) -> None:
        """Ask for a checkpoint: a transaction was committed (starts the thread the first time)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="ir-ingest-wal-checkpoints", daemon=True
            )
            self._thread.start()
        self._wanted.set()

    def close(self) -> None:
        """Let a checkpoint under way finish, and end the thread."""
        self._stopping = True
        self._wanted.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            if self._stopping:
                return
            try:
                with self._engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            except SQLAlchemyError as exc:
                log.warning("WAL checkpoints are left to the writes themselves: %s", exc)
                return
            self.made += 1
