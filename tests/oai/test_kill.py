"""A harvest killed with SIGKILL at several points and started again loses and repeats nothing."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ir_ingest.oai.provider import serve_in_background
from ir_ingest.store import Store, source_key
from tests.conftest import command_env, ctrl_c_at_default
from tests.oai.faults import (
    FaultPlan,
    assert_every_record_once,
    faulty_endpoint,
    synthetic_records,
)

if TYPE_CHECKING:
    from ir_ingest.oai.provider import ProvidedRecord

#: Pages committed (over the whole interrupted harvest) before each kill.
KILL_AFTER_PAGES = (2, 5, 9, 10)


def _ir_ingest(db: str) -> list[str]:
    """``ir-ingest --db DB``, the console script installed next to this interpreter."""
    exe = shutil.which("ir-ingest", path=str(Path(sys.executable).parent))
    assert exe, "the console script is installed next to the interpreter"
    return [exe, "--db", db]


def _harvest_command(db: str, url: str, *options: str) -> list[str]:
    return [*_ir_ingest(db), "harvest", url, "--prefix", "oai_dc", *options]


def _report(db: str, cwd: Path, env: dict[str, str], *arguments: str) -> str:
    """What ``ir-ingest report ARGUMENTS`` prints about the store ``db``."""
    command = [*_ir_ingest(db), "report", *arguments]
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux: /proc/PID/stat's fourth field)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _ended(pid: int) -> bool:
    """Whether ``pid`` has exited (a zombie nobody reaped has exited too)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def _wait_for_pages(store: Store, key: str, pages: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        checkpoint = store.checkpoint(key)
        if checkpoint is not None and checkpoint.pages >= pages:
            return
        assert process.poll() is None, "the harvest ended before it could be killed"
        time.sleep(0.01)
    raise AssertionError(f"no checkpoint of {pages} pages within 60 s")


@pytest.mark.parametrize(
    "options", [(), ("--crosswalk-process",)], ids=["one process", "crosswalk process"]
)
def test_a_harvest_killed_at_several_points_resumes_without_loss_or_duplicates(
    tmp_path: Path, options: tuple[str, ...]
) -> None:
    # 30 pages: a run commits the pages it processed while the SIGKILL was on its way (a
    # few, each as soon as it is crosswalked), and one continuing a run that stored 13 of 15
    # pages had ended, its crosswalk process with it, before it could be looked at.
    records: list[ProvidedRecord] = synthetic_records(300)
    plan = FaultPlan(batch_size=10, latency=0.05)
    db = f"sqlite:///{tmp_path / 'killed.sqlite3'}"
    env = command_env()
    store = Store(db)
    with serve_in_background(faulty_endpoint(records, plan)) as url:
        key = source_key(url, "oai_dc", None)
        for pages in KILL_AFTER_PAGES:
            # A page of its own at least: on a loaded machine one harvest stored past the next
            # kill point before its SIGKILL came, and the next was killed before its run began.
            stored = store.checkpoint(key)
            kill_after = max(pages, (stored.pages if stored else 0) + 1)
            process = subprocess.Popen(
                _harvest_command(db, url, *options),
                cwd=tmp_path,
                env=env,
                stdout=subprocess.DEVNULL,
            )
            _wait_for_pages(store, key, kill_after, process)
            children = _children(process.pid)
            assert len(children) == len(options), "a crosswalk process is the harvest's one child"
            process.send_signal(signal.SIGKILL)
            assert process.wait(timeout=10) == -signal.SIGKILL
            deadline = time.monotonic() + 30
            while not all(map(_ended, children)) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert all(map(_ended, children)), "the crosswalk process ends with its harvest"
        subprocess.run(
            _harvest_command(db, url, *options),
            cwd=tmp_path,
            env=env,
            check=True,
            capture_output=True,
        )

    assert_every_record_once(store, records)
    last = store.run_report()
    assert last is not None
    assert last["status"] == "completed"
    assert last["resumed_run_id"] is not None
    killed = range(last["run_id"] - len(KILL_AFTER_PAGES), last["run_id"])
    assert [store.run_status(run_id) for run_id in killed] == [
        (
            "failed",
            f"stopped without finishing (killed, or its machine went down); run {n + 1} "
            "continued it",
        )
        for n in killed
    ], "each killed run says so, and which run continued it"
    # A report is kept after a run's first page: a run killed right after committing its
    # first page may have none yet (the kill can land between the two writes).
    kept = {run_id: store.run_report(run_id) for run_id in killed}
    assert kept[killed[0]] is not None, "the first run stored two pages before its kill"
    assert all(sum(report["counts"].values()) > 0 for report in kept.values() if report), (
        "each killed run's kept report counts records it stored"
    )
    shown = _report(db, tmp_path, env, str(killed[0]))
    assert shown.startswith(f"Run {killed[0]} failed: ")
    assert f"run {killed[0] + 1} continued it" in shown
    assert len([q for q in plan.queries() if "resumptionToken" not in q]) == 1, (
        "only the very first run started from the first page"
    )
    store.close()


@pytest.mark.parametrize(
    ("sent", "status", "said", "error"),
    [
        (signal.SIGINT, 130, b"interrupted", "interrupted (Ctrl-C)"),
        # systemd stopping a service, a job runner's timeout: once left the run "running".
        (signal.SIGTERM, 143, rb"stopped \(SIGTERM\)", "stopped (SIGTERM)"),
    ],
)
@pytest.mark.parametrize(
    "options", [(), ("--crosswalk-process",)], ids=["one process", "crosswalk process"]
)
def test_ctrl_c_says_how_to_go_on_and_the_same_command_does(
    tmp_path: Path,
    sent: signal.Signals,
    status: int,
    said: bytes,
    error: str,
    options: tuple[str, ...],
) -> None:
    records: list[ProvidedRecord] = synthetic_records(100)
    db = f"sqlite:///{tmp_path / 'interrupted.sqlite3'}"
    env = command_env()
    store = Store(db)
    plan = FaultPlan(batch_size=10, latency=0.05)
    with serve_in_background(faulty_endpoint(records, plan)) as url:
        process = subprocess.Popen(
            _harvest_command(db, url, *options),
            cwd=tmp_path,
            env=env,
            stderr=subprocess.PIPE,
            preexec_fn=ctrl_c_at_default,
        )
        _wait_for_pages(store, source_key(url, "oai_dc", None), 3, process)
        children = _children(process.pid)
        assert len(children) == len(options)
        process.send_signal(sent)
        _, stderr = process.communicate(timeout=30)
        assert process.returncode == status
        assert all(map(_ended, children)), "the harvest ended its crosswalk process"
        # What the run had stored, and how to go on.
        going_on = rb": run 1 stored \d+ records \(\d+ pages\); the same command continues"
        assert re.search(said + going_on, stderr), stderr
        assert b"Traceback" not in stderr
        shown = store.run_shown()
        assert shown is not None
        assert (shown.status, shown.error) == ("failed", error)
        subprocess.run(
            _harvest_command(db, url), cwd=tmp_path, env=env, check=True, capture_output=True
        )
    assert_every_record_once(store, records)
    store.close()


def _holds(pid: int, link: str) -> bool:
    """Whether process ``pid`` has a file descriptor open on ``link`` (``pipe:[inode]``)."""
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd) == link:
                return True
        except OSError:  # closed meanwhile
            continue
    return False


