"""A person's name string split into family and given names, read by names.agent through
person_parts."""

from __future__ import annotations

import pytest

from ir_ingest.crosswalk import names


@pytest.mark.parametrize(
    ("value", "family", "given"),
    [
        ("Jan van der Berg", "van der Berg", "Jan"),
        ("Ludwig van Beethoven", "van Beethoven", "Ludwig"),
        ("Juan de la Cruz", "de la Cruz", "Juan"),
        ("Anna Maria Di Stefano", "Di Stefano", "Anna Maria"),
        ("Ursula von der Leyen", "von der Leyen", "Ursula"),
        ("Pieter ter Horst", "ter Horst", "Pieter"),
        ("Ana dos Santos", "dos Santos", "Ana"),
        ("Van Morrison", "Morrison", "Van"),
        # Vietnamese Van (Văn) is a middle name: a capitalised particle before a Vietnamese
        # family name is no particle; one that leads a sequence of particles is ("Van der"),
        # as is one before another family name (a differential fuzz of DC and MODS found
        # "Ahmed Le Roux" read as family name "Roux").
        ("Tuan Van Nguyen", "Nguyen", "Tuan Van"),
        ("Hieu Van Le", "Le", "Hieu Van"),
        ("The Vinh Van Tran", "Tran", "The Vinh Van"),
        ("Ahmed Le Roux", "Le Roux", "Ahmed"),
        ("Vincent Van Gogh", "Van Gogh", "Vincent"),
        ("Olga St. John", "St. John", "Olga"),
        ("M. C. St. John", "St. John", "M. C."),
        ("Jan Van der Berg", "Van der Berg", "Jan"),
        ("Juan De la Cruz", "De la Cruz", "Juan"),
    ],
)
def test_agent_particles(value: str, family: str, given: str) -> None:
    agent = names.agent(value)
    assert (agent["family_name"], agent["given_name"]) == (family, given)
    assert agent["name"] == value, "the source's string stays recoverable"


@pytest.mark.parametrize(
    ("value", "family", "given"),
    [
        # Lower-case particles after the given name begin the family name.
        ("Jong, G. de", "de Jong", "G."),
        ("Laan, L. van der", "van der Laan", "L."),
        ("Reis, João Gilberto Mendes dos", "dos Reis", "João Gilberto Mendes"),
        ("Berg, Jan Van", "Berg", "Jan Van"),
        # A title or suffix after a second comma is no given name.
        ("Spelman, Henry, Sir", "Spelman", "Henry"),
        ("Smith, John, Jr.", "Smith", "John"),
        # A catalogue's full stop after a given name; an initial keeps its own.
        ("Alterman, Eric.", "Alterman", "Eric"),
        ("Smith, J.", "Smith", "J."),
        ("Smith, John A.", "Smith", "John A."),
        ("Pau, L-F.", "Pau", "L-F."),
        ("Zulfikar, Andi Muh.", "Zulfikar", "Andi Muh."),
        ("Jong, G. de.", "de Jong", "G."),
        ("Smith, Thos.", "Smith", "Thos."),  # an abbreviation of four letters (a review)
        # Dutch catalogues write the particles after the family name too; the Dutch 't.
        ("Hoeven van der, K.L.", "van der Hoeven", "K.L."),
        ("Bos de, M.", "de Bos", "M."),
        ("Hoff, J.H. van 't", "van 't Hoff", "J.H."),
        ("Smit-ter Haar, M.A.", "Smit-ter Haar", "M.A."),
        ("van der, K.", "van der", "K."),  # particles alone: not turned round ("der van")
        ("De Vries, Anna", "De Vries", "Anna"),
        # An affiliation's acronym after a person: still a person (a review).
        ("Smith, John (NASA)", "Smith", "John (NASA)"),
    ],
)
def test_agent_inverted_names_as_catalogues_write_them(value: str, family: str, given: str) -> None:
    agent = names.agent(value)
    assert (agent["family_name"], agent["given_name"]) == (family, given)
    assert agent["name"] == value


