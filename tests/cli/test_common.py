"""The app and what every command shares: --help, --version, --db, --config, errors, files."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
import typer

from ir_ingest import __version__
from ir_ingest.cli import app, global_first
from ir_ingest.cli.common import RESUMES, Settings, fail_cleanly
from ir_ingest.errors import IngestError
from ir_ingest.store import Store
from tests.cli.conftest import runner
from tests.conftest import SEED_CHAPTER, command_env


def test_help_starts_without_the_store_or_the_harvester() -> None:
    """``--help`` and the offline commands must not wait for SQLAlchemy, requests, pyoai or
    idutils (together 0.7 s here): the commands that use them import them."""
    heavy = ["sqlalchemy", "requests", "oaipmh", "idutils"]
    check = f"import sys, ir_ingest.cli; print([m for m in {heavy!r} if m in sys.modules])"
    shown = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert shown.stdout.strip() == "[]", shown.stderr


def test_python_m_ir_ingest_is_the_command() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "ir_ingest", "--version"], capture_output=True, text=True
    )
    assert (shown.returncode, shown.stdout.strip()) == (0, f"ir-ingest {__version__}"), shown.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("command", [["codes"], ["--help"], ["crosswalk", str(SEED_CHAPTER)]])
def test_output_to_a_full_disk_is_one_line_and_status_1(command: list[str]) -> None:
    # "export > records.jsonl" on a full disk had ended in a traceback (OSError ENOSPC).
    with Path("/dev/full").open("w") as full:
        shown = subprocess.run(
            [sys.executable, "-m", "ir_ingest", *command],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=command_env(),
        )
    assert (shown.returncode, shown.stderr) == (
        1,
        "error: cannot write the output: No space left on device\n",
    )


@pytest.mark.parametrize("command", [["codes"], ["export"], ["--help"], ["report", "--list"]])
@pytest.mark.parametrize("stdout", [">&-", "1</dev/null"])
def test_stdout_closed_or_read_only_is_one_line_and_status_1(
    command: list[str], stdout: str, tmp_path: Path
) -> None:
    """Closed, stdout had been written to nowhere without a word (``codes >&-`` exited 0),
    or export ended in a traceback (AttributeError); read-only, each was a traceback."""
    db = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    assert runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)]).exit_code == 0
    line = shlex.join([sys.executable, "-m", "ir_ingest", "--db", db, *command])
    shown = subprocess.run(
        ["sh", "-c", f"{line} {stdout}"], stderr=subprocess.PIPE, text=True, env=command_env()
    )
    assert (shown.returncode, shown.stderr) == (
        1,
        "error: cannot write to stdout (closed, or open for reading only): Bad file descriptor\n",
    )


@pytest.mark.parametrize(
    "command",
    [[b"report", b"--list", b"--source", b"caf\xe9"], [b"reprocess", b"--source", b"caf\xe9"]],
)
def test_an_argument_that_is_not_utf8_is_said_so(command: list[bytes], tmp_path: Path) -> None:
    # A Latin-1 byte in an argument reached SQLite as a lone surrogate: a UnicodeEncodeError
    # traceback.
    db = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    assert runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)]).exit_code == 0
    shown = subprocess.run(
        [sys.executable, "-m", "ir_ingest", "--db", db, *command],
        capture_output=True,
        text=True,
        env=command_env(),
    )
    assert (shown.returncode, shown.stderr) == (
        2,
        "error: 'caf\\udce9' is not UTF-8 text: give it in UTF-8\n",
    )


def test_help_lists_the_commands_and_each_has_an_example() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    commands = ("demo", "harvest", "reprocess", "import", "crosswalk", "export", "report", "codes")
    for command in commands:
        assert command in result.output
        sub = runner.invoke(app, [command, "--help"])
        assert sub.exit_code == 0
        assert "Example:" in sub.output, command


def test_reading_commands_do_not_create_a_store(tmp_path: Path) -> None:
    mistyped = tmp_path / "ir-ingset.sqlite3"
    for command in (["export"], ["report"], ["reprocess"]):
        result = runner.invoke(app, ["--db", f"sqlite:///{mistyped}", *command])
        assert result.exit_code == 1, command
        assert f"no store at {mistyped}" in result.output
    assert not mistyped.exists()


def test_commands_leave_another_programs_database_as_it_is(tmp_path: Path) -> None:
    # A mistyped --db naming another program's SQLite file had had a store's tables made in it.
    other = tmp_path / "places.sqlite"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    for command in (["export"], ["report", "--list"], ["reprocess"]):
        result = runner.invoke(app, ["--db", f"sqlite:///{other}", *command])
        assert result.exit_code == 1, command
        assert result.stderr == (
            f"error: sqlite:///{other} is another program's database (its tables: moz_places), "
            "not an ir-ingest store: give --db the store's\n"
        )
    # Nor do the commands that write: a harvest or an import made a store's tables beside
    # the other program's (the audit).
    for command in (["import", str(SEED_CHAPTER)], ["harvest", "http://127.0.0.1:9/oai"]):
        result = runner.invoke(app, ["--db", f"sqlite:///{other}", *command])
        assert result.exit_code == 1, command
        assert result.stderr == (
            f"error: sqlite:///{other} is another program's database (its tables: moz_places), "
            "not an ir-ingest store: give --db the store's, or a new file's\n"
        )
    with closing(sqlite3.connect(other)) as conn:
        tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert tables == [("moz_places",)]


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite:///:memory:"])
def test_an_in_memory_store_is_refused(url: str, tmp_path: Path) -> None:
    """``sqlite:///$UNSET`` is an in-memory database: a harvest into it said "completed" and
    kept nothing."""
    record = tmp_path / "record.xml"
    record.write_text(
        "<oai_dc:dc xmlns:oai_dc='http://www.openarchives.org/OAI/2.0/oai_dc/' "
        "xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:title>T</dc:title></oai_dc:dc>"
    )
    for command in (["demo"], ["import", str(record)], ["export"], ["report"]):
        result = runner.invoke(app, ["--db", url, *command])
        assert result.exit_code == 1, (command, result.output)
        assert f"error: {url} is an in-memory SQLite database, gone when the command ends" in (
            result.output
        ), command


@pytest.mark.parametrize("url", ["sqlite://:memory:", "postgresql://[::1/ir"])
def test_a_db_url_whose_port_is_no_number_is_said_to_be_no_database_url(
    url: str, tmp_path: Path
) -> None:
    # SQLAlchemy's ValueError (":memory:" read as a host and a port) had been a traceback.
    for command in (["demo"], ["export"], ["report", "-o", str(tmp_path / "r.html")]):
        result = runner.invoke(app, ["--db", url, *command])
        assert result.exit_code == 1, (command, result.output)
        assert f"error: {url!r} is not a database URL" in result.output, command


@pytest.mark.parametrize(
    "named", ["x" * 300 + ".sqlite3", "x" * 300 + "/x.sqlite3"], ids=["file", "folder"]
)
def test_a_store_file_name_too_long_is_said_by_the_commands(tmp_path: Path, named: str) -> None:
    # Looking for the file raised ENAMETOOLONG: a traceback, before the store was opened; and
    # then, for a folder's name, telling why SQLite could not open it (demo makes a store).
    url = f"sqlite:///{tmp_path / named}"
    for command in (["export"], ["report"], ["reprocess"], ["demo"]):
        result = runner.invoke(app, ["--db", url, *command])
        assert result.exit_code == 1, (command, result.output)
        assert result.output.startswith(f"error: cannot open the store at {url}: "), command


def test_reading_commands_read_a_store_on_a_database_server(any_db_url: str) -> None:
    # The check for a mistyped SQLite file once took a PostgreSQL database's name for one.
    Store(any_db_url).close()
    for command in (["export"], ["report", "--list"], ["reprocess"]):
        result = runner.invoke(app, ["--db", any_db_url, *command])
        assert result.exit_code == 0, (command, result.output)
        assert "no store at" not in result.output


def test_run_failures_are_one_clear_line(db: str) -> None:
    result = runner.invoke(app, ["--db", db, "harvest", "pure"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: 'pure' is neither an http(s) URL nor a source in the config "
        "(sources: none configured)"
    )
    result = runner.invoke(app, ["--db", db, "export", "--format", "xml"])
    assert result.exit_code == 2


@pytest.mark.usefixtures("isolated_crosswalks")
def test_a_users_crosswalk_directory_from_the_config(tmp_path: Path) -> None:
    folder = tmp_path / "my-crosswalks"
    (folder / "lookups").mkdir(parents=True)
    (folder / "lookups" / "local_types.csv").write_text(
        "source_value,uri\nfieldnote,http://purl.org/coar/resource_type/c_18cf\n", "utf-8"
    )
    (folder / "notes.yaml").write_text(
        "format: fieldnotes\nroot: n:note\nnamespaces: {n: 'urn:example:notes'}\n"
        "rules:\n"
        "  - {from: 'n:heading', to: title, as: value}\n"
        "  - {from: 'n:kind', to: resource_type, ops: [{lookup: local_types}]}\n",
        "utf-8",
    )
    config = tmp_path / "ir-ingest.toml"
    config.write_text('crosswalk_dirs = ["my-crosswalks"]\n', "utf-8")
    record = tmp_path / "note.xml"
    record.write_text(
        "<n:note xmlns:n='urn:example:notes'><n:heading>Tide log</n:heading>"
        "<n:kind>fieldnote</n:kind><n:mood>damp</n:mood></n:note>",
        "utf-8",
    )
    result = runner.invoke(app, ["--config", str(config), "crosswalk", str(record)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["title"] == {"value": "Tide log"}
    assert data["resource_type"]["uri"].endswith("c_18cf")
    assert data["extra"] == {"n:mood": ["damp"]}
    bad = tmp_path / "bad.toml"
    bad.write_text('crosswalk_dirs = ["nowhere"]\n', "utf-8")
    result = runner.invoke(app, ["--config", str(bad), "crosswalk", str(record)])
    assert result.exit_code == 1
    assert "nowhere" in result.output
    assert "does not exist" in result.output


def test_output_files_the_user_names(db: str, oai_endpoint: str, tmp_path: Path) -> None:
    assert (
        runner.invoke(app, ["--db", db, "harvest", oai_endpoint, "--prefix", "oai_dc"]).exit_code
        == 0
    )
    text = tmp_path / "run.txt"
    result = runner.invoke(app, ["--db", db, "report", "-o", str(text)])
    assert result.exit_code == 0, result.output
    assert "4 deleted" in text.read_text()
    missing = tmp_path / "no-such-folder" / "x.jsonl"
    result = runner.invoke(app, ["--db", db, "export", "-o", str(missing)])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: cannot write {missing}")


@pytest.mark.parametrize(
    ("db", "again"),
    [
        (None, "ir-ingest"),
        ("sqlite:///my store.sqlite3", "ir-ingest --db 'sqlite:///my store.sqlite3'"),
        ("postgresql+psycopg://u:secret@127.0.0.1/x", "ir-ingest --db 'postgresql+psycopg://u:***@127.0.0.1/x'"),
    ],
)  # fmt: skip
def test_a_hint_names_the_store_as_given(db: str | None, again: str) -> None:
    assert Settings(db=db, config_path=None).again == again


def test_dash_as_the_output_file_is_stdout(db: str, oai_endpoint: str, tmp_path: Path) -> None:
    # It had written a file named "-".
    harvested = runner.invoke(app, ["--db", db, "harvest", oai_endpoint, "--prefix", "oai_dc"])
    assert harvested.exit_code == 0, harvested.output
    exported = runner.invoke(app, ["--db", db, "export", "-o", "-"])
    assert (exported.exit_code, exported.stderr) == (0, "Exported 36 records\n")
    assert len(exported.stdout.splitlines()) == 36
    reported = runner.invoke(app, ["--db", db, "report", "--format", "json", "-o", "-"])
    assert json.loads(reported.stdout)["run_id"] == 1
    assert not Path("-").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["export"],
        ["codes"],
        ["report", "--list"],
        ["report", "1", "--format", "json"],  # written whole, not through the console (a review)
        ["crosswalk", str(Path(__file__).parents[2] / "fixtures/records/mods/seed-chapter.xml")],
        ["check", "ENDPOINT", "--json"],
        ["--help"],  # Click's own: it had exited 1
        ["export", "--help"],
    ],
)
def test_output_to_a_reader_gone_ends_quietly(
    command: list[str], db: str, oai_endpoint: str
) -> None:
    # `export | head -1` exited 1, "a run failed", to a script with pipefail: the records
    # written through the file (export) and through the console (codes) alike.
    harvested = runner.invoke(app, ["--db", db, "harvest", oai_endpoint, "--prefix", "oai_dc"])
    assert harvested.exit_code == 0, harvested.output
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first line: a broken pipe, every time
    try:
        done = subprocess.run(
            [sys.executable, "-m", "ir_ingest", "--db", db]
            + [oai_endpoint if arg == "ENDPOINT" else arg for arg in command],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (128 + signal.SIGPIPE, "")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        (["export", "--db", "x"], ["--db", "x", "export"]),
        (["report", "--list", "--db=x"], ["--db=x", "report", "--list"]),
        (["--db", "x", "export", "--config", "c"], ["--db", "x", "--config", "c", "export"]),
        (["harvest", "u", "--", "--db"], ["harvest", "u", "--", "--db"]),
        (["--version"], ["--version"]),
    ],
)
def test_options_of_ir_ingest_itself_may_follow_the_command(
    typed: list[str], read: list[str]
) -> None:
    assert global_first(typed) == read


@pytest.mark.parametrize(
    "typed",
    [
        ["export", "--db"],
        ["export", "--db", "--format", "json"],
        ["export", "--db="],  # second review: these two meant the default store
        ["--db", "", "export"],
    ],
)
def test_an_option_of_ir_ingest_without_its_value_is_refused(typed: list[str]) -> None:
    # Review: the value once became "" (the default store) or the next option.
    with pytest.raises(IngestError, match=r"--db needs a value, e\.g\. --db sqlite:///"):
        global_first(typed)


def test_the_console_script_takes_db_after_the_command(db: str) -> None:
    # "No such option: --db" was all a manager got for the natural order.
    Store(db).close()
    exe = shutil.which("ir-ingest", path=str(Path(sys.executable).parent))
    assert exe, "the console script is installed next to the interpreter"
    done = subprocess.run([exe, "export", "--db", db], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "Exported 0 records\n"), done.stderr


@pytest.mark.parametrize(
    ("then", "said"),
    [
        (RESUMES, "interrupted; the same command continues from the last page stored"),
        ("", "interrupted"),
    ],
)
def test_an_interrupt_says_what_becomes_of_the_work_only_where_it_is_kept(
    then: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Review: export and report said their work would be continued, which it is not.
    with pytest.raises(typer.Exit) as caught, fail_cleanly(then):
        raise KeyboardInterrupt
    assert caught.value.exit_code == 130
    assert capsys.readouterr().err.strip() == said


def test_a_failure_is_said_with_its_notes(capsys: pytest.CaptureFixture[str]) -> None:
    failure = IngestError("the endpoint failed 6 times")
    failure.add_note("run 3 stored 200 records (2 pages) before it failed")
    with pytest.raises(typer.Exit) as caught, fail_cleanly():
        raise failure
    assert caught.value.exit_code == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: the endpoint failed 6 times",
        "  run 3 stored 200 records (2 pages) before it failed",
    ]


def test_an_interrupt_says_what_the_run_had_stored(capsys: pytest.CaptureFixture[str]) -> None:
    interrupt = KeyboardInterrupt()
    interrupt.add_note("run 3 stored 200 records (2 pages)")
    with pytest.raises(typer.Exit), fail_cleanly(RESUMES):
        raise interrupt
    assert capsys.readouterr().err.strip() == (
        "interrupted: run 3 stored 200 records (2 pages); the same command continues from the "
        "last page stored"
    )


#: A process that takes up the signal handling of ``ir-ingest``, started as ``cmd &`` in a
#: script starts it (SIGINT ignored), then is sent SIGINT.
_IGNORING = """
import os, signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
from ir_ingest.cli.common import stop_on_signals
stop_on_signals()
os.kill(os.getpid(), signal.SIGINT)
print("still here", signal.getsignal(signal.SIGINT) is signal.SIG_IGN)
"""


def test_a_process_started_ignoring_ctrl_c_goes_on_ignoring_it() -> None:
    done = subprocess.run([sys.executable, "-c", _IGNORING], capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "still here True\n"), done.stderr


#: Two SIGTERMs, the second while stderr is a pipe nobody reads any more.
_TWICE_WITHOUT_STDERR = """
import os, signal, sys
from ir_ingest.cli.common import stop_on_signals
stop_on_signals()
try:
    os.kill(os.getpid(), signal.SIGTERM)
