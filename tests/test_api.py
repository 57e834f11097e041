"""The Python API of DESIGN.md: ``from ir_ingest import crosswalk, harvest``."""

from __future__ import annotations

from contextlib import closing

import ir_ingest.pipeline  # noqa: F401  (loads ir_ingest.crosswalk first, as any caller may)
from ir_ingest import crosswalk, harvest
from ir_ingest.schema import Record
from ir_ingest.store import Store
from tests.conftest import FIXTURES


def test_crosswalk_is_the_function_even_after_the_subpackage_is_imported() -> None:
    assert callable(crosswalk)
    record = crosswalk((FIXTURES / "records" / "mods" / "seed-chapter.xml").read_bytes())
    assert isinstance(record, Record)
    assert record.to_dict()["host"]["publisher"] == "Taylor & Francis Group"


def test_harvest_returns_the_run_report(oai_endpoint: str, tmp_path) -> None:
    db = f"sqlite:///{tmp_path / 'api.sqlite3'}"
    report = harvest(oai_endpoint, "oai_dc", db_url=db)
    assert report.status == "completed"
    assert report.total == 36
    with closing(Store(db)) as store:
        assert store.counts()["records"] == 36
