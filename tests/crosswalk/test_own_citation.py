"""A part's host read from its own reference (crosswalk/own_citation.py)."""

from __future__ import annotations

import pytest

from ir_ingest.crosswalk import own_citation
from ir_ingest.crosswalk.engine import Applied
from ir_ingest.crosswalk.own_citation import host_from_own_citation

COAR = "http://purl.org/coar/resource_type/"
ARTICLE = {"uri": COAR + "c_6501"}
OWN_TITLE = "Saltmarsh accretion under managed realignment"


def _cited(reference: str, **data: object) -> Applied:
    applied = Applied(
        {
            "title": {"value": OWN_TITLE},
            "resource_type": ARTICLE,
            "extra": {"dc:identifier": ["https://eprints.example.ac.uk/1/1/a.pdf", reference]},
            **data,
        }
    )
    host_from_own_citation(applied)
    return applied


@pytest.mark.parametrize(
    ("reference", "host"),
    [
        # EPrints' citation: the issue after a space, ". pp." and ". ISSN".
        (
            f"Lund, I. and Okafor, C. (2020) {OWN_TITLE}. Coastal Science, 235 (3). pp. "
            "106-118. ISSN 0272-7714",
            {
                "title": "Coastal Science",
                "volume": "235",
                "issue": "3",
                "pages": {"start": "106", "end": "118"},
                "identifiers": [{"scheme": "issn", "value": "02727714"}],
            },
        ),
        # An APA reference (a Dutch repository's dc:identifier).
        (
            f"Lund, I. (2001). {OWN_TITLE}? Sociologische Gids, 47(2), 77-94.",
            {
                "title": "Sociologische Gids",
                "volume": "47",
                "issue": "2",
                "pages": {"start": "77", "end": "94"},
            },
        ),
    ],
)
def test_a_parts_own_reference_names_its_host(reference: str, host: dict[str, object]) -> None:
    applied = _cited(reference)
    assert applied.data["host"] == host
    assert applied.data["extra"]["dc:identifier"][1] == reference, "kept as written"
    assert {i.code for i in applied.issues} == {"crosswalk.inferred_host"}
    assert applied.lineage["host.title"] == ["dc:identifier"]


@pytest.mark.parametrize(
    ("reference", "data"),
    [
        # A chapter's book in words only ("In: …, Place"): it had become the host's title.
        (f"Lund, I. (2003). {OWN_TITLE}. In: Ministry of Works, Survey 1999-2002. The Hague.", {}),
        (f"{OWN_TITLE}. Coastal Science, 235 (3). pp. 106-118.", {}),  # no reference: the title
        ("Lund, I. (2020) Another paper. Coastal Science, 235 (3). pp. 106-118.", {}),
        (
            f"Lund, I. (2020) {OWN_TITLE}. Coastal Science, 235 (3). pp. 106-118.",
            {"host": {"title": "Estuaries"}},
        ),
        (
            f"Lund, I. (2020) {OWN_TITLE}. Coastal Science, 235 (3). pp. 106-118.",
            {"resource_type": {"uri": COAR + "c_ddb1"}},  # a dataset is part of nothing
        ),
    ],
)
def test_no_host_from_a_reference_that_cannot_name_it(
    reference: str, data: dict[str, object]
) -> None:
    applied = _cited(reference, **data)
    assert applied.data.get("host") == data.get("host")
    assert applied.issues == []


def test_a_parts_own_reference_in_a_note_names_its_host() -> None:
    # DSpace's MODS writes dc.identifier.citation as an identifier of type citation: a note.
    reference = f"Lund, I. (2022) {OWN_TITLE}. Coastal Science, 18(4), 221-240."
    applied = Applied(
        {"title": {"value": OWN_TITLE}, "resource_type": ARTICLE, "notes": [reference]}
    )
    host_from_own_citation(applied)
    assert applied.data["host"]["title"] == "Coastal Science"
    assert applied.data["notes"] == [reference], "kept as written"
    assert applied.lineage["host.title"] == ["notes"]


CHAPTER = {"uri": COAR + "c_3248"}
BOOK = COAR + "c_2f33"