except KeyboardInterrupt:  # Terminated: the first one
    sys.stdin.readline()  # until the reader of stderr has gone
    os.kill(os.getpid(), signal.SIGTERM)
print("not stopped")
"""


def test_a_second_signal_stops_the_process_even_where_it_cannot_say_so() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", _TWICE_WITHOUT_STDERR],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    process.stderr.close()
    out, _ = process.communicate(b"go\n", timeout=60)
    assert (process.returncode, out) == (128 + 15, b"")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["export", "--run", "abc"], "Invalid value for '--run': 'abc' is not a whole number"),
        (["report", "abc"], "Invalid value for 'RUN_ID': 'abc' is not a whole number"),
        (["report", "--list", "--limit", "0"], "Invalid value for '--limit': 0; use 1 or more"),
        (["report", "--list", "--limit", "x"], "Invalid value for '--limit': 'x' is not a whole"),
        (["harvest", "http://127.0.0.1:9/oai", "--parallel", "x"], "'x' is not a whole number"),
        # past what the store's columns hold: a traceback (OverflowError)
        (["report", str(2**63)], f"{2**63}; use 1 to {2**63 - 1}"),
        (["export", "--run", str(2**63)], f"{2**63}; use 1 to {2**63 - 1}"),
        # int() reads any script's digits, "_" and white space: "--run ٣" was run 3.
        (["export", "--run", "\u0663"], "'\u0663' is not a whole number: give ASCII digits"),
        (["report", "1_0"], "'1_0' is not a whole number: give ASCII digits"),
        (["report", "--list", "--limit", " 5"], "' 5' is not a whole number: give ASCII"),
        (["harvest", "http://127.0.0.1:9/oai", "--delay", "\u0661"], "'\u0661' is not a number"),
    ],
)
def test_a_number_option_refused_names_the_value_given(db: str, args: list[str], said: str) -> None:
    """Typer's own check said "Input should be a valid integer", without the value."""
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code == 2
    assert said in " ".join(result.output.split())


