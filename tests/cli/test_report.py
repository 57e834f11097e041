"""The report command (a run's report, the list of runs), run as a user runs it."""

from __future__ import annotations

import json
from contextlib import closing
from typing import TYPE_CHECKING

from ir_ingest.cli import app
from ir_ingest.report.model import RunReport
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
        [str(killed), "failed"],
        ["1", "completed"],
    ]
    assert runs[0].endswith("32  all sources · (reprocess)")
    # Killed before its first page: 0 records, as its report says (the list had left the
    # count blank, which says "none counted yet" of a run still going).
    assert runs[1].endswith(f"  0  {oai_endpoint} · mods · set a-set")
    # Nothing holds its source: it was killed, and the list says so (the store says running).
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
        (["--source", "urn:x"], "--source goes with --list"),
    ):
        refused = runner.invoke(app, ["--db", db, "report", *wrong])
        assert refused.exit_code == 2, "a command line to fix, as Typer's own refusals"
        assert refused.output.strip() == f"error: {message}"


def test_report_lists_the_runs_of_one_source_by_url_stored_name_or_config_name(
    db: str, tmp_path: Path
) -> None:
    url = "https://user:secret@repo.example/oai"
    with closing(Store(db)) as store:
        pure = [store.begin_run("pure", "oai_dc"), store.begin_run("pure", "mods", "a-set")]
        pure.append(store.begin_run("pure", "(reprocess)"))  # reprocess --source pure
        other = store.begin_run("https://repo.example/oai", "oai_dc")
        store.begin_run("urn:elsewhere", "oai_dc")
    config = tmp_path / "ir-ingest.toml"
    config.write_text(
        '[sources.cris]\nurl = "https://cris.example/oai"\nrepository = "pure"\n'
        '[sources.cris-set]\nurl = "https://cris.example/oai"\nrepository = "pure"\n'
        'prefix = "mods"\nset = "a-set"\n',
        "utf-8",
    )

    def listed(*source: str) -> list[str]:
        args = ["--db", db, "--config", str(config), "report", "--list", *source]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        return [line.split()[0] for line in result.stdout.splitlines()[1:] if line[:5].strip()]

    expected = [str(run) for run in reversed(pure)]
    assert listed("--source", "pure") == expected, "the name its records are kept under"
    # A source of the config: its set's and its format's runs, and its repository's reprocess
    # runs; not those of another source of the same repository (they had been shown).
    assert listed("--source", "cris") == [str(pure[2]), str(pure[0])], "no set, any format"
    assert listed("--source", "cris-set") == [str(pure[2]), str(pure[1])], "a-set, mods"
    assert listed("--source", "pure", "--limit", "1") == expected[:1]
    # A URL as harvested: its password is not part of the name runs are kept under.
    assert listed("--source", url) == [str(other)]
    assert len(listed()) == 5

    unknown = runner.invoke(app, ["--db", db, "report", "--list", "--source", "prue"])
    assert (unknown.exit_code, unknown.stderr) == (
        1,
        "error: no run of 'prue' in the store (runs of: https://repo.example/oai, pure, "
        "urn:elsewhere)\n",
    )


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
    assert free.output.splitlines()[1].split()[:2] == [str(run_id), "failed"]
    assert "no process holds its source" in free.output


def test_a_killed_runs_report_says_no_process_holds_it_as_the_list_does(
    any_db_url: str,
) -> None:
    """Its report, kept as it went, said ``running since`` long after kill -9."""
    with closing(Store(any_db_url)) as store:
        run_id = store.begin_run("urn:x", "mods")
        kept = RunReport(repository="urn:x", metadata_prefix="mods", run_id=run_id)
        store.save_progress(run_id, kept.to_dict())
        shown = ["--db", any_db_url, "report", str(run_id)]
        with source_lock(store, source_key("urn:x", "mods", None)):
            held = runner.invoke(app, shown)
        free = {fmt: runner.invoke(app, [*shown, "--format", fmt]) for fmt in ("text", "json")}
        page = runner.invoke(app, [*shown, "--format", "html"])
    assert held.exit_code == 0, held.output
    assert held.output.startswith(f"Run {run_id} running: ")
    assert "no process holds" not in held.output
    text = free["text"].output.splitlines()
    assert text[0].startswith(f"Run {run_id} failed: ")
    killed = (
        "no process holds its source: stopped without finishing (killed?); the store says "
        "running until the next run of its source marks it failed"
    )
    assert f"Error: {killed}" in text
    assert json.loads(free["json"].output)["status"] == "failed"
    assert json.loads(free["json"].output)["error"] == killed
    assert killed in page.output
    with closing(Store(any_db_url)) as store:
        stored = store.run_shown(run_id)
    assert stored is not None
    assert stored.report is not None
    assert stored.report["error"] is None, "shown, not stored"
    assert stored.status == "running"


