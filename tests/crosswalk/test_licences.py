"""Licence URLs in rights prose (oai_dc dc:rights, MODS accessCondition)."""

from __future__ import annotations

import pytest
from lxml import etree

from ir_ingest.crosswalk import crosswalk_record, licences

OAI_DC = (
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>T</dc:title>'
    "<dc:rights>{}</dc:rights></oai_dc:dc>"
)
MODS = (
    '<mods xmlns="http://www.loc.gov/mods/v3"><titleInfo><title>T</title></titleInfo>'
    "<accessCondition>{}</accessCondition></mods>"
)
QDC = (
    '<qdc:qualifieddc xmlns:qdc="http://worldcat.org/xmlschemas/qdc-1.0/"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">'
    "<dc:title>T</dc:title><dcterms:license>{}</dcterms:license></qdc:qualifieddc>"
)
CC_BY = "https://creativecommons.org/licenses/by/4.0/"

PROSE = [
    # The sentence's own punctuation after the URL is not part of it.
    (f"This work is licensed under {CC_BY}.", CC_BY),
    (
        "Distributed under https://creativecommons.org/licenses/by-nc/4.0/, which permits use.",
        "https://creativecommons.org/licenses/by-nc/4.0/",
    ),
    (f"Licensed under CC BY ({CC_BY}).", CC_BY),
    (f"See {CC_BY}; {CC_BY}.", CC_BY),  # the same URL twice names one licence
    (f"{CC_BY}.", CC_BY),
    # Any page of the licence names it, by its canonical URL.
    ("https://creativecommons.org/licenses/by/4.0", CC_BY),
    ("http://creativecommons.org/licenses/by/4.0/legalcode", CC_BY),
]


def _licences(template: str, text: str, prefix: str) -> list[str]:
    result = crosswalk_record(etree.fromstring(template.format(text)), prefix)
    return [lic["uri"] for lic in result.record.to_dict().get("licenses", [])]


@pytest.mark.parametrize(("text", "uri"), PROSE)
def test_oai_dc_licence_prose(text: str, uri: str) -> None:
    assert _licences(OAI_DC, text, "oai_dc") == [uri]


@pytest.mark.parametrize(
    ("text", "uri"),
    [
        *PROSE,
        (
            "Available under https://spdx.org/licenses/MIT.html.",
            "https://opensource.org/licenses/MIT",
        ),
    ],
)
def test_mods_licence_prose(text: str, uri: str) -> None:
    assert _licences(MODS, text, "mods") == [uri]


@pytest.mark.parametrize(("template", "prefix"), [(OAI_DC, "oai_dc"), (MODS, "mods")])
def test_two_different_licence_urls_give_no_licence(template: str, prefix: str) -> None:
    text = f"Text under {CC_BY}, figures under https://creativecommons.org/licenses/by-nc/4.0/."
    assert _licences(template, text, prefix) == []


