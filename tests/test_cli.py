"""The command line, run as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema
import pytest
from typer.testing import CliRunner

from ir_ingest import __version__
from ir_ingest.cli import app
from ir_ingest.crosswalk import lookups
from ir_ingest.oai.provider import ProvidedRecord, serve_in_background
from ir_ingest.schema import checked_in_schema
from ir_ingest.store import Store, source_key
from tests.conftest import SEED_CHAPTER
from tests.oai.faults import FaultPlan, faulty_endpoint
from tests.oai.scripted import identify, page, record, scripted

if TYPE_CHECKING:
    from collections.abc import Iterator

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


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


def test_help_lists_the_commands_and_each_has_an_example() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("demo", "harvest", "reprocess", "import", "crosswalk", "export", "report"):
        assert command in result.output
        sub = runner.invoke(app, [command, "--help"])
        assert sub.exit_code == 0
        assert "Example:" in sub.output, command


def test_crosswalk_prints_schema_valid_json() -> None:
    result = runner.invoke(app, ["crosswalk", str(SEED_CHAPTER)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    jsonschema.validate(record, checked_in_schema())
    assert record["resource_type"]["label"] == "book part"


def test_import_stores_one_record_and_says_so(db: str) -> None:
    result = runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("created: Who is in the lead?")
    again = runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)])
    assert again.output.startswith("unchanged:")
    assert _counts(db)["records"] == 1


def test_an_older_export_imported_after_a_newer_one_is_skipped(db: str, tmp_path: Path) -> None:
    old = tmp_path / "last-year.xml"
    text = SEED_CHAPTER.read_text(encoding="utf-8")
    old.write_text(
        text.replace("2024-03-05T09:12:44Z", "2023-03-05T09:12:44Z").replace(
            "Who is in the lead?", "An earlier title"
        ),
        encoding="utf-8",
    )
    assert runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)]).exit_code == 0
    result = runner.invoke(app, ["--db", db, "import", str(old)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("skipped: An earlier title")
    assert "store.older_than_stored" in result.output
    assert "2024-03-05T09:12:44Z" in result.output
    export = runner.invoke(app, ["--db", db, "export"])
    assert "Who is in the lead?" in export.output
    assert "An earlier title" not in export.output


def test_a_format_typo_is_an_error_not_a_guess() -> None:
    for command in ("crosswalk", "import"):
        result = runner.invoke(app, [command, str(SEED_CHAPTER), "--prefix", "mdos"])
        assert result.exit_code == 1
        assert "no crosswalk for format 'mdos'; known formats: mods, oai_dc, qdc" in result.output


def test_import_of_a_malformed_file_stores_nothing(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "broken.xml"
    bad.write_text("<OAI-PMH><GetRecord>", encoding="utf-8")
    result = runner.invoke(app, ["--db", db, "import", str(bad)])
    assert result.exit_code == 1
    assert "broken.xml" in result.output
    assert "not well-formed XML at line 1" in result.output
    assert not (tmp_path / "cli.sqlite3").exists()


def test_harvest_then_export_and_report(db: str, oai_endpoint: str, tmp_path: Path) -> None:
    report_path = tmp_path / "run.json"
    result = runner.invoke(
        app,
        ["--db", db, "harvest", oai_endpoint, "--prefix", "oai_dc", "--report", str(report_path)],
    )
    assert result.exit_code == 0, result.output
    assert "36 records: 31 created, 0 updated, 0 unchanged, 4 deleted, 1 invalid" in result.output
    assert json.loads(report_path.read_text())["counts"]["deleted"] == 4

    exported = runner.invoke(app, ["--db", db, "export", "--format", "jsonl"])
    lines = [json.loads(line) for line in exported.stdout.splitlines()]
    assert len(lines) == 36
    assert sum(line["source"].get("deleted", False) for line in lines) == 4

    as_json = runner.invoke(app, ["--db", db, "export", "--format", "json"])
    assert len(json.loads(as_json.stdout)) == 36
    valid = runner.invoke(app, ["--db", db, "export", "--valid-only"])
    assert len(valid.stdout.splitlines()) == 35, "the one invalid record is left out"

    shown = runner.invoke(app, ["--db", db, "report"])
    assert "completed" in shown.output
    assert "4 deleted" in shown.output

    as_text = tmp_path / "run.txt"
    args = ["--db", db, "harvest", oai_endpoint, "--prefix", "oai_dc", "--full"]
    assert runner.invoke(app, [*args, "--report", str(as_text)]).exit_code == 0
    assert as_text.read_text().startswith(
        "Run 2 completed: 36 records: 0 created, 0 updated, 36 unchanged (1 of them still invalid)"
    )


def test_reading_commands_do_not_create_a_store(tmp_path: Path) -> None:
    mistyped = tmp_path / "ir-ingset.sqlite3"
    for command in (["export"], ["report"], ["reprocess"]):
        result = runner.invoke(app, ["--db", f"sqlite:///{mistyped}", *command])
        assert result.exit_code == 1, command
        assert f"no store at {mistyped}" in result.output
    assert not mistyped.exists()


def test_a_negative_delay_is_refused(db: str) -> None:
    result = runner.invoke(app, ["--db", db, "harvest", "http://127.0.0.1:9/oai", "--delay", "-1"])
    assert result.exit_code == 2
    assert "Invalid value for '--delay'" in result.output


def _demo_source(tmp_path: Path, url: str, setting: str) -> Path:
    """A config file with one source, ``demo``, for ``url`` in oai_dc plus one ``setting``."""
    config = tmp_path / "ir-ingest.toml"
    config.write_text(f'[sources.demo]\nurl = "{url}"\nprefix = "oai_dc"\n{setting}\n')
    return config


def test_harvest_by_source_name_from_the_config(
    db: str, oai_endpoint: str, tmp_path: Path, demo_records: list[ProvidedRecord]
) -> None:
    config = _demo_source(tmp_path, oai_endpoint, 'set = "openaire"')
    result = runner.invoke(app, ["--db", db, "--config", str(config), "harvest", "demo"])
    assert result.exit_code == 0, result.output
    in_set = sum("openaire" in r.set_specs for r in demo_records)
    assert f"Run 1 completed: {in_set} records" in result.output
    assert in_set < len(demo_records), "the set narrows the harvest"
    typo = runner.invoke(app, ["--db", db, "--config", str(config), "harvest", "demi"])
    assert typo.exit_code == 1
    assert "'demi' is neither an http(s) URL nor a source in the config (sources: demo)" in (
        typo.output
    )


def test_records_are_kept_under_the_named_repository(
    db: str, oai_endpoint: str, tmp_path: Path
) -> None:
    config = _demo_source(tmp_path, oai_endpoint, 'repository = "demo-ir"')
    first = runner.invoke(app, ["--db", db, "--config", str(config), "harvest", "demo"])
    assert first.exit_code == 0, first.output
    # The same source by URL and name: the same records, not a second copy of each.
    args = ["--db", db, "harvest", oai_endpoint, "--prefix", "oai_dc", "--repository", "demo-ir"]
    again = runner.invoke(app, [*args, "--full"])
    assert again.exit_code == 0, again.output
    assert "36 records: 0 created, 0 updated, 36 unchanged" in again.output
    with closing(Store(db)) as store:
        assert {record.source.repository for record in store.iter_records()} == {"demo-ir"}
        assert store.counts()["records"] == 36


def test_run_failures_are_one_clear_line(db: str) -> None:
    result = runner.invoke(app, ["--db", db, "harvest", "pure"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: 'pure' is neither an http(s) URL nor a source in the config "
        "(sources: none configured)"
    )
    result = runner.invoke(app, ["--db", db, "export", "--format", "xml"])
    assert result.exit_code == 2


#: The endpoint the seed chapter's saved GetRecord response names (its records' repository).
_SEED_ENDPOINT = "https://research.example.ac.uk/ws/oai"


def test_mistakes_a_manager_makes_get_one_line_each(db: str, tmp_path: Path) -> None:
    exported = tmp_path / "old-export.jsonl"
    exported.write_text('{"id": "x"}\n', encoding="utf-8")
    result = runner.invoke(app, ["--db", db, "import", str(exported)])
    assert result.exit_code == 1
    assert "the file is JSON, not XML" in result.output
    assert runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)]).exit_code == 0
    result = runner.invoke(app, ["--db", db, "reprocess", "--source", "nosuch"])
    assert result.exit_code == 1
    assert "holds no records of 'nosuch' (it holds: http" in result.output
    secret = "https://harvester:S3cret@repo.example/oai"
    result = runner.invoke(app, ["--db", db, "reprocess", "--source", secret])
    assert result.exit_code == 1
    assert "S3cret" not in result.output
    assert "holds no records of 'https://repo.example/oai'" in result.output
    config = tmp_path / "ir-ingest.toml"
    config.write_text(f'[sources.pure]\nurl = "{_SEED_ENDPOINT}"\n', encoding="utf-8")
    by_name = runner.invoke(
        app, ["--db", db, "--config", str(config), "reprocess", "--source", "pure"]
    )
    assert by_name.exit_code == 0, by_name.output
    assert "1 records: 0 created, 0 updated, 1 unchanged" in by_name.output
    empty = runner.invoke(
        app, ["--db", db, "--config", str(config), "harvest", "pure", "--prefix", ""]
    )
    assert empty.output.strip() == "error: --prefix must name a format, or be auto"
    result = runner.invoke(app, ["--db", db, "harvest", "http://127.0.0.1:9/oai", "--prefix", ""])
    assert result.output.strip() == "error: --prefix must name a format, or be auto"
    with closing(Store(db)) as store:
        killed = store.begin_run("https://repo.example/oai", "oai_dc")
    result = runner.invoke(app, ["--db", db, "report", str(killed)])
    assert result.exit_code == 1
    assert (
        f"run {killed} has no report yet: it is running (killed, or just started" in result.output
    )
    with closing(Store(db)) as store:
        successor = store.begin_run("https://repo.example/oai", "oai_dc")
        store.end_dead_runs(source_key("https://repo.example/oai", "oai_dc", None), successor, None)
    result = runner.invoke(app, ["--db", db, "report", str(killed)])
    assert f"run {killed} has no report yet: it is failed (stopped without" in result.output
    assert f"noticed by run {successor}" in result.output


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


def test_strict_runs_exit_3_when_records_failed_or_are_invalid(db: str, oai_endpoint: str) -> None:
    harvest = ["--db", db, "harvest", oai_endpoint, "--prefix", "oai_dc"]
    strict = runner.invoke(app, [*harvest, "--strict"])
    assert strict.exit_code == 3, strict.output
    assert "--strict: 0 records failed and 1 are invalid" in strict.output
    assert runner.invoke(app, harvest).exit_code == 0, "without --strict it is a report"
    again = runner.invoke(app, ["--db", db, "reprocess", "--strict"])
    assert again.exit_code == 3, "the record stored invalid is still invalid"


def test_a_strict_run_cut_short_exits_3(db: str) -> None:
    served = iter(range(1000))
    same = [record(f"oai:x:{n}", "2024-01-01T00:00:00Z") for n in range(3)]

    def answer(query: dict[str, str]) -> bytes:
        if query.get("verb") == "Identify":
            return identify()
        # The same page again and again under new tokens: a guard ends the window.
        return page("ListRecords", same, token=f"t-{next(served)}")

    with serve_in_background(scripted(answer)) as url:
        cut = runner.invoke(app, ["--db", db, "harvest", url, "--prefix", "oai_dc", "--strict"])
    assert cut.exit_code == 3, cut.output
    assert "Run 1 incomplete" in cut.output
    assert "--strict: the run was cut short; 0 records failed" in cut.output


def test_demo_end_to_end_as_a_console_script(tmp_path: Path) -> None:
    exe = shutil.which("ir-ingest", path=str(Path(sys.executable).parent))
    assert exe, "the console script is installed next to the interpreter"
    env = {k: v for k, v in os.environ.items() if k != "IR_INGEST_DB"}

    def run(*args: str) -> str:
        done = subprocess.run(
            [exe, *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout

    assert "36 records: 31 created, 0 updated, 0 unchanged, 4 deleted, 1 invalid" in run("demo")
    assert (tmp_path / "ir-ingest.sqlite3").exists()
    report = tmp_path / "ir-ingest-report" / "run-1.html"
    assert report.exists()
    assert "Harvest run 1" in report.read_text()
    assert "36 unchanged" in run("demo")
    assert len(run("export", "--format", "jsonl").splitlines()) == 36


def test_crosswalk_explain_shows_lineage_and_extra() -> None:
    seed_mods = SEED_CHAPTER.parents[1] / "mods" / "seed-chapter.xml"
    result = runner.invoke(app, ["crosswalk", str(seed_mods), "--explain"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    editors = next(line for line in lines if line.startswith("host.editors "))
    assert "mods:relatedItem[@type='host'][1]/mods:name" in editors
    assert any(line.startswith("title ") and "mods:title" in line for line in lines)
    title = lines.index(next(line for line in lines if line.startswith("title ")))
    assert lines[title + 1].strip() == '= {"value": "Who is in the lead?"}'
    assert "extra (kept, used by no rule):" in lines
    assert "  mods:typeOfResource: text" in lines


def test_crosswalk_of_a_collection_prints_an_array(tmp_path: Path) -> None:
    collection = SEED_CHAPTER.parents[1] / "mods" / "collection-two.xml"
    result = runner.invoke(app, ["crosswalk", str(collection)])
    assert result.exit_code == 0, result.output
    names = [r["source"]["oai_identifier"] for r in json.loads(result.stdout)]
    assert len(set(names)) == 2
    assert all(name.startswith("urn:sha256:") for name in names)


@pytest.fixture
def isolated_crosswalks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Undo the crosswalk and lookup folders a test's config adds to this process."""
    crosswalk_package = sys.modules["ir_ingest.crosswalk"]
    monkeypatch.setattr(crosswalk_package, "_user_dirs", [])
    monkeypatch.setattr(lookups, "_search_path", [])
    yield
    crosswalk_package.registry.cache_clear()
    lookups.load_table.cache_clear()


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


