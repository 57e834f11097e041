"""Records of the second two windows share: the second copy left out."""

from __future__ import annotations

from ir_ingest.entry import Entry, HarvestedRecord
from ir_ingest.oai.overlap import SharedSeconds
from ir_ingest.oai.responses import Page

BOUNDS: list[tuple[str | None, str | None]] = [
    (None, "2024-02-01T00:00:00Z"),
    ("2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"),
    ("2024-03-01T00:00:00Z", None),
]


def _page(*records: tuple[str, str]) -> tuple[Page, list[Entry]]:
    harvested = [HarvestedRecord("urn:r", i, stamp, "oai_dc", b"") for i, stamp in records]
    return Page(harvested, token=None), [Entry(h) for h in harvested]


def _kept(shared: SharedSeconds, *records: tuple[str, str]) -> list[str]:
    return [e.harvested.identifier for e in shared.repeats_left_out(*_page(*records))]


def test_a_record_of_a_shared_second_is_kept_once() -> None:
    shared = SharedSeconds(BOUNDS)
    first = _kept(shared, ("a", "2024-01-31T23:59:59Z"), ("b", "2024-02-01T00:00:00.250Z"))
    again = _kept(shared, ("b", "2024-02-01T00:00:00.250Z"), ("c", "2024-02-01T00:00:01Z"))

    assert (first, again) == (["a", "b"], ["c"])


def test_a_newer_copy_in_the_same_second_and_other_seconds_are_kept() -> None:
    shared = SharedSeconds(BOUNDS)
    _kept(shared, ("b", "2024-03-01T00:00:00Z"))

    assert _kept(shared, ("b", "2024-03-01T00:00:00.5Z"), ("d", "2024-02-15T00:00:00Z")) == [
        "b",
        "d",
    ]


def test_days_and_a_single_window_share_no_second() -> None:
    days = SharedSeconds([("2024-01-01", "2024-01-31"), ("2024-02-01", "2024-02-29")])
    alone = SharedSeconds([("2024-02-01T00:00:00Z", None)])

    assert days.shared == alone.shared == set()
