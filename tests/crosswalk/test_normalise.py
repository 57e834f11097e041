"""Normalisers: one policy each, errors instead of guesses."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

import pytest

from ir_ingest.crosswalk import normalise
from ir_ingest.crosswalk.lookups import add_lookup_dir
from ir_ingest.crosswalk.normalise import NormaliseError

if TYPE_CHECKING:
    from pathlib import Path


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
        ("sr-Cyrl", "srp"),
        # Islandora's MODS to DC stylesheet glues the script to the code.
        ("engLatn", "eng"),
        ("rusCyrl", "rus"),
        # LoC's MODS to DC stylesheet joins a language's text and code terms.
        ("English eng", "eng"),
    ],
)
def test_language(value: str, expected: str) -> None:
    assert normalise.language(value) == expected


def test_language_unknown() -> None:
    with pytest.raises(NormaliseError, match="Klingonish"):
        normalise.language("Klingonish")
    with pytest.raises(NormaliseError, match="English German"):
        normalise.language("English German")  # two languages are no one language


def test_a_user_language_table_added_later_is_read(
    tmp_path: Path, isolated_crosswalks: None
) -> None:
    with pytest.raises(NormaliseError):
        normalise.language("Klingonish")  # failed, and the failure cached
    (tmp_path / "languages_extra.csv").write_text("source_value,iso639_3\nklingonish,tlh\n")
    add_lookup_dir(tmp_path)
    assert normalise.language("Klingonish") == "tlh", "the cached failure was forgotten"


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


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Zenodo's oai_dc escapes its HTML twice: the parsed text still holds "&lt;p&gt;".
        ("&lt;p&gt;Seagrass &amp;amp; kelp&lt;/p&gt;", "<p>Seagrass &amp; kelp</p>"),
        ("&lt;h3&gt;Abstract&lt;/h3&gt; &lt;p&gt;Text&lt;/p&gt;", "Abstract <p>Text</p>"),
        ('&lt;p class="MsoNormal"&gt;Caf&amp;eacute;&lt;/p&gt;', "<p>Café</p>"),
        # Escaped once more than that, it is unescaped once only: no loop to the bottom.
        ("&amp;lt;b&amp;gt;x&lt;br&gt;", "&lt;b&gt;x<br>"),
    ],
)
def test_sanitise_html_unescapes_markup_escaped_twice(value: str, expected: str) -> None:
    assert normalise.sanitise_html(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Real markup beside escaped tags: the escaped ones are text the author wrote.
        ("<p>Use the &lt;p&gt; element</p>", "<p>Use the &lt;p&gt; element</p>"),
        # An escaped "<" that opens no HTML element stays text.
        ("p &lt; 0.05 &lt;gene&gt;", "p &lt; 0.05 &lt;gene&gt;"),
    ],
)
def test_sanitise_html_unescapes_only_markup_with_no_real_element(
    value: str, expected: str
) -> None:
    assert normalise.sanitise_html(value) == expected


def test_markup_escaped_twice_is_still_sanitised() -> None:
    attack = '&lt;p onclick="x()"&gt;Hi&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;'
    assert normalise.sanitise_html(attack) == "<p>Hi</p>"


def test_sanitised_html_stays_safe_under_nfc() -> None:
    # A combining long solidus after ">" turns the pair into "≯" under NFC: the <b> tag would
    # never close and the rest would become its attributes.
    attack = "<b>&#x338; autofocus tabindex=1 onfocus=alert(document.cookie) x</b> Abstract"
    cleaned = normalise.sanitise_html(attack)
    assert unicodedata.normalize("NFC", cleaned) == cleaned
    assert cleaned.startswith("<b>&#x338; autofocus")
    assert "\u226f" not in cleaned


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Abstract: We study tides.", "We study tides."),
        ("ABSTRACT We study tides.", "We study tides."),
        ("Abstract - We study tides.", "We study tides."),
        ("Résumé : Nous étudions les marées.", "Nous étudions les marées."),
        # Zenodo: "<h3>Abstract</h3><p>…", the h3 taken off by sanitise_html.
        ("<h3>Abstract</h3>\n<p>We study tides.</p>", "<p>We study tides.</p>"),
        ("<p><strong>Abstract:</strong></p> <p>We study.</p>", "<p>We study.</p>"),
        ("<p>Abstract: We study tides.</p>", "<p>We study tides.</p>"),
        ("<p><strong>Abstract</strong> We study.</p>", "<p>We study.</p>"),
        ("Abstract<br>We study.", "We study."),
        # IEEE's dash without spaces; a colon after the tag that closes the word (a review).
        ("Abstract\u2014We study tides.", "We study tides."),
        ("<p><em>Abstract</em>: We study.</p>", "<p>We study.</p>"),
    ],
)
def test_an_abstract_loses_its_heading_word(written: str, expected: str) -> None:
    assert normalise.strip_heading(normalise.sanitise_html(written)) == expected


@pytest.mark.parametrize(
    "written",
    [
        "Abstract algebra is the study of groups.",
        "Summary of findings: none.",
        "Abstracts of the tidal conference",
        "Abstract-based models",
        "ABSTRACT OF THESIS",
        "Summary <em>of</em> findings",
        "Abstract",
        "<p><strong>Abstract</strong></p>",
    ],
)
def test_a_first_word_that_is_no_heading_stays(written: str) -> None:
    cleaned = normalise.sanitise_html(written)
    assert normalise.strip_heading(cleaned) == cleaned


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
        # OJS 3 adds the title: the citation had given no host title at all.
        (
            "Journal of X; Vol. 4 No. 2 (2021): Dunes and marshes; 15-30",
            {
                "title": "Journal of X",
                "volume": "4",
                "issue": "2",
                "publication_date": "2021",
                "pages": {"start": "15", "end": "30"},
            },
        ),
        ("Book title: Subtitle", {"title": "Book title: Subtitle"}),
        # Zenodo's form (a second walkthrough found it kept whole as the journal's title).
        (
            "Journal of X, Series B, 11(5), 613-616, (2024-06-01)",
            {
                "title": "Journal of X, Series B",
                "volume": "11",
                "issue": "5",
                "publication_date": "2024-06-01",
                "pages": {"start": "613", "end": "616"},
            },
        ),
        ("Acta; Volume 12; 100", {"title": "Acta", "volume": "12", "pages": {"start": "100"}}),
        # Reference lists' forms: no comma before the volume, or before the pages.
        (
            "Nature 421(6926):805-806",
            {
                "title": "Nature",
                "volume": "421",
                "issue": "6926",
                "pages": {"start": "805", "end": "806"},
            },
        ),
        (
            "Sociologische Gids, 47(2) 77-94.",
            {
                "title": "Sociologische Gids",
                "volume": "47",
                "issue": "2",
                "pages": {"start": "77", "end": "94"},
            },
        ),
        (
            "J. Phys.: Conf. Ser. 1234(1) e012345 (2019)",
            {
                "title": "J. Phys.: Conf. Ser.",
                "volume": "1234",
                "issue": "1",
                "publication_date": "2019",
                "pages": {"start": "e012345"},
            },
        ),
        (
            "Acta 7(1), xii-xv",
            {"title": "Acta", "volume": "7", "issue": "1", "pages": {"start": "xii", "end": "xv"}},
        ),
        # Zenodo's with the journal's ISSN and no pages: it had been the title whole.
        (
            "Musytari: Neraca Manajemen, ISSN 3025-9495, 25(7), (2026-06-03)",
            {
                "title": "Musytari: Neraca Manajemen",
                "issn": "3025-9495",
                "volume": "25",
                "issue": "7",
                "publication_date": "2026-06-03",
            },
        ),
        # Forms with words for the parts, and a volume and pages alone: each had become the
        # journal's whole title (a differential fuzz of oai_dc, qdc and MODS found them).
        (
            "Journal of Ecology, vol. 12, no. 3, pp. 45-67",
            {
                "title": "Journal of Ecology",
                "volume": "12",
                "issue": "3",
                "pages": {"start": "45", "end": "67"},
            },
        ),
        (
            "Journal of X, Series B, Vol. 12, Issue 3 (2020), 45-67.",
            {
                "title": "Journal of X, Series B",
                "volume": "12",
                "issue": "3",
                "publication_date": "2020",
                "pages": {"start": "45", "end": "67"},
            },
        ),
        (
            "Zeitschrift für Ethnologie, Bd. 140, H. 2, S. 201-230",
            {
                "title": "Zeitschrift für Ethnologie",
                "volume": "140",
                "issue": "2",
                "pages": {"start": "201", "end": "230"},
            },
        ),
        ("Handbook of X, Volume 2", {"title": "Handbook of X", "volume": "2"}),
        (
            "Acta Archaeologica, 7, 1-20",
            {"title": "Acta Archaeologica", "volume": "7", "pages": {"start": "1", "end": "20"}},
        ),
        (
            "Journal of Ecology, 12 (3), pp. 45-67",
            {
                "title": "Journal of Ecology",
                "volume": "12",
                "issue": "3",
                "pages": {"start": "45", "end": "67"},
            },
        ),
    ],
)
def test_citation(value: str, expected: dict[str, object]) -> None:
    assert normalise.citation(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "A chapter title, 133-150, (2026-06-10)",
        "Journal of X, 31(4) and more",
        "Journal of X 31(4) and",
        "Journal of X, vol. 3, no. 2, and more",
        "Journal of X pp. 45-67",
    ],
)
def test_a_citation_in_a_form_not_read_is_no_title(value: str) -> None:
    # Read as a plain title, it had become the host's title, volume and date in it.
    with pytest.raises(NormaliseError, match="not a citation we read"):
        normalise.citation(value)


def test_the_citation_expression_does_not_backtrack_through_spaces() -> None:
    # Found by a security review: with spaces free to go to the title or to the parts after
    # it, the old expression took 3.8 s for 80 spaces, doubling with each few more.
    # citation() collapses runs of spaces first; the expression must not rely on that.
    assert normalise._CITATION.match("T" + " " * 400 + "x;") is None
    assert normalise._CITATION.match("T; Vol 1 (2000):" + " " * 400 + "x;;") is None
    assert normalise._NUMBERED_CITATION.match("T" + ", 1 " * 300 + "x;") is None
    assert normalise._LABELLED_CITATION.match("T" + ", vol. 1 " * 300 + "x;") is None
    assert normalise._VOLUME_AND_PAGES.match("T" + ", 1, " * 300 + "x;") is None


def test_a_value_longer_than_any_citation_is_not_read_as_one() -> None:
    with pytest.raises(NormaliseError, match="not a citation we read"):
        normalise.citation("Title; " * 200)


def test_a_heading_joins_its_terms_and_keeps_its_uri() -> None:
    parts = {"terms": ["United States", "History"], "scheme": "lcsh", "uri": "http://x/sh1"}
    assert normalise.heading(parts) == {
        "value": "United States--History",
        "scheme": "lcsh",
        "uri": "http://x/sh1",
    }


def test_a_name_as_subject_is_its_name_with_its_own_uri() -> None:
    agent = {"name": "Lincoln, Abraham", "identifiers": [{"scheme": "url", "value": "http://x/n7"}]}
    assert normalise.heading({"agent": agent, "scheme": "lcnaf"}) == {
        "value": "Lincoln, Abraham",
        "scheme": "lcnaf",
        "uri": "http://x/n7",
    }
    with pytest.raises(NormaliseError, match="no term"):
        normalise.heading({"scheme": "lcsh"})


def test_a_name_heads_its_heading_with_its_life_dates() -> None:
    # LCSH's Lincoln, Abraham, 1809-1865--Assassination: a name, then the topic.
    parts = {
        "agent": {"name": "Lincoln, Abraham"},
        "dates": "1809-1865",
        "terms": ["Assassination"],
        "uri": "http://x/sh2",
    }
    assert normalise.heading(parts)["value"] == "Lincoln, Abraham, 1809-1865--Assassination"
    assert normalise.heading({"agent": {"name": "Baruch, B."}, "dates": "1870-1965"}) == {
        "value": "Baruch, B., 1870-1965"
    }


def test_invisible_characters_are_removed() -> None:
    # Pasted into a title, they made it differ from the same title typed (a fidelity review).
    assert normalise.clean_text("Tidal\u00adrange\u200b \ufeffstudies") == "Tidalrange studies"
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # a non-joiner inside
    assert normalise.clean_text(persian) == persian, "a joiner shapes the script"
