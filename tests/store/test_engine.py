"""Opening the store's database: URLs that are none, or hold a password; in-memory SQLite."""

from __future__ import annotations

import re
import socket
import threading
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, make_url
from sqlalchemy.exc import OperationalError

from ir_ingest.errors import StoreError
from ir_ingest.store import Store, redact_url, source_key
from ir_ingest.store.engine import is_in_memory, missing_sqlite_file, store_files
from tests.conftest import POSTGRES_URL, read_only, unavailable
from tests.store.test_store import REPO, _entry

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def test_an_unusable_database_url_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "test.log").write_text("")
    with pytest.raises(StoreError, match="cannot open the store") as missing:
        Store(f"sqlite:///{tmp_path}/missing-dir/x.sqlite3")
    # SQLite's own words, "unable to open database file", do not say why (a walkthrough).
    assert str(missing.value).endswith(
        f"unable to open database file (its folder {tmp_path}/missing-dir does not exist)"
    )
    with pytest.raises(StoreError, match="cannot open the store") as a_file:
        Store(f"sqlite:///{tmp_path}/test.log/x.sqlite3")
    assert str(a_file.value).endswith(f"({tmp_path}/test.log is a file, not a folder)")
    # The folder named where its file should be: SQLite's words alone had been said.
    with pytest.raises(StoreError, match="cannot open the store") as a_folder:
        Store(f"sqlite:///{tmp_path}")
    assert str(a_folder.value).endswith(
        f"({tmp_path} is a folder: name the store's file in it, such as "
        f"{tmp_path / 'ir-ingest.sqlite3'})"
    )
    # No user, root included, may make files in /proc/self (a read-only folder).
    with pytest.raises(StoreError, match="cannot open the store") as read_only:
        Store("sqlite:////proc/self/x.sqlite3")
    assert str(read_only.value).endswith("(its folder /proc/self cannot be written)")
    with pytest.raises(StoreError, match=r"\*\*\*") as caught:
        Store("postgresql+psycopg://user:hunter2@127.0.0.1:1/none?connect_timeout=1")
    assert "hunter2" not in str(caught.value)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder holding a store (its records written, then closed) that can no longer be
    written in (a backup's mount)."""
    folder = tmp_path / "backup"
    folder.mkdir()
    store = Store(f"sqlite:///{folder}/ir.sqlite3")
    store.save_page(None, [_entry("oai:kept")], None)
    store.close()
    with read_only(folder):
        yield folder


def test_a_store_in_a_folder_that_cannot_be_written_says_how_to_read_it(
    read_only_folder: Path,
) -> None:
    path = read_only_folder / "ir.sqlite3"
    with pytest.raises(StoreError) as refused:
        Store(f"sqlite:///{path}")
    hint = f"give --db 'sqlite:///file:{path}?immutable=1&uri=true'"
    assert str(refused.value).endswith(
        f"(its folder {read_only_folder} cannot be written; to read the store there, {hint})"
    )
    store = Store(f"sqlite:///file:{path}?immutable=1&uri=true")
    assert [r.source.oai_identifier for r in store.iter_records()] == ["oai:kept"]
    store.close()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://alice:S3CRET@db/ir", "postgresql+psycopg://alice:***@db/ir"),
        (
            "postgresql+psycopg://alice@db/ir?password=S3CRET&sslmode=require",
            "postgresql+psycopg://alice@db/ir?password=***&sslmode=require",
        ),
        ("sqlite:///ir-ingest.sqlite3", "sqlite:///ir-ingest.sqlite3"),
        ("not a url", "<unparseable database URL>"),
    ],
)
def test_database_urls_are_shown_without_passwords(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_an_in_memory_store_is_one_database_for_every_thread() -> None:
    memory = Store("sqlite://")
    try:
        worker = threading.Thread(target=memory.begin_run, args=(REPO, "oai_dc", None, None, None))
        worker.start()
        worker.join()
        assert memory.last_run(source_key(REPO, "oai_dc", None)) is not None
    finally:
        memory.close()


def test_a_value_that_is_no_database_url_is_named_unless_it_may_hold_a_password() -> None:
    with pytest.raises(StoreError, match=r"^'/tmp/plain\.sqlite3' is not a database URL"):
        Store("/tmp/plain.sqlite3")
    with pytest.raises(StoreError, match=r"^' ' is not a database URL"):
        Store(" ")
    for given in ("alice:S3CRET@db host/ir", "host=127.0.0.1 user=u password=S3CRET"):
        with pytest.raises(StoreError, match="not a database URL") as caught:
            Store(given)
        assert "S3CRET" not in str(caught.value), given


@pytest.mark.parametrize(
    "given",
    [
        "sqlite://:memory:",
        "postgresql://[::1/ir",
        "mysql://h:abc/x",
        # A NUL: SQLite's "embedded null byte" had been a traceback, and libpq ended its
        # connection string there, the port after it dropped (another server was asked).
        "sqlite:////tmp/a%00b.sqlite3",
        "postgresql+psycopg://127.0.0.1:1/a%00b",
    ],
)
def test_a_url_sqlalchemy_or_its_driver_cannot_read_is_no_database_url(given: str) -> None:
    # SQLAlchemy raises ValueError for the first three, not ArgumentError: each had been a
    # traceback.
    with pytest.raises(StoreError, match=f"^{re.escape(repr(given))} is not a database URL"):
        Store(given)
    assert (is_in_memory(given), store_files(given), missing_sqlite_file(given)) == (
        False,
        set(),
        None,
    )


@pytest.mark.parametrize(
    ("argument", "said"),
    [
        ("timeout=abc", "could not convert string to float: 'abc'"),
        ("check_same_thread=maybe", "String is not true/false: 'maybe'"),
        ("cached_statements=x", "invalid literal for int() with base 10: 'x'"),
        ("timeout=1&timeout=2", "float() argument must be a string or a real number, not 'tuple'"),
        ("detect_types=99999999999999999999", "Python int too large to convert to C int"),
    ],
)
def test_a_driver_argument_of_the_wrong_kind_is_said(
    tmp_path: Path, argument: str, said: str
) -> None:
    # SQLAlchemy's ValueError converting it had been a traceback.
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}?{argument}"
    with pytest.raises(StoreError) as caught:
        Store(url)
    assert str(caught.value) == (
        f"cannot open the store at {url}: an argument of the URL cannot be read: {said}"
    )


