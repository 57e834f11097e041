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


@pytest.mark.parametrize("value", ["9" * 19, "1999" * 2500 + " pages"])
def test_integer_refuses_a_number_too_long_to_be_a_count(value: str) -> None:
    # int() refuses over 4,300 digits: a fuzzed MODS extent of 10,000 failed its record.
    with pytest.raises(NormaliseError):
        normalise.integer(value)
    assert normalise.integer("0" * 5000 + "12 pages") == 12
    assert normalise.integer("9" * 18) == 10**18 - 1


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


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # UTF-8 read as Latin-1 or Windows-1252 by the source (the corpus has the first).
        ("called \u00e2\x80\x98wet\u00e2\x80\x99 or", "called \u2018wet\u2019 or"),
        ("Jos\u00c3\u00a9 Garc\u00c3\u00ada", "Jos\u00e9 Garc\u00eda"),
        ("it\u00e2\u20ac\u2122s", "it\u2019s"),
        ("\u00c3\u2030cole", "\u00c9cole"),
        # Windows-1252 read as Latin-1: its quotation marks are C1 controls.
        ("it\x92s  a test", "it\u2019s a test"),
        # Text that only looks so is left as it is.
        ("na\u00efve caf\u00e9 r\u00e9sum\u00e9", "na\u00efve caf\u00e9 r\u00e9sum\u00e9"),
        ("\u00c3lvaro", "\u00c3lvaro"),
    ],
)
def test_text_decoded_in_the_wrong_encoding_is_read_again(value: str, expected: str) -> None:
    assert normalise.clean_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("\n        Former owner\n    ", "Former owner"),  # a pretty-printed record's leaf
        ("First part.\n   \n  Second\tpart. ", "First part.\n\nSecond part."),
        ("tab\tand\r\nline", "tab and line"),
        ("bell\x07kept", "bell\x07kept"),  # a control no white space is no space either
        ("nul\x00kept", "nul\x00kept"),
        # What str.split() takes for white space, as the Unicode path folds it.
        ("v\x0btab", "v tab"),
        ("form\x0cfeed", "form feed"),
        ("file\x1cand\x1dgroup\x1erecord\x1funit", "file and group record unit"),
    ],
)
def test_ascii_text_has_only_its_white_space_folded(value: str, expected: str) -> None:
    # ASCII takes a way of its own (nothing to normalise, remove or read again in it).
    assert normalise.clean_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<p>See \u202eevil</p>", "<p>See \u202eevil</p>\u202c"),
        ("plain \u2067text", "plain \u2067text\u2069"),
        ("closed \u202bhere\u202c", "closed \u202bhere\u202c"),
    ],
)
def test_an_abstract_closes_the_bidi_overrides_it_opens(value: str, expected: str) -> None:
    # A security review: an abstract is HTML a repository puts in its page, and a
    # right-to-left override left open in it reversed what the page showed after it (the
    # HTML report closes those of every value it shows).
    assert normalise.sanitise_html(value) == expected
