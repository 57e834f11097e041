"""Reading datestamps as endpoints send them, and refusing the ones that cannot be read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ir_ingest.oai.datestamp import format_datestamp, newest_datestamp, parse_datestamp


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-02", datetime(2024, 1, 2, tzinfo=UTC)),
        ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("20210311", datetime(2021, 3, 11, tzinfo=UTC)),
        (" 2024-01-02T03:04:05.123Z ", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2024-01-02T03:04:05+02:00", datetime(2024, 1, 2, 1, 4, 5, tzinfo=UTC)),
        ("2024-01-02T23:30:00-0130", datetime(2024, 1, 3, 1, 0, tzinfo=UTC)),
    ],
)
def test_readable_datestamps_become_utc(value: str, expected: datetime) -> None:
    assert parse_datestamp(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "junk",
        "2024-02-30",
        "9999-12-31T23:00:00-05:00",  # past datetime.max once moved to UTC
        "0001-01-01T00:00:00+01:00",  # before datetime.min
        "\uff12\uff10\uff12\uff14-01-02",  # digits, but not ASCII ones
        "2024-01-02T03:04:05+25:00",  # no such offset: had been read as 25 hours off
        "2024-01-02T03:04:05+02:99",
    ],
)
def test_unreadable_datestamps_are_none_not_errors(value: str) -> None:
    assert parse_datestamp(value) is None


def test_a_page_with_an_out_of_range_stamp_still_has_a_newest_one() -> None:
    assert newest_datestamp(["2020-01-01", "9999-12-31T23:00:00-05:00"], None) == "2020-01-01"


def test_a_datestamp_has_a_year_of_four_digits() -> None:
    # strftime's %Y wrote year 1 as "1": from=1-01-01, which no endpoint reads.
    moment = datetime(1, 1, 1, 0, 0, 5, tzinfo=UTC)
    assert format_datestamp(moment, day_granularity=True) == "0001-01-01"
    assert format_datestamp(moment) == "0001-01-01T00:00:05Z"
