"""The crosswalk process: what it makes is what this process makes, and it fails clearly."""

from __future__ import annotations

import contextlib
import csv
import os
import signal
import subprocess
import sys
import time
from copy import deepcopy
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from lxml import etree

from ir_ingest.crosswalk.lookups import add_lookup_dir, lookup_dirs
from ir_ingest.documents import read_file
from ir_ingest.entry import Entry, HarvestedRecord, Issue, Severity
from ir_ingest.errors import ConfigError, HarvestError, IngestError
from ir_ingest.oai.pages import read_page
from ir_ingest.oai.responses import Page
from ir_ingest.pipeline import process
from ir_ingest.resources import bundled
from ir_ingest.worker import CrosswalkWorker
from ir_ingest.xmlsafe import OAI_NS
from tests.conftest import FIXTURES, misspelt_crosswalk
from tests.oai.test_kill import _ended

if TYPE_CHECKING:
    from ir_ingest.oai.provider import ProvidedRecord


def _record(record: ProvidedRecord) -> etree._Element:
    """A demo record as an OAI-PMH ``<record>`` element (§2.5)."""
    element = etree.Element(f"{{{OAI_NS}}}record")
    header = etree.SubElement(element, f"{{{OAI_NS}}}header")
    if record.deleted:
        header.set("status", "deleted")
    etree.SubElement(header, f"{{{OAI_NS}}}identifier").text = record.identifier
    stamp = record.datestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    etree.SubElement(header, f"{{{OAI_NS}}}datestamp").text = stamp
    if record.metadata is not None:
        etree.SubElement(element, f"{{{OAI_NS}}}metadata").append(deepcopy(record.metadata))
    return element


def _as_harvested(record: ProvidedRecord) -> HarvestedRecord:
    """A demo record as a harvest hands it on: its ``<record>`` element's bytes."""
    return HarvestedRecord(
        "urn:test",
        record.identifier,
        record.datestamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        record.prefix,
        etree.tostring(_record(record)),
        deleted=record.deleted,
    )


def _read_page(demo_records: list[ProvidedRecord]) -> Page:
    """A page whose records were read already, as a salvaged page's are: every kind of
    record: the demo's (deleted and invalid ones too), each golden fixture (MODS, qualified
    DC), one that is not XML, and one with an issue from reading the page."""
    records = [_as_harvested(r) for r in demo_records]
    for path in sorted((FIXTURES / "records").glob("*/*.xml")):
        with contextlib.suppress(IngestError):  # the fixtures of files import refuses
            records += [replace(h, tree=None) for h in read_file(path)]
    records.append(replace(records[0], identifier="oai:broken:1", raw=b"<record><unclosed>"))
    repaired = Issue("xml.illegal_characters", "2 characters removed", Severity.WARNING, "x")
    return Page(records, None, issues_by_identifier={records[1].identifier: [repaired]})


def _unread_page(demo_records: list[ProvidedRecord]) -> Page:
    """A ListRecords response as the fetching thread leaves it: unread."""
    root = etree.Element(f"{{{OAI_NS}}}OAI-PMH")
    listed = etree.SubElement(root, f"{{{OAI_NS}}}ListRecords")
    listed.extend(_record(r) for r in demo_records)
    return Page([], None, body=etree.tostring(root), unread=("urn:test", "oai_dc"))


def _here(page: Page, crosswalk: str | None = None) -> list[Entry]:
    """What this process makes of a page."""
    read_page(page)
    records = [replace(h, crosswalk=crosswalk) if crosswalk else h for h in page.records]
    return [process(h, page.issues_by_identifier.get(h.identifier, [])) for h in records]


def _there(worker: CrosswalkWorker, page: Page, crosswalk: str | None = None) -> list[Entry]:
    worker.send(page, crosswalk)
    return worker.receive()


def _same(there: list[Entry], here: list[Entry]) -> None:
    """The entries the crosswalk process made are this process's, but for their lineage."""
    assert len(there) == len(here)
    for one, other in zip(there, here, strict=True):
        assert one.harvested == other.harvested
        assert one.record == other.record
        assert one.issues == other.issues
        assert one.lineage == {}, "a harvest keeps no lineage: none is sent"


