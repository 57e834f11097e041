"""The command line, run as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from ir_ingest.cli import app
from ir_ingest.oai.provider import ProvidedRecord, serve_in_background
from ir_ingest.schema import checked_in_schema
from ir_ingest.store import Store
from tests.conftest import SEED_CHAPTER
from tests.oai.faults import FaultPlan, faulty_endpoint

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


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
    assert Store(db).counts()["records"] == 1


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

    shown = runner.invoke(app, ["--db", db, "report"])
    assert "completed" in shown.output
    assert "4 deleted" in shown.output


def test_harvest_by_source_name_from_the_config(db: str, oai_endpoint: str, tmp_path: Path) -> None:
    config = tmp_path / "ir-ingest.toml"
    config.write_text(
        f'[sources.demo]\nurl = "{oai_endpoint}"\nprefix = "oai_dc"\nset = "openaire"\n'
    )
    result = runner.invoke(app, ["--db", db, "--config", str(config), "harvest", "demo"])
    assert result.exit_code == 0, result.output
    assert "completed" in result.output


def test_run_failures_are_one_clear_line(db: str) -> None:
    result = runner.invoke(app, ["--db", db, "harvest", "http://127.0.0.1:9/oai"])
    assert result.exit_code == 1
    assert result.output.strip() == "error: --prefix is required (e.g. --prefix oai_dc)"
    result = runner.invoke(app, ["--db", db, "export", "--format", "xml"])
    assert result.exit_code == 2


def test_demo_end_to_end_as_a_console_script(tmp_path: Path) -> None:
    exe = shutil.which("ir-ingest", path=str(Path(sys.executable).parent))
    assert exe, "the console script is installed next to the interpreter"
    env = {k: v for k, v in os.environ.items() if k != "IR_INGEST_DB"}
    first = subprocess.run(
        [exe, "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "36 records: 31 created, 0 updated, 0 unchanged, 4 deleted, 1 invalid" in first.stdout
    assert (tmp_path / "ir-ingest.sqlite3").exists()
    report = tmp_path / "ir-ingest-report" / "run-1.html"
    assert report.exists()
    assert "Harvest run 1" in report.read_text()
    second = subprocess.run(
        [exe, "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "36 unchanged" in second.stdout
    exported = subprocess.run(
        [exe, "export", "--format", "jsonl"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert len(exported.stdout.splitlines()) == 36


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
    assert Store(db).counts()["versions"] == 36

    again = runner.invoke(app, ["--db", db, "reprocess"])
    assert again.exit_code == 0, again.output
    assert "32 records: 0 created, 0 updated, 32 unchanged, 0 deleted" in again.output
    assert Store(db).counts()["versions"] == 36