def test_listing_runs_makes_no_lock_file(tmp_path: Path) -> None:
    # A reading command: held() once made the lock file of every run it looked at.
    db = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    with closing(Store(db)) as store:
        store.begin_run("urn:x", "mods")  # killed before it took its lock
    listed = runner.invoke(app, ["--db", db, "report", "--list"])
    assert "no process holds its source" in listed.output
    assert list(tmp_path.glob("*.lock")) == []


def _finished_run(db: str) -> int:
    with closing(Store(db)) as store:
        run_id = store.begin_run("urn:x", "oai_dc")
        report = RunReport(repository="urn:x", metadata_prefix="oai_dc", run_id=run_id)
        report.finish("completed")
        store.finish_run(run_id, "completed", report.to_dict())
    return run_id


def test_report_to_a_file_takes_the_format_its_suffix_names(db: str, tmp_path: Path) -> None:
    run_id = _finished_run(db)
    for name, starts in (
        ("r.html", "<!DOCTYPE html>"),
        ("r.HTM", "<!DOCTYPE html>"),
        ("r.json", "{"),
        ("r.txt", f"Run {run_id} completed"),
        ("r.log", f"Run {run_id} completed"),  # a suffix that names no format: text
    ):
        path = tmp_path / name
        written = runner.invoke(app, ["--db", db, "report", str(run_id), "-o", str(path)])
        assert written.exit_code == 0, written.output
        assert path.read_text(encoding="utf-8").startswith(starts), name
    agreeing = tmp_path / "agree.json"
    given = ["--db", db, "report", "-o", str(agreeing), "--format", "JSON"]  # any case
    assert runner.invoke(app, given).exit_code == 0
    assert json.loads(agreeing.read_text(encoding="utf-8"))["run_id"] == run_id


def test_a_format_the_files_suffix_contradicts_is_refused(db: str, tmp_path: Path) -> None:
    _finished_run(db)
    path = tmp_path / "r1.json"
    refused = runner.invoke(app, ["--db", db, "report", "-o", str(path), "--format", "html"])
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"error: --format html contradicts -o {path}, whose suffix names json: "
        "leave --format out, or give the file another suffix\n"
    )
    assert not path.exists()
    unknown = runner.invoke(app, ["--db", db, "report", "--format", "csv"])
    assert (unknown.exit_code, unknown.stderr) == (
        2,
        "error: --format must be text, json or html, got 'csv'\n",
    )


def test_a_run_the_store_refused_to_close_is_shown_failed_and_marked_so_next(
    db: str, oai_endpoint: str
) -> None:
    """finish_run failing left the run "running" for the report for ever."""
    with closing(Store(db)) as store, store.engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TRIGGER refuse_finish BEFORE UPDATE OF status ON harvest_runs "
            "WHEN NEW.status != 'running' BEGIN SELECT RAISE(ABORT, 'closing refused'); END"
        )
    harvest = ["--db", db, "harvest", oai_endpoint, "--prefix", "oai_dc"]
    refused = runner.invoke(app, harvest)
    assert refused.exit_code == 1
    assert refused.output.startswith("error: cannot close run 1 as completed in the store at ")
    assert "closing refused; the next run of its source marks it failed" in refused.output
    assert "Traceback" not in refused.output
    listed = runner.invoke(app, ["--db", db, "report", "--list"]).output.splitlines()
    assert listed[1].split()[:2] == ["1", "failed"]
    shown = runner.invoke(app, ["--db", db, "report", "1"]).output
    assert shown.startswith("Run 1 failed: ")
    with closing(Store(db)) as store:
        assert store.run_status(1) == ("running", None)
        with store.engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER refuse_finish")
    assert runner.invoke(app, harvest).exit_code == 0
    with closing(Store(db)) as store:
        status = store.run_status(1)
    # Its pages are all stored, with their checkpoint: the next run continues from there.
    assert status == (
        "failed",
        "stopped without finishing (killed, or its machine went down); run 2 continued it",
    )