@pytest.mark.parametrize(
    ("written", "named"),
    [
        # Zenodo's dc:rights: a licence's URL, or its name alone; each had been a rights
        # statement only, with a CC licence's URI and no SPDX id (a second fidelity review).
        ("https://creativecommons.org/licenses/by/4.0/legalcode", ("cc-by-4.0", CC_BY)),
        # A jurisdiction's port: SPDX lists few, so no id (a made-up one refuses a deposit).
        (
            "http://creativecommons.org/licenses/by-nc-nd/3.0/de/deed.de",
            (None, "https://creativecommons.org/licenses/by-nc-nd/3.0/de/"),
        ),
        # Names as SPDX and Zenodo write them, and Creative Commons' short ones (a review).
        (
            "Creative Commons Attribution Non Commercial 4.0 International",
            ("cc-by-nc-4.0", "https://creativecommons.org/licenses/by-nc/4.0/"),
        ),
        (
            "CC BY-NC-ND 4.0",
            ("cc-by-nc-nd-4.0", "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
        ),
        ("CC BY 3.0", ("cc-by-3.0", "https://creativecommons.org/licenses/by/3.0/")),
        (
            'BSD 3-Clause "New" or "Revised" License',
            ("bsd-3-clause", "https://opensource.org/licenses/BSD-3-Clause"),
        ),
        # URLs as OSI writes them now and wrote them, with a query, or an SPDX page.
        (
            "https://opensource.org/license/bsd-3-clause/",
            ("bsd-3-clause", "https://opensource.org/licenses/BSD-3-Clause"),
        ),
        (
            "https://opensource.org/licenses/mit-license.php",
            ("mit", "https://opensource.org/licenses/MIT"),
        ),
        (f"{CC_BY}?ref=chooser-v1", ("cc-by-4.0", CC_BY)),
        ("https://spdx.org/licenses/0BSD.html", ("0bsd", "https://spdx.org/licenses/0BSD.html")),
        (
            "https://creativecommons.org/publicdomain/zero/1.0/",
            ("cc0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
        ),
        ("https://opensource.org/licenses/MIT", ("mit", "https://opensource.org/licenses/MIT")),
        ("MIT License", ("mit", "https://opensource.org/licenses/MIT")),
        (
            "http://www.apache.org/licenses/LICENSE-2.0",
            ("apache-2.0", "https://www.apache.org/licenses/LICENSE-2.0"),
        ),
        (
            "Creative Commons Attribution 4.0 International",
            ("cc-by-4.0", CC_BY),
        ),
    ],
)
def test_a_licence_is_named_by_its_spdx_id(written: str, named: tuple[str, str]) -> None:
    result = crosswalk_record(etree.fromstring(OAI_DC.format(written)), "oai_dc")
    record = result.record.to_dict()
    assert [(lic.get("id"), lic["uri"]) for lic in record["licenses"]] == [named]
    assert "rights_statements" not in record, "a licence's name is not said again as a statement"


def test_a_rights_statement_is_no_licence() -> None:
    rights = "http://rightsstatements.org/vocab/InC/1.0/"
    record = crosswalk_record(etree.fromstring(OAI_DC.format(rights)), "oai_dc").record.to_dict()
    assert "licenses" not in record
    assert record["rights_statements"] == [rights]


@pytest.mark.parametrize("template", [OAI_DC, QDC])
def test_a_rights_statements_url_is_no_licence_in_qdc_either(template: str) -> None:
    rights = "http://rightsstatements.org/vocab/InC/1.0/"
    prefix = "qdc" if template is QDC else "oai_dc"
    record = crosswalk_record(etree.fromstring(template.format(rights)), prefix).record.to_dict()
    assert "licenses" not in record
    assert record["rights_statements"] == [rights]


@pytest.mark.parametrize(
    ("text", "uri"),
    [
        # The licence chooser's sentence without its URL: the prose had been a rights
        # statement only, with no licence (a MODS fidelity review).
        (
            "Reuse is governed by a Creative Commons Attribution-ShareAlike 4.0 International "
            "License (CC BY-SA).",
            "https://creativecommons.org/licenses/by-sa/4.0/",
        ),
        (
            "Licensed under Creative Commons Attribution 3.0 Unported, see the deed.",
            "https://creativecommons.org/licenses/by/3.0/",
        ),
        # Two licences named: which one is the record's is not said.
        (
            "Text under a Creative Commons Attribution 4.0 International License, images "
            "under a Creative Commons Attribution-NoDerivatives 4.0 International License.",
            None,
        ),
        # A name Creative Commons never gave is no licence.
        ("Creative Commons Attribution-Everything 4.0 International License", None),
    ],
)
def test_mods_licence_named_in_prose(text: str, uri: str | None) -> None:
    expected = [uri] if uri else []
    record = crosswalk_record(etree.fromstring(MODS.format(text)), "mods").record.to_dict()
    assert [lic["uri"] for lic in record.get("licenses", [])] == expected
    assert record["rights_statements"] == [text], "the prose is kept as written"


def test_a_licence_url_no_table_knows_is_kept_encoded_as_a_link_is() -> None:
    # A security review: kept as written, a right-to-left override in a licence URL went
    # into the record's licence link, which read as another address; and the licence op,
    # which a user's crosswalk may run on any URL, kept '"><script>' for an attribute a
    # repository shows, and made an SPDX "id" with the attribute after it.  A landing page's
    # URL was encoded so already (identifiers.url).
    rights = "http://creativecommons.org/licenses/by/4.0/\u202egnp.exe"
    result = crosswalk_record(etree.fromstring(OAI_DC.format(rights)), "oai_dc")
    encoded = "http://creativecommons.org/licenses/by/4.0/%E2%80%AEgnp.exe"
    assert result.record.to_dict()["licenses"] == [{"uri": encoded}]
    assert licences.licence('http://evil.example/l"><script>x</script>') == {
        "uri": "http://evil.example/l%22%3E%3Cscript%3Ex%3C/script%3E"
    }
    assert licences.licence('https://spdx.org/licenses/MIT"onmouseover="x') == {
        "uri": "https://spdx.org/licenses/MIT%22onmouseover=%22x"
    }


def test_a_long_run_of_slashes_in_a_licence_url_is_read_in_one_pass() -> None:
    # "/*$" (the slashes that end a URL) had been tried from each slash of a run something
    # follows, to its end: 10,000 took a third of a second, these 200,000 minutes.
    hostile = "https://creativecommons.org/licenses/by/4.0/" + "/" * 200_000 + "x"
    assert licences.licence(hostile) == {"uri": hostile}
    ended = licences.licence("https://creativecommons.org/licenses/by/4.0" + "/" * 200_000)
    assert ended["id"] == "cc-by-4.0"
