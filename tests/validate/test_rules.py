"""Core validation rules and their stable codes."""

from __future__ import annotations

import pytest

from ir_ingest.entry import Severity
from ir_ingest.schema import Agent, Host, Record, ResourceType, Source, Text
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


UUID = "0b6c1f2e-5d4a-4c3b-9e8f-7a6b5c4d3e2f"


@pytest.mark.parametrize("host", ["pure.atira.dk", "research.example.ac.uk"])
def test_a_pure_person_is_said_to_be_no_output(host: str) -> None:
    # Pure's persons set harvested as oai_dc: a name as title, a portal URL, nothing else.
    source = Source(
        repository="r",
        oai_identifier=f"oai:{host}:persons/{UUID}",
        datestamp="",
        metadata_prefix="oai_dc",
        set_specs=["persons:all"],
    )
    issues = validate_record(Record(id="x", source=source, title=Text(value="Quill, Ansel")))
    assert [(i.code, i.severity, i.path) for i in issues] == [
        ("validate.not_an_output", Severity.ERROR, "source.oai_identifier")
    ]
    assert "describes a person" in issues[0].message


@pytest.mark.parametrize(
    "identifier",
    [f"oai:pure.atira.dk:publications/{UUID}", "oai:repo.example.org:persons/12", "persons/x"],
)
def test_other_records_are_checked_as_outputs(identifier: str) -> None:
    source = Source(
        repository="r",
        oai_identifier=identifier,
        datestamp="",
        metadata_prefix="oai_dc",
    )
    issues = validate_record(Record(id="x", source=source, title=Text(value="Eels")))
    assert "validate.missing_creator" in {i.code for i in issues}


def test_every_code_is_documented() -> None:
    assert all(code.startswith("validate.") and message for code, (_, message) in CODES.items())


def _complete(**fields: object) -> Record:
    given: dict[str, object] = {
        "title": Text(value="Eels"),
        "creators": [Agent(family_name="Doe")],
        "publication_date": "2020",
        "languages": ["eng"],
    }
    return _record(**{**given, **fields})


COAR = "http://purl.org/coar/"
EMBARGOED = COAR + "access_right/c_f1cf"
ARTICLE = ResourceType(uri=COAR + "resource_type/c_6501")
BOOK = ResourceType(uri=COAR + "resource_type/c_2f33")
NO_END = ("validate.embargo_without_end", Severity.ERROR)
UNTITLED = ("validate.host_without_title", Severity.WARNING)
NO_HOST = ("validate.part_without_host", Severity.INFO)


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        # targets.md §4.3: an embargo needs its end; a host its title; a part its host.
        ({"access_right": EMBARGOED}, NO_END),
        ({"access_right": EMBARGOED, "embargo_end": "2027-01-01"}, None),
        ({"host": Host(volume="3")}, UNTITLED),
        ({"resource_type": ARTICLE}, NO_HOST),
        ({"resource_type": ARTICLE, "host": Host(title="J")}, None),
        ({"resource_type": BOOK}, None),
    ],
)
def test_embargo_host_and_part(
    fields: dict[str, object], said: tuple[str, Severity] | None
) -> None:
    issues = [(i.code, i.severity) for i in validate_record(_complete(**fields))]
    assert issues == ([said] if said else [])