def _titles_only(folder: Path) -> None:
    """A crosswalk folder with one crosswalk, ``titles_only`` (in titles.yaml): oai_dc's first
    title, the rest to extra."""
    folder.mkdir()
    (folder / "titles.yaml").write_text(
        "format: titles_only\nroot: oai_dc:dc\n"
        "namespaces: {oai_dc: 'http://www.openarchives.org/OAI/2.0/oai_dc/', "
        "dc: 'http://purl.org/dc/elements/1.1/'}\n"
        "rules:\n  - {from: 'dc:title[1]', to: title, as: value}\n",
        "utf-8",
    )


@pytest.mark.usefixtures("isolated_crosswalks")
def test_a_sources_crosswalk_from_the_config(db: str, oai_endpoint: str, tmp_path: Path) -> None:
    _titles_only(tmp_path / "mine")
    config = tmp_path / "ir-ingest.toml"
    config.write_text(
        f'crosswalk_dirs = ["mine"]\n[sources.demo]\nurl = "{oai_endpoint}"\n'
        'prefix = "oai_dc"\ncrosswalk = "titles_only"\n',
        "utf-8",
    )
    result = runner.invoke(app, ["--db", db, "--config", str(config), "harvest", "demo"])
    assert result.exit_code == 0, result.output
    assert "crosswalk titles_only" in result.output
    exported = runner.invoke(app, ["--db", db, "export"]).output.splitlines()
    assert {json.loads(line)["source"].get("crosswalk") for line in exported} == {"titles_only"}
    refused = runner.invoke(
        app, ["--db", db, "harvest", oai_endpoint, "--prefix", "oai_dc", "--crosswalk", "nope"]
    )
    assert refused.exit_code == 1
    assert "no crosswalk is named 'nope'" in refused.output


