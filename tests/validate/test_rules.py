"""Core validation rules and their stable codes."""

from __future__ import annotations

from ir_ingest.entry import Severity
from ir_ingest.schema import Agent, Record, Source, Text
from ir_ingest.validate import CODES, validate_record


def _record(**fields: object) -> Record:
    source = Source(repository="r", oai_identifier="i", datestamp="", metadata_prefix="oai_dc")
    return Record(id="x", source=source, **fields)  # type: ignore[arg-type]


def test_a_complete_record_has_no_issues() -> None:
    record = _record(
        title=Text(value="Eels"),
        creators=[Agent(family_name="Doe")],
        publication_date="2020",
        languages=["eng"],
    )
    assert validate_record(record) == []


def test_each_missing_field_has_its_code_and_severity() -> None:
    issues = validate_record(_record(title=Text(value="  ")))
    assert {(i.code, i.severity) for i in issues} == {
        ("validate.missing_title", Severity.ERROR),
        ("validate.missing_creator", Severity.ERROR),
        ("validate.missing_date", Severity.WARNING),
        ("validate.missing_language", Severity.INFO),
    }
    assert (
        next(i.code for i in validate_record(_record(title=Text(value="Ee"))))
        == "validate.short_title"
    )


def test_tombstones_are_not_validated() -> None:
    source = Source(
        repository="r", oai_identifier="i", datestamp="", metadata_prefix="oai_dc", deleted=True
    )
    assert validate_record(Record(id="x", source=source)) == []


def test_every_code_is_documented() -> None:
    assert all(code.startswith("validate.") and message for code, (_, message) in CODES.items())
