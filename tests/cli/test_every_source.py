"""``harvest --all`` stopped by Ctrl-C: the source being harvested stops, the others wait."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from ir_ingest.cli import app
from ir_ingest.oai.provider import serve_in_background
from ir_ingest.store import Store, source_key
from tests.cli.conftest import runner
from tests.conftest import command_env, ctrl_c_at_default
from tests.oai.faults import FaultPlan, faulty_endpoint, synthetic_records
from tests.oai.test_kill import _wait_for_pages

if TYPE_CHECKING:
    from pathlib import Path


def test_ctrl_c_stops_the_source_being_harvested_and_starts_no_other(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'all.sqlite3'}"
    store = Store(db)
    slow = FaultPlan(batch_size=10, latency=0.05)
    with (
        serve_in_background(faulty_endpoint(synthetic_records(100), slow)) as first,
        serve_in_background(faulty_endpoint(synthetic_records(10), FaultPlan())) as second,
    ):
        config = tmp_path / "ir-ingest.toml"
        config.write_text(
            f'[sources.a]\nurl = "{first}"\nprefix = "oai_dc"\n'
            f'[sources.b]\nurl = "{second}"\nprefix = "oai_dc"\n',
            encoding="utf-8",
        )
        command = [sys.executable, "-m", "ir_ingest", "--db", db, "--config", str(config)]
        env = command_env()
        process = subprocess.Popen(
            [*command, "harvest", "--all"],
            cwd=tmp_path,
            env=env,
            stderr=subprocess.PIPE,
            preexec_fn=ctrl_c_at_default,
        )
        _wait_for_pages(store, source_key(first, "oai_dc", None), 3, process)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert b"not harvested: b" in stderr, stderr
    runs = store.list_runs(10)
    assert [(run.status, run.repository) for run in runs] == [("failed", first)]
    checkpoint = store.checkpoint(source_key(first, "oai_dc", None))
    assert checkpoint is not None
    assert checkpoint.token, "kept, for the next run to go on from"
    store.close()


@pytest.mark.usefixtures("isolated_crosswalks")
def test_a_crosswalk_file_in_error_is_said_once_before_any_source(tmp_path: Path) -> None:
    # It had failed every source, those using no crosswalk of their own too, and kept no run.
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "m.yaml").write_text(
        "format: mine_dc\nroot: oai_dc:dc\nnamespaces:\n"
        "  oai_dc: http://www.openarchives.org/OAI/2.0/oai_dc/\n"
        "  dc: http://purl.org/dc/elements/1.1/\n"
        "rules:\n  - {from: dc:title, to: titel}\n",
        encoding="utf-8",
    )
    config = tmp_path / "ir-ingest.toml"
    config.write_text(
        'crosswalk_dirs = ["mine"]\n'
        '[sources.plain]\nurl = "http://127.0.0.1:9/oai"\n'
        '[sources.custom]\nurl = "http://127.0.0.1:9/custom"\ncrosswalk = "mine_dc"\n',
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'all.sqlite3'}"
    result = runner.invoke(app, ["--db", db, "--config", str(config), "harvest", "--all"])
    assert result.exit_code == 1
    assert result.output.count("error: ") == 1
    assert f"error: {tmp_path / 'mine' / 'm.yaml'} rule 1: the record has no field 'titel'" in (
        result.output
    )
    assert "Source plain" not in result.output, "no source was begun"
