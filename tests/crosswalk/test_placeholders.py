"""Placeholders: what is written where a person's name goes and names no one known, or no one.

:mod:`ir_ingest.crosswalk.placeholders` tells them; :func:`names.agent` and
:func:`names.agents` make a placeholder for an unknown person or a template's dummy name a
person all family name, and a provenance statement no agent.
"""

from __future__ import annotations

import pytest

from ir_ingest.crosswalk import names


@pytest.mark.parametrize(
    ("value", "family"),
    [
        # Placeholders for an unknown maker: "engraver" is no family name, "Unknown" no given.
        # All of it is the family name, as DataCite's "Anonymous" is (InvenioRDM needs one).
        ("Unknown engraver (map)", "Unknown engraver"),
        ("Unknown", "Unknown"),
        ("[unknown]", "[unknown]"),
        ("Anonymous", "Anonymous"),
        ("Anon.", "Anon."),
        ("Engraver unknown", "Engraver unknown"),
        ("Auteur inconnu", "Auteur inconnu"),
        ("Unknown, 1790-1850", "Unknown"),
        ("Unknown, Unknown", "Unknown"),  # both of a form's fields: no given name "Unknown"
        ("N.N.", "N.N."),
        # A template's dummy names (Zenodo, DPLA's test records): no given name "Fname".
        ("Creator", "Creator"),
        ("Contributor", "Contributor"),
        ("Fname Lname", "Fname Lname"),
        ("Lname, Fname", "Lname, Fname"),
        ("Name of contributor", "Name of contributor"),
    ],
)
def test_agent_unknown_persons_are_all_family_name(value: str, family: str) -> None:
    assert names.agent(value) == {"type": "personal", "name": value, "family_name": family}


@pytest.mark.parametrize(
    ("value", "family", "given"),
    [
        ("N.N. Rao", "Rao", "N.N."),  # initials
        ("Rao N.N.", "Rao", "N.N."),
        ("Smith, unknown", "Smith", "unknown"),  # a family name is known
        ("Anon Chaiyasit", "Chaiyasit", "Anon"),  # a Thai given name, no "Anon."
    ],
)
def test_agent_names_that_are_no_placeholders(value: str, family: str, given: str) -> None:
    agent = names.agent(value)
    assert (agent["family_name"], agent["given_name"]) == (family, given)


def test_an_unknown_persons_role_is_read() -> None:
    agent = names.agent("Unknown (ed.)")
    assert (agent.get("family_name"), agent["role"]) == ("Unknown", "edt")


@pytest.mark.parametrize(
    "value",
    [
        "Obtained from the Protein Data Bank",
        "Obtained courtesy of the Cambridge Structural Database",
        "Digitized by Internet Archive",
        "Digitised by the Wellcome Library",
        "Courtesy of the Smith family",
        "Scanned by Jane Roe",
    ],
)
def test_a_provenance_statement_names_no_agent(value: str) -> None:
    # NSDL's contributors had been persons ("Obtained from the Protein Data Bank": family name
    # "Bank"); None is a part the crosswalk keeps in extra.
    assert names.agents(value) == [None]


def test_a_provenance_statement_beside_a_person() -> None:
    found = names.agents("Roe, Mary; Digitized by Internet Archive")
    assert found == [
        {"type": "personal", "name": "Roe, Mary", "family_name": "Roe", "given_name": "Mary"},
        None,
    ]


@pytest.mark.parametrize("value", ["Courtney, Ofelia", "Provided, John", "Gift, Anna"])
def test_names_that_begin_as_a_provenance_statement_are_names(value: str) -> None:
    (agent,) = names.agents(value)
    assert agent is not None
    assert agent["family_name"] == value.partition(",")[0]
