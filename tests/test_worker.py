"""The crosswalk process: what it makes is what this process makes, and it fails clearly."""

from __future__ import annotations

import contextlib
import os
import signal
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from lxml import etree

from ir_ingest.entry import Entry, HarvestedRecord, Issue, Severity
from ir_ingest.errors import ConfigError, HarvestError, IngestError
from ir_ingest.pipeline import process, read_file
from ir_ingest.worker import CrosswalkWorker
from ir_ingest.xmlsafe import OAI_NS
from tests.conftest import FIXTURES, misspelt_crosswalk

if TYPE_CHECKING:
    from pathlib import Path

    from ir_ingest.oai.provider import ProvidedRecord


def _as_harvested(record: ProvidedRecord) -> HarvestedRecord:
    """A demo record as a harvest hands it on: its ``<record>`` element's bytes."""
    element = etree.Element(f"{{{OAI_NS}}}record")
    if record.metadata is not None:
        etree.SubElement(element, f"{{{OAI_NS}}}metadata").append(record.metadata)
    return HarvestedRecord(
        "urn:test",
        record.identifier,
        record.datestamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        record.prefix,
        etree.tostring(element),
        deleted=record.deleted,
    )


def _records(demo_records: list[ProvidedRecord]) -> list[tuple[HarvestedRecord, list[Issue]]]:
    """Every kind of record: the demo's (deleted and invalid ones too), each golden fixture
    (MODS, qualified DC), one read with another crosswalk, one that is not XML, and one that
    carries an issue from an earlier stage."""
    records = [_as_harvested(r) for r in demo_records]
    for path in sorted((FIXTURES / "records").glob("*/*.xml")):
        with contextlib.suppress(IngestError):  # the fixtures of files import refuses
            records += [replace(h, tree=None) for h in read_file(path)]
    records.append(replace(records[0], identifier="oai:other:1", crosswalk="qdc"))
    records.append(replace(records[0], identifier="oai:broken:1", raw=b"<record><unclosed>"))
    repaired = Issue("xml.illegal_characters", "2 characters removed", Severity.WARNING, "x")
    return [(h, [repaired] if n == 1 else []) for n, h in enumerate(records)]


def _same(ours: Entry, theirs: Entry) -> None:
    assert ours.harvested == theirs.harvested
    assert ours.record == theirs.record
    assert ours.issues == theirs.issues
    assert ours.lineage == theirs.lineage


def test_the_crosswalk_process_makes_the_entries_this_process_makes(
    demo_records: list[ProvidedRecord],
) -> None:
    records = _records(demo_records)
    with CrosswalkWorker((), ()) as worker:
        worker.wait_ready()
        worker.send(records)
        busy = [worker.busy]
        entries = worker.receive()
        busy.append(worker.busy)
    assert busy == [True, False], "busy from send to receive"
    assert len(entries) == len(records) > 50
    for entry, (harvested, issues) in zip(entries, records, strict=True):
        _same(entry, process(harvested, issues))
    kinds = {(e.record is None, e.harvested.deleted, e.has_errors) for e in entries}
    assert kinds == {
        (False, False, False),  # valid
        (False, False, True),  # stored invalid
        (True, True, False),  # deleted
        (True, False, True),  # not read
    }, "every kind of entry crossed the pipe"
    assert "format 'qdc' expects" in entries[-2].issues[0].message, "read with the one asked for"


def test_a_broken_user_crosswalk_fails_the_run_from_the_crosswalk_process(
    tmp_path: Path, demo_records: list[ProvidedRecord], isolated_crosswalks: None
) -> None:
    folder = tmp_path / "mine"
    misspelt_crosswalk(folder)
    with CrosswalkWorker((folder,), ()) as worker:
        worker.wait_ready()
        worker.send([(_as_harvested(demo_records[0]), [])])
        with pytest.raises(
            ConfigError, match=r"mine/oai_dc.yaml rule 1: host has no field 'titel'"
        ):
            worker.receive()
        # The process lives on: the run decides what to do.
        worker.send([(_as_harvested(demo_records[0]), [])])
        with pytest.raises(ConfigError):
            worker.receive()


def test_a_crosswalk_process_that_dies_is_a_harvest_error(
    demo_records: list[ProvidedRecord],
) -> None:
    with CrosswalkWorker((), ()) as worker:
        worker.wait_ready()
        os.kill(worker.pid, signal.SIGKILL)
        died = r"crosswalk process ended unexpectedly \(exit code -9\)"
        with contextlib.suppress(HarvestError):  # a pipe's buffer may still take the page
            worker.send([(_as_harvested(demo_records[0]), [])])
        with pytest.raises(HarvestError, match=died):
            worker.receive()


def test_a_crosswalk_process_ends_when_its_input_does() -> None:
    worker = CrosswalkWorker((), ())
    worker.wait_ready()
    worker.close()
    assert worker.exit_code == 0, "it left its loop, not killed"
