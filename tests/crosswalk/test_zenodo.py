"""Zenodo's oai_dc: the steps that read what its order and identifiers say."""

from __future__ import annotations

from typing import Any

import pytest

from ir_ingest.crosswalk.engine import Applied
from ir_ingest.crosswalk.zenodo import concept_doi, packed_keywords, record_number

VERSION = {"scheme": "doi", "value": "10.5281/zenodo.8321258"}
CONCEPT = {"scheme": "doi", "value": "10.5281/zenodo.8321257"}
OTHER = {"scheme": "doi", "value": "10.5281/zenodo.6645396"}
CODE = {"scheme": "url", "value": "https://github.com/example/tides/tree/v1.0"}


def _zenodo(related: list[dict[str, Any]], *identifiers: dict[str, str]) -> Applied:
    return Applied(
        {
            "source": {"oai_identifier": "oai:zenodo.org:8321258"},
            "identifiers": list(identifiers or [VERSION]),
            "related": [dict(r) for r in related],
        }
    )


def test_the_concept_doi_last_among_a_versions_relations_is_what_it_is_a_version_of() -> None:
    applied = _zenodo([CODE, OTHER, CONCEPT])
    concept_doi(applied)
    # Only the last: another Zenodo record related to this one is no concept.
    assert applied.data["related"] == [CODE, OTHER, {**CONCEPT, "relation": "IsVersionOf"}]


def test_no_concept_doi_where_the_shape_is_not_zenodos_version() -> None:
    # A record with a DOI of its own from elsewhere (Dryad's): Zenodo gives it no concept DOI,
    # and a Zenodo DOI among its relations is another record's.
    dryad = {"scheme": "doi", "value": "10.5061/dryad.bcc2fqzk0"}
    applied = _zenodo([CODE, CONCEPT], dryad)
    concept_doi(applied)
    assert applied.data["related"] == [CODE, CONCEPT]
    # A Zenodo DOI last but made after the version: no concept (concepts come first).
    later = {"scheme": "doi", "value": "10.5281/zenodo.9000000"}
    applied = _zenodo([later])
    concept_doi(applied)
    assert applied.data["related"] == [later]
    # A relation last that is no DOI (a community's page).
    community = {"scheme": "url", "value": "https://zenodo.org/communities/tides/"}
    applied = _zenodo([CONCEPT, community])
    concept_doi(applied)
    assert applied.data["related"] == [CONCEPT, community]


def test_a_zenodo_record_without_identifiers_is_left_as_it_is() -> None:
    applied = Applied(
        {"source": {"oai_identifier": "oai:zenodo.org:8321258"}, "related": [CONCEPT]}
    )
    concept_doi(applied)
    assert applied.data["related"] == [CONCEPT]


def test_a_relation_type_the_source_gave_is_kept() -> None:
    applied = _zenodo([{**CONCEPT, "relation": "IsPartOf"}])
    concept_doi(applied)
    assert applied.data["related"][-1]["relation"] == "IsPartOf"


def test_the_record_number_is_read_from_the_header_or_dc_identifier() -> None:
    assert record_number({"source": {"oai_identifier": "oai:zenodo.org:42"}}) == 42
    offline = {"source": {}, "identifiers": [{"scheme": "oai", "value": "oai:zenodo.org:7"}]}
    assert record_number(offline) == 7
    assert record_number({"source": {"oai_identifier": "oai:zenodo.org.example:42"}}) is None


def test_numbers_too_long_to_be_zenodos_make_no_record_number_nor_concept() -> None:
    """Zenodo's record numbers are a few digits: int() refuses over 4,300, and a fuzzed
    Zenodo page's DOI of 20,000 digits failed its record (crosswalk.internal_error)."""
    digits = "1" * 5000
    assert record_number({"source": {"oai_identifier": f"oai:zenodo.org:{digits}"}}) is None
    long_doi = {"scheme": "doi", "value": f"10.5281/zenodo.{digits}"}
    applied = _zenodo([CODE, long_doi])
    concept_doi(applied)
    assert applied.data["related"] == [CODE, long_doi]


def _subjects(*values: str, oai: str = "oai:zenodo.org:19368471") -> list[str]:
    applied = Applied(
        {
            "source": {"oai_identifier": oai},
            "subjects": [{"value": v, "scheme": "keyword"} for v in values],
        }
    )
    packed_keywords(applied)
    return [s["value"] for s in applied.data["subjects"]]


def test_a_zenodo_records_only_keyword_packed_with_commas_is_several() -> None:
    assert _subjects("Nmap, IDS, IPS, network scanning, Suricata") == [
        "Nmap",
        "IDS",
        "IPS",
        "network scanning",
        "Suricata",
    ]
    # Written as a sentence: its "and" and full stop belong to no keyword.
    assert _subjects("Malaria, Antimalarials, and Drug-resistant malaria.") == [
        "Malaria",
        "Antimalarials",
        "Drug-resistant malaria",
    ]
    assert _subjects("tides, tides, mills") == ["tides", "mills"]


def test_commas_are_kept_where_the_list_is_not_clear() -> None:
    # One of several subjects: a term of its own (a Scopus subject area).
    area = "Ecology, Evolution, Behavior and Systematics"
    assert _subjects("Genetics", area) == ["Genetics", area]
    # Another repository's subject heading.
    assert _subjects("History, Modern", oai="oai:repo.example.org:12") == ["History, Modern"]


@pytest.mark.parametrize("value", [",", ", ,", "Tides,"])
def test_a_keyword_of_commas_and_one_word_at_most_stays_as_written(value: str) -> None:
    # "," had lost the keyword altogether (a review).
    applied = Applied(
        {"source": {"oai_identifier": "oai:zenodo.org:5"}, "subjects": [_keyword(value)]}
    )
    packed_keywords(applied)
    assert applied.data["subjects"] == [_keyword(value)]


def _keyword(value: str) -> dict[str, str]:
    return {"scheme": "keyword", "value": value}
