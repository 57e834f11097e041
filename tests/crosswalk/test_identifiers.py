"""Identifiers: detection, normalisation, schemes given by the source."""

from __future__ import annotations

import pytest

from ir_ingest.crosswalk import identifiers
from ir_ingest.crosswalk.normalise import NormaliseError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://doi.org/10.5555/ABC.1", {"scheme": "doi", "value": "10.5555/abc.1"}),
        ("doi:10.5555/x", {"scheme": "doi", "value": "10.5555/x"}),
        ("978-0-367-73501-2", {"scheme": "isbn", "value": "9780367735012"}),
        (
            "https://hdl.handle.net/20.500.99999/3390",
            {"scheme": "handle", "value": "20.500.99999/3390"},
        ),
        ("https://example.org/item/1", {"scheme": "url", "value": "https://example.org/item/1"}),
    ],
)
def test_identifier(value: str, expected: dict[str, str]) -> None:
    assert identifiers.identifier(value) == expected


def test_identifier_refuses_a_citation() -> None:
    with pytest.raises(NormaliseError):
        identifiers.identifier("Lowry, H. (2020) Rivers and reputations. Northmoor.")


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (
            {"scheme": "isbn", "value": "978-0-367-73501-2", "qualifier": "print"},
            {"scheme": "isbn", "value": "9780367735012", "qualifier": "print"},
        ),
        ({"scheme": "hdl", "value": "hdl:11244/1234"}, {"scheme": "handle", "value": "11244/1234"}),
        (
            {"scheme": "uri", "value": "https://doi.org/10.5555/X"},
            {"scheme": "doi", "value": "10.5555/x"},
        ),
        ({"scheme": "local", "value": " b7e-12 "}, {"scheme": "local", "value": "b7e-12"}),
    ],
)
def test_identifier_parts(parts: dict[str, str], expected: dict[str, str]) -> None:
    assert identifiers.identifier_parts(parts) == expected


def test_an_invalid_isbn_is_refused() -> None:
    with pytest.raises(NormaliseError, match="not a valid isbn"):
        identifiers.identifier("9781999991235", "isbn")


def test_scheme_prefixes_and_oai_identifiers() -> None:
    assert identifiers.identifier("issn:2583-1887") == {"scheme": "issn", "value": "25831887"}
    assert identifiers.identifier("oai:zenodo.org:1") == {
        "scheme": "oai",
        "value": "oai:zenodo.org:1",
    }
    assert identifiers.identifier("https://example.org/1234-5679") == {
        "scheme": "url",
        "value": "https://example.org/1234-5679",
    }


def test_grant_agreement() -> None:
    assert identifiers.grant_agreement("info:eu-repo/grantAgreement/EC/H2020/123456/EU") == {
        "funder": {"name": "EC"},
        "award": {
            "number": "123456",
            "uri": "info:eu-repo/grantAgreement/EC/H2020/123456/EU",
            "title": "H2020",
        },
    }
    with pytest.raises(NormaliseError):
        identifiers.grant_agreement("https://example.org/grant")
