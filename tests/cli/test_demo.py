"""The demo command (:mod:`ir_ingest.cli.demo`): harvested end to end, or only served."""

from __future__ import annotations

import shlex
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from ir_ingest.cli import app
from tests.cli.conftest import runner
from tests.conftest import command_env, ctrl_c_at_default


def _serve_demo(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    """``ir-ingest demo --serve`` as a process, Ctrl-C its own (see ``ctrl_c_at_default``)."""
    return subprocess.Popen(
        [sys.executable, "-m", "ir_ingest", "demo", "--serve", *args],
        cwd=tmp_path,
        env=command_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_at_default,
    )


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_demo_serve_serves_the_demo_records_until_stopped(
    tmp_path: Path, stop: signal.Signals
) -> None:
    server = _serve_demo(tmp_path)
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert first.startswith("Serving the demo records (36, 4 of them deleted) at "), first
        url = first.split()[-1]
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/oai")
        assert server.stdout.readline() == "Try, in another terminal:\n"
        assert server.stdout.readline() == f"  ir-ingest check {url}\n"
        harvest = f"  ir-ingest harvest {url} --repository urn:ir-ingest:demo\n"
        assert server.stdout.readline() == harvest
        # Read here: communicate() reads the pipe itself, not what readline() buffered.
        assert server.stdout.readline() == "Ctrl-C stops serving.\n"
        answer = requests.get(url, params={"verb": "Identify"}, timeout=10)
        assert answer.status_code == 200
        assert f"<baseURL>{url}</baseURL>" in answer.text
        server.send_signal(stop)
        stdout, stderr = server.communicate(timeout=30)
    finally:
        server.kill()
        server.wait()
    assert server.returncode == 0, stderr
    assert stdout == ""
    assert stderr == f"Stopped serving {url}\n"
    assert not (tmp_path / "ir-ingest.sqlite3").exists(), "nothing harvested, no store"


def test_demo_serve_on_a_port_and_its_refusals(tmp_path: Path) -> None:
    alone = runner.invoke(app, ["demo", "--port", "8080"])
    assert alone.exit_code == 2
    assert "'--port': needs --serve" in alone.output
    assert runner.invoke(app, ["demo", "--serve", "--port", "65536"]).exit_code == 2
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = runner.invoke(app, ["demo", "--serve", "--port", str(port)])
    assert busy.exit_code == 2, busy.output
    assert busy.output.startswith(f"error: cannot serve on 127.0.0.1:{port}: ")


def test_demo_end_to_end_as_a_console_script(tmp_path: Path) -> None:
    exe = shutil.which("ir-ingest", path=str(Path(sys.executable).parent))
    assert exe, "the console script is installed next to the interpreter"
    env = command_env()

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

    first = "36 records: 31 created, 0 updated, 0 unchanged, 0 deleted, 4 deleted at the source "
    shown = run("demo")
    assert first + "but never held (tombstone kept), 1 invalid" in shown
    assert shown.rstrip().endswith("Next: ir-ingest export --format jsonl")
    assert (tmp_path / "ir-ingest.sqlite3").exists()
    report = tmp_path / "ir-ingest-report" / "run-1.html"
    assert report.exists()
    assert "Harvest run 1" in report.read_text()
    assert "36 unchanged" in run("demo")
    assert len(run("export", "--format", "jsonl").splitlines()) == 36
    # Its hint runs as printed, with the store it was given.
    hint = run("--db", "sqlite:///other store.sqlite3", "demo").rstrip().rpartition("Next: ")[2]
    assert hint == "ir-ingest --db 'sqlite:///other store.sqlite3' export --format jsonl"
    assert len(run(*shlex.split(hint)[1:]).splitlines()) == 36
    assert run("-h") == run("--help")
    assert "Example:" in run("export", "-h")


def test_a_report_dir_that_cannot_be_written_is_refused_before_the_harvest(tmp_path: Path) -> None:
    # The demo had harvested every record into the store, then failed (exit 1) writing the
    # report.  /proc refuses root too, whom permission bits do not stop.
    db = tmp_path / "demo.sqlite3"
    result = runner.invoke(app, ["--db", f"sqlite:///{db}", "demo", "--report-dir", "/proc/x"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --report-dir /proc/x: cannot be made or written to")
    assert not db.exists(), "refused before the store was opened"


def test_a_report_dir_beside_serve_is_refused(tmp_path: Path) -> None:
    # It had been taken and ignored: the endpoint served until stopped, and wrote no report.
    with _serve_demo(tmp_path, "--report-dir", "reports") as server:
        try:
            _, said = server.communicate(timeout=30)
        finally:
            server.kill()
    assert (server.returncode, said) == (
        2,
        "error: Invalid value for '--report-dir': goes without --serve, which harvests nothing "
        "and writes no report\n",
    )
