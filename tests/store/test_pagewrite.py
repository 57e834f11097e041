"""The content hash a page write stores: the same value for the same content, in every version."""

from __future__ import annotations

import hashlib

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from ir_ingest.schema import Agent, Record, Source, Text
from ir_ingest.store.changes import comparable
from ir_ingest.store.pagewrite import content_hash


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