@pytest.mark.parametrize(
    "sent", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C twice", "SIGTERM twice"]
)
def test_a_second_signal_during_the_stop_ends_the_harvest_at_once(
    tmp_path: Path, sent: signal.Signals
) -> None:
    records: list[ProvidedRecord] = synthetic_records(100)
    db = f"sqlite:///{tmp_path / 'twice.sqlite3'}"
    env = command_env()
    store = Store(db)
    plan = FaultPlan(batch_size=10, latency=0.05)
    with serve_in_background(faulty_endpoint(records, plan)) as url:
        process = subprocess.Popen(
            _harvest_command(db, url, "--crosswalk-process"),
            cwd=tmp_path,
            env=env,
            stderr=subprocess.PIPE,
            preexec_fn=ctrl_c_at_default,
        )
        _wait_for_pages(store, source_key(url, "oai_dc", None), 3, process)
        (child,) = _children(process.pid)
        # A crosswalk process that does not answer (busy with a huge page): the stop the first
        # signal starts closes its input, then waits for it to end (up to 5 s).
        os.kill(child, signal.SIGSTOP)
        to_child = os.readlink(f"/proc/{child}/fd/0")
        process.send_signal(sent)
        deadline = time.monotonic() + 30
        while _holds(process.pid, to_child) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not _holds(process.pid, to_child), "the stop closed the crosswalk process's input"
        assert process.poll() is None, "the stop waits for the crosswalk process"
        process.send_signal(sent)
        process.wait(timeout=30)
        # It reads the end of its input and leaves; or it is gone already: on a loaded machine
        # the second signal can come after the stop's wait (_EXIT_WAIT), which then kills it.
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGCONT)
        assert process.stderr is not None
        stderr = process.stderr.read()  # to its end: the child has the pipe too
        process.stderr.close()

        assert process.returncode == 128 + sent
        name = b"Ctrl-C" if sent == signal.SIGINT else b"SIGTERM"
        # Among the lines: the crosswalk process, resumed, writes to the same stderr.
        assert (
            b"stopped at once (" + name + b" again): what was not stored is rolled back; "
            b"the same command continues from the last page stored"
        ) in stderr.splitlines(), stderr
        assert b"Traceback" not in stderr
        # Left "running" in the store, as kill -9 leaves it; shown as failed, its process gone.
        assert store.run_status(1) == ("running", None)
        listed = _report(db, tmp_path, env, "--list").splitlines()
        assert listed[1].split()[:2] == ["1", "failed"]
        assert listed[2].strip().startswith("no process holds its source: stopped without")
        subprocess.run(
            _harvest_command(db, url), cwd=tmp_path, env=env, check=True, capture_output=True
        )
    assert_every_record_once(store, records)
    assert store.run_status(1) == (
        "failed",
        "stopped without finishing (killed, or its machine went down); run 2 continued it",
    )
    store.close()


