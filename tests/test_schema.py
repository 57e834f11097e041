"""The record model: round trips, and the checked-in JSON Schema matches the model."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import jsonschema
import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ir_ingest import schema
from ir_ingest.schema import (
    Agent,
    Host,
    HostIdentifier,
    Record,
    Source,
    Text,
    checked_in_schema,
    dump_schema,
    json_schema,
    record_id,
)

#: Any text UTF-8 can encode (a lone surrogate cannot be a string of the XML).
_TEXT = st.characters(exclude_categories=["Cs"])


def _chapter() -> Record:
    return Record(
        id=record_id("https://repo.example/oai", "oai:repo:1"),
        source=Source(
            repository="https://repo.example/oai",
            oai_identifier="oai:repo:1",
            datestamp="2024-03-05T09:12:44Z",
            metadata_prefix="mods",
        ),
        title=Text(value="Who is in the lead?", lang="eng"),
        creators=[Agent(family_name="Schlappa", given_name="Hans", role="aut")],
        host=Host(
            title="Co-production and co-creation",
            editors=[Agent(family_name="Brandsen", given_name="Taco", role="edt")],
            identifiers=[
                HostIdentifier(scheme="isbn", value="9781315204956", qualifier="electronic")
            ],
        ),
        peer_reviewed=True,
        publication_status="published",
        extra={"mods:note": ["8 downloads"]},
    )


def test_round_trip_through_dict_and_json() -> None:
    record = _chapter()
    assert Record.from_dict(record.to_dict()) == record
    assert Record.from_json(record.to_json()) == record


def test_to_dict_leaves_out_empty_fields() -> None:
    data = _chapter().to_dict()
    assert "abstracts" not in data
    assert "subtitle" not in data
    assert data["host"]["identifiers"] == [
        {"scheme": "isbn", "value": "9781315204956", "qualifier": "electronic"}
    ]


def test_from_dict_refuses_unknown_fields_and_bad_enums() -> None:
    data = _chapter().to_dict()
    with pytest.raises(msgspec.ValidationError, match="unknown"):
        Record.from_dict({**data, "colour": "blue"})
    with pytest.raises(msgspec.ValidationError):
        Record.from_dict({**data, "publication_status": "in the post"})


@settings(max_examples=300)
@given(st.text(alphabet=_TEXT), st.text(alphabet=_TEXT))
def test_record_id_is_the_uuid5_of_repository_and_identifier(
    repository: str, identifier: str
) -> None:
    """Ids already stored must never change: the id written out is uuid5's."""
    record_id.cache_clear()
    expected = uuid.uuid5(schema.RECORD_ID_NAMESPACE, f"{repository}\n{identifier}")
    assert record_id(repository, identifier) == str(expected)


def test_record_id_is_stable_and_source_specific() -> None:
    assert record_id("a", "oai:x:1") == record_id("a", "oai:x:1")
    assert record_id("a", "oai:x:1") != record_id("b", "oai:x:1")


def test_checked_in_schema_matches_the_model() -> None:
    # After a deliberate change to the model, IR_INGEST_UPDATE_GOLDEN=1 writes it anew.
    if os.environ.get("IR_INGEST_UPDATE_GOLDEN"):
        Path(schema.__file__).with_name("record.schema.json").write_text(dump_schema(), "utf-8")
    assert checked_in_schema() == json.loads(dump_schema())


def test_schema_accepts_a_record_and_rejects_a_broken_one() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(_chapter().to_dict())) == []
    broken = _chapter().to_dict()
    broken["peer_reviewed"] = "yes"
    assert list(validator.iter_errors(broken))


def test_schema_covers_every_field_of_the_design_table() -> None:
    fields = set(json_schema()["$defs"]["Record"]["properties"])
    design = {
        "id",
        "source",
        "resource_type",
        "title",
        "subtitle",
        "additional_titles",
        "creators",
        "contributors",
        "abstracts",
        "descriptions",
        "notes",
        "publication_date",
        "dates",
        "publication_status",
        "peer_reviewed",
        "languages",
        "subjects",
        "publisher",
        "place_of_publication",
        "edition",
        "extent",
        "identifiers",
        "host",
        "series",
        "conference",
        "related",
        "funding",
        "access_right",
        "embargo_end",
        "licenses",
        "rights_statements",
        "version_type",
        "files",
        "source_stats",
        "extra",
    }
    assert design <= fields
    host = set(json_schema()["$defs"]["Host"]["properties"])
    assert {
        "editors",
        "identifiers",
        "publisher",
        "place",
        "volume",
        "issue",
        "pages",
        "series",
    } <= host