def test_a_chapters_own_reference_names_its_book() -> None:
    # EPrints' citation of a book section: the book had stayed in extra, the chapter hostless.
    reference = (
        f"Lund, I. (2019) {OWN_TITLE}. In: Jones, Anne, Brown, Bob and Lee, Carl (eds.) Tides: "
        "A Reader. Kestrel Press, Oxford, pp. 12-34. ISBN 9780306406157"
    )
    applied = _cited(reference, resource_type=CHAPTER)
    host = applied.data["host"]
    assert {k: v for k, v in host.items() if k != "editors"} == {
        "title": "Tides: A Reader",
        "publisher": "Kestrel Press",
        "place": "Oxford",
        "pages": {"start": "12", "end": "34"},
        "identifiers": [{"scheme": "isbn", "value": "9780306406157"}],
        "resource_type": BOOK,
    }
    assert [(e["family_name"], e["given_name"], e["role"]) for e in host["editors"]] == [
        ("Jones", "Anne", "edt"), ("Brown", "Bob", "edt"), ("Lee", "Carl", "edt"),
    ]  # fmt: skip
    assert applied.data["extra"]["dc:identifier"][1] == reference, "kept as written"
    assert {i.code for i in applied.issues} == {"crosswalk.inferred_host"}
    assert applied.lineage["host.editors"] == ["dc:identifier"]


@pytest.mark.parametrize(
    ("editors", "names"),
    [
        ("Jones, A.", ["Jones, A."]),
        ("Jones, A. and Brown, B.", ["Jones, A.", "Brown, B."]),
        ("A. Jones and B. Brown", ["A. Jones", "B. Brown"]),
        ("Jones, A., Brown", []),  # commas that cannot be paired: no editors, the book still
    ],
)
def test_the_editors_of_a_chapters_book(editors: str, names: list[str]) -> None:
    reference = f"Lund, I. (2019) {OWN_TITLE}. In: {editors} (eds.) Tides. Kestrel Press, Oxford."
    host = _cited(reference, resource_type=CHAPTER).data["host"]
    assert host["title"] == "Tides"
    assert [e["name"] for e in host.get("editors", [])] == names


@pytest.mark.parametrize(
    ("reference", "data"),
    [
        # A host found before (a dc:source) is kept; a book of words alone is not read.
        (
            f"Lund, I. (2019) {OWN_TITLE}. In: Jones, A. (ed.) Tides. Kestrel Press, Oxford.",
            {"host": {"title": "Estuaries"}},
        ),
        (f"Lund, I. (2019) {OWN_TITLE}. In: Ministry of Works, Tides. The Hague.", {}),
        # The book named "In:" is the record's own title: no host.
        (f"Lund, I. (2019) {OWN_TITLE}. In: {OWN_TITLE}. Kestrel Press, pp. 1-9.", {}),
    ],
)
def test_no_book_from_a_reference_that_cannot_name_it(
    reference: str, data: dict[str, object]
) -> None:
    applied = _cited(reference, **{"resource_type": CHAPTER, **data})
    assert applied.data.get("host") == data.get("host")
    assert applied.issues == []


def test_a_long_run_of_spaces_in_a_reference_is_read_in_one_pass() -> None:
    # The ISSN at a reference's end and the "and" before its last editor: "\s*ISSN" and "\s+and"
    # had been tried from each space of a run to its end, minutes for these 200,000 (the step
    # reads values as they are; the crosswalk collapses runs, another caller may not).
    run = " " * 200_000
    assert own_citation._ISSN_AT_END.search("Estuaries" + run + "x") is None
    found = own_citation._ISSN_AT_END.search("Estuaries." + run + "ISSN 0272-7714")
    assert found is not None
    assert (found.start(), found[1]) == (len("Estuaries"), "0272-7714")
    editors = own_citation._editors("Jones, Anne" + run + "and Lee, Carl")
    assert [editor["family_name"] for editor in editors] == ["Jones", "Lee"]
    (alone,) = own_citation._editors("Jones, Anne" + run + "x")
    assert alone["given_name"] == "Anne x"
