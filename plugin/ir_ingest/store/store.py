"""The store: current records, their versions, rejects, harvest runs and checkpoints (``Store``).

``Store`` opens its database with ``engine`` (a SQLite file by default; any SQLAlchemy URL works,
PostgreSQL through psycopg 3 for many workers) and is made of two parts: ``runs`` keeps harvest
runs and checkpoints, ``records`` the records, their versions and rejects.  Every write that
belongs together happens in one transaction: a harvest page's records and the checkpoint that
follows them are committed together, so a run killed at any moment leaves the store consistent
with its checkpoint.
"""

from __future__ import annotations

from ir_ingest.store.engine import open_engine, sqlite_file
from ir_ingest.store.records import StoreRecords
from ir_ingest.store.runs import StoreRuns
from ir_ingest.store.wal import WalCheckpointer

DEFAULT_DB_URL = "sqlite:///ir-ingest.sqlite3"


class Store(StoreRuns, StoreRecords):
    """Records, versions and harvest state in one SQL database."""

    def __init__(self, url: str = DEFAULT_DB_URL) -> None:
        self.url = url
        self.engine = open_engine(url)
        # A SQLite file's log is copied back off the writing thread (an in-memory database
        # keeps no log).
        on_file = self.engine.dialect.name == "sqlite" and sqlite_file(self.engine.url) is not None
        self.wal = WalCheckpointer(self.engine) if on_file else None

    def close(self) -> None:
        """Release the database connections."""
        if self.wal is not None:
            self.wal.close()
        self.engine.dispose()
