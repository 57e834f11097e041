"""Property tests: arbitrary input never escapes the error types bad input is meant to get."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ir_ingest import xmlsafe
from ir_ingest.crosswalk import names, normalise
from ir_ingest.crosswalk.normalise import NormaliseError
from ir_ingest.errors import XMLError

EDTF_L0 = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@settings(max_examples=300)
@given(st.binary(max_size=400))
def test_the_parser_only_ever_raises_xml_errors(data: bytes) -> None:
    code = "parsed"
    try:
        xmlsafe.parse(data, max_bytes=300)
    except XMLError as exc:
        code = exc.code
    assert code == "parsed" or code.startswith("xml.")


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_edtf_dates_are_level_0_or_refused(value: str) -> None:
    try:
        result = normalise.edtf_date(value)
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
