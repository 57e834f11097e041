"""Shared test fixtures: paths, a real pyoai OAI-PMH server on 127.0.0.1, stores."""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest
from bench.corpus import CORPUS
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError

from ir_ingest.crosswalk import catalog, lookups
from ir_ingest.oai.provider import (
    ProvidedRecord,
    fixture_endpoint_app,
    load_records_file,
    serve_in_background,
)
from ir_ingest.store import Store

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
DEMO_RECORDS = FIXTURES / "demo" / "records.xml"
SEED_CHAPTER = FIXTURES / "records" / "oai_dc" / "pure-chapter.xml"
POSTGRES_URL = os.environ.get(
    "IR_INGEST_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def misspelt_crosswalk(folder: Path) -> Path:
    """Make ``folder`` with an ``oai_dc.yaml`` extending the shipped one whose rule 1 names
    no record field (``host.titel``): a file refused when loaded.  Returns the file."""
    folder.mkdir()
    path = folder / "oai_dc.yaml"
    path.write_text(
        "format: oai_dc\ninclude: oai_dc.yaml\nrules:\n  - {from: 'dc:source', to: host.titel}\n",
        "utf-8",
    )
    return path


def unavailable(reason: str) -> NoReturn:
    """Skip a test whose service is missing, but fail it in CI, where .ci/run provides it."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must provide it: see .ci/run)")
    pytest.skip(reason)


def ctrl_c_at_default() -> None:
    """The ``preexec_fn`` of a process a test sends SIGINT: a test run started in the background
    of a shell (``pytest &``) has SIGINT ignored, and ir-ingest keeps on ignoring it, as a
    process started so must (tests/cli/test_common.py): the Ctrl-C would not stop it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path``, a file or a folder, read-only for the block: bind-mounted read-only over itself
    where the tests run as root, as in CI (root writes whatever the permissions say); its write
    permission taken away for another user."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    bound = subprocess.run(["mount", "--bind", path, path], capture_output=True, text=True)
    if bound.returncode != 0:
        unavailable(f"root writes anywhere, and no read-only mount can be made: {bound.stderr}")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", path], check=True, capture_output=True)
        yield
    finally:
        subprocess.run(["umount", path], check=True)


def command_env() -> dict[str, str]:
    """The environment for an ``ir-ingest`` a test runs as a process: this one's, without
    ``IR_INGEST_DB``, so that the store is the one its ``--db`` names."""
    return {k: v for k, v in os.environ.items() if k != "IR_INGEST_DB"}


@pytest.fixture(scope="session")
def demo_records() -> list[ProvidedRecord]:
    """The 36 demo records (32 live, 4 deleted)."""
    return load_records_file(DEMO_RECORDS)


@pytest.fixture
def oai_endpoint(demo_records: list[ProvidedRecord]) -> Iterator[str]:
    """A real pyoai OAI-PMH server over the demo records, 10 records a page (4 pages)."""
    with serve_in_background(fixture_endpoint_app(demo_records, batch_size=10)) as url:
        yield url


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh SQLite store in a temporary directory."""
    opened = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    yield opened
    opened.close()


@pytest.fixture
def corpus() -> Path:
    """The shared corpus of real third-party records (``../shared/corpus``, or under
    ``IR_INGEST_SHARED``); the test skips where it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    return CORPUS


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file, and a PostgreSQL schema of its own (dropped after)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    admin = create_engine(POSTGRES_URL)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as exc:
        admin.dispose()
        unavailable(f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc.orig}")
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def any_store(any_db_url: str) -> Iterator[Store]:
    """A new store on SQLite and on PostgreSQL (see ``any_db_url``)."""
    opened = Store(any_db_url)
    yield opened
    opened.close()


@pytest.fixture
def isolated_crosswalks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Undo the crosswalk and lookup folders a test (or its config) adds to this process."""
    monkeypatch.setattr(catalog, "_user_dirs", [])
    monkeypatch.setattr(lookups, "_search_path", [])
    catalog.registry.cache_clear()
    lookups.tables_changed()
    yield
    catalog.registry.cache_clear()
    lookups.tables_changed()


def interrupt_after_first_page(store: Store) -> None:
    """Send this process SIGINT (Ctrl-C) once the first page a run commits is committed, as
    its connection goes back to the pool: before the run has counted it in its report."""
    armed: list[bool] = []
    fired: list[bool] = []

    def after_execute(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.startswith("UPDATE harvest_runs SET progress_counts"):  # a page's last
            armed.append(True)

    def checked_in(*args: object) -> None:
        # Once, and left listening: removed here, as SQLAlchemy iterates its listeners, it
        # had failed the run now and then with "deque mutated during iteration".
        if armed and not fired:
            fired.append(True)
            os.kill(os.getpid(), signal.SIGINT)

    event.listen(store.engine, "after_cursor_execute", after_execute)
    event.listen(store.engine, "checkin", checked_in)