def test_a_runs_failure_is_said_without_a_class_name_even_as_an_older_store_kept_it(
    db: str,
) -> None:
    # An older ir-ingest kept "HarvestError: …" and "KeyboardInterrupt: interrupted (Ctrl-C)",
    # which report --list and report N showed to repository managers as they were.
    kept = {
        "HarvestError: urn:x: HTTP 503 after 6 tries": "urn:x: HTTP 503 after 6 tries",
        "KeyboardInterrupt: interrupted (Ctrl-C)": "interrupted (Ctrl-C)",
        "Terminated: stopped (SIGTERM)": "stopped (SIGTERM)",
        # Not ours, the class kept: a KeyError's message is only the key.
        "OSError: [Errno 28] No space left": "OSError: [Errno 28] No space left",
    }
    with closing(Store(db)) as store:
        ids = []
        for error in kept:
            run_id = store.begin_run("urn:x", "mods")
            report = RunReport(repository="urn:x", metadata_prefix="mods", run_id=run_id)
            report.finish("failed", error)
            store.finish_run(run_id, "failed", report.to_dict(), error)
            ids.append(run_id)
    listed = runner.invoke(app, ["--db", db, "report", "--list"]).output
    for run_id, (error, said) in zip(ids, kept.items(), strict=True):
        shown = {
            fmt: runner.invoke(app, ["--db", db, "report", str(run_id), "--format", fmt]).output
            for fmt in ("text", "json", "html")
        }
        assert said in listed
        assert f"Error: {said}" in shown["text"]
        assert json.loads(shown["json"])["error"] == said
        assert said in shown["html"]
        if said != error:
            assert error.split(":")[0] not in listed + "".join(shown.values())


def test_a_run_killed_before_its_first_page_has_a_report_of_0_records_saying_why(
    db: str,
) -> None:
    # Its report is said as a Ctrl-C's is; it had been "run N has no report yet: it is
    # failed (…)", exit 1.
    key = source_key("https://repo.example/oai", "oai_dc", "theses")
    with closing(Store(db)) as store:
        killed = store.begin_run("https://repo.example/oai", "oai_dc", "theses")
        with source_lock(store, key):
            held = runner.invoke(app, ["--db", db, "report", str(killed)])
            held_listed = runner.invoke(app, ["--db", db, "report", "--list"])
    assert held.exit_code == 1
    assert f"run {killed} has no report yet: it is running (just started)" in held.output
    # The list says as much as the report: none counted yet (blank) while it runs, 0 once
    # it has ended (it had been blank there too).
    assert held_listed.output.splitlines()[1].split()[:2] == [str(killed), "running"]
    assert held_listed.output.splitlines()[1].split()[4] == "https://repo.example/oai"
    listed = runner.invoke(app, ["--db", db, "report", "--list"]).output.splitlines()[1]
    assert listed.split()[:2] == [str(killed), "failed"]
    assert listed.split()[4:6] == ["0", "https://repo.example/oai"]
    result = runner.invoke(app, ["--db", db, "report", str(killed)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"Run {killed} failed: 0 records: 0 created")
    assert lines[1] == "Source: https://repo.example/oai · oai_dc · set theses"
    assert "Error: no process holds its source: stopped without finishing" in result.output
    with closing(Store(db)) as store:
        successor = store.begin_run("https://repo.example/oai", "oai_dc", "theses")
        store.end_dead_runs(key, successor, None)
    result = runner.invoke(app, ["--db", db, "report", str(killed), "--format", "json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert (shown["status"], shown["run_id"], shown["set_spec"]) == ("failed", killed, "theses")
    marked = runner.invoke(app, ["--db", db, "report", "--list"]).output.splitlines()
    assert [line.split()[:2] + line.split()[4:5] for line in marked if line[:5].strip()][1:] == [
        [str(successor), "failed", "0"],  # nothing holds it either
        [str(killed), "failed", "0"],  # marked failed in the store now
    ]
    assert shown["error"].startswith("stopped without finishing")
    assert shown["error"].endswith(f"noticed by run {successor}")
