"""The record model: round trips, and the checked-in JSON Schema matches the model."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import msgspec
import pytest

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


def test_a_record_without_an_oai_header_says_no_datestamp() -> None:
    # A file import's record said "datestamp": "", a date of nothing; records stored so
    # before read as new ones are made.
    bare = Source(repository="urn:x", oai_identifier="urn:sha256:0", metadata_prefix="oai_dc")
    assert "datestamp" not in msgspec.to_builtins(bare)
    stored = msgspec.structs.replace(_chapter(), source=bare).to_dict()
    stored["source"]["datestamp"] = ""
    for read in (Record.from_dict(stored), Record.from_json(json.dumps(stored).encode())):
        assert read.source.datestamp is None
        assert "datestamp" not in read.to_dict()["source"]
    assert Source(**{**msgspec.to_builtins(bare), "datestamp": ""}).datestamp is None


def test_from_dict_refuses_unknown_fields_and_bad_enums() -> None:
    data = _chapter().to_dict()
    with pytest.raises(msgspec.ValidationError, match="unknown"):
        Record.from_dict({**data, "colour": "blue"})
    with pytest.raises(msgspec.ValidationError):
        Record.from_dict({**data, "publication_status": "in the post"})


def test_record_id_is_stable_and_source_specific() -> None:
    assert record_id("a", "oai:x:1") == record_id("a", "oai:x:1")
    assert record_id("a", "oai:x:1") != record_id("b", "oai:x:1")
    # Stored records are kept under their ids: the way an id is made never changes.
    assert record_id("https://repo.example/oai", "oai:repo:1") == (
        "664c334f-1045-55ac-91b6-0c66716a56b1"
    )


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
