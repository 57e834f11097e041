"""Normalisers: one policy each, errors instead of guesses."""

from __future__ import annotations

import unicodedata

import pytest

from ir_ingest.crosswalk import normalise
from ir_ingest.crosswalk.normalise import NormaliseError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020", "2020"),
        ("2020-12", "2020-12"),
        ("2020-12-18", "2020-12-18"),
        ("2019-11-30T00:00:00Z", "2019-11-30"),
        (" 18 Dec 2020 ", "2020-12-18"),
        ("December 2020", "2020-12"),
    ],
)
def test_edtf_date(value: str, expected: str) -> None:
    assert normalise.edtf_date(value) == expected


@pytest.mark.parametrize("value", ["n.d.", "03/04/2020", "2020-13-01", "2021-02-30", ""])
def test_edtf_date_refuses_what_it_cannot_know(value: str) -> None:
    with pytest.raises(NormaliseError):
        normalise.edtf_date(value)


def test_a_bad_interval_is_named_whole() -> None:
    with pytest.raises(
        NormaliseError, match=r"^'\[/x\] n\.d\.' is no date or interval of dates: '\['"
    ):
        normalise.edtf_date("[/x] n.d.")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("en", "eng"),
        ("eng", "eng"),
        ("English", "eng"),
        ("ger", "deu"),
        ("de", "deu"),
        ("fr", "fra"),
        ("en-GB", "eng"),
        ("en_US", "eng"),
        ("chi", "zho"),
        ("Deutsch", "deu"),
    ],
)
def test_language(value: str, expected: str) -> None:
    assert normalise.language(value) == expected


def test_language_unknown() -> None:
    with pytest.raises(NormaliseError, match="Klingonish"):
        normalise.language("Klingonish")


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
    assert normalise.agent(value) == expected


def test_sanitise_html_keeps_emphasis_and_drops_scripts() -> None:
    dirty = 'About <i>Zostera marina</i><script>alert(1)</script> <a href="x" onclick="y">here</a>'
    assert normalise.sanitise_html(dirty) == "About <i>Zostera marina</i> here"


def test_clean_text_is_nfc_and_collapses_space() -> None:
    assert normalise.clean_text("  Cafe\u0301\n\t au  lait ") == "Caf\u00e9 au lait"


def test_integer() -> None:
    assert normalise.integer("10 pages") == 10
    with pytest.raises(NormaliseError):
        normalise.integer("ten")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("p <0.05 and q> 0.1", "p &lt;0.05 and q&gt; 0.1"),
        ("Expression of <gene> products", "Expression of &lt;gene&gt; products"),
        ("Smith & Jones", "Smith &amp; Jones"),
        ("Smith &amp; Jones <i>et al.</i>", "Smith &amp; Jones <i>et al.</i>"),
        ("<P>Upper-case markup</P>", "<p>Upper-case markup</p>"),
    ],
)
def test_sanitise_html_reads_only_markup_as_html(value: str, expected: str) -> None:
    assert normalise.sanitise_html(value) == expected


def test_sanitised_html_stays_safe_under_nfc() -> None:
    # A combining long solidus after ">" turns the pair into "≯" under NFC: the <b> tag would
    # never close and the rest would become its attributes.
    attack = "<b>&#x338; autofocus tabindex=1 onfocus=alert(document.cookie) x</b> Abstract"
    cleaned = normalise.sanitise_html(attack)
    assert unicodedata.normalize("NFC", cleaned) == cleaned
    assert cleaned.startswith("<b>&#x338; autofocus")
    assert "\u226f" not in cleaned


@pytest.mark.parametrize("text", ["editor.", "Editor", "EDITOR.", "editor,", "ed.", " editor ; "])
def test_a_role_text_is_read_without_its_full_stop_or_case(text: str) -> None:
    # AACR2 headings end the relator term with a full stop: "editor."
    parts = {"family_name": "Oyelaran", "given_name": "Bisi", "role_text": text}
    agent = normalise.agent_parts(parts)
    assert agent["role"] == "edt"
    assert agent["role_source"] == text


