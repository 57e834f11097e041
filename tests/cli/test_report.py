"""The report command (a run's report, the list of runs), run as a user runs it."""

from __future__ import annotations

from contextlib import closing
from typing import TYPE_CHECKING

from ir_ingest.cli import app
from ir_ingest.store import Store, source_key
from ir_ingest.store.lock import source_lock
from tests.cli.conftest import runner

if TYPE_CHECKING:
    from pathlib import Path


def test_report_lists_the_latest_runs_with_how_they_ended(db: str, oai_endpoint: str) -> None:
    assert (
        runner.invoke(app, ["--db", db, "harvest", oai_endpoint, "--prefix", "oai_dc"]).exit_code
        == 0
    )
    with closing(Store(db)) as store:
        killed = store.begin_run(oai_endpoint, "mods", "a-set")
    assert runner.invoke(app, ["--db", db, "reprocess"]).exit_code == 0

    listed = runner.invoke(app, ["--db", db, "report", "--list"])
    assert listed.exit_code == 0, listed.output
    header, *runs = listed.output.splitlines()
    assert header.split() == ["run", "status", "started", "(UTC)", "records", "source"]
    assert [line.split()[:2] for line in runs if line.split()[0].isdigit()] == [
        ["3", "completed"],
        [str(killed), "running"],
        ["1", "completed"],
    ]
    assert runs[0].endswith("32  all sources · (reprocess)")
    assert runs[1].endswith(f"{oai_endpoint} · mods · set a-set"), "no report: no count"
    # Nothing holds its source: it was killed, and the list says so.
    assert runs[2].strip().startswith("no process holds its source: stopped without finishing")
    del runs[2]
    assert runs[2].endswith(f"36  {oai_endpoint} · oai_dc")
    one = runner.invoke(app, ["--db", db, "report", "--list", "--limit", "1"])
    assert len(one.output.splitlines()) == 2
    with closing(Store(db)) as store:
        store.begin_run("urn:x", "mods", None, "2024-01-01", "2024-02-01", window="daily")
    asked = runner.invoke(app, ["--db", db, "report", "--list", "--limit", "1"])
    assert asked.output.splitlines()[1].endswith(
        "urn:x · mods · from 2024-01-01 · until 2024-02-01 · windows daily"
    )
    table_only = "--list prints a table; it takes no RUN_ID, --format or -o"
    for wrong, message in (
        (["--list", "--format", "json"], table_only),
        (["--list", "1"], table_only),
        (["--limit", "3"], "--limit goes with --list"),
    ):
        refused = runner.invoke(app, ["--db", db, "report", *wrong])
        assert refused.exit_code == 1
        assert refused.output.strip() == f"error: {message}"


def test_a_run_is_listed_as_killed_only_when_no_process_holds_its_source(
    any_db_url: str,
) -> None:
    # On SQLite the lock is a file's flock, on PostgreSQL an advisory lock.
    with closing(Store(any_db_url)) as store:
        run_id = store.begin_run("urn:x", "mods")
        with source_lock(store, source_key("urn:x", "mods", None)):
            held = runner.invoke(app, ["--db", any_db_url, "report", "--list"])
        free = runner.invoke(app, ["--db", any_db_url, "report", "--list"])
    assert held.exit_code == 0, held.output
    assert held.output.splitlines()[1].split()[:2] == [str(run_id), "running"]
    assert "no process holds" not in held.output
    assert "no process holds its source" in free.output


def test_listing_runs_makes_no_lock_file(tmp_path: Path) -> None:
    # A reading command: held() once made the lock file of every run it looked at.
    db = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    with closing(Store(db)) as store:
        store.begin_run("urn:x", "mods")  # killed before it took its lock
    listed = runner.invoke(app, ["--db", db, "report", "--list"])
    assert "no process holds its source" in listed.output
    assert list(tmp_path.glob("*.lock")) == []
