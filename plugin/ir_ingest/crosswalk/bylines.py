"""Strings that pack names: parts between ";", people joined by *and*, journals' author lines.

:func:`name_strings` finds the names a Dublin Core creator packs, for
:func:`ir_ingest.crosswalk.names.agents` to read each; :func:`after_a_name` tells what a
catalogue or an author line writes after a person's name (a title, a degree, life dates, a
role) from a name or a place, and :func:`only_after_a_name` what no given name may be.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ir_ingest.crosswalk.lookups import lookup_key, lookup_row, when_tables_change
from ir_ingest.crosswalk.normalise import clean_text
from ir_ingest.crosswalk.organisations import FUNCTION_WORDS, is_organisation

# Library catalogues add life dates to a heading: "Smith, Alfred, 1820-1912", "…, b. 1820";
# others put them in parentheses: "Kay, John (1742-1826)".
_DATES = r"(?:(?:b|d|fl|ca?)\.\s*)?\d{3,4}\??(?:\s*-\s*(?:(?:ca?\.\s*)?\d{3,4}\??)?)?"
# The parenthesised form begins only where a run of spaces begins, and takes it whole, as the
# leftmost match did: "\s*\(" had been tried from each space of a run to its end.
LIFE_DATES = re.compile(rf"(?:,\s*+{_DATES}\.?|(?<!\s)\s*+\({_DATES}\))$")
#: What life dates may end with (``$`` may stand before a last newline, which is white space).
_LIFE_DATES_END = "?.-)"
# A title or suffix after a second comma: "Spelman, Henry, Sir", "Smith, John, Jr.", "…, III".
_SUFFIX = re.compile(r"(?:jr|sr|sir|dame|lord|lady|[ivx]+)\.?", re.IGNORECASE)
# Degrees a catalogue or a form writes after a person's name ("Roe, R., M.D.", "Doe, Jane, PhD").
_DEGREE = re.compile(
    r"(?:ph\.?\s?d|m\.?\s?d|d\.?\s?phil|m\.?\s?sc|m\.?\s?a|b\.?\s?a|b\.?\s?sc|dr|prof)\.?",
    re.IGNORECASE,
)
# Of those, what may be a given name or initials, its full stop off: a letter ("V", "I"), a
# Roman number not in capitals ("Xi", "Vi" are given names), initials ("M.A", "M. D", "MD",
# "BA": Mary Ann's, Mark David's; "II" and "III" are numbers), "Ma", "Ba", "Md" (Bangladeshi
# names' Mohammad), "Ed" (Edward: "Smith, Ed"; an editor is "ed." or "Ed." after a given name).
_MAY_BE_A_GIVEN_NAME = re.compile(
    r"[^\W\d_]|[IVXivx][ivx]+|(?:[A-Z]\.\s?)+[A-Z]?|(?![IVX]+$)[A-Z]{2,3}|[MB][a-z]|Ed"
)
# Footnote markers a journal's author line writes against its names, pointing to affiliations
# or the corresponding author: "Kumaravel*1", "Lakshmi R.2", "Roe†", "Smith¹,²".
# The pattern begins with a marker, so that a string without one is scanned fast (every
# creator is); what precedes the marker (a letter or a full stop) is looked behind after it.
_MARKER = r"[*†‡\d¹²³⁴⁵⁶⁷⁸⁹⁰]"
_FOOTNOTE_MARKERS = re.compile(
    rf"{_MARKER}(?<=(?:[^\W\d_]|\.){_MARKER}){_MARKER}*(?:,{_MARKER}+)*(?=[\s,]|$)"
)
# What separates the names of an author line: "A, B and C", "A, B, and C", "A & B".
_BYLINE_SEPARATORS = re.compile(r"\s*,\s*(?:(?:and|&)\s+)?|\s+(?:and|&)\s+")
# The last "and" or "&" of an author line: the name after it is its last.
_LAST_JOINT = re.compile(r".*\s(?:and|&)\s")
# A name that begins with initials: "C. Roy", "J.-P. Roy", "J.A. Roy" (not "St. Albans").
_INITIALS_FIRST = r"[^\W\d_]\.(?:\s|-?[^\W\d_]\.)"
INITIAL_FIRST = re.compile(_INITIALS_FIRST)
# Two such names between commas: "A. Rao, B. Das".
_INITIALLED_LINE = re.compile(rf"{_INITIALS_FIRST}[^,]*,\s*{_INITIALS_FIRST}")
# A qualifier in parentheses that holds a comma: "John Doe (Leeds, UK)".  Its comma parts no
# names: it is hidden while a part is split (a character no name has stands for it).  The text
# before its first comma is read once: "[^()]*," had been tried back from each comma of a run
# that no ")" ends, each try reading on to the run's end.
_PARENTHESISED_COMMA = re.compile(r"\([^(),]*+,[^()]*+\)")
_HIDDEN_COMMA = "\x00"


class NameString(NamedTuple):
    """One name of a string that packs several, as :func:`name_strings` finds it."""

    text: str
    #: Known to be an affiliation: what follows an author line's names.
    affiliation: bool = False
    #: A plural relator term after the last name of its author line ("A. Rao and B. Das,
    #: editors"), which is this person's role too; the last one's is in its text.
    role: str = ""


def name_strings(value: str) -> list[NameString]:
    """The names packed in a string: parts between ";", and the people a part joins.

    A part's people are apart when they are all ``Family, Given`` joined by *and*
    ("Dodson-Robinson, Sarah and Haley, Charlotte"), or a journal's author line (see
    :func:`_byline_people`); their footnote markers go then.  Otherwise the part stays whole,
    markers and all ("Berg, Anna7": a user name's digit).
    """
    strings: list[NameString] = []
    for part in (clean_text(part).strip(" ,;") for part in value.split(";")):
        if not part:
            continue
        unmarked, markers = _FOOTNOTE_MARKERS.subn("", part)
        if "(" in unmarked:
            unmarked = _hide_commas_in_parentheses(unmarked)
        people = unmarked.split(" and ")
        if len(people) > 1 and all(_is_inverted_person(person) for person in people):
            strings += [NameString(_shown(person.strip())) for person in people]
            continue
        people, place = _byline_people(part, unmarked, markers)
        if not people:
            strings.append(NameString(part))  # most parts: one name
            continue
        role = _plural_role(people[-1])
        strings += [NameString(_shown(person), role=role) for person in people[:-1]]
        strings.append(NameString(_shown(people[-1])))
        if place:
            strings.append(NameString(_shown(place), affiliation=True))
    return strings


def _hide_commas_in_parentheses(text: str) -> str:
    """``text`` with the commas of qualifiers in parentheses hidden (see :func:`_shown`):
    "Mary Roe and John Doe (Leeds, UK)" had given a person "John Doe (Leeds", affiliation
    "UK)"."""
    return _PARENTHESISED_COMMA.sub(lambda found: found[0].replace(",", _HIDDEN_COMMA), text)


def _shown(text: str) -> str:
    """``text`` with the commas :func:`_hide_commas_in_parentheses` hid."""
    return text.replace(_HIDDEN_COMMA, ",")


def without_life_dates(name: str) -> str:
    """``name`` without the life dates that end it (see :data:`LIFE_DATES`)."""
    # Searched only in a name that ends as life dates do: anchored at the end, the pattern is
    # still tried from every character (0.8 us a name, and every creator is read so).
    last = name[-1:]
    if last.isdecimal() or last in _LIFE_DATES_END or last.isspace():
        return LIFE_DATES.sub("", name)
    return name


def _is_inverted_person(name: str) -> bool:
    """``Family, Given`` and no organisation: not "Smith and Jones, Ltd"."""
    return name.count(",") == 1 and not is_organisation(name)


def _byline_people(part: str, unmarked: str, markers: int) -> tuple[list[str], str]:
    """The people of a journal's author line and what follows them (:func:`_byline_end`), or
    none: "A. Kumaravel*1, Lakshmi R.2 and S. Devendran3" (so Zenodo has creators) is three,
    once its footnote markers are out.

    A line is one when its names, between commas and *and*, are all ``Given Family`` of two
    words or more (:func:`_is_direct_person`), and it joins names with *and* or *&*, or marks
    two names or more, or begins with two names that begin with initials ("A. Rao, B. Das": no
    family name does, though "A. Rao" had been one).  What follows a name (a degree, a role:
    :func:`only_after_a_name`) stays with it: "J. Smith, K. Jones, editor" is J. Smith and "K.
    Jones, editor" (it had been one person, family name "J. Smith"), as "John Smith, PhD and
    Jane Roe" is two.  Not "Smith, John" (one word before the comma), "García Márquez,
    Gabriel" (no *and*, no markers), "Smith, John and Mary", "A. Rao, New Delhi" (one name).
    """
    if (
        markers < 2
        and " and " not in unmarked
        and " & " not in unmarked
        and (unmarked[1:2] != "." or not _INITIALLED_LINE.match(unmarked))  # "A. Rao, …"
    ):
        return [], ""  # the common "Family, Given" goes no further
    end = _byline_end(part, unmarked, markers)
    people: list[str] = []
    for piece in _BYLINE_SEPARATORS.split(unmarked[:end]):
        if people and only_after_a_name(piece):
            people[-1] += f", {piece}"  # "K. Jones, editor", read so by names.agent
        else:
            people.append(piece)
    if len(people) > 1 and all(_is_direct_person(person.partition(",")[0]) for person in people):
        return people, unmarked[end:].strip(" ,")
    return [], ""


def _plural_role(name: str) -> str:
    """A plural relator term after the last name of an author line, every name's role: "B.
    Das, editors" (of "A. Rao and B. Das, editors"), "…, eds."; else ""."""
    for piece in name.split(", ")[1:]:
        term = piece.rstrip(".")
        row = lookup_row("relators", term)
        if row is not None and term[-1:] == "s" and lookup_row("relators", term[:-1]) == row:
            return piece
    return ""


def _byline_end(part: str, unmarked: str, markers: int) -> int:
    """Where the names of an author line end in ``unmarked``, before a place or an affiliation
    that had been a person ("A. Rao and B. Das, New Delhi": given name New, family Delhi).

    The last name is the one after the last *and* or *&*; in a line without them, whose
    footnote markers are numbers (they point to affiliations), the last name marked: "A.
    Rao1, B. Das2, New Delhi"; in a line of neither, the last that begins with initials: "A.
    Rao, B. Das, New Delhi".  What follows the last name ("A. Rao and B. Das, PhD, New
    Delhi") goes with it (:func:`_past_what_follows`).  Not when what follows begins with
    initials (an author unmarked, "A. Rao1, B. Das2, C. Roy") or is what follows a name.
    """
    joint = _LAST_JOINT.match(unmarked)
    if joint is not None:
        end = unmarked.find(",", joint.end())
    elif markers >= 2:
        last = list(_FOOTNOTE_MARKERS.finditer(part))[-1]
        after = part[last.end() :]
        numbered = any(c.isdigit() for c in last.group())
        end = len(unmarked) - len(after) if numbered and after.startswith(",") else -1
    else:
        pieces = unmarked.split(",")
        initialled = 0
        while initialled < len(pieces) and INITIAL_FIRST.match(pieces[initialled].strip()):
            initialled += 1
        end = len(",".join(pieces[:initialled]))  # two or more: _INITIALLED_LINE
    if end >= 0:
        end = _past_what_follows(unmarked, end)
    rest = unmarked[end:].strip(" ,") if end >= 0 else ""
    if not rest or INITIAL_FIRST.match(rest) or any(map(after_a_name, rest.split(", "))):
        return len(unmarked)
    return end


def _past_what_follows(unmarked: str, end: int) -> int:
    """``end``, the comma after an author line's last name, moved past what follows that name
    (:func:`only_after_a_name`): the comma before "New Delhi" in "…, B. Das, PhD, New Delhi"
    (a person, given name New, once "PhD" had gone with B. Das)."""
    pieces = unmarked[end + 1 :].split(",")
    following = 0
    while following < len(pieces) and only_after_a_name(pieces[following].strip()):
        following += 1
    return end + 1 + len(",".join(pieces[:following])) if following else end


def _is_direct_person(name: str) -> bool:
    """``Given Family`` of two words or more, no organisation's, nothing that follows a name
    ("PhD", "M. D.", "b. 1820"): a name of an author line."""
    words = name.lower().split()
    return (
        len(words) > 1
        and FUNCTION_WORDS.isdisjoint(words)
        and not after_a_name(name)
        and not is_organisation(name)
    )


def after_a_name(piece: str) -> bool:
    """Whether ``piece`` is what follows a person's name: a title, a degree, life dates or a
    relator term."""
    return bool(
        _SUFFIX.fullmatch(piece)
        or _DEGREE.fullmatch(piece)
        or LIFE_DATES.fullmatch(f", {piece}")
        or lookup_row("relators", piece.rstrip("."))
    )


#: The longest piece whose answer :func:`only_after_a_name` remembers.  It is asked of the
#: given name of every "Family, Given" (person_parts.name_before_trailers), which repeat: 1.5 µs a
#: name otherwise.  What follows a name is short ("editor and translator", "PhD"), and a
#: source's long texts are not kept alive by the memo.
_REMEMBERED = 40


def only_after_a_name(piece: str) -> bool:
    """Whether ``piece`` is what follows a person's name and no given name: :func:`after_a_name`,
    but not what may be a given name or initials (:data:`_MAY_BE_A_GIVEN_NAME`: "M.A.", "Xi")
    nor a relator's code ("Ann", "Art": given names too), so that "John Smith, PhD" and "K.
    Jones, editor" are ``Given Family`` and what follows, and "García Márquez, M.A." stays
    ``Family, Given``."""
    return _remembered(piece) if len(piece) <= _REMEMBERED else _only_after_a_name(piece)


def _only_after_a_name(piece: str) -> bool:
    bare = piece.rstrip(".")
    if not after_a_name(piece) or _MAY_BE_A_GIVEN_NAME.fullmatch(bare):
        return False
    row = lookup_row("relators", bare)
    return row is None or row["code"] != lookup_key(bare)


_remembered = lru_cache(maxsize=4096)(_only_after_a_name)
# A user's relators table, added after records were read, must be read again.
when_tables_change(_remembered.cache_clear)