def test_an_argument_the_driver_would_ignore_is_refused(tmp_path: Path) -> None:
    # "?mode=ro" without "uri=true": SQLite opened the store read-write, with a warning.
    with pytest.raises(StoreError, match=r"cannot open the store at .*'mode' are not accepted"):
        Store(f"sqlite:///{tmp_path / 'ro.sqlite3'}?mode=ro")


@pytest.mark.postgres
def test_a_missing_postgresql_database_is_said_in_its_words_with_what_to_do() -> None:
    server = make_url(POSTGRES_URL)
    engine = create_engine(server)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        unavailable(f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc.orig}")
    finally:
        engine.dispose()
    missing = server.set(database="ir_ingest_no_such_db").render_as_string(hide_password=False)
    with pytest.raises(StoreError) as caught:
        Store(missing)
    said = str(caught.value)
    assert 'database "ir_ingest_no_such_db" does not exist (make it with createdb' in said
    assert "sqlalche.me" not in said, "no link to SQLAlchemy's docs"


def test_a_server_that_is_not_there_is_said_in_one_line() -> None:
    # libpq's words are two lines ("… Connection refused\n\tIs the server running…"); an
    # error is one, for a log line or grep '^error:'.
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(StoreError) as caught:
        Store(f"postgresql+psycopg://nobody@127.0.0.1:{port}/x")
    said = str(caught.value)
    assert "\n" not in said
    assert "Connection refused Is the server running" in said


def test_a_sqlite_store_checkpoints_its_wal_seldom_and_finds_versions_by_one_index(
    tmp_path: Path,
) -> None:
    store = Store(f"sqlite:///{tmp_path}/x.sqlite3")
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 8000
            plan = conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT version FROM record_versions WHERE record_id = 'x'"
            ).all()
            indexes = conn.exec_driver_sql("PRAGMA index_list(record_versions)").all()
    finally:
        store.close()
    # The unique (record_id, version) index serves a record's versions: no second index on
    # the hashed ids, which every page's inserts would rewrite all over.
    assert "sqlite_autoindex_record_versions_1" in str(plan)
    assert "ix_record_versions_record_id" not in {row[1] for row in indexes}


def test_the_files_of_a_sqlite_store_are_its_database_and_sqlites_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    database = tmp_path / "ir-ingest.sqlite3"
    expected = {database.with_name(database.name + s) for s in ("", "-wal", "-shm", "-journal")}
    assert store_files("sqlite:///ir-ingest.sqlite3") == expected
    assert store_files(f"sqlite:///file:{database}?mode=rwc&uri=true") == expected
    for none in ("sqlite:///", "sqlite:///:memory:", "postgresql+psycopg://u@h/db", "::"):
        assert store_files(none) == set()


def test_copying_the_wal_lets_the_next_commit_start_it_again(tmp_path: Path) -> None:
    """What a harvest does while it waits for a page: the log then holds only what came
    since, so no commit copies 8,000 pages of it, and closing the store copies little."""

    def frames_after(copied: bool, name: str) -> int:
        store = Store(f"sqlite:///{tmp_path}/{name}.sqlite3")
        try:
            with store.engine.begin() as conn:
                conn.exec_driver_sql("CREATE TABLE t (x TEXT)")
            for n in range(20):
                with store.engine.begin() as conn:
                    conn.exec_driver_sql("INSERT INTO t VALUES (?)", (str(n) * 2000,))
            if copied:
                store.copy_wal()
            with store.engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO t VALUES ('last')")
            with store.engine.connect() as conn:
                log: int = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()[1]
        finally:
            store.close()
        return log

    assert frames_after(copied=True, name="copied") <= 2 < frames_after(copied=False, name="not")
    for elsewhere in ("sqlite://", f"sqlite:///{tmp_path}/fresh.sqlite3"):
        store = Store(elsewhere)
        store.copy_wal()  # in memory, or with nothing to copy: nothing to do
        store.close()