def test_help_names_what_each_option_takes_as_the_readme_does() -> None:
    """Typer's own placeholders (``--db <str>``, ``-o <path>``) said a type, not a value."""
    commands = [[], *([name] for name in typer.main.get_command(app).commands)]  # type: ignore[attr-defined]
    for command in commands:
        shown = runner.invoke(app, [*command, "--help"]).output
        options = [line for line in shown.splitlines() if line.lstrip().startswith("-")]
        assert options, command
        assert not [line for line in options if "<" in line.split("  ")[1]], (command, shown)


def test_help_usage_lines_bracket_an_optional_argument_once() -> None:
    """``codes``'s metavar ``[CODE]`` was bracketed again by typer: ``ir-ingest codes [[CODE]]``;
    the README writes ``ir-ingest codes [CODE]``."""
    usages = {
        name: runner.invoke(app, [name, "--help"]).output.splitlines()[0]
        for name in typer.main.get_command(app).commands  # type: ignore[attr-defined]
    }
    assert usages["codes"].endswith("codes [OPTIONS] [CODE]"), usages["codes"]
    assert not [usage for usage in usages.values() if "[[" in usage], usages


def test_strict_help_says_what_each_command_finds_fault_with() -> None:
    """One --strict help had served both: reprocess's spoke of a set the endpoint does not
    list, and harvest's of reprocess."""
    harvest, reprocess = (
        " ".join(runner.invoke(app, [name, "--help"]).output.split())
        for name in ("harvest", "reprocess")
    )
    assert "the set asked for is one the endpoint does not list" in harvest
    assert "url_env" not in harvest.partition("--strict")[2]
    assert "url_env not set here" in reprocess
    assert "set asked for" not in reprocess


