"""The content hash a page write stores: the same value for the same content, in every version."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ir_ingest.entry import Outcome
from ir_ingest.schema import Agent, Record, Source, Text
from ir_ingest.store.changes import comparable, note_changes
from ir_ingest.store.pagewrite import content_hash
from tests.store.test_store import _entry

if TYPE_CHECKING:
    from ir_ingest.store import Store


def _hash_as_first_defined(record: Record) -> str:
    """The hash stores hold: of the JSON of the record's data without volatile provenance."""
    return hashlib.sha256(msgspec.json.encode(comparable(record.to_dict()))).hexdigest()


@settings(max_examples=100)
@given(st.from_type(Record))
def test_the_content_hash_is_the_one_stores_hold(record: Record) -> None:
    # A different value for the same content would make every stored record "updated" once.
    assert content_hash(record) == _hash_as_first_defined(record)


def test_the_content_hash_leaves_out_what_changes_without_the_content() -> None:
    source = Source(
        repository="urn:r",
        oai_identifier="oai:r:1",
        datestamp="2024-01-01",
        metadata_prefix="oai_dc",
        set_specs=["s"],
        raw_sha256="ab",
        crosswalk="dc",
    )
    record = Record(
        id="x",
        source=source,
        title=Text(value="Eels", lang="eng"),
        creators=[Agent(name="Roe, K.")],
        extra={"dc:x": ["y"]},
    )
    # The value earlier versions computed, and stored, for this record.
    assert content_hash(record) == (
        "d9f4d10ad0bcec25b2ae096abb9eaa3b9c3716c3a3f7c1e5b7b1eef2a6099c6a"
    )
    again = msgspec.structs.replace(source, datestamp="2025-01-01", raw_sha256="cd", crosswalk=None)
    assert content_hash(msgspec.structs.replace(record, source=again)) == content_hash(record)


#: More records than a statement may have parameters on PostgreSQL (psycopg sends at most
#: 65,535; SQLite builds allow 32,766 or, as Debian's, 250,000).
MORE_THAN_PARAMETERS = 65_536


@pytest.mark.parametrize("any_db_url", ["postgres"], indirect=True)
def test_a_page_of_more_records_than_a_statement_takes_parameters(any_store: Store) -> None:
    # `import` stores a whole document as one page: a collection of some 65,000 records (a
    # repository's MODS export, within the 64 MB limit) had failed on PostgreSQL with "number
    # of parameters must be between 0 and 65535", its records read in one IN list.
    page = [_entry(f"oai:{n}") for n in range(MORE_THAN_PARAMETERS)]
    any_store.save_page(None, page, None)
    assert {entry.outcome for entry in page} == {Outcome.CREATED}
    assert any_store.counts()["versions"] == MORE_THAN_PARAMETERS
    # What their next versions changed is read as one IN list too (here of records the
    # store does not hold: the same statement, without writing 65,536 versions again).
    updated = {f"id-{n}": entry for n, entry in enumerate(page)}
    with any_store.engine.begin() as conn:
        note_changes(conn, updated)
    assert all(entry.changed_fields == [] for entry in page)
