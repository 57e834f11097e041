"""Property tests: arbitrary input never escapes the error types bad input is meant to get."""

from __future__ import annotations

import copy
import re
import unicodedata
import uuid
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import jsonschema
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ir_ingest import xmlsafe
from ir_ingest.crosswalk import (
    CrosswalkResult,
    crosswalk_record,
    dates,
    names,
    normalise,
    organisations,
)
from ir_ingest.crosswalk.lookups import lookup_key
from ir_ingest.crosswalk.normalise import NormaliseError
from ir_ingest.documents import read_file
from ir_ingest.errors import XMLError
from ir_ingest.oai.records import unwrap
from ir_ingest.schema import RECORD_ID_NAMESPACE, checked_in_schema, record_id
from tests.conftest import FIXTURES
from tests.crosswalk.lineage import unexplained

if TYPE_CHECKING:
    from pathlib import Path

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
RECORD_SCHEMA = jsonschema.Draft202012Validator(checked_in_schema())

# A date of EDTF level 0, or an interval of two, or of one and level 1's open end, ".." (what
# edtf_date says it gives: a catalogue's "1985-" is "1985/..").
_L0_DATE = r"\d{4}(-\d{2}(-\d{2})?)?"
EDTF_L0 = re.compile(rf"^(?:{_L0_DATE}(/{_L0_DATE}|/\.\.)?|\.\./{_L0_DATE})$")


@settings(max_examples=300)
@given(st.binary(max_size=400))
def test_the_parser_only_ever_raises_xml_errors(data: bytes) -> None:
    code = "parsed"
    try:
        xmlsafe.parse(data, max_bytes=300)
    except XMLError as exc:
        code = exc.code
    assert code == "parsed" or code.startswith("xml.")


# Pieces of the dates repositories write: arbitrary text alone hardly ever makes a date (none
# in 900 tries), and the property was never checked on one.
_DATE_PARTS = st.sampled_from(
    ("2024", "1999", "0", "1", "05", "12", "13", "31", "-", "/", ".", " ", ",", "c", "ca.",
     "[", "]", "?", "May", "juillet", "de", "T10:00:00Z", "n.d.")
)  # fmt: skip


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=60), st.lists(_DATE_PARTS, max_size=6).map("".join)))
@example("18 Dec 2020").via("a date")
@example("[1999]").via("a catalogue's year")
@example("2017-03/2019-11").via("an interval")
@example("0000-").via("a catalogue's span open at its end")
def test_edtf_dates_are_level_0_or_refused(value: str) -> None:
    try:
        result = dates.edtf_date(value)
    except NormaliseError:
        return
    assert EDTF_L0.match(result)


@settings(max_examples=200)
@given(st.text(min_size=1, max_size=60))
def test_names_parse_or_are_refused(value: str) -> None:
    try:
        agent = names.agent(value)
    except NormaliseError:
        return
    assert agent["name"]
    assert agent["type"] in ("personal", "organizational")


# Words of the organisation pattern, surnames, and what stands between words (or joins them).
_NAME_PARTS = st.sampled_from(
    ("institute", "universities", "city of", "departement", "gmbh", "organization", "co", "of",
     "museum", "smith", "press", "x", " ", ",", "_", "-", "1", ".")
)  # fmt: skip


@settings(max_examples=300)
@given(st.lists(_NAME_PARTS, max_size=8), st.lists(st.booleans(), min_size=80, max_size=80))
def test_an_ascii_name_lower_cased_finds_the_organisation_words_the_case_blind_pattern_finds(
    parts: list[str], upper: list[bool]
) -> None:
    name = "".join(c.upper() if up else c for c, up in zip("".join(parts), upper, strict=False))
    found = organisations._ORGANISATION_WORDS.search(name)
    assert bool(organisations._ASCII_ORGANISATION_WORDS.search(name.lower())) == bool(found)


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_a_lookup_key_collapses_the_white_space_a_pattern_would(value: str) -> None:
    assert lookup_key(value) == re.sub(r"\s+", " ", value).strip().lower()


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def _clean_text_by_patterns(value: str) -> str:
    """clean_text as it was written with patterns (the white space a pattern's \\s matches),
    after the same reading again of mojibake (a C1 control such as NEL is Windows-1252's)."""
    if normalise._MOJIBAKE.search(value):
        value = normalise._read_again(value)
    text = unicodedata.normalize("NFC", value)
    if "\n" in text and _PARAGRAPH_BREAK.search(text):
        paragraphs = (re.sub(r"\s+", " ", p).strip() for p in _PARAGRAPH_BREAK.split(text))
        return "\n\n".join(p for p in paragraphs if p)
    return re.sub(r"\s+", " ", text).strip()


