"""Store schema migrations: new stores, stores made before migrations, stores from the future."""

from __future__ import annotations

import sqlite3
import threading
from typing import TYPE_CHECKING

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from ir_ingest.errors import StoreError
from ir_ingest.store import Store, migrate
from ir_ingest.store import tables as t
from ir_ingest.store.migrate import BASELINE, HEAD, VERSION_TABLE, current_revision, script
from tests.store.test_store import _entry, _save

if TYPE_CHECKING:
    from pathlib import Path


def test_the_revision_this_version_writes_is_the_newest_shipped() -> None:
    assert script().get_current_head() == HEAD


def test_the_migrations_make_exactly_the_tables_the_code_declares(any_db_url: str) -> None:
    # The guard against a change to tables.py that comes without its migration: new stores
    # are made from tables.py, older ones get the revisions.
    engine = create_engine(any_db_url)
    try:
        with engine.begin() as conn:
            command.upgrade(migrate._config(conn), HEAD)
        with engine.connect() as conn:
            assert current_revision(conn) == HEAD
            context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
            assert compare_metadata(context, t.metadata) == []
    finally:
        engine.dispose()


def test_a_new_store_is_made_at_the_newest_revision_with_alembic_s_version_table(
    any_store: Store,
) -> None:
    with any_store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        assert context.get_current_revision() == HEAD
        assert compare_metadata(context, t.metadata) == []
        made = inspect(conn)
        key = made.get_pk_constraint(VERSION_TABLE)
        assert key["constrained_columns"] == ["version_num"]
        if conn.dialect.name == "postgresql":  # SQLite keeps no name for a primary key
            assert key["name"] == f"{VERSION_TABLE}_pkc"
        (column,) = made.get_columns(VERSION_TABLE)
        assert (column["name"], str(column["type"]), column["nullable"]) == (
            "version_num",
            "VARCHAR(32)",
            False,
        )
    with any_store.engine.begin() as conn:
        command.stamp(migrate._config(conn), BASELINE)  # alembic can write its table
    with any_store.engine.connect() as conn:
        assert current_revision(conn) == BASELINE


