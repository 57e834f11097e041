"""Strings that pack names (crosswalk.bylines), read by names.agents: journals' author lines."""

from __future__ import annotations

import pytest

from ir_ingest.crosswalk.bylines import without_life_dates
from tests.crosswalk.test_names import agents_of


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # A journal's author line with its footnote markers (so Zenodo has creators).
        (
            "A. Kumaravel*1, Lakshmi R.2 and S. Devendran3",
            [("Kumaravel", "A."), ("R.", "Lakshmi"), ("Devendran", "S.")],
        ),
        (
            "Maria Lindqvist¹, Tomas Berg²,³ & Ines Castell†",
            [("Lindqvist", "Maria"), ("Berg", "Tomas"), ("Castell", "Ines")],
        ),
        ("Maria Lindqvist1, Tomas Berg2", [("Lindqvist", "Maria"), ("Berg", "Tomas")]),
        # Without markers when it joins names with "and".
        (
            "Maria Lindqvist, Tomas Berg, and Ines Castell",
            [("Lindqvist", "Maria"), ("Berg", "Tomas"), ("Castell", "Ines")],
        ),
        ("Maria Lindqvist and Jan van der Berg", [("Lindqvist", "Maria"), ("van der Berg", "Jan")]),
        # Names of the line written family name first (crosswalk.name_order).
        (
            "ZHANG Wei, LI Na and Tursunova Nodira",
            [("ZHANG", "Wei"), ("LI", "Na"), ("Tursunova", "Nodira")],
        ),
        # Markers go from "Family, Given" joined by "and" too.
        ("Lindqvist, Maria1 and Berg, Tomas2", [("Lindqvist", "Maria"), ("Berg", "Tomas")]),
    ],
)
def test_agents_of_an_author_line(value: str, expected: list[tuple[str, str]]) -> None:
    agents = agents_of(value)
    assert [(a["family_name"], a["given_name"]) for a in agents] == expected
    assert all(a["type"] == "personal" for a in agents)


def test_the_names_of_an_author_line_are_without_their_markers() -> None:
    agents = agents_of("A. Kumaravel*1, Lakshmi R.2 and S. Devendran3")
    assert [a["name"] for a in agents] == ["A. Kumaravel", "Lakshmi R.", "S. Devendran"]


@pytest.mark.parametrize(
    ("value", "expected", "place"),
    [
        # What follows an author line's last name is no person: a place ("New Delhi" had been
        # given name New, family name Delhi), an affiliation; the last name's affiliation.
        ("A. Rao and B. Das, New Delhi", ["Rao", "Das"], "New Delhi"),
        (
            "A. Rao, B. Das, and C. Roy, Cape Town, South Africa",
            ["Rao", "Das", "Roy"],
            "Cape Town, South Africa",
        ),
        (
            "Maria Lindqvist & Tomas Berg, University of Oslo",
            ["Lindqvist", "Berg"],
            "University of Oslo",
        ),
        ("A. Rao1, B. Das2, New Delhi", ["Rao", "Das"], "New Delhi"),
        ("A. Rao¹, B. Das²,³, St. Albans", ["Rao", "Das"], "St. Albans"),
        # A line without "and" or markers whose names begin with initials had been one person,
        # family name "A. Rao", given name "B. Das".
        ("A. Rao, B. Das, New Delhi", ["Rao", "Das"], "New Delhi"),
        ("J.-P. Roy, A. Rao, Cape Town, South Africa", ["Roy", "Rao"], "Cape Town, South Africa"),
        # After what follows the last name ("New Delhi" had been a person once "PhD" went
        # with B. Das).
        ("A. Rao and B. Das, PhD, New Delhi", ["Rao", "Das"], "New Delhi"),
        ("A. Rao1, B. Das2, MSc, editor, New Delhi", ["Rao", "Das"], "New Delhi"),
    ],
)
def test_what_follows_an_author_lines_names_is_an_affiliation(
    value: str, expected: list[str], place: str
) -> None:
    agents = agents_of(value)
    assert [a["family_name"] for a in agents] == expected
    assert agents[-1]["affiliations"] == [{"name": place}]
    assert all("affiliations" not in a for a in agents[:-1])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # An unmarked name after numbered ones that begins with initials is an author's.
        ("A. Rao1, B. Das2, C. Roy", ["Rao", "Das", "Roy"]),
        # Marks that are no numbers (a corresponding author's) do not end the names.
        ("A. Rao*, B. Das*, Carol Roy", ["Rao", "Das", "Roy"]),
        ("A. Rao1, B. Das2 and C. Roy3", ["Rao", "Das", "Roy"]),
        ("A. Rao, B. Das", ["Rao", "Das"]),
        ("A. Rao, B. K. Das, C. Roy", ["Rao", "Das", "Roy"]),
    ],
)
def test_an_author_lines_unmarked_last_name_is_a_person(value: str, expected: list[str]) -> None:
    agents = agents_of(value)
    assert [a["family_name"] for a in agents] == expected
    assert all("affiliations" not in a for a in agents)


