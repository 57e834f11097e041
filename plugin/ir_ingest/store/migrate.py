"""Bring a store's tables to the schema this version of ir-ingest writes, when it is opened.

The schema is versioned with alembic (revisions in ``store/migrations/versions``).  A new store
is migrated from nothing; a store made before migrations existed (tables, no version table)
is stamped with the baseline revision, which describes it exactly, and one whose version table
was lost with the revision its tables show (:data:`MARKS`); a store a newer ir-ingest
wrote is refused, never written with the wrong schema.  Opening a store that is up to date
takes two small queries, no lock (it never waits for a harvest's write) and no alembic: its
import costs every command a fifth of a second, so it is imported only to migrate.  A new
store is made from ``tables.py`` and stamped with :data:`HEAD`, as alembic's cookbook
("Building an Up to Date Database from Scratch") advises: importing alembic and replaying
the revisions cost a new store's first harvest 0.1 s of its 0.2 s of start-up, and a test
checks that the revisions make the same tables.
"""

from __future__ import annotations

import threading
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    func,
    insert,
    inspect,
    select,
    text,
)

from ir_ingest.errors import StoreError
from ir_ingest.store import tables

if TYPE_CHECKING:
    from collections.abc import Callable

    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import Connection, Engine, Inspector

#: The revision this version writes: the newest in ``migrations/versions`` (a test checks).
HEAD = "0007"
#: The revision that describes the tables made before migrations existed.
BASELINE = "0001"
#: Our own version table: a database (or PostgreSQL schema) may be shared with another
#: alembic-managed application, whose ``alembic_version`` says nothing about our tables.
VERSION_TABLE = "ir_ingest_alembic_version"
#: The version table as alembic makes it (``DefaultImpl.version_table_impl``), so that alembic
#: upgrades a store made without it.
_VERSION = Table(
    VERSION_TABLE,
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name=f"{VERSION_TABLE}_pkc"),
)
#: The PostgreSQL advisory-lock key schema changes are serialised under ("irin" in ASCII).
_SCHEMA_LOCK = 0x6972696E
_LOCATION = resources.files("ir_ingest.store") / "migrations"
#: alembic runs env.py through a module-wide proxy (``alembic.context``): one migration at a
#: time in a process, whatever the store.
_MIGRATING = threading.Lock()


def migrate(engine: Engine, shown_url: str) -> None:
    """Upgrade the store at ``engine`` to :data:`HEAD`; ``shown_url`` names it in errors.

    Schema changes run under a lock, as workers may start together, and two sessions that
    both looked before creating both create: on PostgreSQL the loser failed on ``pg_type``'s
    unique index, on SQLite with "table records already exists" (two cron jobs opening a new
    store file).  On PostgreSQL the lock is a transaction-scoped advisory lock; on SQLite a
    ``BEGIN IMMEDIATE`` transaction (pysqlite opens none before DDL; this waits out the other
    process for the busy timeout).  Under the lock the revision is read again: the other
    process may have done the work.
    """
    with engine.connect() as conn:
        if current_revision(conn) == HEAD:
            return
        if engine.dialect.name == "sqlite":
            conn.rollback()  # end the read's implicit transaction before taking the write lock
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif engine.dialect.name == "postgresql":
            conn.execute(select(func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
        with _MIGRATING:
            _upgrade(conn, shown_url)
        conn.commit()


def current_revision(conn: Connection) -> str | None:
    """The store's revision, or None when it has none (new, or made before migrations)."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    found = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    return None if found is None else str(found)


def _upgrade(conn: Connection, shown_url: str) -> None:
    revision = current_revision(conn)
    if revision is None and not inspect(conn).has_table("records"):
        tables.metadata.create_all(conn)
        _VERSION.create(conn, checkfirst=True)  # left empty by a downgrade to base
        conn.execute(insert(_VERSION).values(version_num=HEAD))
        return
    from alembic import command

    config = _config(conn)
    if revision is not None and revision not in _revisions():
        raise StoreError(
            f"the store at {shown_url} has schema revision {revision!r}, which this "
            f"ir-ingest does not know (it writes {HEAD!r}): a newer ir-ingest wrote it; "
            "upgrade ir-ingest to use it"
        )
    if revision is None and inspect(conn).has_table("records"):
        revision = _schema_revision(conn, shown_url)
        command.stamp(config, revision)
    if revision != HEAD:
        command.upgrade(config, HEAD)


def _columns(found: Inspector, table: str) -> set[str]:
    return {column["name"] for column in found.get_columns(table)}


def _indexes(found: Inspector, table: str) -> set[str | None]:
    return {index["name"] for index in found.get_indexes(table)}


#: What each revision after the baseline leaves in the tables, by which the revision of tables
#: without a version table is told (a test checks every revision has its mark).
MARKS: dict[str, Callable[[Inspector], bool]] = {
    "0002": lambda found: all(
        "crosswalk" in _columns(found, t) for t in ("records", "harvest_runs")
    ),
    "0003": lambda found: "ix_record_versions_run_id" in _indexes(found, "record_versions"),
    "0004": lambda found: "ix_record_versions_record_id" not in _indexes(found, "record_versions"),
    "0005": lambda found: {"clock_lag_seconds", "unplanned"} <= _columns(found, "harvest_runs"),
    "0006": lambda found: "progress_counts" in _columns(found, "harvest_runs"),
    "0007": lambda found: "ix_rejects_record" in _indexes(found, "rejects"),
}


def _schema_revision(conn: Connection, shown_url: str) -> str:
    """The revision of tables that have no version table: made before migrations (the
    baseline), or any later one whose version table was lost (dropped, or a copy of the tables
    alone).  Each had been stamped with the baseline, and the upgrade failed on the first
    column added again ("duplicate column name: crosswalk").  Marks that fit no revision
    (some of a later one's without an earlier one's) are refused: no upgrade would be right."""
    found = inspect(conn)
    held = [BASELINE] + [rev for rev in _ordered()[1:] if MARKS[rev](found)]
    if held != _ordered()[: len(held)]:
        raise StoreError(
            f"the store at {shown_url} has no {VERSION_TABLE} table, and its tables fit no "
            f"schema revision this ir-ingest knows (they have the changes of {', '.join(held[1:])}"
            "): restore the store from a backup, or start a new one and harvest again"
        )
    return held[-1]


def _config(conn: Connection | None = None) -> Config:
    """A new config each time: alembic hands env.py the connection through it, and stores
    are opened on several threads at once."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_LOCATION))
    config.set_main_option("version_table", VERSION_TABLE)
    if conn is not None:
        config.attributes["connection"] = conn
    return config


@cache
def script() -> ScriptDirectory:
    """The revisions shipped with this version."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


@cache
def _revisions() -> frozenset[str]:
    return frozenset(_ordered())


@cache
def _ordered() -> list[str]:
    """The revisions shipped, oldest (:data:`BASELINE`) first."""
    return [rev.revision for rev in reversed(list(script().walk_revisions()))]
