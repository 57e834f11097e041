"""Dates to EDTF level 0: single dates, intervals from MODS start and end points, a meeting's
days, and the year of an approximate date (targets.md §4.2).  An interval open at one end takes
EDTF level 1's open end, ``..`` (``2002/..``): level 0 has none.

Like every normaliser (:mod:`ir_ingest.crosswalk.normalise`), each function returns the value
or raises :class:`NormaliseError`; none guesses.
"""

from __future__ import annotations

import contextlib
import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from ir_ingest.crosswalk.normalise import NormaliseError, clean_text

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)?$")
#: A day in ISO 8601's basic format, as MODS's encoding="iso8601" allows: "20190305", perhaps
#: with a time ("20190305T120000Z").  Eight digits only: ISO 8601 has no basic "YYYYMM".
_BASIC_DAY = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T\d{2,6}(?:[.,]\d+)?(?:Z|[+-]\d{2,4})?)?$")
_TEXT_DATE_FORMATS = (
    "%d %b %Y", "%d %B %Y", "%B %d, %Y", "%b %d, %Y", "%B %Y", "%b %Y",
    "%d-%b-%Y",  # "01-Jan-1930", as digitised collections write it (DPLA's Michigan)
)  # fmt: skip
#: A day as German, Central and Eastern European and Nordic repositories write it in numbers:
#: "30.11.2019", "1.2.2020", day first.  No convention writes the month first between dots (an
#: American writes "11/30/2019", which stays an error beside "30/11/2019").
_DOTTED_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
#: A year as library catalogues write it (MARC 260$c, and MODS made from it): "1999.",
#: "[1999]" (supplied by the cataloguer), "c1999" or "©1999" (the copyright year, taken as
#: the date of publication when no other is given).  Not "ca. 1999": circa is no level 0 date.
_CATALOGUE_YEAR = re.compile(r"^\[?[c©p]?(\d{4})\]?\.?$")
#: An approximate or uncertain year: "ca. 1850", "c. 1850", "circa 1850", "[1891?]", "1850~".
#: Level 0 cannot say so; :func:`approximate_year` reads the year for a caller that says it.
_APPROXIMATE = re.compile(
    r"^\[?(?:(?:ca?\.|circa|about|approx\.?|approximately)\s*(\d{4})\??|(\d{4})\s*[?~])\]?\.?$",
    re.IGNORECASE,
)
#: A span of years written with a hyphen, "1900-1922." (the second cannot be a month).
_YEAR_SPAN = re.compile(r"^(\d{4})\s*-\s*(\d{4})\.?$")
#: A span still open as catalogues write it: "2002-" (MARC 260$c of a serial still published;
#: LoC's MODS of one has ``<dateIssued>2002-</dateIssued>``), "2002-9999" (MARC 008's end year
#: of a serial still going on).
_OPEN_SPAN = re.compile(r"^(\d{4})\s*-\s*(?:9999)?\.?$")
#: EDTF's open end of an interval (level 1, as :func:`interval` writes it): "2002/..".
OPEN_END = ".."
#: The end year MARC writes for "still going on": no year 9999, an open end.
_STILL_GOING_ON = "9999"


def edtf_date(value: str) -> str:
    """Normalise a date to EDTF level 0; see :func:`_edtf_date` (results are cached)."""
    result, failure = _edtf_cached(value)
    if failure:
        raise NormaliseError(failure)
    return result


@lru_cache(maxsize=8192)
def _edtf_cached(value: str) -> tuple[str, str]:
    # Failures are cached too (the same "n.d." comes back on every record of a source), as
    # their message: a cached exception raised again would grow its traceback every time.
    try:
        return _edtf_date(value), ""
    except NormaliseError as exc:
        return "", str(exc)