def test_a_role_text_beside_a_role_code_is_kept() -> None:
    parts = {"family_name": "Lund", "role": "ill", "role_text": "illustrator"}
    assert normalise.agent_parts(parts) == {
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
    assert normalise.agent_parts(parts) == {
        "type": "personal",
        "family_name": "Vask-Hollis",
        "given_name": "Petronella",
        "name": "Dame Petronella Vask-Hollis",
    }


def test_a_display_form_beside_an_untyped_name_part_is_the_name() -> None:
    parts = {"names": ["Quillfeather, Ansel"], "display_form": "Ansel Quillfeather"}
    agent = normalise.agent_parts(parts)
    assert (agent["family_name"], agent["given_name"]) == ("Quillfeather", "Ansel")
    assert agent["name"] == "Ansel Quillfeather"


def test_a_display_form_alone_is_parsed() -> None:
    agent = normalise.agent_parts({"display_form": "Quillfeather, Ansel"})
    assert (agent["family_name"], agent["given_name"]) == ("Quillfeather", "Ansel")
    corporate = normalise.agent_parts({"name_type": "corporate", "display_form": "Marrow Society"})
    assert corporate == {"type": "organizational", "name": "Marrow Society"}


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
        # Vietnamese Van (Văn) is a middle name: a capitalised particle as the middle of three
        # words is no particle; one that leads a sequence of particles is ("Van der").
        ("Tuan Van Nguyen", "Nguyen", "Tuan Van"),
        ("Hieu Van Le", "Le", "Hieu Van"),
        ("Jan Van der Berg", "Van der Berg", "Jan"),
        ("Juan De la Cruz", "De la Cruz", "Juan"),
        ("Smith, Alfred, 1820-1912", "Smith", "Alfred"),
        ("Smith, Alfred, 1811-", "Smith", "Alfred"),
        ("Smith, Alfred, b. 1820", "Smith", "Alfred"),
        ("Smith, Alfred, d. 1900", "Smith", "Alfred"),
        ("Smith, Alfred, ca. 1800-1850", "Smith", "Alfred"),
    ],
)
def test_agent_particles_and_life_dates(value: str, family: str, given: str) -> None:
    agent = normalise.agent(value)
    assert (agent["family_name"], agent["given_name"]) == (family, given)
    assert agent["name"] == value, "the source's string stays recoverable"


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
    ],
)
def test_agent_organisations(value: str) -> None:
    assert normalise.agent(value) == {"type": "organizational", "name": value}


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
        # A role or life dates are not part of the name the test looks at.
        ("Smith, J. (co-ed.)", "Smith", "J. (co-ed.)"),
        ("Smith, J. (ed.)", "Smith", "J."),
        ("Press, Frank, 1924-2020", "Press", "Frank"),
    ],
)
def test_agent_surnames_that_are_weak_organisation_words(
    value: str, family: str, given: str
) -> None:
    agent = normalise.agent(value)
    assert agent["type"] == "personal"
    assert (agent["family_name"], agent["given_name"]) == (family, given)
    assert agent["name"] == value


@pytest.mark.parametrize(
    ("value", "role_source"),
    [
        ("Taco Brandsen (ed.)", "ed."),
        ("Brandsen, Taco (eds.)", "eds."),
        ("Taco Brandsen (Hrsg.)", "Hrsg."),
    ],
)
def test_agent_trailing_role(value: str, role_source: str) -> None:
    assert normalise.agent(value) == {
        "type": "personal",
        "name": value,
        "family_name": "Brandsen",
        "given_name": "Taco",
        "role": "edt",
        "role_source": role_source,
    }


def test_agent_keeps_parentheses_that_are_no_role() -> None:
    agent = normalise.agent("Ng, Mary (Molly)")
    assert (agent["family_name"], agent["given_name"]) == ("Ng", "Mary (Molly)")
    assert "role" not in agent


@pytest.mark.parametrize("value", ["45-67", "45 \u2013 67", "45\u201467 pages"])
def test_integer_refuses_a_page_range(value: str) -> None:
    # <extent unit="pages">45-67</extent>: where the output sits in its host, not its length.
    with pytest.raises(NormaliseError):
        normalise.integer(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "Journal of X; Vol 3 No 2 (2021); 15-27",
            {
                "title": "Journal of X",
                "volume": "3",
                "issue": "2",
                "publication_date": "2021",
                "pages": {"start": "15", "end": "27"},
            },
        ),
        ("Book title: Subtitle", {"title": "Book title: Subtitle"}),
        ("Acta; Volume 12; 100", {"title": "Acta", "volume": "12", "pages": {"start": "100"}}),
    ],
)
def test_citation(value: str, expected: dict[str, object]) -> None:
    assert normalise.citation(value) == expected


def test_the_citation_expression_does_not_backtrack_through_spaces() -> None:
    # Found by a security review: with spaces free to go to the title or to the parts after
    # it, the old expression took 3.8 s for 80 spaces, doubling with each few more.
    # citation() collapses runs of spaces first; the expression must not rely on that.
    assert normalise._CITATION.match("T" + " " * 400 + "x;") is None


def test_a_value_longer_than_any_citation_is_not_read_as_one() -> None:
    with pytest.raises(NormaliseError, match="not a citation we read"):
        normalise.citation("Title; " * 200)
