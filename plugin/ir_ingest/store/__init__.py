"""The store: SQLAlchemy tables for records, versions, runs and checkpoints (``Store``)."""

from __future__ import annotations

import os

from ir_ingest.store.checkpoints import Checkpoint
from ir_ingest.store.engine import redact_url
from ir_ingest.store.runs import source_key
from ir_ingest.store.store import DEFAULT_DB_URL, Store

__all__ = ["DEFAULT_DB_URL", "Checkpoint", "Store", "default_db_url", "redact_url", "source_key"]


def default_db_url() -> str:
    """The database URL to use when none is given: ``$IR_INGEST_DB`` or a SQLite file here."""
    return os.environ.get("IR_INGEST_DB") or DEFAULT_DB_URL