def _edtf_date(value: str) -> str:
    """Normalise a date to EDTF level 0 (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or an interval).

    Accepts W3CDTF/ISO 8601 (time part dropped), a day in numbers between dots (``30.11.2019``,
    day first), day-month-year text in English (``18 Dec
    2020``) or with the month named in French, German, Spanish, Italian, Portuguese or Dutch
    (``13 de julio de 2025``), ISO 8601's basic format (``20190305``), intervals of those in
    order (``2017-03/2019-11``), and a catalogue's
    years (``[1999]``, ``c1999``, ``1900-1922.``).  A span open at one end (``1985/..``,
    ``../1990``, a catalogue's ``1985-`` and MARC's ``1985-9999``) is an interval with EDTF's
    open end, ``1985/..``, as :func:`interval` writes a MODS range without its end: level 0 has
    no open end, and the start year alone would say the work ended then.  Ambiguous numeric
    forms such as ``03/04/2020`` are errors, not guesses, as are approximate dates (``ca.
    1850``, ``1850?``), which level 0 cannot say.
    """
    text = clean_text(value)
    if text.count("/") == 1 and not re.search(r"\d/\d{1,2}/", text):
        return _edtf_interval(value, *text.split("/"))
    catalogued = _CATALOGUE_YEAR.match(text)
    if catalogued:
        return catalogued.group(1)
    if still_open := _OPEN_SPAN.match(text):
        return f"{still_open.group(1)}/{OPEN_END}"
    span = _YEAR_SPAN.match(text)
    if span and span.group(1) < span.group(2):
        return f"{span.group(1)}/{span.group(2)}"
    if dotted := _DOTTED_DAY.match(text):
        day, month, year = dotted.groups()
        text = f"{year}-{int(month):02}-{int(day):02}"
    if basic := _BASIC_DAY.match(text):
        text = "-".join(basic.groups())
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = match.groups()
        try:
            datetime(int(year), int(month or 1), int(day or 1))
        except ValueError as exc:
            raise NormaliseError(f"{value!r} is not a real date") from exc
        return "-".join(part for part in (year, month, day) if part)
    written = _text_date(text) or _text_date(_in_english(text))
    if written:
        return written
    if approximate_year(text):
        raise NormaliseError(f"{value!r} is an approximate date, which EDTF level 0 cannot say")
    raise NormaliseError(f"{value!r} is not a date in a form we read (YYYY[-MM[-DD]], 18 Dec 2020)")


def _edtf_interval(value: str, start: str, end: str) -> str:
    """The interval ``start/end`` of :func:`_edtf_date`: two dates in order, or one and an
    open end (``1985/..``, ``../1990``; an end of 9999 is MARC's "still going on", as in
    :func:`interval`).  Both ends open, or out of order, is an error naming ``value``."""
    try:
        start, end = (OPEN_END if p.strip() == OPEN_END else _edtf_date(p) for p in (start, end))
    except NormaliseError as exc:
        # Name the whole value: "'[' is not a date" said nothing of "[/x] n.d.".
        raise NormaliseError(f"{value!r} is no date or interval of dates: {exc}") from exc
    end = OPEN_END if end == _STILL_GOING_ON else end
    if start == end == OPEN_END:
        raise NormaliseError(f"{value!r} is open at both ends: no date")
    common = min(len(start), len(end))  # "2019/2019-05" is in order: a year, then its May
    if OPEN_END not in (start, end) and start[:common] > end[:common]:
        raise NormaliseError(f"{value!r} ends before it begins")
    return f"{start}/{end}"


def _text_date(text: str) -> str | None:
    """A date written out in English ("18 Dec 2020", "December 18, 2020"), else None."""
    for fmt in _TEXT_DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.strftime("%Y-%m-%d" if "%d" in fmt else "%Y-%m")
    return None