def test_a_killed_run_s_counts_are_those_of_the_pages_it_stored(tmp_path: Path) -> None:
    # Its report is kept every few seconds; its counts are committed with each page, so the
    # records `report --list` counts for it are those stored, however soon after a page it died.
    records: list[ProvidedRecord] = synthetic_records(150)
    plan = FaultPlan(batch_size=10, latency=0.05)
    db = f"sqlite:///{tmp_path / 'killed.sqlite3'}"
    env = command_env()
    store = Store(db)
    with serve_in_background(faulty_endpoint(records, plan)) as url:
        process = subprocess.Popen(
            _harvest_command(db, url), cwd=tmp_path, env=env, stdout=subprocess.DEVNULL
        )
        _wait_for_pages(store, source_key(url, "oai_dc", None), 5, process)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=10) == -signal.SIGKILL
    stored = store.counts()["records"]
    assert stored >= 50, "five pages of ten records at least"
    (killed,) = store.list_runs(5)
    assert killed.records == stored
    listed = _report(db, tmp_path, env, "--list").splitlines()
    assert listed[1].split()[:2] == [str(killed.id), "failed"], "killed: no process holds it"
    assert f"  {stored}  " in listed[1]
    shown = _report(db, tmp_path, env, str(killed.id), "--format", "json")
    assert json.loads(shown)["counts"]["created"] == stored, "its report counts them too"
    store.close()


def test_a_run_killed_before_its_first_page_is_continued_from_the_harvests_last_page(
    tmp_path: Path,
) -> None:
    # The continuing run is killed while its first request is still unanswered: it had no
    # checkpoint of its own, and the next run began the harvest again from its first page.
    records: list[ProvidedRecord] = synthetic_records(60)
    plan = FaultPlan(batch_size=10, latency=0.05, slow_seconds=3)
    db = f"sqlite:///{tmp_path / 'killed.sqlite3'}"
    env = command_env()
    store = Store(db)
    with serve_in_background(faulty_endpoint(records, plan)) as url:
        key = source_key(url, "oai_dc", None)
        first = subprocess.Popen(_harvest_command(db, url), cwd=tmp_path, env=env)
        _wait_for_pages(store, key, 2, first)
        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=10) == -signal.SIGKILL
        stored = store.checkpoint(key)
        assert stored is not None
        plan.faults[stored.pages] = ["slow"]  # the page the continuing run asks for first
        second = subprocess.Popen(_harvest_command(db, url), cwd=tmp_path, env=env)
        deadline = time.monotonic() + 30
        while "slow" not in [fault for _, _, fault in plan.seen]:
            assert time.monotonic() < deadline, "the continuing run asked for its page"
            assert second.poll() is None
            time.sleep(0.01)
        second.send_signal(signal.SIGKILL)
        assert second.wait(timeout=10) == -signal.SIGKILL
        subprocess.run(_harvest_command(db, url), cwd=tmp_path, env=env, check=True)

    assert_every_record_once(store, records)
    last = store.run_report()
    assert last is not None
    assert (last["status"], last["resumed_run_id"]) == ("completed", last["run_id"] - 1)
    assert len([q for q in plan.queries() if "resumptionToken" not in q]) == 1, (
        "only the first run started from the first page"
    )
    store.close()