@pytest.mark.parametrize(
    "value",
    [
        "Smith, John",
        "García Márquez, Gabriel José",  # a family name of two words, no "and", no markers
        "García Márquez*, Gabriel José",  # one marker is no author line
        "Smith, John and Mary",
        "John Smith, M. D. and Jane Roe",  # "M. D." may be initials
        "J. Smith, K. Jones, M.D.",
        "Spelman, Henry, Sir",
        "Smith, John, Jr.",
        "Smith, Alfred, b. 1820",
        "Berg, Anna7",  # a user name's digit stays
        "A. Rao, New Delhi",  # one name that begins with initials
        "J. Rao, Jr.",
        "University of Oslo, Department of Biology and Jane Roe",
        "Department of Biology, University of Oslo and Norwegian Polar Institute",
        "Johnson and Johnson",
        "Marks & Spencer",
    ],
)
def test_agents_of_a_string_that_is_no_author_line(value: str) -> None:
    assert [a["name"] for a in agents_of(value)] == [value]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # A role or a degree after an author line's last name is what follows that name, no
        # name or place: "J. Smith, K. Jones, editor" had been one person, family name
        # "J. Smith", given name "K. Jones".
        (
            "J. Smith, K. Jones, editor",
            [("J. Smith", "Smith", "J.", None), ("K. Jones, editor", "Jones", "K.", "edt")],
        ),
        (
            "J. Smith, K. Jones, PhD",
            [("J. Smith", "Smith", "J.", None), ("K. Jones, PhD", "Jones", "K.", None)],
        ),
        (
            "John Smith and Jane Roe, PhD",
            [("John Smith", "Smith", "John", None), ("Jane Roe, PhD", "Roe", "Jane", None)],
        ),
        # After a name within the line too.
        (
            "John Smith, PhD and Jane Roe",
            [("John Smith, PhD", "Smith", "John", None), ("Jane Roe", "Roe", "Jane", None)],
        ),
        (
            "John Smith, Jr. and Jane Roe",
            [("John Smith, Jr.", "Smith", "John", None), ("Jane Roe", "Roe", "Jane", None)],
        ),
    ],
)
def test_what_follows_a_name_of_an_author_line_stays_with_it(
    value: str, expected: list[tuple[str, str, str, str | None]]
) -> None:
    agents = agents_of(value)
    assert [
        (a["name"], a["family_name"], a["given_name"], a.get("role")) for a in agents
    ] == expected
    assert all("affiliations" not in a for a in agents)


@pytest.mark.parametrize(
    ("value", "people", "role_source"),
    [
        ("J. Smith and K. Jones, editors", 2, "editors"),
        ("Maria Lindqvist, Tomas Berg, and Ines Castell, eds.", 3, "eds."),
        # "translators" had been B. Das's affiliation: no plural but editors' was listed.
        ("A. Rao and B. Das, translators", 2, "translators"),
        ("A. Rao and B. Das, illustrators", 2, "illustrators"),
    ],
)
def test_a_plural_role_after_an_author_line_is_each_ones(
    value: str, people: int, role_source: str
) -> None:
    agents = agents_of(value)
    assert len(agents) == people
    code = {"editors": "edt", "eds.": "edt", "translators": "trl", "illustrators": "ill"}
    assert {(a["role"], a["role_source"]) for a in agents} == {(code[role_source], role_source)}
    assert "eds" not in agents[0]["name"]  # each name as written: the role is after the last


def test_a_plural_role_leaves_a_name_s_own_role() -> None:
    # "(trans.)" is A. Rao's role: the line's plural role had replaced it with edt.
    rao, das = agents_of("A. Rao (trans.) and B. Das, editors")
    assert (rao["role"], rao["role_source"]) == ("trl", "trans.")
    assert (das["role"], das["role_source"]) == ("edt", "editors")


def test_life_dates_after_a_long_run_of_spaces_are_read_in_one_pass() -> None:
    # As roles' trailing role: "\s*\(" had been tried from each space of the run, 2 s for
    # 40,000, minutes for these 400,000 (names reach it with their runs collapsed; it must not
    # rely on that).
    run = " " * 400_000
    assert without_life_dates("Kay, John" + run + "(1742-1826)") == "Kay, John"
    assert without_life_dates("Kay, John" + run + "x(1742-1826)") == "Kay, John" + run + "x"


def test_a_long_run_of_commas_in_parentheses_is_read_in_one_pass() -> None:
    # Hiding the commas of a qualifier in parentheses, "[^()]*," had been tried back from each
    # comma of a run no ")" ends: 16,000 took 0.85 s, these 200,000 minutes, as values come
    # (their runs of spaces collapsed, not of commas).
    hostile = "Roe (" + ", " * 200_000 + "(y)"
    assert [made["name"] for made in agents_of(hostile)] == [hostile]
    qualified = "Roe, Ann (Leeds" + ", x" * 200_000 + ")"
    (made,) = agents_of(qualified)
    assert (made["family_name"], made["given_name"]) == ("Roe", "Ann")