@pytest.mark.parametrize("command", ["harvest", "check"])
@pytest.mark.parametrize("agent", ["bot/1\nX-Evil: 1", "", " ", "bot \u0141\u00f3d\u017a/1.0"])
def test_a_user_agent_no_request_can_send_is_refused_before_asking(
    db: str, tmp_path: Path, command: str, agent: str
) -> None:
    """A line break had reached requests (InvalidHeader) once the run had begun."""
    result = runner.invoke(
        app, ["--db", db, command, "http://127.0.0.1:9/oai", "--user-agent", agent]
    )
    assert result.exit_code == 2
    assert f"Invalid value for '--user-agent': {agent!r}; give printable" in result.output
    assert not (tmp_path / "cli.sqlite3").exists()


def test_a_broken_config_file_does_not_hide_help_or_the_codes(tmp_path: Path) -> None:
    """A config file in error (a quote left open) stopped every command, ``export --help``
    and ``codes`` too, which read no config (a walkthrough); a command that reads it still
    says the error."""
    config = tmp_path / "ir-ingest.toml"
    config.write_text('[sources.demo]\nurl = "http://127.0.0.1:9/oai\n', encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    for args in (["export", "--help"], ["harvest", "-h"], ["codes", "xml.empty"], ["codes"]):
        result = runner.invoke(app, ["--db", db, "--config", str(config), *args])
        assert result.exit_code == 0, (args, result.output)
        assert not result.output.startswith("error:"), args
    for args in (["harvest", "demo"], ["crosswalk", "x.xml"]):
        result = runner.invoke(app, ["--db", db, "--config", str(config), *args])
        assert result.exit_code == 1, (args, result.output)
        assert result.output.startswith(f"error: config file {config}: "), result.output


def test_a_missing_postgresql_driver_is_named_with_both_ways_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As where psycopg is not installed: the import of it fails (None in sys.modules).  The
    # hint had given the package's name only, where the README installs from a clone.
    monkeypatch.setitem(sys.modules, "psycopg", None)
    url = "postgresql+psycopg://nobody@127.0.0.1:1/x"
    result = runner.invoke(app, ["--db", url, "report", "--list"])
    assert result.exit_code == 1
    assert result.output == (
        f"error: cannot open the store at {url}: its driver 'psycopg' is not installed "
        "(pip install 'ir-ingest[postgres]'; from a clone: pip install '.[postgres]')\n"
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["harvest", "http://127.0.0.1:9/oai", "--parallel", "9"], "'--parallel': 9; use 1 to 8"),
        (["harvest", "http://127.0.0.1:9/oai", "--ful"], "No such option: --ful"),
        (["harvset"], "No such command 'harvset'"),
        (["--db"], "Option '--db' requires an argument"),
        (["codes", "a", "b"], "unexpected extra argument(s) (b)"),
        (["demo", "--port", "8080"], "'--port': needs --serve"),
        (["check"], "Missing argument 'URL'"),
    ],
)
def test_a_command_line_refused_is_one_error_line(db: str, args: list[str], said: str) -> None:
    """Click had said these in four lines: the usage, a help hint, a blank line and a
    capitalised ``Error:``, where every other refusal is one ``error:`` line."""
    result = runner.invoke(app, ["--db", db, *args] if args != ["--db"] else args)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: "), result.stderr
    assert said in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert not (Path(db.removeprefix("sqlite:///"))).exists()