#: Month names of the languages European repositories write dates in (French, German,
#: Spanish, Italian, Portuguese, Dutch), by the English name strptime reads.  No name means
#: two months in two of them.
_MONTH_NAMES = {
    "January": "janvier januar jänner enero gennaio janeiro januari",
    "February": "février fevrier februar febrero febbraio fevereiro februari",
    "March": "mars märz maerz marzo março maart",
    "April": "avril abril aprile",
    "May": "mai mayo maggio maio mei",
    "June": "juin juni junio giugno junho",
    "July": "juillet juli julio luglio julho",
    "August": "août aout agosto augustus",
    "September": "septembre septiembre setiembre settembre setembro",
    "October": "octobre oktober octubre ottobre outubro",
    "November": "novembre noviembre novembro",
    "December": "décembre decembre dezember diciembre dicembre dezembro",
}
_ENGLISH_MONTH = {
    name: english for english, names in _MONTH_NAMES.items() for name in names.split()
}
#: A word of a date: a month's name, or what other languages write around the day and year
#: ("13 de julio de 2025", "13. Juli 2025", "1er juillet 2025").
_DATE_WORD = re.compile(
    r"(?P<around>\b(?:de|del)\s+|(?<=\d)(?:\.|er)(?=\s))|[^\W\d_]+", re.IGNORECASE
)


def _in_english(text: str) -> str:
    """A date written out in another language with its month named in English, for
    strptime: "13 de julio de 2025" gives "13 July 2025"; other words stay as they are."""

    def english(found: re.Match[str]) -> str:
        word = found.group()
        return "" if found["around"] else _ENGLISH_MONTH.get(word.lower(), word)

    return _DATE_WORD.sub(english, text)


#: The dash, or en dash, between the first and last day of an event: "13-16 July 2025".
_EVENT_DASH = re.compile(r"\s*[-\u2013]\s*(?=\d)")


#: Days as American English writes them, the month first: "July 13-16, 2025", "July 30 -
#: August 2, 2025", "December 30, 2024 - January 2, 2025" (a start year only before a month).
_US_DAYS = re.compile(
    r"^([^\W\d_]+) (\d{1,2})(?:,? (\d{4}))?\s*[-\u2013]\s*"
    r"(?(3)(?=[^\W\d_]))(?:([^\W\d_]+) )?(\d{1,2}),? (\d{4})$"
)


def event_dates(value: str) -> str:
    """The days of an event as EDTF: a date :func:`edtf_date` reads, or a range of days as a
    meeting's dates are written ("13-16 July 2025", "30 June - 2 July 2025", "30 December
    2024 - 2 January 2025": the start takes the month and year it leaves out from the end;
    "July 13-16, 2025", "December 30, 2024 - January 2, 2025"; months named in the languages
    :func:`edtf_date` reads).

    A range whose ends are not two real days in order is an error, as is anything else.
    """
    with contextlib.suppress(NormaliseError):
        return edtf_date(value)
    text = clean_text(value)
    if us := _US_DAYS.match(text):
        month, first_day, first_year, end_month, last_day, year = us.groups()
        text = f"{first_day} {month} {first_year or ''} - {last_day} {end_month or month} {year}"
    first, *rest = _EVENT_DASH.split(text, maxsplit=1)
    failure = NormaliseError(f"{value!r} is not a date or range of days in order we read")
    if not rest:
        raise failure
    written, end_written = first.split(), rest[0].split()
    try:
        start = edtf_date(" ".join(written + end_written[len(written) :]))
        end = edtf_date(rest[0])
    except NormaliseError:
        raise failure from None
    if len(start) != len("YYYY-MM-DD") or len(end) != len(start) or start >= end:
        raise failure
    return f"{start}/{end}"


def approximate_year(value: str) -> str | None:
    """The year of an approximate or uncertain date ("ca. 1850", "[1891?]"), else None."""
    found = _APPROXIMATE.match(clean_text(value))
    return (found[1] or found[2]) if found else None


def interval(parts: dict[str, Any]) -> str:
    """An EDTF interval ``start/end`` from MODS ``point="start"``/``point="end"`` dates.

    An end of 9999 is MARC's "still going on" (008/11-14 of a serial still published, as
    MODS records made from MARC carry it): an open end, ``2002/..``, not the year 9999.
    """
    start, end = parts.get("start"), parts.get("end")
    if end == _STILL_GOING_ON:
        end = None
    if not start and not end:
        raise NormaliseError("the date range has neither start nor end")
    if start and end and start == end:
        return str(start)
    return f"{start or OPEN_END}/{end or OPEN_END}"
