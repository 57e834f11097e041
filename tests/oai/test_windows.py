"""Date windows: calendar-aligned, inclusive, at the endpoint's granularity; at seconds they
share the second they meet at, at days they are a day apart."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ir_ingest.errors import ConfigError
from ir_ingest.oai.windows import date_windows


def test_monthly_windows_at_second_granularity() -> None:
    start = datetime(2024, 11, 15, 3, 4, 5, tzinfo=UTC)
    end = datetime(2025, 2, 3, 1, 0, 0, tzinfo=UTC)
    assert date_windows(start, end, "monthly", day_granularity=False) == [
        ("2024-11-15T03:04:05Z", "2024-12-01T00:00:00Z"),
        ("2024-12-01T00:00:00Z", "2025-01-01T00:00:00Z"),
        ("2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z"),
        ("2025-02-01T00:00:00Z", "2025-02-03T01:00:00Z"),
    ]


def test_a_window_ending_on_a_boundary_is_the_last() -> None:
    start = datetime(2024, 12, 31, 22, 0, tzinfo=UTC)
    end = datetime(2025, 1, 1, tzinfo=UTC)
    assert date_windows(start, end, "daily", day_granularity=False) == [
        ("2024-12-31T22:00:00Z", "2025-01-01T00:00:00Z")
    ]
    assert date_windows(end, end, "monthly", day_granularity=False) == [
        ("2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z")
    ]


def test_daily_windows_at_day_granularity() -> None:
    start = datetime(2024, 2, 28, 23, 0, tzinfo=UTC)
    end = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
    assert date_windows(start, end, "daily", day_granularity=True) == [
        ("2024-02-28", "2024-02-28"),
        ("2024-02-29", "2024-02-29"),
        ("2024-03-01", "2024-03-01"),
    ]


def test_no_windows_when_the_end_is_before_the_start_and_bad_sizes_are_refused() -> None:
    later, earlier = datetime(2025, 1, 2, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)
    assert date_windows(later, earlier, "daily", day_granularity=True) == []
    with pytest.raises(ConfigError, match="monthly, daily"):
        date_windows(earlier, later, "weekly", day_granularity=True)


def test_an_empty_past_before_2000_is_one_window() -> None:
    # An earliestDatestamp of 0001-01-01 had made 24,000 monthly windows (a fuzz), and asked
    # from=1-01-01, a year of one digit.
    start = datetime(1, 1, 1, tzinfo=UTC)
    windows = date_windows(
        start, datetime(2000, 2, 10, tzinfo=UTC), "monthly", day_granularity=True
    )
    assert windows == [
        ("0001-01-01", "1999-12-31"),
        ("2000-01-01", "2000-01-31"),
        ("2000-02-01", "2000-02-10"),
    ]
    # At second granularity the windows share the second they meet at, as any two do.
    stamps = date_windows(
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(2000, 1, 2, 12, tzinfo=UTC),
        "daily",
        day_granularity=False,
    )
    assert stamps[:2] == [
        ("1970-01-01T00:00:00Z", "2000-01-01T00:00:00Z"),
        ("2000-01-01T00:00:00Z", "2000-01-02T00:00:00Z"),
    ]
    # A harvest wholly before 2000 is one window.
    early = date_windows(
        datetime(1995, 6, 1, tzinfo=UTC),
        datetime(1996, 2, 2, tzinfo=UTC),
        "daily",
        day_granularity=True,
    )
    assert early == [("1995-06-01", "1996-02-02")]
