"""Names: a name string or name parts read as a person's or an organisation's Agent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from ir_ingest.crosswalk import names, organisations
from ir_ingest.crosswalk.lookups import add_lookup_dir
from ir_ingest.crosswalk.normalise import NormaliseError

if TYPE_CHECKING:
    from pathlib import Path


def agents_of(value: str) -> list[dict[str, Any]]:
    """:func:`names.agents` of a string every part of which names an agent."""
    found = names.agents(value)
    assert None not in found
    return [agent for agent in found if agent is not None]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "Schlappa, Hans",
            {
                "type": "personal",
                "name": "Schlappa, Hans",
                "family_name": "Schlappa",
                "given_name": "Hans",
            },
        ),
        (
            "Yassaman Imani",
            {
                "type": "personal",
                "name": "Yassaman Imani",
                "family_name": "Imani",
                "given_name": "Yassaman",
            },
        ),
        (
            "Halvorsen, Å.",
            {
                "type": "personal",
                "name": "Halvorsen, Å.",
                "family_name": "Halvorsen",
                "given_name": "Å.",
            },
        ),
        ("Plato", {"type": "personal", "name": "Plato", "family_name": "Plato"}),
        (
            "Institute for Coastal Research",
            {"type": "organizational", "name": "Institute for Coastal Research"},
        ),
    ],
)
def test_agent(value: str, expected: dict[str, str]) -> None:
    assert names.agent(value) == expected


@pytest.mark.parametrize("text", ["editor.", "Editor", "EDITOR.", "editor,", "ed.", " editor ; "])
def test_a_role_text_is_read_without_its_full_stop_or_case(text: str) -> None:
    # AACR2 headings end the relator term with a full stop: "editor."
    parts = {"family_name": "Oyelaran", "given_name": "Bisi", "role_text": text}
    agent = names.agent_parts(parts)
    assert agent["role"] == "edt"
    assert agent["role_source"] == text


def test_a_role_text_no_relator_names_is_other_not_author() -> None:
    # "degree granting department" made a creator, as a name without a role does.
    parts = {"names": ["College of Music"], "role_text": "degree granting department"}
    agent = names.agent_parts(parts)
    assert (agent["role"], agent["role_source"]) == ("oth", "degree granting department")


def test_a_role_text_beside_a_role_code_is_kept() -> None:
    parts = {"family_name": "Lund", "role": "ill", "role_text": "illustrator"}
    assert names.agent_parts(parts) == {
        "type": "personal",
        "family_name": "Lund",
        "name": "Lund",
        "role": "ill",
        "role_source": "illustrator",
    }


def test_a_display_form_is_the_name_of_an_agent_with_name_parts() -> None:
    parts = {
        "family_name": "Vask-Hollis",
        "given_name": "Petronella",
        "display_form": "Dame Petronella Vask-Hollis",
    }
    assert names.agent_parts(parts) == {
        "type": "personal",
        "family_name": "Vask-Hollis",
        "given_name": "Petronella",
        "name": "Dame Petronella Vask-Hollis",
    }


def test_a_display_form_beside_an_untyped_name_part_is_the_name() -> None:
    parts = {"names": ["Quillfeather, Ansel"], "display_form": "Ansel Quillfeather"}
    agent = names.agent_parts(parts)
    assert (agent["family_name"], agent["given_name"]) == ("Quillfeather", "Ansel")
    assert agent["name"] == "Ansel Quillfeather"


def test_a_display_form_alone_is_parsed() -> None:
    agent = names.agent_parts({"display_form": "Quillfeather, Ansel"})
    assert (agent["family_name"], agent["given_name"]) == ("Quillfeather", "Ansel")
    corporate = names.agent_parts({"name_type": "corporate", "display_form": "Marrow Society"})
    assert corporate == {"type": "organizational", "name": "Marrow Society"}


@pytest.mark.parametrize(
    "value",
    [
        "World Health Organization",
        "European Commission",
        "American Photo-Relief Printing Co",
        "Smith & Co.",
        "Oxford University Press",
        "National Archives",
        "Acme Publishers",
        "St Mary's Hospital",
        "Federal Bureau of Statistics",
        "Smith & Co",
        "Acme Co.",
        "MIT Press",
        "Press Association",
        "Board of Trade",
        "Office for National Statistics",
        "Network Rail",
        "Smith and Co",
        "Olympic Organizing Committee, 1996",
        # A second walkthrough found these split into family and given names:
        "Helsingin yliopisto, soveltavan biologian laitos",
        "City of Lansing",
        "City Planning Division",
        "Universitat de Barcelona, Facultat de Biologia",
        "Universidad de Chile, Facultad de Medicina",
        "Uniwersytet Jagielloński",
        # A Zenodo creator that had been a person, family "Survey" (a review).
        "International Journal of Computer Science and Engineering Survey (IJCSES)",
        # A mapping agency, a map's maker in Rumsey's oai_dc, had been a person "Survey of" + place.
        "Survey of Kestrel Islands",
        "Ordnance Survey",
        # Library of Congress headings for a jurisdiction's laws had been a person, family name
        # "Ruritania. Laws".
        "Ruritania. Laws, etc. (Official gazette)",
        "Ruritania. Laws, statutes, etc.",
        # A religious house, a charter's creator, had been a person split at its place's comma.
        "Abbaye Saint-Martin de Corvel (Corvel, France)",
        "Monastery of St. Brigid",
        "Church of the Holy Cross",
        "Kestrel Abbey Chapel",
        # Legislatures, a single word as a catalogue's heading part gives them, had been persons.
        "Legislature",
        "Parliament",
        "Assembly",
        "Ruritania. Congress",
        "Ruritania. Senate",
        "Ruritania. Supreme Court",
        "Congress of Ruritania",
        "House of Representatives",
        "House of Commons",
        # A business entered as both family and given name (Zenodo) had been a person.
        "Kestrel Cars and Carts, Kestrel Cars and Carts",
        "Maggs Bros.",  # a manuscript's former owner, a person with family name "Bros." before
        # A weak word after a particle is a surname's, but not after one that begins a name and
        # may be an article (Dutch de, the).
        "De Service Groep Nederland",
        # Research groups and collaborations as creators of reports and datasets had been
        # persons: family name "Group", given name "Estuary Research"; family "Collaboration".
        "Estuary Research Group",
        "Sediment Working Group",
        "Kestrel Study Group",
        "Planck Collaboration",
        "Coastal Research Team",
    ],
)
def test_agent_organisations(value: str) -> None:
    assert names.agent(value) == {"type": "organizational", "name": value}


@pytest.mark.parametrize(
    "value",
    [
        # Bands and ensembles, creators in music collections, had been persons: given name
        # "The", family name "5".
        "The Quiet Lanterns",
        "THE QUIET LANTERNS",
        "The Ting Tings",  # short syllables: no sign of a name ("The Kian Wie" stays so too)
        "The Nguyen",  # no given name after The
        "Quiet Lanterns, The",
        "Lanterns (Musical group)",
        "Harbour 7",
        "Static Moth 182",
        "Kestrel String Quartet",
        "Northfield Chamber Orchestra",
    ],
)
def test_agent_groups(value: str) -> None:
    assert names.agent(value) == {"type": "organizational", "name": value}


@pytest.mark.parametrize(
    ("value", "family"),
    [
        # Not: a title after "The", a user name's digit, a year (four digits), a word in "the".
        ("The Rev. John Smith", "Smith"),
        ("The Venerable Bede", "Bede"),
        # A Vietnamese name, given name Thế, in Western order without its marks.
        ("The Anh Nguyen", "Nguyen"),
        ("The Thanh Trần", "Trần"),
        ("Theodore Smith", "Smith"),
        ("Anna7", "Anna7"),
        ("Smith, Anna 7", "Smith"),
    ],
)
def test_agent_persons_no_group(value: str, family: str) -> None:
    agent = names.agent(value)
    assert (agent["type"], agent["family_name"]) == ("personal", family)


def test_a_group_after_a_person_is_an_agent_not_an_affiliation() -> None:
    # OJS writes "Family, Given; Affiliation", but a band is no one's affiliation: CONTENTdm
    # packs performers so.
    agents = agents_of("Primrose; Harbour 7")
    assert [(a["type"], a["name"], a.get("affiliations")) for a in agents] == [
        ("personal", "Primrose", None),
        ("organizational", "Harbour 7", None),
    ]
    # Nor is an ensemble, known by its word alone.
    agents = agents_of("Ma, Lin; Kestrel Road Ensemble")
    assert [a["type"] for a in agents] == ["personal", "organizational"]
    # A body whose name begins with "The" is one's affiliation: it had become a creator.
    agents = agents_of("Smith, Jo; The University of Kestrelford, Kestrelford, UK")
    assert [(a["type"], a.get("affiliations")) for a in agents] == [
        ("personal", [{"name": "The University of Kestrelford, Kestrelford, UK"}])
    ]


@pytest.mark.parametrize(
    ("value", "family", "given"),
    [
        # Words that name organisations only in an organisation's shape are surnames too.
        ("Frank Press", "Press", "Frank"),
        ("Press, Frank", "Press", "Frank"),
        ("Robert Service", "Service", "Robert"),
        ("Mary Grace Co", "Co", "Mary Grace"),
        ("Co, Mary Grace", "Co", "Mary Grace"),
        ("Nicholas Bureau", "Bureau", "Nicholas"),
        ("Laws, John", "Laws", "John"),  # no "etc.": no jurisdiction's laws
        ("Alonzo Church", "Church", "Alonzo"),
        ("Church, Alonzo", "Church", "Alonzo"),
        ("Edward Abbey", "Abbey", "Edward"),
        ("Margaret Court", "Court", "Margaret"),
        ("Mary St. Court", "St. Court", "Mary"),  # a saint's St. begins it, as in St. Clair
        # After a particle a weak word is a family name's, in a name of four words too, and
        # in a body's role ("Pieter de la Court" had been an organisation).
        ("Pieter de la Court", "de la Court", "Pieter"),
        ("Pieter De la Court", "De la Court", "Pieter"),
        ("Johan Willem van der Press", "van der Press", "Johan Willem"),
        ("Pieter de la Court (publisher)", "de la Court", "Pieter"),
        ("Congress, Richard", "Congress", "Richard"),
        ("Richard Congress", "Congress", "Richard"),
        ("Lee, Lee", "Lee", "Lee"),  # one word: a person's names may be the same
        # A role or life dates are not part of the name the test looks at.
        ("Smith, J. (co-ed.)", "Smith", "J. (co-ed.)"),
        ("Smith, J. (ed.)", "Smith", "J."),
        ("Press, Frank, 1924-2020", "Press", "Frank"),
    ],
)
def test_agent_surnames_that_are_weak_organisation_words(
    value: str, family: str, given: str
) -> None:
    agent = names.agent(value)
    assert agent["type"] == "personal"
    assert (agent["family_name"], agent["given_name"]) == (family, given)
    assert agent["name"] == value


@pytest.mark.parametrize("value", ["Congress", "Senate", "Court"])
def test_a_weak_word_alone_is_a_surname(value: str) -> None:
    # Surnames too: alone, nothing shows a legislature or a court rather than a person.
    assert names.agent(value) == {"type": "personal", "name": value, "family_name": value}


@pytest.mark.parametrize(
    ("value", "role_source"),
    [
        ("Taco Brandsen (ed.)", "ed."),
        ("Brandsen, Taco (eds.)", "eds."),
        ("Taco Brandsen (Hrsg.)", "Hrsg."),
        # Islandora's MODS to DC stylesheet glues the role's term and code together.
        ("Brandsen, Taco (editoredt)", "editoredt"),
    ],
)
def test_agent_trailing_role(value: str, role_source: str) -> None:
    assert names.agent(value) == {
        "type": "personal",
        "name": value,
        "family_name": "Brandsen",
        "given_name": "Taco",
        "role": "edt",
        "role_source": role_source,
    }


def test_a_term_and_code_glued_must_name_one_role() -> None:
    agent = names.agent("Brandsen, Taco (editoraut)")
    assert (agent["given_name"], "role" in agent) == ("Taco (editoraut)", False)


@pytest.mark.parametrize(
    ("value", "role"),
    [
        ("Leeds University Press (Publisher)", "pbl"),
        ("Abbaye Saint-Pierre de Hasnon (Hasnon, France) (Binder)", "bnd"),
    ],
)
def test_a_bodys_role_in_parentheses_is_its_role(value: str, role: str) -> None:
    # It had been read and dropped: a publisher was any contributor.
    agent = names.agent(value)
    assert (agent["type"], agent["role"], agent["name"]) == ("organizational", role, value)


@pytest.mark.parametrize("value", ["(ed.)", "(Hrsg.)", " (eds.) ;"])
def test_a_role_alone_is_no_agent(value: str) -> None:
    # It had been a person with neither family nor given name, which no target takes.
    with pytest.raises(NormaliseError, match="a role"):
        names.agent(value)


def test_agent_keeps_parentheses_that_are_no_role() -> None:
    agent = names.agent("Ng, Mary (Molly)")
    assert (agent["family_name"], agent["given_name"]) == ("Ng", "Mary (Molly)")
    assert "role" not in agent


@pytest.mark.parametrize(
    "value", ["Mary Roe (Hasnon, France)", "Mary Roe (1820-1890, Leeds)", "Roe, Mary (Leeds, UK)"]
)
def test_a_comma_in_parentheses_after_a_name_does_not_split_it(value: str) -> None:
    # A qualifier's comma had made "Mary Roe (Hasnon" the family name, "France)" the given.
    (agent,) = agents_of(value)
    assert (agent["family_name"], agent["given_name"], agent["name"]) == ("Roe", "Mary", value)


@pytest.mark.parametrize(
    "value", ["Mary Roe and John Doe (Leeds, UK)", "Roe, Mary and Doe, John (Leeds, UK)"]
)
def test_a_comma_in_parentheses_parts_no_names(value: str) -> None:
    # It had made a person "John Doe (Leeds" with an affiliation "UK)".
    agents = agents_of(value)
    assert [(a["family_name"], a["given_name"], "affiliations" in a) for a in agents] == [
        ("Roe", "Mary", False),
        ("Doe", "John", False),
    ]
    assert agents[1]["name"].endswith("(Leeds, UK)")


@pytest.mark.parametrize(
    ("value", "family", "given"),
    [
        ("Smith, Alfred, 1820-1912", "Smith", "Alfred"),
        ("Smith, Alfred, 1811-", "Smith", "Alfred"),
        ("Smith, Alfred, b. 1820", "Smith", "Alfred"),
        ("Smith, Alfred, d. 1900", "Smith", "Alfred"),
        ("Smith, Alfred, ca. 1800-1850", "Smith", "Alfred"),
        ("Kay, John (1742-1826)", "Kay", "John"),
        ("Kay, John (b. 1742)", "Kay", "John"),
        ("John Kay (1742-1826)", "Kay", "John"),
        ("Thiruvalluvar (text)", "Thiruvalluvar", None),
        ("Mary Ng (Molly)", "Ng", "Mary"),
    ],
)
def test_agent_life_dates_and_qualifiers_in_parentheses(
    value: str, family: str, given: str | None
) -> None:
    agent = names.agent(value)
    assert (agent["family_name"], agent.get("given_name")) == (family, given)
    assert agent["name"] == value


def _people(value: str) -> list[tuple[str | None, ...]]:
    return [
        (
            a["type"],
            a.get("family_name"),
            a.get("given_name"),
            *(f["name"] for f in a.get("affiliations", [])),
        )
        for a in agents_of(value)
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # CONTENTdm packs people with ";".
        (
            "Hayden, Edwin; Jessop, Charles",
            [("personal", "Hayden", "Edwin"), ("personal", "Jessop", "Charles")],
        ),
        (
            "Dodson-Robinson, Sarah and Haley, Charlotte",
            [("personal", "Dodson-Robinson", "Sarah"), ("personal", "Haley", "Charlotte")],
        ),
        ("Smith and Jones, Ltd", [("organizational", None, None)]),
        ("Smith, John and Mary", [("personal", "Smith", "John and Mary")]),
        # OJS 2: "Family, Given; Affiliation".
        (
            "UV, Satya Seshavatharam; I-SERVE, Hyderabad, AP, India. Sr. Engineer, Hyderabad",
            [
                (
                    "personal",
                    "UV",
                    "Satya Seshavatharam",
                    "I-SERVE, Hyderabad, AP, India. Sr. Engineer, Hyderabad",
                )
            ],
        ),
        (
            "S, Lakshminarayana; AU, AP, India",
            [("personal", "S", "Lakshminarayana", "AU, AP, India")],
        ),
        (
            "Ek, Anna; University of Oslo; Berg, Per",
            [("personal", "Ek", "Anna", "University of Oslo"), ("personal", "Berg", "Per")],
        ),
        (
            "University of Oslo; University of Bergen",
            [("organizational", None, None), ("organizational", None, None)],
        ),
        # A title or life dates after a second comma do not make a place of a person.
        (
            "Smith, John; Spelman, Henry, Sir; Aldous, Maria, 1820-1901",
            [
                ("personal", "Smith", "John"),
                ("personal", "Spelman", "Henry"),
                ("personal", "Aldous", "Maria"),
            ],
        ),
        # Nor a degree or a role: such co-authors had become the first one's affiliations.
        (
            "Smith, John; Jones, Mary, editor; Roe, R., M.D.; Doe, Jane, PhD",
            [
                ("personal", "Smith", "John"),
                ("personal", "Jones", "Mary"),
                ("personal", "Roe", "R."),
                ("personal", "Doe", "Jane"),
            ],
        ),
    ],
)
def test_agents(value: str, expected: list[tuple[str | None, ...]]) -> None:
    assert _people(value) == expected


def test_agents_of_nothing_is_an_error() -> None:
    with pytest.raises(NormaliseError):
        names.agents(" ; ")


@pytest.mark.parametrize(
    ("value", "role"),
    [
        ("Smith, John, committee chair", "ths"),
        ("John Smith, committee chair", "ths"),
        ("Smith, John, chair.", "ths"),
        ("Smith, John, committee member", "dgc"),
        ("John Smith, thesis committee member", "dgc"),
    ],
)
def test_a_committee_role_after_a_comma_is_a_persons(value: str, role: str) -> None:
    # The role's word "committee" had made the whole string a body, and the role was lost.
    made = names.agent(value)
    assert (made["type"], made["family_name"], made["given_name"]) == ("personal", "Smith", "John")
    assert made["role"] == role


def test_a_bodys_role_after_a_comma_still_reads_a_body() -> None:
    # Only a person's role is left out of the organisation test: a body's is read as before.
    assert names.agent("Smith, John, publisher")["type"] == "organizational"
    assert names.agent("University of Leeds, committee member")["type"] == "organizational"


def test_a_role_after_a_second_comma_is_the_agents_role() -> None:
    # "Jones, Mary, editor" had lost its role with the part after the second comma (a review).
    jones = names.agent("Jones, Mary, editor")
    assert (jones["given_name"], jones["role"], jones["role_source"]) == ("Mary", "edt", "editor")
    assert "role" not in names.agent("Smith, John, Jr.")


@pytest.mark.parametrize(
    "value", ["Common molecules", "Rare books and manuscripts", "Kestrel maps"]
)
def test_common_nouns_after_a_capital_are_no_family_name(value: str) -> None:
    # NSDL's contributor "Common molecules" (a Reciprocal Net collection) had been a person,
    # given name "Common", family name "molecules".
    assert names.agent(value) == {"type": "organizational", "name": value}


@pytest.mark.parametrize(
    ("value", "family"),
    [
        ("sedaghatkish, Amir", "sedaghatkish"),  # inverted: a person's form, whatever its case
        ("jie wu", "wu"),  # lower case throughout says nothing
        ("Márcio Robério Alves da Silva", "da Silva"),
        ("Ismatova Madina Inomjon qizi", "Ismatova"),
        ("John Smith jr", "jr"),  # a short word: a suffix, no common noun
        ("Jane Doe editor", "editor"),  # a role's word
        # A family name typed in lower case after a capital or an initial: no sentence.
        ("D. knuth", "knuth"),
        ("Ng Wei hong", "hong"),
        ("Maria Garcia lopez", "lopez"),
        ("Jane Doe senior", "senior"),  # a long suffix
        ("Unknown scribe", "Unknown scribe"),
        ("Name of contributor", "Name of contributor"),
    ],
)
def test_names_with_a_word_in_lower_case_stay_persons(value: str, family: str) -> None:
    agent = names.agent(value)
    assert (agent["type"], agent["family_name"]) == ("personal", family)


def test_a_name_read_again_is_a_copy_of_its_own() -> None:
    # Names are read once and remembered: agents() adds the affiliation to the agent it read,
    # which had been added again to the remembered one each time the same byline came back.
    byline = "Smith, John; University of Oslo"
    assert names.agents(byline) == names.agents(byline) == names.agents(byline)
    read = names.agent("Smith, John")
    read["given_name"] = "changed"
    assert names.agent("Smith, John")["given_name"] == "John"


@pytest.mark.usefixtures("isolated_crosswalks")
def test_a_relators_table_added_later_is_read_for_a_name_read_before(tmp_path: Path) -> None:
    assert "role" not in names.agent("Smith, John (xyzzy)"), "no role the tables know"
    (tmp_path / "relators.csv").write_text("source_value,code\nxyzzy,edt\n", "utf-8")
    add_lookup_dir(tmp_path)
    assert names.agent("Smith, John (xyzzy)")["role"] == "edt", "the name read before is read again"


_ORCID = [{"scheme": "orcid", "value": "0000-0002-1825-0097"}]


@pytest.mark.parametrize(
    "value",
    [
        "Smith, J. R. (0000-0002-1825-0097)",
        "Smith, J. R. [0000-0002-1825-0097]",
        "Smith, J. R. https://orcid.org/0000-0002-1825-0097",
        "Smith, J. R., ORCID: 0000-0002-1825-0097",
        "J. R. Smith (https://orcid.org/0000-0002-1825-0097)",
    ],
)
def test_an_orcid_after_a_name_is_the_persons_identifier(value: str) -> None:
    # Repositories append the author's ORCID iD to the name string; it had been read as part
    # of the given name ("J. R. (0000-0002-1825-0097)").
    (made,) = agents_of(value)
    assert (made["family_name"], made["given_name"]) == ("Smith", "J. R.")
    assert made["identifiers"] == _ORCID
    assert made["name"] == value, "the string as written is kept"


def test_a_number_that_is_no_orcid_stays_in_the_name() -> None:
    made = names.agent("Smith, J. R. (0000-0002-1825-0098)")  # its check digit is wrong
    assert "identifiers" not in made
    assert made["given_name"] == "J. R. (0000-0002-1825-0098)"


def test_each_agents_orcid_is_its_own() -> None:
    first, second = agents_of("Smith, J. R. (0000-0002-1825-0097); Roe, Ann")
    assert first["identifiers"] == _ORCID
    assert "identifiers" not in second
    again = names.agent("Smith, J. R. (0000-0002-1825-0097)")
    again["identifiers"].append({"scheme": "orcid", "value": "changed"})
    assert names.agent("Smith, J. R. (0000-0002-1825-0097)")["identifiers"] == _ORCID


def test_a_long_hostile_name_is_read_in_one_pass() -> None:
    # A security review: the search for an iD after a name ran on from each separator of a run
    # of them to its end, "Smith" + ", " * 2_000 + "x" took 0.6 s, four times that for twice
    # as many: these 200,000 characters took some 25 minutes, now milliseconds (every creator
    # is searched).  The iD after the run is still found, and the name before it is Smith.
    (made,) = agents_of("Smith" + ", " * 100_000 + "x")
    assert (made["family_name"], "identifiers" in made) == ("Smith", False)
    (made,) = agents_of("Smith" + ", " * 100_000 + "0000-0002-1825-0097")
    assert (made["family_name"], made["identifiers"]) == ("Smith", _ORCID)
    assert names._ORCID_AFTER.search("Smith, ORCID" + " " * 200_000 + "x") is None
    # The given name before an affiliation had been tried at each space of the run before the
    # "(", each try reading the parentheses to their end: minutes.  Names reach it with their
    # runs of spaces collapsed; the expression must not rely on that.
    hostile = "Smith, J" + " " * 200_000 + "(" + "x" * 200_000
    assert names._AFFILIATION_AFTER.match(hostile) is None


def test_a_qualifier_after_a_long_run_is_read_in_one_pass() -> None:
    # A qualifier in parentheses ("\s+\(") and a body's acronym (a lazy name before "\s+\(")
    # had been tried from each space of a run before the "(": 10,000 spaces took half a
    # second, these 200,000 minutes.  A value reaches them with its runs of spaces collapsed,
    # but not a run of ", ": "[^()]*," had been tried back from each comma a ")" does not end,
    # 1 s for 10,000 of them, and "Roe (" + ", " * 100_000 + "x(y)" took minutes as it came.
    run = " " * 200_000
    thiruvalluvar = names._read_agent("Thiruvalluvar" + run + "(text)", True)
    assert (thiruvalluvar["type"], thiruvalluvar["family_name"]) == ("personal", "Thiruvalluvar")
    assert names._read_agent("Roe" + run + "(Hasnon, France)", True)["family_name"] == "Roe"
    hostile = "Roe (" + ", " * 100_000 + "x(y)"
    assert names.agent(hostile)["name"] == hostile
    assert organisations._named_with_acronym("International Journal of Survey" + run + "(IJCSES)")
    assert not organisations._named_with_acronym("Smith" + run + "x(NASA)")


@pytest.mark.parametrize(
    ("value", "family", "given", "affiliation"),
    [
        ("Smith, John (University of Leeds)", "Smith", "John", "University of Leeds"),
        ("Roe, Ann M. (Institut Pasteur, Paris)", "Roe", "Ann M.", "Institut Pasteur, Paris"),
        # A body's word as the family name, a given name that is one too: still persons.
        (
            "Press, Frank (MIT Media Lab, Massachusetts Institute of Technology)",
            "Press",
            "Frank",
            "MIT Media Lab, Massachusetts Institute of Technology",
        ),
        ("Smith, Abbey (University of Sydney)", "Smith", "Abbey", "University of Sydney"),
        # A university in Spanish, Portuguese, Polish or Czech had been no organisation: the
        # parentheses stayed in the given name.
        (
            "García Márquez, Gabriel (Universidad Nacional de Colombia)",
            "García Márquez",
            "Gabriel",
            "Universidad Nacional de Colombia",
        ),
        ("Souza, Ana (Universidade de São Paulo)", "Souza", "Ana", "Universidade de São Paulo"),
        ("Nowak, Jan (Uniwersytet Warszawski)", "Nowak", "Jan", "Uniwersytet Warszawski"),
        ("Novák, Petr (Univerzita Karlova)", "Novák", "Petr", "Univerzita Karlova"),
        # A given name that is a body's word too (a review: these had become bodies, read
        # as a jurisdiction's heading).
        ("Terrell, Mary Church (Howard University)", "Terrell", "Mary Church", "Howard University"),
        ("Smith, John Court (University of Leeds)", "Smith", "John Court", "University of Leeds"),
        ("Dupont, Jean Bureau (Université Laval)", "Dupont", "Jean Bureau", "Université Laval"),
        # A post before the body: the body is the affiliation (a review: a body, as before).
        ("Smith, Jane (Dean, School of Law)", "Smith", "Jane", "School of Law"),
        (
            "Roe, Ann (Head, Department of History, University of Kestrelford)",
            "Roe",
            "Ann",
            "Department of History, University of Kestrelford",
        ),
        ("Doe, Jo (Member, Royal Society)", "Doe", "Jo", "Royal Society"),
    ],
)
def test_an_organisation_in_parentheses_after_a_persons_name_is_the_affiliation(
    value: str, family: str, given: str, affiliation: str
) -> None:
    # "Family, Given (Affiliation)": the whole string had been an organisation (it holds
    # "University"), the person's names lost.
    (made,) = agents_of(value)
    assert made["type"] == "personal"
    assert (made["family_name"], made["given_name"]) == (family, given)
    assert made["affiliations"] == [{"name": affiliation}]
    assert made["name"] == value


@pytest.mark.parametrize(
    "value",
    [
        "Leeds University Press (Publisher)",  # a body with its role
        "Abbaye Saint-Pierre de Hasnon (Hasnon, France)",  # a body with its place
        "Ministry of Health, Finland (Ministry of Health)",  # no person's name before
        "Smith, John (Leeds)",  # a place, not an organisation: as before
        "Roe, Mary (Programme committee chair)",  # a person's function in a body, not the body
        "Jones, Mary (Head of Department)",
    ],
)
def test_what_is_not_a_person_with_an_affiliation_is_read_as_before(value: str) -> None:
    (made,) = names.agents(value)
    assert made is not None
    assert "affiliations" not in made


def test_an_affiliation_read_from_parentheses_is_each_agents_own() -> None:
    first = names.agent("Smith, John (University of Leeds)")
    first["affiliations"].append({"name": "changed"})
    again = names.agent("Smith, John (University of Leeds)")
    assert again["affiliations"] == [{"name": "University of Leeds"}]


@pytest.mark.parametrize(
    ("value", "role"),
    [
        ("Taylor, Ann (Committee member)", "dgc"),
        ("Jones, Bob (Thesis committee member)", "dgc"),
        ("Brown, A. (Publisher)", "pbl"),
        ("Kowalski, Jan (Degree granting institution)", "dgg"),
    ],
)
def test_a_role_in_parentheses_that_names_a_body_is_the_persons_role(value: str, role: str) -> None:
    # A review: these roles hold an organisation's word, and had become the person's
    # affiliation, the role dropped (a thesis's committee member was no longer one).
    (made,) = agents_of(value)
    assert (made["type"], made["family_name"], made["role"]) == (
        "personal",
        value.split(",")[0],
        role,
    )
    assert "affiliations" not in made


@pytest.mark.parametrize(
    "value",
    [
        "Smith, John (Committee chair)",
        "Smith, John (Committee Chair)",
        "John Smith (Thesis committee chair)",
        "Smith, John (Chair of the committee)",
        "Smith, John (Committee co-chair)",
        "Smith, John (Chair)",
        "Smith, John (Co-chair)",
    ],
)
def test_a_thesis_committees_chair_is_its_advisor(value: str) -> None:
    # An ETD's committee chair directs the thesis (MARC ths, "thesis advisor"; MARC has no
    # chair).  "Committee" had made the whole string a body, "(Chair)" a given name's part.
    (made,) = agents_of(value)
    assert (made["type"], made["family_name"], made["given_name"]) == ("personal", "Smith", "John")
    assert (made["role"], made["role_source"]) == ("ths", value[value.index("(") + 1 : -1])
    assert "affiliations" not in made


@pytest.mark.parametrize(
    "text", ["committee chair", "Committee Chair.", "Thesis committee chair", "committeeChair"]
)
def test_a_committee_chairs_role_text_is_thesis_advisor(text: str) -> None:
    # MODS roleTerm "committee chair" (a local term beside pymods' "committee member") had
    # been "oth"; DSpace's qualifier, as a role's text, too.
    parts = {"family_name": "Olsen", "given_name": "Stanford", "role_text": text}
    assert names.agent_parts(parts)["role"] == "ths"


@pytest.mark.parametrize(
    "value",
    [
        "United States, Congress (Senate Committee on Finance)",
        "Ohio, Senate (Committee on Finance)",
        "United States, Navy (Bureau of Ships)",
        "Massachusetts, General Court (Joint Committee on Education)",
        "United States, Coast Guard (Office of Boating Safety)",
        "Kestrelland, Supreme Court (Committee on Rules)",
    ],
)
def test_a_jurisdictions_heading_with_a_body_in_parentheses_is_a_body(value: str) -> None:
    # A review: a heading's part after the comma had been read as a given name, and the
    # heading as a person, family name "United States", with the committee as affiliation.
    (made,) = agents_of(value)
    assert made == {"type": "organizational", "name": value}
