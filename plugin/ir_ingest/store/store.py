"""The store: current records, their versions, rejects, harvest runs and checkpoints (``Store``).

``Store`` opens its database with ``engine`` (a SQLite file by default; any SQLAlchemy URL works,
PostgreSQL through psycopg 3 for many workers) and is made of parts: ``runs`` keeps harvest runs
and checkpoints, ``run_reports`` their reports, ``records`` the records and their versions,
``rejects`` reads back the records that could not be read.  Every write that belongs together
happens in one transaction: a harvest page's records and the checkpoint that follows them are
committed together, so a run killed at any moment leaves the store consistent with its
checkpoint.
"""

from __future__ import annotations

from ir_ingest.store.engine import checkpoint_wal, open_engine
from ir_ingest.store.records import StoreRecords
from ir_ingest.store.rejects import StoreRejects
from ir_ingest.store.run_reports import StoreRunReports
from ir_ingest.store.runs import StoreRuns

DEFAULT_DB_URL = "sqlite:///ir-ingest.sqlite3"


class Store(StoreRuns, StoreRunReports, StoreRecords, StoreRejects):
    """Records, versions and harvest state in one SQL database."""

    def __init__(self, url: str = DEFAULT_DB_URL) -> None:
        self.url = url
        self.engine = open_engine(url)

    def copy_wal(self) -> None:
        """Do now, in time spent waiting, the copying of SQLite's write-ahead log that a later
        commit or closing the store would do (see
        :func:`~ir_ingest.store.engine.checkpoint_wal`)."""
        checkpoint_wal(self.engine)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()