@pytest.mark.parametrize(
    ("value", "family", "given"),
    [
        # A title before a name in direct order is no given name (Zenodo creators).
        ("Prof. Meera Iyer", "Iyer", "Meera"),
        ("Ms. Anna Berg", "Berg", "Anna"),
        ("Dr A.K. Rao", "Rao", "A.K."),
        ("Dr. Rizaev J.A.", "Rizaev", "J.A."),
        ("Dr. Smith", "Smith", None),
        ("Prof", "Prof", None),
        ("Mrs Helen Ward", "Ward", "Helen"),
    ],
)
def test_agent_honorifics_before_a_name(value: str, family: str, given: str | None) -> None:
    agent = names.agent(value)
    assert (agent["family_name"], agent.get("given_name")) == (family, given)
    assert agent["name"] == value


@pytest.mark.parametrize(
    ("value", "family", "given", "role"),
    [
        # A name in direct order before a degree, a suffix or a role had been read "Family,
        # Given": family name "John Smith", given name "PhD".
        ("John Smith, PhD", "Smith", "John", None),
        ("John Smith, Ph.D.", "Smith", "John", None),
        ("John Smith, editor", "Smith", "John", "edt"),
        ("K. Jones, editor", "Jones", "K.", "edt"),
        ("Martin Luther King, Jr.", "King", "Martin Luther", None),
        ("John Smith, III", "Smith", "John", None),
        ("John Smith, MSc, editor", "Smith", "John", "edt"),
        # A family name alone before them has no given name.
        ("Smith, PhD", "Smith", None, None),
        ("van der Berg, Jr.", "van der Berg", None, None),
        # "Family, Given" still: a degree that may be initials, a Roman number of one letter
        # (an initial), a relator's code that is a given name, a given name before them.
        ("García Márquez, M.A.", "García Márquez", "M.A.", None),
        ("García Márquez, MD", "García Márquez", "MD", None),
        ("García Márquez, V", "García Márquez", "V", None),
        ("Ton That, Ba", "Ton That", "Ba", None),
        ("Ouyang Li, Xi", "Ouyang Li", "Xi", None),
        ("Smith, Ann", "Smith", "Ann", None),
        ("Smith, John, editor", "Smith", "John", "edt"),
        ("Smith, J., PhD", "Smith", "J.", None),
        ("Rahman, Md.", "Rahman", "Md.", None),
        # "Ed" (Edward) is a given name as well as the editor's abbreviation: it had become
        # role edt and no given name.
        ("Smith, Ed", "Smith", "Ed", None),
        ("Nguyen, Ed.", "Nguyen", "Ed.", None),
        ("Smith, John, ed.", "Smith", "John", "edt"),
        # A relator term written as a given name is (one capitalised word) after a family
        # name alone: "Host" is a given name; it had been role hst and no given name.  In
        # lower case, as catalogues write a relator term, it is still a role.
        ("Smith, Host", "Smith", "Host", None),
        ("Smith, host", "Smith", None, "hst"),
        # Roles no one is named stay roles in any case: "Editor" had become a given name.
        ("Smith, Editor", "Smith", None, "edt"),
        ("Smith, Translator", "Smith", None, "trl"),
        ("Smith, John, Host", "Smith", "John", "hst"),
        ("John Smith, Host", "Smith", "John", "hst"),
    ],
)
def test_what_follows_a_name_after_its_comma(
    value: str, family: str, given: str | None, role: str | None
) -> None:
    agent = names.agent(value)
    assert (agent["family_name"], agent.get("given_name"), agent.get("role")) == (
        family,
        given,
        role,
    )
    assert agent["name"] == value


@pytest.mark.parametrize(
    ("value", "family", "given"),
    [
        # Given names typed as the family name in a form (Zenodo): the part before the comma
        # begins with an initial, as no family name does; it had been the family name.
        ("A. Etotépé, Sogbohossou", "Sogbohossou", "A. Etotépé"),
        ("J. R. R., Tolkien", "Tolkien", "J. R. R."),
        ("J.-P., Roy-Dupont", "Roy-Dupont", "J.-P."),
        # Not: more than one word after the comma, what follows a name, no initial before it.
        ("A. Rao, New Delhi", "A. Rao", "New Delhi"),
        ("A. Smith, Jr.", "Smith", "A."),
        ("Smith, A.", "Smith", "A."),
        ("St. John, Mary", "St. John", "Mary"),
    ],
)
def test_given_names_before_the_comma(value: str, family: str, given: str) -> None:
    agent = names.agent(value)
    assert (agent["family_name"], agent["given_name"]) == (family, given)
    assert agent["name"] == value