@settings(max_examples=300)
@given(
    st.text(
        alphabet=st.sampled_from("ab é\u0301\n\t\r\x0b\x0c\x1c\x85\xa0\u2003\u2028"), max_size=30
    )
)
def test_clean_text_collapses_the_white_space_a_pattern_would(value: str) -> None:
    assert normalise.clean_text(value) == _clean_text_by_patterns(value)


@settings(max_examples=300)
@given(st.text(), st.text())
def test_a_record_id_is_the_uuid5_of_its_source(repository: str, identifier: str) -> None:
    expected = uuid.uuid5(RECORD_ID_NAMESPACE, f"{repository}\n{identifier}")
    assert record_id.__wrapped__(repository, identifier) == str(expected)


# Pieces of the values repositories write, good and bad, for records made of them.
_PIECES = st.sampled_from(
    [
        "Smith, John", "J. Smith", "(ed.)", "and", "editors", "Digitized by Internet Archive",
        "Nguyễn Văn Anh", "ZHANG Wei", "2024", "2024-13-45", "c1999", "[1999?]", "2024/1999",
        "10.1234/abc", "https://doi.org/10.5/y", "ISBN 978-3-16-148410-0", "(pbk.)",
        "ISSN 1234-5678", "hdl:1887/12345", "Journal of X", "12(3)", "Vol. 3", "pp. 1-9",
        "info:eu-repo/semantics/openAccess", "info:eu-repo/semantics/article", "eng", "fr",
        "https://creativecommons.org/licenses/by/4.0/", "<p>", "&", "Abstract:", "\u0338",
        "University of Oslo", "info:eu-repo/grantAgreement/EC/H2020/123456/EU//X", "Text",
    ]
)  # fmt: skip
#: Text XML 1.0 can hold: no surrogates, controls (tab and line ends apart) or non-characters.
_XML_TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Cn")) | st.sampled_from("\t\n\r"), max_size=8
)
_VALUES = st.lists(st.one_of(_PIECES, _XML_TEXT), max_size=5).flatmap(
    lambda parts: st.sampled_from([" ", ", ", "; ", ""]).map(lambda sep: sep.join(parts))
)
_DC = st.sampled_from(
    ["title", "creator", "contributor", "subject", "description", "publisher", "date", "type",
     "identifier", "source", "language", "relation", "rights", "format", "coverage"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_DC, _VALUES), max_size=12))
def test_an_oai_dc_record_of_any_values_crosswalks_whole(elements: list[tuple[str, str]]) -> None:
    """Whatever a record's values: a valid record, every value in a field or in extra, and
    every field explained by lineage (a fuzz found an ISBN's note failing a related item,
    and a contributor taken from a value kept in extra unexplained)."""
    dc = "".join(f"<dc:{name}>{escape(value)}</dc:{name}>" for name, value in elements)
    xml = f'<oai_dc:dc xmlns:oai_dc="{OAI_DC}" xmlns:dc="{DC}">{dc}</oai_dc:dc>'
    _assert_whole(crosswalk_record(xml.encode(), "oai_dc"))


def _assert_whole(result: CrosswalkResult) -> None:
    """A valid record, every source value in a field or in extra, every field explained."""
    record = result.record.to_dict()
    kept = sum(len(values) for values in result.record.extra.values())
    assert result.consumed_values + kept == result.source_values
    assert list(RECORD_SCHEMA.iter_errors(record)) == []
    assert unexplained(record, result.lineage) == []


_FIXTURE_RECORDS = sorted(
    path
    for path in (FIXTURES / "records").glob("*/*.xml")
    if path.name not in ("wrong-namespace.xml",)
)
_ATTRIBUTES = ("type", "authority", "lang", "{http://www.w3.org/XML/1998/namespace}lang",
               "valueURI", "eventType", "usage", "encoding", "point", "displayLabel")  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(_FIXTURE_RECORDS), st.data())
def test_a_fixture_record_however_changed_crosswalks_whole(path: Path, data: st.DataObject) -> None:
    """The golden records with some values, elements and attributes changed: the same
    guarantees (a fuzz of the corpus so found a MODS name's lang given to its valueURI)."""
    # Some are OAI records or collections: their first record's metadata, as a harvest has it.
    first = read_file(path)[0]
    _, root = unwrap(xmlsafe.parse(first.raw).root)
    assert root is not None
    elements = [element for element in root.iter() if isinstance(element.tag, str)]
    for _ in range(data.draw(st.integers(1, 8))):
        element = data.draw(st.sampled_from(elements))
        change = data.draw(st.sampled_from(("text", "copy", "attribute", "bare")))
        parent = element.getparent()
        if change == "text":
            element.text = data.draw(_VALUES)
        elif change == "copy" and parent is not None:
            parent.insert(parent.index(element), copy.deepcopy(element))
        elif change == "attribute":
            name = data.draw(st.sampled_from(_ATTRIBUTES))
            element.set(name, data.draw(_VALUES))
        else:
            element.attrib.clear()
    _assert_whole(crosswalk_record(root, first.metadata_prefix))