def test_the_crosswalk_process_makes_the_entries_this_process_makes(
    demo_records: list[ProvidedRecord],
) -> None:
    with CrosswalkWorker((), ()) as worker:
        worker.wait_ready()
        worker.send(_unread_page(demo_records))
        worker.send(_read_page(demo_records))
        in_flight = [worker.in_flight]
        unread = worker.receive()
        read = worker.receive()
        in_flight.append(worker.in_flight)
        other = _there(worker, _unread_page(demo_records[:3]), "qdc")
    assert in_flight == [2, 0], "pages are answered in the order they were sent"
    _same(unread, _here(_unread_page(demo_records)))
    _same(read, _here(_read_page(demo_records)))
    assert len(unread) == len(demo_records)
    assert len(read) > 50
    kinds = {(e.record is None, e.harvested.deleted, e.has_errors) for e in read}
    assert kinds == {
        (False, False, False),  # valid
        (False, False, True),  # stored invalid
        (True, True, False),  # deleted
        (True, False, True),  # not read
    }, "every kind of entry crossed the pipe"
    _same(other, _here(_unread_page(demo_records[:3]), "qdc"))
    assert "the crosswalk 'qdc' does not read oai_dc" in other[0].issues[0].message, (
        "read with the one asked for"
    )


def test_a_broken_user_crosswalk_fails_the_run_from_the_crosswalk_process(
    tmp_path: Path, demo_records: list[ProvidedRecord], isolated_crosswalks: None
) -> None:
    folder = tmp_path / "mine"
    misspelt_crosswalk(folder)
    with CrosswalkWorker((folder,), ()) as worker:
        worker.wait_ready()
        worker.send(_unread_page(demo_records[:1]))
        with pytest.raises(
            ConfigError, match=r"mine/oai_dc.yaml rule 1: host has no field 'titel'"
        ):
            worker.receive()
        # The process lives on: the run decides what to do.
        worker.send(_unread_page(demo_records[:1]))
        with pytest.raises(ConfigError):
            worker.receive()


def _relabelled_types(folder: Path, mark: str) -> None:
    """A table of resource types of one's own: the shipped one, its labels marked."""
    shipped = bundled("crosswalks") / "lookups" / "resource_types.csv"
    with shipped.open(encoding="utf-8", newline="") as table:
        rows = list(csv.DictReader(table))
    folder.mkdir()
    with (folder / "resource_types.csv").open("w", encoding="utf-8", newline="") as table:
        writer = csv.DictWriter(table, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**row, "label": f"{mark}: {row['label']}"} for row in rows)


@pytest.mark.usefixtures("isolated_crosswalks")
def test_the_crosswalk_process_searches_the_user_s_folders_in_this_process_s_order(
    tmp_path: Path, demo_records: list[ProvidedRecord]
) -> None:
    for mark in ("added first", "added last"):
        _relabelled_types(tmp_path / mark, mark)
        add_lookup_dir(tmp_path / mark)
    with CrosswalkWorker((), lookup_dirs()) as worker:
        worker.wait_ready()
        there = _there(worker, _unread_page(demo_records))
    _same(there, _here(_unread_page(demo_records)))
    labels = {e.record.resource_type.label for e in there if e.record and e.record.resource_type}
    assert labels
    assert all(str(label).startswith("added last: ") for label in labels)


#: What a harvest hears of a crosswalk process killed under it.
_KILLED = r"^the crosswalk process ended unexpectedly \(killed by SIGKILL\); "


def test_a_crosswalk_process_that_dies_is_a_harvest_error(
    demo_records: list[ProvidedRecord],
) -> None:
    with CrosswalkWorker((), ()) as worker:
        worker.wait_ready()
        os.kill(worker.pid, signal.SIGKILL)
        with contextlib.suppress(HarvestError):  # a pipe's buffer may still take the page
            worker.send(_unread_page(demo_records[:1]))
        with pytest.raises(HarvestError, match=_KILLED):
            worker.receive()


def test_a_page_sent_to_a_crosswalk_process_that_has_gone_is_a_harvest_error(
    demo_records: list[ProvidedRecord],
) -> None:
    with CrosswalkWorker((), ()) as worker:
        worker.wait_ready()
        os.kill(worker.pid, signal.SIGKILL)
        # Until it, every thread of it, has exited (and left its end of the pipe), not reaped.
        os.waitid(os.P_PID, worker.pid, os.WEXITED | os.WNOWAIT)
        with pytest.raises(HarvestError, match=_KILLED):
            worker.send(_unread_page(demo_records[:1]))
        with pytest.raises(HarvestError, match=_KILLED):
            worker.receive()  # said again, not waited for


