"""Pages an endpoint sends again: stored once, and a page that repeats ends the window."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from ir_ingest.oai.harvest import run_harvest
from ir_ingest.oai.pages import PageGuards
from ir_ingest.oai.provider import serve_in_background
from tests.oai.scripted import page, record, scripted

if TYPE_CHECKING:
    from collections.abc import Callable

    from ir_ingest.report.model import RunReport
    from ir_ingest.store import Store
    from tests.oai.scripted import Answer

#: A record without metadata: a reject (``oai.no_metadata``).
BAD = (
    "<record><header><identifier>oai:x:bad</identifier>"
    "<datestamp>2024-01-01T00:00:00Z</datestamp></header></record>"
)


def test_a_page_sent_again_stores_its_rejects_once(store: Store) -> None:
    body = page("ListRecords", [BAD, record("oai:x:1", "2024-01-01T00:00:00Z")], token="same")
    with serve_in_background(scripted(lambda _: body)) as url:
        report = run_harvest(url, "oai_dc", store=store)
    assert [issue["code"] for issue in report.run_issues] == ["harvest.repeated_token"]
    assert store.counts() == {"records": 1, "deleted": 0, "versions": 1, "rejects": 1}


def _looping(pages: list[list[str]], attrs: list[str], log: list[int]) -> Answer:
    """An endpoint that hands out a fresh token every time and serves ``pages`` round robin."""

    def answer(params: dict[str, str]) -> bytes:
        served = len(log)
        log.append(served)
        n = served % len(pages)
        return page("ListRecords", pages[n], token=f"session-{served}", attrs=attrs[n])

    return answer


def _harvest_until_stopped(store: Store, answer: Answer) -> RunReport:
    # A low cap, so that an endpoint a guard misses fails the test quickly on the cap.
    with serve_in_background(scripted(answer)) as url:
        return run_harvest(url, "oai_dc", store=store, guards=PageGuards(max_requests=30))


def _records(first: int, count: int) -> list[str]:
    return [record(f"oai:x:{n}", "2024-01-01T00:00:00Z") for n in range(first, first + count)]


def test_a_new_token_for_the_same_page_ends_the_window(store: Store) -> None:
    # The token changes, the page does not (an endpoint that ignores the token it is sent).
    requests: list[int] = []
    answer = _looping([_records(0, 10)], [' cursor="0" completeListSize="20"'], requests)
    report = _harvest_until_stopped(store, answer)
    assert [issue["code"] for issue in report.run_issues] == ["harvest.repeated_page"]
    assert report.status == "incomplete"
    assert len(requests) == 2
    assert store.counts()["versions"] == 10


def test_pages_served_round_robin_end_the_window(store: Store) -> None:
    requests: list[int] = []
    attrs = [' cursor="0"', ' cursor="10"']
    answer = _looping([_records(0, 10), _records(10, 10)], attrs, requests)
    report = _harvest_until_stopped(store, answer)
    assert [issue["code"] for issue in report.run_issues] == ["harvest.repeated_page"]
    assert len(requests) == 3
    assert store.counts()["versions"] == 20


@pytest.mark.parametrize(
    "attrs",
    [
        lambda n: ' cursor="0" completeListSize="0"',
        lambda n: ' completeListSize="-1"',
        lambda n: f' cursor="{n * 10}" completeListSize="10"',  # the page size
        lambda n: f' cursor="{n * 10}" completeListSize="{50 - n * 10}"',  # records left
        lambda n: f' cursor="{[10, 20, 20, 30, 40][n]}"',  # inclusive, with an empty page
        lambda n: "",
    ],
)
def test_odd_counts_from_an_honest_endpoint_end_nothing(
    store: Store, attrs: Callable[[int], str]
) -> None:
    # Distinct records on every page; only the counts the endpoint sends are odd.
    sizes = [10, 10, 0, 10, 10]

    def answer(params: dict[str, str]) -> bytes:
        n = int(params.get("resumptionToken", "t0")[1:])
        token = f"t{n + 1}" if n + 1 < len(sizes) else None
        return page("ListRecords", _records(n * 10, sizes[n]), token=token, attrs=attrs(n))

    with serve_in_background(scripted(answer)) as url:
        report = run_harvest(url, "oai_dc", store=store)
    assert report.run_issues == []
    assert report.status == "completed"
    assert store.counts()["records"] == 40
