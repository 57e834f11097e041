"""A meeting as Zenodo writes it into dc:source: acronym, name, place and dates (see
:func:`meeting`).  Text only; :mod:`ir_ingest.crosswalk.hosts` decides whose meeting it is."""

from __future__ import annotations

import re

from ir_ingest.crosswalk.dates import event_dates
from ir_ingest.crosswalk.normalise import NormaliseError

#: What names a meeting, in the languages of the corpus' sources.
MEETING = re.compile(
    r"(?i)\b(conference|conf\.|summit|symposium|seminar|seminário|seminario|congress|congresso|"
    r"workshop|colloquium|colloque|kongress|tagung|meeting)\b"
)


def meeting(text: str) -> dict[str, str]:
    """A meeting as Zenodo writes it into dc:source: its acronym, name, place and dates joined
    by ", " (InvenioRDM's meeting dumper), each left out when not given.

    "GPHS2025, Global Public Health Summit 2025, Colombo, Sri Lanka, 13-16 July 2025" gives all
    four.  The name ends with the last part that names a meeting; the parts after it are the
    place only if each reads as a piece of one.  A part that cannot be placed surely stays in
    the name, and a text with no part naming a meeting is the name whole: nothing is lost.
    """
    parts = text.split(", ")
    found: dict[str, str] = {}
    if dates := _take_dates(parts):
        found["dates"] = dates
    last = max((i for i, part in enumerate(parts) if MEETING.search(part)), default=None)
    if last is None:
        return {"name": text}
    if last > 0 and _is_acronym(parts[0]):
        found["acronym"] = parts[0]
    place = parts[last + 1 :]
    if place and all(map(_is_place, place)):
        found["place"] = ", ".join(place)
        del parts[last + 1 :]
    found["name"] = ", ".join(parts[1 if "acronym" in found else 0 :])
    return found


#: A meeting's acronym: one word, perhaps with its year apart ("GPHS2025", "ICML 2024").
_ACRONYM = re.compile(r"^(\w[\w&-]*)(?: \d{4})?$")
#: Words of a place name that are not capitalised ("Rio de Janeiro", "Newcastle upon Tyne").
_PLACE_PARTICLES = frozenset(("de", "da", "do", "dos", "del", "di", "la", "upon", "am", "sur"))


def _take_dates(parts: list[str]) -> str | None:
    """The meeting's dates as EDTF, taken off the end of ``parts`` ("13-16 July 2025"; "July
    13, 2025" is two parts, "December 30, 2024 - January 2, 2025" three).  A bare year after
    the rest of a date is not taken: the year alone would leave its days or month in the
    name, or the month as a place.  That rest ends in a number ("July 13-16, 2025", a range
    not read) or is a date with the year ("13 July, 2025", "March, 2025")."""
    for count in (3, 2, 1):
        if len(parts) <= count:
            continue
        try:
            dates = event_dates(", ".join(parts[-count:]))
        except NormaliseError:
            continue
        if len(dates) == len("YYYY") and _begins_a_date(parts[-count - 1], dates):
            return None
        del parts[-count:]
        return dates
    return None


def _begins_a_date(part: str, year: str) -> bool:
    """Whether ``part`` is a date's beginning that a comma parted from its ``year``."""
    if part[-1:].isdigit():
        return True
    try:
        event_dates(f"{part} {year}")
    except NormaliseError:
        return False
    return True


def _is_acronym(part: str) -> bool:
    """Whether ``part`` is an acronym: one word with two capitals or more, in any script
    ("GPHS2025", "NeurIPS 2024"), not a name ("Colombo") nor an abbreviated title ("Int. Conf.
    Mod. Bio.")."""
    word = _ACRONYM.match(part)
    return word is not None and part[0].isupper() and sum(c.isupper() for c in word[1]) > 1


def _is_place(part: str) -> bool:
    """Whether ``part`` reads as a piece of a place: up to four words, no digits, each
    capitalised but for particles ("Colombo", "Sri Lanka", "AP", "Rio de Janeiro")."""
    words = part.split()
    return (
        0 < len(words) <= 4
        and not any(c.isdigit() for c in part)
        and all(w[0].isupper() or w in _PLACE_PARTICLES for w in words)
    )
