"""Dates to EDTF level 0 (crosswalk/dates.py)."""

from __future__ import annotations

import re

import pytest

from ir_ingest.crosswalk import dates
from ir_ingest.crosswalk.normalise import NormaliseError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020", "2020"),
        ("2020-12", "2020-12"),
        ("2020-12-18", "2020-12-18"),
        ("2019-11-30T00:00:00Z", "2019-11-30"),
        (" 18 Dec 2020 ", "2020-12-18"),
        ("December 2020", "2020-12"),
        ("01-Jan-1930", "1930-01-01"),
        # A catalogue's years (MARC 260$c, MODS made from it): they had all gone to extra.
        ("1999.", "1999"),
        ("[1999]", "1999"),
        ("c2000", "2000"),
        ("©2000", "2000"),
        ("1900-1922.", "1900/1922"),
        ("1999 - 2001", "1999/2001"),
        # Months named in the languages European repositories write dates in.
        ("13 de julio de 2025", "2025-07-13"),
        ("2 de setembro de 2020", "2020-09-02"),
        ("13. März 2020", "2020-03-13"),
        ("1er juillet 2025", "2025-07-01"),
        ("décembre 2019", "2019-12"),
        ("5 mei 2021", "2021-05-05"),
        ("settembre 2018", "2018-09"),
        # Days in numbers between dots, day first, as German and Nordic repositories write
        # them: they had gone to extra, and the record had no publication date.
        ("30.11.2019", "2019-11-30"),
        ("1.2.2020", "2020-02-01"),
        ("05.11.2019/30.11.2019", "2019-11-05/2019-11-30"),
        # ISO 8601's basic format, which MODS's encoding="iso8601" allows: it had gone to
        # extra, and the record had no publication date.
        ("20190305", "2019-03-05"),
        ("20190305T120000Z", "2019-03-05"),
        ("20190305T1200+0100", "2019-03-05"),
        ("20170301/20191130", "2017-03-01/2019-11-30"),
    ],
)
def test_edtf_date(value: str, expected: str) -> None:
    assert dates.edtf_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Open at one end: they had been errors (or, "1985-9999", the year 9999), and the
        # date went to extra; LoC's MODS of a serial still published has "2002-".
        ("1985-", "1985/.."),
        ("2002- .", "2002/.."),
        ("1985-9999", "1985/.."),  # MARC's end year of a serial still going on
        ("1985/9999", "1985/.."),
        ("1985/..", "1985/.."),
        ("../1990", "../1990"),
        ("..\u200b/1990", "../1990"),  # a zero-width space, as pasted from a web page
        ("1985-05/..", "1985-05/.."),
    ],
)
def test_a_span_open_at_one_end_is_an_open_interval(value: str, expected: str) -> None:
    # The open end as interval() writes a MODS range without its end, not the start year
    # alone (which would say the span ended in its first year).
    assert dates.edtf_date(value) == expected


@pytest.mark.parametrize("value", ["../..", "/", "1985/", "../x", "1985--", "-1985"])
def test_a_span_open_at_both_ends_or_with_no_date_is_refused(value: str) -> None:
    with pytest.raises(NormaliseError, match=re.escape(repr(value))):
        dates.edtf_date(value)


@pytest.mark.parametrize(
    "value",
    ["n.d.", "03/04/2020", "2020-13-01", "2021-02-30", "", "ca. 1850", "1850?", "2001-1999",
     "Delft 2020", "de 2020", "31 de junio de 2020", "31.11.2019", "11.30.2019", "30.11.19",
     "2019.11.30", "20191305", "12345678", "2019030", "201903051"],
)  # fmt: skip
def test_edtf_date_refuses_what_it_cannot_know(value: str) -> None:
    with pytest.raises(NormaliseError):
        dates.edtf_date(value)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ({"start": "2002", "end": "2005"}, "2002/2005"),
        ({"start": "2002"}, "2002/.."),
        ({"start": "2002", "end": "9999"}, "2002/.."),  # MARC's serial still published
        ({"start": "1999", "end": "1999"}, "1999"),
        ({"end": "1850"}, "../1850"),
    ],
)
def test_an_interval_of_point_dates(parts: dict[str, str], expected: str) -> None:
    assert dates.interval(parts) == expected


def test_a_bad_interval_is_named_whole() -> None:
    with pytest.raises(
        NormaliseError, match=r"^'\[/x\] n\.d\.' is no date or interval of dates: '\['"
    ):
        dates.edtf_date("[/x] n.d.")


@pytest.mark.parametrize(
    ("value", "year"),
    [("ca. 1850", "1850"), ("circa 1850", "1850"), ("[1891?]", "1891"), ("1850~", "1850"),
     ("c1850", None), ("1850", None), ("n.d.", None)],
)  # fmt: skip
def test_an_approximate_year(value: str, year: str | None) -> None:
    # Refused as a level 0 date, and said to be approximate, not "a form we do not read".
    assert dates.approximate_year(value) == year
    if year is not None:
        with pytest.raises(NormaliseError, match="is an approximate date"):
            dates.edtf_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13-16 July 2025", "2025-07-13/2025-07-16"),
        ("1 \u2013 2 Jul 2025", "2025-07-01/2025-07-02"),
        ("30 June - 2 July 2025", "2025-06-30/2025-07-02"),
        ("30 December 2024 - 2 January 2025", "2024-12-30/2025-01-02"),
        ("13 July 2025", "2025-07-13"),
        ("July 2025", "2025-07"),
        ("2025", "2025"),
        ("2024-11-06", "2024-11-06"),
        ("July 13-16, 2025", "2025-07-13/2025-07-16"),  # American English: the month first
        ("July 30 - August 2, 2025", "2025-07-30/2025-08-02"),
        ("December 30, 2024 - January 2, 2025", "2024-12-30/2025-01-02"),  # across a year end
        ("13-16 juillet 2025", "2025-07-13/2025-07-16"),
        ("05- 07 novembro de 2025", "2025-11-05/2025-11-07"),
        ("13.-16. Juli 2025", "2025-07-13/2025-07-16"),
    ],
)
def test_the_days_of_an_event(value: str, expected: str) -> None:
    # A meeting's dates as Zenodo users write them ("e.g. 21-22 November 2012").
    assert dates.event_dates(value) == expected


@pytest.mark.parametrize(
    "value",
    ["16-13 July 2025", "31-32 July 2025", "13-16 July", "July 16-13, 2025", "Room 13-16, 2025",
     "05- 07 nov. de 2025", "June-July 2025", "13-16", "December 30, 2024 - 2, 2025",
     "January 2, 2025 - December 30, 2024"],
)  # fmt: skip
def test_the_days_of_an_event_refused(value: str) -> None:
    with pytest.raises(NormaliseError):
        dates.event_dates(value)


@pytest.mark.parametrize("value", ["2024/1999", "2020-05/2019-01", "2020-05-02/2020-05-01"])
def test_an_interval_that_ends_before_it_begins_is_refused(value: str) -> None:
    # It had been kept as written; a year span written backwards ("1922-1900") was refused.
    with pytest.raises(NormaliseError, match="ends before it begins"):
        dates.edtf_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2017-03/2019-11", "2017-03/2019-11"),
        ("2019/2019-05", "2019/2019-05"),
        ("2019/2019", "2019/2019"),
    ],
)
def test_an_interval_in_order_is_kept(value: str, expected: str) -> None:
    assert dates.edtf_date(value) == expected
