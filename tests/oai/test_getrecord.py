"""Manual import of one record by its OAI identifier (GetRecord), against pyoai's server."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from ir_ingest.entry import Outcome
from ir_ingest.errors import ConfigError, HarvestError, OAIProtocolError
from ir_ingest.oai.getrecord import fetch_by_identifiers, fetch_url
from ir_ingest.oai.harvest import run_harvest
from ir_ingest.oai.provider import ProvidedRecord, fixture_endpoint_app, serve_in_background
from tests.oai.scripted import page, record, scripted

if TYPE_CHECKING:
    from ir_ingest.store import Store

DC = "http://purl.org/dc/elements/1.1/"


def test_a_record_imported_by_identifier_is_the_harvested_one(
    store: Store, demo_records: list[ProvidedRecord]
) -> None:
    live = next(r for r in demo_records if not r.deleted)
    assert live.metadata is not None
    retitled = copy.deepcopy(live.metadata)
    retitled.find(f"{{{DC}}}title").text = "Fixed at the source"  # type: ignore[union-attr]
    changed = [replace(live, metadata=retitled) if r is live else r for r in demo_records]
    with serve_in_background(fixture_endpoint_app(demo_records)) as url:
        run_harvest(url, "oai_dc", store=store)
        [same] = fetch_by_identifiers(url, [live.identifier])
        store.save_page(None, [same], None)
    # The endpoint, fixed, now answers on another port: the records' name stays the first URL.
    with serve_in_background(fixture_endpoint_app(changed)) as moved:
        [fixed] = fetch_by_identifiers(moved, [live.identifier], prefix="oai_dc", repository=url)

    assert same.outcome is Outcome.UNCHANGED, "auto took oai_dc, and the id is the harvest's"
    store.save_page(None, [fixed], None)
    assert fixed.outcome is Outcome.UPDATED
    assert fixed.record is not None
    assert fixed.record.title is not None
    assert fixed.record.title.value == "Fixed at the source"


def test_an_identifier_given_twice_is_fetched_once(demo_records: list[ProvidedRecord]) -> None:
    one, two = [r.identifier for r in demo_records if not r.deleted][:2]
    with serve_in_background(fixture_endpoint_app(demo_records)) as url:
        entries = fetch_by_identifiers(url, [one, two, one], prefix="oai_dc")
    assert [e.harvested.identifier for e in entries] == [one, two]


def test_a_list_url_that_goes_on_is_said_to_give_its_first_page_only(
    demo_records: list[ProvidedRecord], caplog: pytest.LogCaptureFixture
) -> None:
    """The first page alone had been taken without a word, as if the list were whole."""
    with serve_in_background(fixture_endpoint_app(demo_records, batch_size=10)) as url:
        first = fetch_url(f"{url}?verb=ListRecords&metadataPrefix=oai_dc")
        assert [r.message for r in caplog.records] == [
            f"{url}?verb=ListRecords&metadataPrefix=oai_dc: the list goes on (it ends in a "
            f"resumptionToken): only its first page is read; ir-ingest harvest {url} takes "
            "every page"
        ]
        caplog.clear()
        one = fetch_url(
            f"{url}?verb=GetRecord&metadataPrefix=oai_dc&identifier={first[0].harvested.identifier}"
        )
    assert len(first) == 10
    assert len(one) == 1
    assert caplog.records == [], "a GetRecord answer has no list to go on"


def test_a_deleted_record_is_a_tombstone(store: Store, demo_records: list[ProvidedRecord]) -> None:
    gone = next(r for r in demo_records if r.deleted)
    with serve_in_background(fixture_endpoint_app(demo_records)) as url:
        [entry] = fetch_by_identifiers(url, [gone.identifier], prefix="oai_dc")
    store.save_page(None, [entry], None)

    assert entry.harvested.deleted
    assert entry.outcome is Outcome.TOMBSTONE_ONLY


def test_an_unknown_identifier_or_format_is_the_endpoints_error(
    demo_records: list[ProvidedRecord],
) -> None:
    with serve_in_background(fixture_endpoint_app(demo_records)) as url:
        with pytest.raises(OAIProtocolError) as unknown:
            fetch_by_identifiers(url, ["oai:nowhere:1"], prefix="oai_dc")
        with pytest.raises(OAIProtocolError) as format_:
            fetch_by_identifiers(url, [demo_records[0].identifier], prefix="marcxml")

    assert unknown.value.code == "idDoesNotExist"
    assert format_.value.code == "cannotDisseminateFormat"
    assert "the endpoint does not offer 'marcxml'; it offers: oai_dc" in str(format_.value)


@pytest.mark.parametrize("identifier", ["", "  "])
def test_an_empty_identifier_is_refused_before_asking(identifier: str) -> None:
    with pytest.raises(ConfigError, match="--identifier must name a record"):
        fetch_by_identifiers("http://127.0.0.1:9/oai", ["oai:x:1", identifier])


def test_another_record_than_the_one_asked_for_is_refused() -> None:
    def answer(_: dict[str, str]) -> bytes:
        return page("GetRecord", [record("oai:x:other", "2024-01-01T00:00:00Z")])

    with (
        serve_in_background(scripted(answer)) as url,
        pytest.raises(HarvestError, match=r"GetRecord 'oai:x:1' answered with another record"),
    ):
        fetch_by_identifiers(url, ["oai:x:1"], prefix="oai_dc")


def test_characters_removed_from_the_answer_are_said_on_the_record() -> None:
    def answer(_: dict[str, str]) -> bytes:
        return page("GetRecord", [record("oai:x:1", "2024-01-01T00:00:00Z", "Tabs\x0bpasted")])

    with serve_in_background(scripted(answer)) as url:
        [entry] = fetch_by_identifiers(url, ["oai:x:1"], prefix="oai_dc")

    assert entry.record is not None
    assert entry.record.title is not None
    assert entry.record.title.value == "Tabs pasted"  # a vertical tab: a line break
    assert [issue.code for issue in entry.issues if issue.code.startswith("xml.")] == [
        "xml.illegal_characters"
    ]
