"""Golden pairs: every fixture record crosswalks to exactly its reviewed expected JSON.

Inputs are ``fixtures/records/<format>/*.xml``; expected outputs are
``fixtures/records/<format>/expected/<name>.json`` (the record or records, and the issues).
After a deliberate change, regenerate with ``IR_INGEST_UPDATE_GOLDEN=1`` and review the diff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import jsonschema
import pytest

from ir_ingest.documents import read_file
from ir_ingest.pipeline import process
from ir_ingest.schema import checked_in_schema
from tests.conftest import FIXTURES
from tests.crosswalk.lineage import unexplained

if TYPE_CHECKING:
    from pathlib import Path

#: Fixtures that must fail; tests/crosswalk/test_errors.py checks how.
ERROR_FIXTURES = {"wrong-namespace.xml"}
INPUTS = sorted(
    path for path in (FIXTURES / "records").glob("*/*.xml") if path.name not in ERROR_FIXTURES
)
VALIDATOR = jsonschema.Draft202012Validator(checked_in_schema())


def _produce(path: Path) -> object:
    entries = [process(harvested) for harvested in read_file(path)]
    produced = [
        {
            "record": entry.record.to_dict() if entry.record else None,
            "issues": [issue.to_dict() for issue in entry.issues],
        }
        for entry in entries
    ]
    return produced[0] if len(produced) == 1 else produced


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden_pair(path: Path) -> None:
    produced = _produce(path)
    expected_path = path.parent / "expected" / f"{path.stem}.json"
    if os.environ.get("IR_INGEST_UPDATE_GOLDEN"):
        expected_path.parent.mkdir(exist_ok=True)
        text = json.dumps(produced, indent=2, ensure_ascii=False) + "\n"
        expected_path.write_text(text, "utf-8")
    assert produced == json.loads(expected_path.read_text("utf-8"))


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden_outputs_are_schema_valid(path: Path) -> None:
    produced = _produce(path)
    for item in produced if isinstance(produced, list) else [produced]:
        assert isinstance(item, dict)
        assert item["record"] is not None
        assert list(VALIDATOR.iter_errors(item["record"])) == []


def test_there_are_enough_golden_pairs() -> None:
    per_format = {
        fmt: sum(p.parent.name == fmt for p in INPUTS) for fmt in ("oai_dc", "mods", "qdc")
    }
    assert per_format["mods"] >= 20
    assert per_format["qdc"] >= 5
    assert per_format["oai_dc"] >= 2


_HASH_EVERY_RECORD = """
import sys
from pathlib import Path
from ir_ingest.pipeline import process
from ir_ingest.documents import read_file
from ir_ingest.store.pagewrite import content_hash
for path in sys.argv[1:]:
    for harvested in read_file(Path(path)):
        entry = process(harvested)
        print(path, content_hash(entry.record) if entry.record else "-")
"""


def test_records_hash_alike_in_every_process() -> None:
    # A record's content hash decides whether a harvest stores a new version; Python salts
    # string hashes per process, so anything built in set order would look changed each run.
    runs = [
        subprocess.run(
            [sys.executable, "-c", _HASH_EVERY_RECORD, *map(str, INPUTS)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1]
    assert runs[0].count("\n") >= len(INPUTS)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_golden_field_says_where_it_came_from(path: Path) -> None:
    # crosswalk --explain had said nothing of a contributor made creator, an issued date made
    # from the publication date, a citation's volume and pages, the default type 'other'.
    for entry in (process(harvested) for harvested in read_file(path)):
        if entry.record is not None:
            assert unexplained(entry.record.to_dict(), entry.lineage) == [], entry.lineage
