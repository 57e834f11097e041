"""Core validation rules and their stable codes."""

from __future__ import annotations

import pytest

from ir_ingest.entry import Severity
from ir_ingest.schema import (
    Agent,
    Extent,
    Host,
    PageRange,
    Record,
    ResourceType,
    Source,
    Subject,
    Text,
)
from ir_ingest.validate import CODES, validate_record


def _record(**fields: object) -> Record:
    source = Source(repository="r", oai_identifier="i", datestamp="", metadata_prefix="oai_dc")
    return Record(id="x", source=source, **fields)  # type: ignore[arg-type]


def _complete(**fields: object) -> Record:
    given: dict[str, object] = {
        "title": Text(value="Eels"),
        "creators": [Agent(family_name="Doe", given_name="Jane")],
        "publication_date": "2020",
        "languages": ["eng"],
        "abstracts": [Text(value="Where eels go.")],
        "subjects": [Subject(value="eels")],
        "publisher": "Fish Press",
    }
    return _record(**{**given, **fields})


def test_a_complete_record_has_no_issues() -> None:
    assert validate_record(_complete()) == []


def test_each_missing_field_has_its_code_and_severity() -> None:
    issues = validate_record(_record(title=Text(value="  ")))
    assert {(i.code, i.severity) for i in issues} == {
        ("validate.missing_title", Severity.ERROR),
        ("validate.missing_creator", Severity.ERROR),
        ("validate.missing_date", Severity.WARNING),
        ("validate.missing_language", Severity.INFO),
        ("validate.missing_abstract", Severity.INFO),
        ("validate.missing_subject", Severity.INFO),
        ("validate.missing_publisher", Severity.INFO),
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


@pytest.mark.parametrize(
    ("field", "code"),
    [
        # targets.md §4.3's OpenAIRE advice: information, each said once, naming OpenAIRE.
        ("languages", "validate.missing_language"),
        ("abstracts", "validate.missing_abstract"),
        ("subjects", "validate.missing_subject"),
        ("publisher", "validate.missing_publisher"),
    ],
)
def test_each_piece_of_openaire_advice_is_information(field: str, code: str) -> None:
    issues = validate_record(_complete(**{field: None if field == "publisher" else []}))
    assert [(i.code, i.severity, i.path) for i in issues] == [(code, Severity.INFO, field)]
    assert "OpenAIRE" in issues[0].message


GIVEN = ("validate.person_without_given_name", Severity.WARNING)
ONE_WORD = Agent(name="Tripdatabase", family_name="Tripdatabase")


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        # targets.md §4.3: a person without a given name, wherever the record names people.
        ({"creators": [Agent(family_name="Doe", given_name="J."), ONE_WORD]}, "creators"),
        ({"contributors": [ONE_WORD]}, "contributors"),
        ({"host": Host(title="B", editors=[Agent(family_name="Roe")])}, "host.editors"),
        ({"host": Host(title="B", creators=[ONE_WORD])}, "host.creators"),
        # A placeholder for an unknown person, all family name (placeholders.is_unknown).
        (
            {"creators": [Agent(name="Unknown engraver", family_name="Unknown engraver")]},
            "creators",
        ),
        # An organisation, a person known by a given name, a name written whole: nothing.
        ({"creators": [Agent(type="organizational", name="Tripdatabase")]}, None),
        ({"creators": [Agent(name="Madonna", given_name="Madonna")]}, None),
        ({"creators": [Agent(name="萬庚鑫", family_name="萬庚鑫")]}, None),
        ({"creators": [Agent(name="吳𡒄", family_name="吳𡒄")]}, None),  # Han Extension B
        ({"host": Host(title="B", editors=[Agent(family_name="Roe", given_name="R.")])}, None),
    ],
)
def test_a_person_without_a_given_name(fields: dict[str, object], said: str | None) -> None:
    issues = validate_record(_complete(**fields))
    assert [(i.code, i.severity, i.path) for i in issues] == ([(*GIVEN, said)] if said else [])


def test_a_person_without_a_given_name_is_named_once() -> None:
    record = _complete(creators=[ONE_WORD, Agent(family_name="Anonymous")])
    (issue,) = validate_record(record)
    assert issue.message.endswith(": Tripdatabase")
    # A creator with no name at all is a missing creator, not a person without a given name.
    assert [i.code for i in validate_record(_complete(creators=[Agent()]))] == [
        "validate.missing_creator"
    ]


CHAPTER = ResourceType(uri=COAR + "resource_type/c_3248")
TEN = Extent(pages=10)
NO_RANGE = ("validate.page_count_without_range", Severity.INFO)


@pytest.mark.parametrize(
    ("host", "said"),
    [
        # targets.md §4.3: a part's page count, but no page range in its host.
        (Host(title="B"), [NO_RANGE]),
        (Host(title="B", pages=PageRange()), [NO_RANGE]),
        (Host(title="B", pages=PageRange(start="45", end="54")), []),
        (Host(title="B", pages=PageRange(start="e7")), []),
        # A part without a host is said to lack the host, not the range.
        (None, [NO_HOST]),
    ],
)
def test_a_page_count_without_a_page_range(
    host: Host | None, said: list[tuple[str, Severity]]
) -> None:
    chapter = _complete(resource_type=CHAPTER, extent=TEN, host=host)
    assert [(i.code, i.severity) for i in validate_record(chapter)] == said


def test_a_books_page_count_needs_no_range() -> None:
    assert validate_record(_complete(resource_type=BOOK, extent=TEN)) == []