def test_no_command_still_shows_the_help() -> None:
    result = runner.invoke(app, [])
    assert result.exit_code == 2
    assert "Commands:" in result.stderr + result.stdout


@pytest.mark.usefixtures("isolated_crosswalks")
@pytest.mark.parametrize(
    ("table", "said"),
    [
        (
            "id,uri\nmit,https://opensource.org/licenses/MIT\n",
            "first column must be 'source_value'",
        ),
        ("source_value,id\nmy licence,mit\n", "has no column 'uri', 'label'"),
    ],
)
def test_a_lookup_table_in_error_is_refused_as_the_config_loads(
    tmp_path: Path, table: str, said: str
) -> None:
    """A table was read only when a record first needed it: a harvest failed at its first
    page, and ``crosswalk`` of a record with no licence said nothing of a bad licenses.csv."""
    (tmp_path / "mine" / "lookups").mkdir(parents=True)
    (tmp_path / "mine" / "lookups" / "licenses.csv").write_text(table, "utf-8")
    config = tmp_path / "ir-ingest.toml"
    config.write_text('crosswalk_dirs = ["mine"]\n', "utf-8")
    result = runner.invoke(app, ["--config", str(config), "crosswalk", str(SEED_CHAPTER)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {tmp_path / 'mine' / 'lookups' / 'licenses.csv'}")
    assert said in result.stderr
