"""``harvest --all`` stopped by Ctrl-C: the source being harvested stops, the others wait."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import TYPE_CHECKING

from ir_ingest.oai.provider import serve_in_background
from ir_ingest.store import Store, source_key
from tests.conftest import command_env
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
            [*command, "harvest", "--all"], cwd=tmp_path, env=env, stderr=subprocess.PIPE
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