def test_a_crosswalk_process_whose_answers_cannot_be_read_is_a_harvest_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Something written to its stdout, the pipe, before the child's own code runs.
    (tmp_path / "sitecustomize.py").write_text("import os\nos.write(1, b'Welcome!')\n")
    monkeypatch.syspath_prepend(tmp_path)
    with CrosswalkWorker((), ()) as worker:
        for _ in range(2):  # said again, not waited for
            with pytest.raises(HarvestError, match="sent an answer that cannot be read"):
                worker.wait_ready()
    assert worker.exit_code is not None, "it has ended"


def test_a_crosswalk_process_that_cannot_start_is_a_harvest_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python-removed-meanwhile"))
    with pytest.raises(HarvestError, match="cannot start the crosswalk process"):
        CrosswalkWorker((), ())


@pytest.mark.skipif(not Path("/proc/sys/fs/pipe-max-size").exists(), reason="needs Linux pipes")
def test_the_crosswalk_process_s_pipes_hold_a_whole_answer() -> None:
    if int(Path("/proc/sys/fs/pipe-max-size").read_text()) < 1 << 20:
        pytest.skip("this system's pipe-max-size is below 1 MiB")
    import fcntl

    def pipes(pid: int | str) -> dict[str, Path]:
        found = {}
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):  # closed meanwhile
                if (target := os.readlink(fd)).startswith("pipe:"):
                    found[target] = fd
        return found

    with CrosswalkWorker((), ()) as worker:
        worker.wait_ready()
        # The pipes between the two: the ones both processes hold an end of.
        shared = pipes(worker.pid).keys() & pipes("self").keys()
        assert len(shared) == 2
        for pipe in shared:
            with open(pipes("self")[pipe], "rb", buffering=0) as end:
                size = fcntl.fcntl(end.fileno(), fcntl.F_GETPIPE_SZ)
            assert size == 1 << 20, f"{pipe}: {size} bytes"


def test_a_crosswalk_process_is_not_waited_for_to_warm_up_when_it_is_closed() -> None:
    worker = CrosswalkWorker((), ())
    worker.close()  # at once: its imports take the best part of a second
    assert worker.exit_code == -signal.SIGTERM, "stopped, not waited for"


def test_the_crosswalk_process_runs_this_process_s_code_wherever_it_is_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_records: list[ProvidedRecord]
) -> None:
    # A folder of the user's own, with modules named as ours and the standard library's: a
    # child started with ``python -m`` put it first on its path and ran them.
    (tmp_path / "ir_ingest").mkdir()
    (tmp_path / "ir_ingest" / "__init__.py").write_text("raise SystemExit('not ours')\n")
    (tmp_path / "csv.py").write_text("raise SystemExit('not the standard one')\n")
    monkeypatch.chdir(tmp_path)
    with CrosswalkWorker((), ()) as worker:
        worker.wait_ready()
        _same(_there(worker, _unread_page(demo_records)), _here(_unread_page(demo_records)))


#: A harvest that hands its crosswalk process a page and is killed before the answer.
_KILLED_HARVEST = """
import os, signal, sys
from ir_ingest.oai.responses import Page
from ir_ingest.worker import CrosswalkWorker
worker = CrosswalkWorker((), ())
print(worker.pid, flush=True)
worker.wait_ready()
with open(sys.argv[1], "rb") as body:
    worker.send(Page([], None, body=body.read(), unread=("urn:test", "oai_dc")))
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_crosswalk_process_whose_harvest_was_killed_ends_without_a_word(
    tmp_path: Path, demo_records: list[ProvidedRecord]
) -> None:
    body = tmp_path / "page.xml"
    body.write_bytes(_unread_page(demo_records * 10).body)
    with (tmp_path / "stderr").open("w+b") as stderr:
        harvest = subprocess.Popen(
            [sys.executable, "-c", _KILLED_HARVEST, str(body)],
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
        out, _ = harvest.communicate(timeout=60)
        assert harvest.returncode == -signal.SIGKILL
        child = int(out)
        deadline = time.monotonic() + 30  # a bound on the wait, not a measure of it
        while not _ended(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _ended(child), "the crosswalk process ends once its harvest is killed"
        stderr.seek(0)
        said = stderr.read().decode()
    # It finished the page it had, found nobody to answer (EPIPE) and left: the terminal of
    # a killed harvest showed its BrokenPipeError traceback.
    assert said == ""