def test_a_store_made_before_migrations_is_stamped_and_keeps_its_records(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as conn:  # the tables as create_all made them before migrations
        command.upgrade(migrate._config(conn), BASELINE)
        conn.execute(text(f"drop table {VERSION_TABLE}"))
        conn.execute(
            text(
                "insert into harvest_runs (source_key, repository, metadata_prefix, full, "
                "status, started_at, sync_started_at) values ('k', 'r', 'oai_dc', 0, "
                "'completed', '2024-01-01 00:00:00', '2024-01-01 00:00:00')"
            )
        )
    engine.dispose()
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            assert current_revision(conn) == HEAD
            assert conn.execute(text("select count(*) from harvest_runs")).scalar() == 1
        assert _save(store, _entry("oai:1")) == ["created"]
    finally:
        store.close()


def test_every_revision_after_the_baseline_has_its_mark() -> None:
    # A revision without one would be taken for the one before it, and upgraded again.
    assert sorted(migrate.MARKS) == sorted(migrate._revisions() - {BASELINE})


def _without_version_table(url: str) -> None:
    """The store at ``url`` with its version table dropped, and a run of its own."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE {VERSION_TABLE}"))
        conn.execute(
            text(
                'insert into harvest_runs (source_key, repository, metadata_prefix, "full", '
                "status, started_at, sync_started_at) values ('k', 'r', 'oai_dc', false, "
                "'completed', '2024-01-01 00:00:00', '2024-01-01 00:00:00')"
            )
        )
    engine.dispose()


def _opens_at_head_with_its_run(url: str) -> None:
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            assert current_revision(conn) == HEAD
            context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
            assert compare_metadata(context, t.metadata) == []
            assert conn.execute(text("select count(*) from harvest_runs")).scalar() == 1
        assert _save(store, _entry("oai:1")) == ["created"]
    finally:
        store.close()


def test_a_store_whose_version_table_was_dropped_opens_at_its_revision(any_db_url: str) -> None:
    """Its tables had been stamped with the baseline and upgraded again: "cannot open the
    store: duplicate column name: crosswalk"."""
    Store(any_db_url).close()
    _without_version_table(any_db_url)
    _opens_at_head_with_its_run(any_db_url)


@pytest.mark.parametrize("revision", ["0002", "0003", "0004", "0005", "0006"])
def test_tables_of_each_revision_without_a_version_table_are_upgraded_from_it(
    tmp_path: Path, revision: str
) -> None:
    url = f"sqlite:///{tmp_path / 'lost.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(migrate._config(conn), revision)
    engine.dispose()
    _without_version_table(url)
    _opens_at_head_with_its_run(url)


def test_tables_that_fit_no_revision_are_refused_saying_what_to_do(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mixed.sqlite3'}"
    Store(url).close()
    _without_version_table(url)
    with sqlite3.connect(tmp_path / "mixed.sqlite3") as conn:  # 0004 undone, not what follows
        conn.execute("create index ix_record_versions_record_id on record_versions (record_id)")
    with pytest.raises(StoreError) as refused:
        Store(url)
    said = str(refused.value)
    assert "\n" not in said
    assert f"the store at {url} has no {VERSION_TABLE} table, and its tables fit no " in said
    assert said.endswith(
        "(they have the changes of 0002, 0003, 0005, 0006, 0007): restore the "
        "store from a backup, or start a new one and harvest again"
    )


def test_a_store_a_newer_ir_ingest_wrote_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'future.sqlite3'}"
    Store(url).close()
    with sqlite3.connect(tmp_path / "future.sqlite3") as conn:
        conn.execute(f"update {VERSION_TABLE} set version_num = '9999_from_the_future'")
    with pytest.raises(StoreError, match=r"'9999_from_the_future'.*upgrade ir-ingest"):
        Store(url)


def test_opening_an_up_to_date_store_waits_for_no_writer(tmp_path: Path) -> None:
    path = tmp_path / "busy.sqlite3"
    Store(f"sqlite:///{path}").close()
    writer = sqlite3.connect(path, timeout=0)
    writer.execute("BEGIN IMMEDIATE")  # a harvest in the middle of writing a page
    try:
        opened = Store(f"sqlite:///{path}?timeout=0")
        opened.close()
    finally:
        writer.rollback()
        writer.close()


@pytest.mark.parametrize("theirs", ["0001", "a1b2c3d4e5f6"])
def test_another_alembic_application_in_the_same_database_is_left_alone(
    tmp_path: Path, theirs: str
) -> None:
    path = tmp_path / "shared.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("create table alembic_version (version_num varchar(32) primary key)")
        conn.execute("insert into alembic_version values (?)", (theirs,))
    store = Store(f"sqlite:///{path}")
    try:
        assert _save(store, _entry("oai:1")) == ["created"]
    finally:
        store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("select version_num from alembic_version").fetchall() == [(theirs,)]


def test_stores_opened_on_several_threads_at_once_each_get_their_tables(tmp_path: Path) -> None:
    # The public API may run harvests on threads, each opening its own new store.
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def open_one(index: int) -> None:
        barrier.wait(timeout=30)
        try:
            store = Store(f"sqlite:///{tmp_path / f'{index}.sqlite3'}")
            try:
                _save(store, _entry("oai:1"))
            finally:
                store.close()
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    for _ in range(5):
        threads = [threading.Thread(target=open_one, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for index in range(4):
            (tmp_path / f"{index}.sqlite3").unlink()
    assert errors == []


def test_a_version_table_left_empty_by_a_downgrade_is_used(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    with sqlite3.connect(tmp_path / "empty.sqlite3") as conn:  # alembic downgrade base
        conn.execute(f"create table {VERSION_TABLE} (version_num varchar(32) not null)")
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            assert current_revision(conn) == HEAD
        assert _save(store, _entry("oai:1")) == ["created"]
    finally:
        store.close()
