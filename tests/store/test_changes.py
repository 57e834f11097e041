"""What a new version changed: field by field against the stored version it replaces."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ir_ingest.entry import HarvestedRecord, Outcome
from ir_ingest.pipeline import process
from ir_ingest.report.model import RunReport
from ir_ingest.report.render import to_html, to_text
from ir_ingest.store.changes import ABSENT, SHOWN_CHARACTERS, changed_fields, shown_change

if TYPE_CHECKING:
    from ir_ingest.store import Store

KEY = ("urn:r", "oai:r:1")
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
    before, after = changed.changed_values["creators"]
    assert before.startswith('[{"name":"Doe, J."')
    assert after.startswith('[{"name":"Roe, K."')


def test_a_change_is_shown_before_and_after_shortened() -> None:
    old = {"title": {"value": "Eels", "lang": "eng"}, "subjects": [{"value": "a"}]}
    new = {"title": {"value": "Eels and eelgrass"}, "abstracts": [{"value": "x" * 200}]}
    assert shown_change(old, new, "title") == ("Eels", "Eels and eelgrass")
    assert shown_change(old, new, "subjects") == ('[{"value":"a"}]', ABSENT)
    gone, long = shown_change(old, new, "abstracts")
    assert gone == ABSENT
    assert len(long) == SHOWN_CHARACTERS
    assert long.endswith("x…")


def test_a_page_decided_again_keeps_nothing_of_the_try_before(store: Store) -> None:
    """A page retried after a write conflict decides its entries again: one updated on the
    first try and unchanged on the second must not be reported as changed (a review)."""
    first = HarvestedRecord(*KEY, "2024-01-01", "oai_dc", _raw("Eels"))
    store.save_page(None, [process(first)], None)
    entry = process(HarvestedRecord(*KEY, "2024-03-01", "oai_dc", _raw("Eels", "Roe, K.")))
    store.save_page(None, [entry], None)
    assert entry.changed_fields == ["creators"]
    store.save_page(None, [entry], None)  # as a retry would: the store holds it now

    assert (entry.outcome, entry.changed_fields) == (Outcome.UNCHANGED, [])
    report = RunReport("urn:r", "oai_dc")
    report.add([entry])
    assert (report.changes, report.changed_field_counts) == ([], {})


def test_a_new_version_stored_invalid_says_what_it_changed(store: Store) -> None:
    """A crosswalk change that breaks records is what a manager most needs to see."""
    first = HarvestedRecord(*KEY, "2024-01-01", "oai_dc", _raw("Eels"))
    store.save_page(None, [process(first)], None)
    broken = process(HarvestedRecord(*KEY, "2024-03-01", "oai_dc", _raw("Eels", "")))
    store.save_page(None, [broken], None)

    assert (broken.outcome, broken.changed_fields) == (Outcome.INVALID, ["creators"])
    report = RunReport("urn:r", "oai_dc")
    report.add([broken])
    assert report.changed_field_counts == {"creators": 1}


def _deleted(datestamp: str) -> HarvestedRecord:
    return HarvestedRecord(*KEY, datestamp, "oai_dc", b"", deleted=True)


def test_a_record_deleted_and_then_restored_is_restored_not_updated(store: Store) -> None:
    """It was "updated", with ``source`` among the fields it changed: the tombstone's flag."""
    first = HarvestedRecord(*KEY, "2024-01-01", "oai_dc", _raw("Eels"))
    store.save_page(None, [process(first)], None)
    deletion = process(_deleted("2024-02-01"))
    store.save_page(None, [deletion], None)
    assert deletion.outcome is Outcome.DELETED
    same = process(HarvestedRecord(*KEY, "2024-03-01", "oai_dc", _raw("Eels")))
    store.save_page(None, [same], None)
    assert (same.outcome, same.changed_fields) == (Outcome.RESTORED, [])

    # Deleted again, and back with another creator: restored, and that is what changed.
    store.save_page(None, [process(_deleted("2024-04-01"))], None)
    edited = process(HarvestedRecord(*KEY, "2024-05-01", "oai_dc", _raw("Eels", "Roe, K.")))
    store.save_page(None, [edited], None)
    assert (edited.outcome, edited.changed_fields) == (Outcome.RESTORED, ["creators"])
    assert edited.record is not None
    stored = store.get(edited.record.id)
    assert stored is not None
    assert not stored.source.deleted

    report = RunReport("urn:r", "oai_dc", run_id=7)
    report.add([same, edited])
    assert (report.counts["restored"], report.counts["updated"]) == (2, 0)
    assert report.changed_field_counts == {"creators": 1}
    assert report.restorations == [{"identifier": "oai:r:1", "title": "Eels"}] * 2
    text = to_text(report)
    assert "2 records: 0 created, 0 updated, 2 restored (deleted before), 0 unchanged" in text
    assert "Restored by the source (deleted before), live again:\n  oai:r:1 — Eels\n" in text
    assert "New versions changed: creators ×1" in text
    assert 'id="restorations"' in to_html(report)
