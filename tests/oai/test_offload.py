"""When a harvest left to decide wants a crosswalk process (:mod:`ir_ingest.oai.offload`).

The harvests that start one, or not, are in test_store_pages; here the decision itself, page by
page, with the waits given rather than measured.
"""

from __future__ import annotations

from ir_ingest.oai import offload
from ir_ingest.oai.offload import Offload
from ir_ingest.oai.responses import Page


def _page(size: int = 100, token: str | None = "t", left: int | None = None) -> Page:
    """A page of ``size`` records as the fetching thread hands it over (unread); with
    ``left``, the endpoint's count says that many follow."""
    unread = ("urn:test", "oai_dc")
    if left is None:
        return Page([], token, size=size, unread=unread)
    return Page([], token, cursor=0, complete_list_size=size + left, size=size, unread=unread)


def _waited(choice: Offload, seconds: float) -> Offload:
    choice.waits.extend([seconds] * offload.RECENT_PAGES)
    return choice


def test_parallel_windows_want_one_at_once() -> None:
    assert Offload(None, parallel=True, counted=False).wanted(_page(token=None)) is True


def test_a_long_harvest_held_up_by_its_own_work_wants_one() -> None:
    choice = _waited(Offload(None, parallel=False, counted=True), 0.0)
    pages = [choice.wanted(_page()) for _ in range(offload.OFFLOAD_AFTER // 100)]
    # Undecided until OFFLOAD_AFTER records are in, then wanted.
    assert pages == [None] * (len(pages) - 1) + [True]


def test_a_harvest_that_waits_for_its_endpoint_wants_none() -> None:
    choice = _waited(Offload(None, parallel=False, counted=True), 0.02)
    assert choice.wanted(_page(left=offload.OFFLOAD_LEFT)) is False


def test_the_endpoint_s_count_decides_how_long_a_harvest_is() -> None:
    short = _waited(Offload(None, parallel=False, counted=True), 0.0)
    assert short.wanted(_page(left=offload.OFFLOAD_LEFT - 1)) is None
    long = _waited(Offload(None, parallel=False, counted=True), 0.0)
    assert long.wanted(_page(left=offload.OFFLOAD_LEFT)) is True
    # A window's count says nothing of the harvest's length: records seen decide.
    windowed = _waited(Offload(None, parallel=False, counted=False), 0.0)
    assert windowed.wanted(_page(left=offload.OFFLOAD_LEFT)) is None


def test_the_last_page_and_too_few_waits_leave_it_undecided() -> None:
    assert (
        _waited(Offload(None, parallel=False, counted=True), 0.0).wanted(
            _page(size=1000, token=None)
        )
        is None
    )
    few = Offload(None, parallel=False, counted=True)
    few.waits.extend([0.0] * (offload.RECENT_PAGES - 1))
    assert few.wanted(_page(size=1000)) is None


def test_the_first_pages_waits_do_not_count() -> None:
    choice = Offload(None, parallel=False, counted=True)
    for _ in range(offload.WARM_UP_PAGES + 3):
        choice.turning()
        choice.turned_now()
    assert len(choice.waits) == 2
