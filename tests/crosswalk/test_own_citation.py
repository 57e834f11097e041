"""A part's host read from its own reference (crosswalk/own_citation.py)."""

from __future__ import annotations

import pytest

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
