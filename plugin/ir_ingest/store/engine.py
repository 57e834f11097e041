"""Opening the store's database: its URL (and hiding its password), the engine, SQLite's settings.

A SQLite file by default; any SQLAlchemy URL works (PostgreSQL through psycopg 3 for many workers).
An engine is opened with the store's tables migrated to the schema this version writes.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, SAWarning, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from ir_ingest.errors import StoreError
from ir_ingest.secrets import is_secret_name, mask_query
from ir_ingest.store.migrate import VERSION_TABLE, migrate

__all__ = [
    "foreign_sqlite_tables",
    "is_in_memory",
    "missing_sqlite_file",
    "open_engine",
    "redact_url",
    "sqlite_file",
]

#: How often a new SQLite connection tries to switch the file to WAL (about 2 s in all).
_WAL_ATTEMPTS = 20
#: WAL pages (4 KiB each: 32 MiB) after which a commit copies them into the database file.
#: SQLite's 1,000 made a harvest checkpoint every few pages, copying again the index pages
#: that every page's inserts rewrite (record ids are hashes, so they land all over each
#: index); 8,000 took a fifth off ``save_page`` (20,000 records replayed, checkpoint at close
#: included), and 64,000 lost it again in one long checkpoint at the end.  A harvest that
#: waits for its endpoint checkpoints in that time instead (:func:`checkpoint_wal`).
_WAL_AUTOCHECKPOINT = 8000


def open_engine(url: str) -> Engine:
    """The engine of the store at ``url``, its tables migrated (see ``migrate``).

    A value that is no database URL, a driver not installed, a database that cannot be opened
    and a store this version refuses are each a ``StoreError`` that shows no password.
    """
    try:
        parsed = _parsed(url)
    except ArgumentError as exc:
        # SQLAlchemy's message repeats the whole string, password and all; so would ours, of
        # a libpq "host=… password=…" string or a URL with its userinfo.
        hidden = "@" in url or is_secret_name(url)
        # Quoted: IR_INGEST_DB=" " had said "error:   is not a database URL".
        shown = "the value given (not shown: it may hold a password)" if hidden else repr(url)
        raise StoreError(
            f"{shown} is not a database URL; give one such as sqlite:///ir-ingest.sqlite3 "
            "or postgresql+psycopg://user@host/db"
        ) from exc
    try:
        engine = _engine(parsed)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        migrate(engine, redact_url(url))
    except StoreError:
        engine.dispose()  # a store this version refuses: nothing stays open
        raise
    except ModuleNotFoundError as exc:
        # Both forms: the README installs from a clone, where the package's name is '.'.
        extra = (
            " (pip install 'ir-ingest[postgres]'; from a clone: pip install '.[postgres]')"
            if exc.name == "psycopg"
            else ""
        )
        raise StoreError(
            f"cannot open the store at {redact_url(url)}: its driver {exc.name!r} is not "
            f"installed{extra}"
        ) from exc
    except SQLAlchemyError as exc:
        raise StoreError(
            f"cannot open the store at {redact_url(url)}: {database_words(exc)}{_why(parsed)}"
        ) from exc
    except OverflowError as exc:
        # A driver argument too big for the C int it is passed as (SQLite's ?detect_types=
        # 99999999999999999999), refused by the driver only when connecting: a traceback.
        raise StoreError(
            f"cannot open the store at {redact_url(url)}: an argument of the URL cannot be "
            f"read: {exc}"
        ) from exc
    return engine


def _parsed(url: str) -> URL:
    """``url`` read as SQLAlchemy reads it; :class:`ArgumentError` for what it cannot read.

    SQLAlchemy raises ValueError for a port that is no number (``sqlite://:memory:`` reads
    ``memory:`` as one, ``postgresql://[::1/x`` a bracket left open), where it raises
    ArgumentError for the rest: every command had ended in a traceback.  A part holding a NUL
    is refused too (see below).
    """
    try:
        parsed = make_url(url)
    except ValueError as exc:
        raise ArgumentError("its port is no number") from exc
    # A NUL (%00) in a part: SQLite's file name had been a traceback ("embedded null byte"),
    # and libpq ends its connection string there: the rest (the port) was dropped, and
    # another server asked.
    if "\x00" in unquote(url):
        raise ArgumentError("a part of it holds a NUL (%00)")
    return parsed


def _why(parsed: URL) -> str:
    """Why SQLite could not open its file, where SQLite does not say ("unable to open
    database file"): a folder that is not there (a mistyped --db, a store not yet made), a file
    where the folder should be, a folder where the file should be, or a folder this user
    cannot write in (a read-only mount)."""
    path = sqlite_file(parsed) if parsed.get_backend_name() == "sqlite" else None
    if path is None:
        return ""
    # A name too long for the system (ENAMETOOLONG, a folder's or the file's): said by SQLite's
    # words alone.  Any check of the file system may meet it: it had ended in a traceback.
    try:
        return _folder_problem(Path(path))
    except OSError:
        return ""


def _folder_problem(path: Path) -> str:
    """What :func:`_why` says of the SQLite file ``path``; OSError where it cannot look."""
    folder = path.parent
    if path.is_dir():  # --db sqlite:////srv/ir-ingest, the store's file not named
        named = path / "ir-ingest.sqlite3"
        return f" ({path} is a folder: name the store's file in it, such as {named})"
    if folder.is_dir() and os.access(folder, os.W_OK):
        return ""
    if folder.is_dir():
        # SQLite reads a WAL store only beside files it makes there (-shm), unless told that
        # nothing changes the file: a store on a read-only mount (a backup) is read so.
        hint = (
            f"; to read the store there, give --db 'sqlite:///file:{path}?immutable=1&uri=true'"
            if path.is_file()
            else ""
        )
        return f" (its folder {folder} cannot be written{hint})"
    if folder.exists():
        return f" ({folder} is a file, not a folder)"
    return f" (its folder {folder} does not exist)"


def database_words(exc: SQLAlchemyError) -> str:
    """The database's own words, without SQLAlchemy's statement dump and link to its docs
    ("(Background on this error at: https://sqlalche.me/…)"), and what to do where it is
    plain: a PostgreSQL database that does not exist is made with ``createdb``."""
    # In one line, as every error is said: libpq's "Is the server running…" is a second one.
    words = " ".join(str(getattr(exc, "orig", None) or exc).split())
    if re.search(r'database "[^"]+" does not exist', words):
        words += " (make it with createdb, or name one that exists)"
    return words


def _engine(parsed: URL) -> Engine:
    """The engine for ``url``; an in-memory SQLite database is one, shared by every thread.

    SQLAlchemy would otherwise give each thread an in-memory database of its own: a store
    opened in one thread and used from another would look empty there.
    """
    with warnings.catch_warnings():
        # An argument the driver ignores (SQLite's "?mode=ro" without "uri=true") would open
        # the store otherwise than asked, with a warning on the terminal: refused instead.
        warnings.simplefilter("error", SAWarning)
        try:
            if parsed.get_backend_name() == "sqlite" and sqlite_file(parsed) is None:
                return create_engine(
                    parsed, poolclass=StaticPool, connect_args={"check_same_thread": False}
                )
            return create_engine(parsed)
        except SAWarning as warning:
            raise ArgumentError(str(warning)) from warning  # said as open_engine says errors
        except (ValueError, TypeError) as exc:
            # A driver argument of the wrong kind (SQLite's ?timeout=abc, ?check_same_thread=
            # maybe) or given twice (?timeout=1&timeout=2, a tuple): SQLAlchemy converts it
            # with float() or int(), and it had been a traceback.
            raise ArgumentError(f"an argument of the URL cannot be read: {exc}") from exc


def sqlite_file(url: URL) -> str | None:
    """The database file of a SQLite URL; ``None`` for an in-memory database."""
    database = url.database or ""
    if database.startswith("file:"):  # a SQLite URI: file:path?mode=…
        if "mode=memory" in database:
            return None
        database = database.removeprefix("file:").split("?", 1)[0]
    return database if database and database != ":memory:" else None


def is_in_memory(url: str) -> bool:
    """Whether ``url`` names an in-memory SQLite database (``sqlite://``, ``sqlite:///``,
    ``…/:memory:``): gone when the process that opened it ends."""
    try:
        parsed = _parsed(url)
    except ArgumentError:
        return False  # opening the store says what is wrong with it
    return parsed.get_backend_name() == "sqlite" and sqlite_file(parsed) is None


#: The files SQLite keeps beside a database, by their suffix to its name.
_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def store_files(url: str) -> set[Path]:
    """The files a SQLite store at ``url`` is kept in, resolved: its database and SQLite's
    files beside it (write-ahead log, shared memory, rollback journal); none for an in-memory
    database or a server's."""
    try:
        parsed = _parsed(url)
    except ArgumentError:
        return set()
    path = sqlite_file(parsed) if parsed.get_backend_name() == "sqlite" else None
    if path is None:
        return set()
    database = Path(path).resolve()
    return {database, *(database.with_name(database.name + s) for s in _SQLITE_SIDE_FILES)}


def missing_sqlite_file(url: str) -> str | None:
    """The file a SQLite URL names, when it does not exist; ``None`` for anything else."""
    try:
        parsed = _parsed(url)
    except ArgumentError:
        return None  # opening the store says what is wrong with it
    if parsed.get_backend_name() != "sqlite":
        return None  # a server's database name is no file
    path = sqlite_file(parsed)
    try:
        return path if path is not None and not Path(path).exists() else None
    except OSError:  # a name too long for the file system: opening the store says so
        return None


#: Tables only a store has: a file with tables and none of these is another program's.
_STORE_TABLES = frozenset({"records", "harvest_runs", VERSION_TABLE})


def foreign_sqlite_tables(url: str) -> list[str]:
    """The tables of the SQLite file ``url`` names when it is another program's database (it
    has tables, none of them a store's); none for a store, a new or empty file, a file that
    cannot be read (opening the store says why) and a server's database.

    Read without writing: a reading command given such a file (a mistyped ``--db``) had made
    a store's tables in it, and said "no run yet".
    """
    try:
        parsed = _parsed(url)
    except ArgumentError:
        return []
    path = sqlite_file(parsed) if parsed.get_backend_name() == "sqlite" else None
    if path is None:
        return []
    try:
        with contextlib.closing(
            sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        ) as conn:
            tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            names = sorted(str(row[0]) for row in tables)
    except (sqlite3.Error, OSError, ValueError):
        return []
    return [] if _STORE_TABLES & set(names) else names


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets `export` read while a harvest writes; NORMAL sync is durable across process kills.
    cursor = dbapi_connection.cursor()
    for attempt in range(_WAL_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            # Another process switching the same new file to WAL holds it exclusively, and
            # SQLite answers "database is locked" at once instead of waiting its busy timeout.
            if "locked" not in str(exc) or attempt + 1 == _WAL_ATTEMPTS:
                raise
            time.sleep(0.01 * (attempt + 1))
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={_WAL_AUTOCHECKPOINT}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def checkpoint_wal(engine: Engine) -> None:
    """Copy the pages committed to SQLite's write-ahead log into the database file (a passive
    checkpoint: it waits for no reader or writer, and copies what none of them still needs);
    nothing on another database.

    SQLite does it itself in the commit after the log has reached :data:`_WAL_AUTOCHECKPOINT`
    pages, and when the store is closed: a 5,000-record harvest (bench/harvest.py, 20 ms a
    page) waited 54 ms in its 48th page's commit, which held its requests up 15 ms, then 15 ms
    in closing the store, 11 of them deleting the 33 MB log.  Done whenever the harvest waits
    for a page (1.4-3 ms each time), the log stays a page or two long and is started again at
    each commit: no commit waits, and closing took 3 ms.  Optional work: a fault shows in the
    next commit, so none is raised here.
    """
    if engine.dialect.name != "sqlite" or sqlite_file(engine.url) is None:
        return  # an in-memory database has no log (and its one connection may be in use)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
    except SQLAlchemyError:
        return


def redact_url(url: str) -> str:
    """A database URL without its password, for messages and logs.

    libpq and psycopg also take the password as a query parameter (``?password=…``), and
    SQLAlchemy's ``hide_password`` masks only the one in the userinfo.
    """
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except (ValueError, SQLAlchemyError):
        return "<unparseable database URL>"
    return mask_query(shown)


def aware(moment: datetime) -> datetime:
    """A timestamp read from the store, with its time zone: SQLite hands timestamps back
    naive; they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
