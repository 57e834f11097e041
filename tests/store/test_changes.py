"""What a new version changed: field by field against the stored version it replaces."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ir_ingest.entry import HarvestedRecord, Outcome
from ir_ingest.pipeline import process
from ir_ingest.store.changes import changed_fields

if TYPE_CHECKING:
    from ir_ingest.store import Store

SOURCE = {"repository": "urn:r", "oai_identifier": "oai:r:1", "datestamp": "2024-01-01"}


def test_fields_that_differ_are_named_sorted() -> None:
    old = {"id": "x", "source": SOURCE, "title": {"value": "Eels"}, "subjects": [{"value": "a"}]}
    new = {"id": "x", "source": SOURCE, "title": {"value": "Eels!"}, "extra": {"p": ["q"]}}
    assert changed_fields(old, new) == ["extra", "subjects", "title"]


def test_provenance_that_changes_with_every_harvest_is_not_a_change() -> None:
    old = {"id": "x", "source": {**SOURCE, "raw_sha256": "a", "crosswalk": "oai_dc"}}
    new = {"id": "x", "source": {**SOURCE, "datestamp": "2025-01-01", "raw_sha256": "b"}}
    assert changed_fields(old, new) == []
    gone = {"id": "x", "source": {**SOURCE, "deleted": True}}
    assert changed_fields(old, gone) == ["source"]


def _raw(title: str, creator: str = "Doe, J.") -> bytes:
    return (
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title>'
        f"<dc:creator>{creator}</dc:creator></oai_dc:dc>"
    ).encode()


def test_the_store_names_what_an_updated_record_changed(store: Store) -> None:
    first = process(HarvestedRecord("urn:r", "oai:r:1", "2024-01-01", "oai_dc", _raw("Eels")))
    store.save_page(None, [first], None)
    assert (first.outcome, first.changed_fields) == (Outcome.CREATED, [])

    again = HarvestedRecord("urn:r", "oai:r:1", "2024-02-01", "oai_dc", _raw("Eels"))
    unchanged = process(again)
    changed = process(
        HarvestedRecord("urn:r", "oai:r:1", "2024-03-01", "oai_dc", _raw("Eels", "Roe, K."))
    )
    store.save_page(None, [unchanged], None)
    store.save_page(None, [changed], None)

    assert (unchanged.outcome, unchanged.changed_fields) == (Outcome.UNCHANGED, [])
    assert (changed.outcome, changed.changed_fields) == (Outcome.UPDATED, ["creators"])