@pytest.mark.usefixtures("isolated_crosswalks")
def test_import_and_crosswalk_read_a_file_with_a_named_crosswalk(db: str, tmp_path: Path) -> None:
    _titles_only(tmp_path / "mine")
    config = tmp_path / "ir-ingest.toml"
    config.write_text('crosswalk_dirs = ["mine"]\n', "utf-8")
    record = SEED_CHAPTER
    base = ["--db", db, "--config", str(config)]

    shown = runner.invoke(app, [*base, "crosswalk", str(record), "--crosswalk", "titles_only"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["source"]["crosswalk"] == "titles_only"
    assert data["source"]["metadata_prefix"] == "oai_dc", "the format is still the file's"
    assert "creators" not in data
    assert "dc:creator" in data["extra"]

    named = runner.invoke(app, [*base, "crosswalk", str(record), "--crosswalk", "oai_dc"])
    assert "crosswalk" not in json.loads(named.stdout)["source"], "the format's own is not named"

    imported = runner.invoke(app, [*base, "import", str(record), "--crosswalk", "titles_only"])
    assert imported.exit_code == 0, imported.output
    exported = runner.invoke(app, ["--db", db, "export"]).output.splitlines()
    assert [json.loads(line)["source"]["crosswalk"] for line in exported] == ["titles_only"]

    by_file = runner.invoke(app, [*base, "crosswalk", str(record), "--crosswalk", "titles"])
    assert by_file.exit_code == 1
    assert "titles.yaml is the crosswalk 'titles_only' (its format: key names it)" in " ".join(
        by_file.output.split()
    )
    for command in ("import", "crosswalk"):
        refused = runner.invoke(app, [*base, command, str(record), "--crosswalk", "nope"])
        assert refused.exit_code == 1
        assert "no crosswalk is named 'nope'; known: mods, oai_dc, qdc, titles_only" in (
            refused.output
        )


def test_harvest_options_reach_the_endpoint_and_reprocess_makes_no_versions(
    db: str, demo_records: list[ProvidedRecord], tmp_path: Path
) -> None:
    plan = FaultPlan()
    with serve_in_background(faulty_endpoint(demo_records, plan)) as url:
        args = ["--db", db, "harvest", url, "--prefix", "oai_dc", "--user-agent", "polite-bot/1"]
        result = runner.invoke(app, [*args, "--delay", "0.01", "--archive", str(tmp_path / "a")])
        assert result.exit_code == 0, result.output
        refused = runner.invoke(app, [*args, "--parallel", "2"])
    assert refused.exit_code == 1
    assert "--parallel needs --window" in refused.output
    assert list((tmp_path / "a").rglob("*.xml.gz"))
    assert set(plan.user_agents) == {"polite-bot/1"}
    assert _counts(db)["versions"] == 36

    again = runner.invoke(app, ["--db", db, "reprocess"])
    assert again.exit_code == 0, again.output
    summary = "32 records: 0 created, 0 updated, 32 unchanged (1 of them still invalid), 0 deleted"
    assert summary in again.output
    assert _counts(db)["versions"] == 36


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


def _counts(db: str) -> dict[str, int]:
    with closing(Store(db)) as store:
        return store.counts()


def test_a_bad_window_is_refused_before_any_request(db: str) -> None:
    # 127.0.0.1:9 (discard) refuses connections; the error must come before any retry.
    result = runner.invoke(
        app,
        [
            "--db",
            db,
            "harvest",
            "http://127.0.0.1:9/oai",
            "--prefix",
            "oai_dc",
            "--window",
            "weekly",
        ],
    )
    assert result.exit_code == 1
    assert "window must be monthly or daily, got 'weekly'" in result.output


def test_harvested_text_is_printed_as_written_not_as_markup(tmp_path: Path, db: str) -> None:
    title = "Spin [/i] states and [link=https://evil.example/]a link[/link] [bold red]Verified[/]"
    source = tmp_path / "markup.xml"
    source.write_text(
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"'
        f' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title>'
        "<dc:type>info:eu-repo/semantics/article</dc:type></oai_dc:dc>"
    )
    imported = runner.invoke(app, ["--db", db, "import", str(source)])
    assert imported.exit_code == 0, imported.output
    assert title in imported.output
    explained = runner.invoke(app, ["crosswalk", str(source), "--explain"])
    assert explained.exit_code == 0, explained.output
    assert "\x1b" not in imported.output + explained.output
