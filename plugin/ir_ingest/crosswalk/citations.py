"""A host publication's citation, as repositories write it after a part's title or in its
``dc:source``: the journal's or book's title, volume, issue, pages, date and ISSN.

Like every normaliser (:mod:`ir_ingest.crosswalk.normalise`), :func:`citation` returns the
value or raises :class:`NormaliseError`; a form it does not read is an error, never a title
with numbers in it.
"""

from __future__ import annotations

import re
from typing import Any

from ir_ingest.crosswalk.normalise import NormaliseError, clean_text

# Each part after the title starts with its own spaces and a token of its own, and the title
# ends on a character that is no space: every way to split a string is then told apart by the
# tokens, not by where spaces go.  (With "\s*" between parts and a title that could end in
# spaces, a long title of words that matched nothing took minutes: backtracking tried every
# share of every space.)
_CITATION = re.compile(
    r"^(?P<title>[^;]*?[^;\s])"
    r"(?:\s*;\s*(?:Vol\.?|Volume)\s*(?P<volume>[\w.-]+))?"
    r"(?:\s*(?:,\s*)?(?:No\.?|Issue|Nr\.?)\s*(?P<issue>[\w.-]+))?"
    # OJS 3 ends the part with its title, if shown: "Vol. 4 No. 2 (2021): Dunes".
    r"(?:\s*\((?P<year>\d{4})\)(?::[^;]*)?)?"
    r"(?:\s*;\s*(?:pp?\.\s*)?(?P<start>\w+)(?:\s*[-\u2013]\s*(?P<end>\w+))?)?\s*$",
    re.IGNORECASE,
)
#: The parts of a page range after the title: a page is a number, perhaps with letters
#: ("e1234", "S12"), or in roman numerals; "pp.", "p." or German "S." may come first.
_PAGES = r"(?:(?:pp?|s)\.\s*)?(?P<start>\w*\d\w*|[ivxlcdm]+)(?:\s*[-\u2013]\s*(?P<end>\w+))?"
#: The form Zenodo and many journals write: "Journal of X, 11(5), 613-616, (2024-06-01)"
#: (perhaps the journal's ISSN, then volume, issue in parentheses, perhaps pages, perhaps the
#: date).  The parts after the title are anchored by their commas and parentheses, so a title
#: is never split where it merely holds a comma ("Journal of X, Series B, 3(2), 1-9").  A
#: reference list's forms go without some commas: "Nature 421(6926):805-806", "Sociologische
#: Gids, 47(2) 77-94." (a volume straight after the title must be digits before its "(").
_NUMBERED_CITATION = re.compile(
    r"^(?P<title>[^;]*?[^;\s,])(?:,\s*|\s+(?=\d+\())"
    r"(?:ISSN:?\s*(?P<issn>\d{4}-?\d{3}[\dXx])\s*,\s*)?"
    r"(?P<volume>[\w./-]+) ?\((?P<issue>[\w./-]+)\)"
    rf"(?:(?:\s*[,:]\s*|\s+){_PAGES})?\s*,?\s*"
    r"(?:\((?P<year>\d{4}(?:-\d{2}){0,2})\))?\s*[,.]?$",
    re.IGNORECASE,
)
#: The form with words for the parts, as DSpace's dc.identifier.citation, EPrints and
#: reference managers write it: "Journal of X, vol. 12, no. 3, pp. 45-67", "Journal of X, Vol.
#: 12, Issue 3 (2020), 45-67", German "Zeitschrift X, Bd. 12, H. 3, S. 45-67".  The volume's
#: word anchors the title's end, so a title with commas is not split.
_LABELLED_CITATION = re.compile(
    r"^(?P<title>[^;]*?[^;\s,]),\s*(?:vol\.?|volume|bd\.|jg\.)\s*(?P<volume>\d[\w./-]*)"
    r"(?:\s*,?\s*(?:no\.?|nr\.?|n[°º]\.?|issue|heft|h\.)\s*(?P<issue>\w[\w./-]*))?"
    r"(?:\s*,?\s*\((?P<year>\d{4})\))?"
    rf"(?:\s*[,:]\s*{_PAGES})?\s*[,.]?$",
    re.IGNORECASE,
)
#: A volume and pages without an issue, after a comma each: "Acta Archaeologica, 7, 1-20".
_VOLUME_AND_PAGES = re.compile(
    rf"^(?P<title>[^;]*?[^;\s,]),\s*(?P<volume>\d+),\s*{_PAGES}\s*[,.]?$", re.IGNORECASE
)
#: What no title holds: a volume and issue ("25(7)", "vol. 3, no. 2"), a date in parentheses
#: ("(2026-06-03)") or pages ("pp. 45").  A citation in a form not read had become its
#: journal's whole title.
_CITATION_PARTS = re.compile(
    r"\b\d+\s*\(\d+\)|\(\d{4}-\d{2}(?:-\d{2})?\)|\bpp\.\s*\d|\bvol\.?\s*\d+,?\s*(?:no|issue)\b",
    re.IGNORECASE,
)
#: The forms read, the first that matches counting: the last takes any title.
_CITATION_FORMS = (_NUMBERED_CITATION, _LABELLED_CITATION, _VOLUME_AND_PAGES, _CITATION)
#: Longer than any citation: the regular expression is not run over whole paragraphs.
_CITATION_MAX = 1000


def citation(value: str) -> dict[str, Any]:
    """Read a host citation as OJS and Pure write ``dc:source``.

    ``Journal of X; Vol 3 No 2 (2021); 15-27`` (OJS 3: ``…; Vol. 3 No. 2 (2021): Issue title;
    15-27``, the issue's title not kept: the host has no field for it) and ``Journal of X,
    3(2), 15-27, (2021-06-01)`` (Zenodo) give title, volume, issue, date and pages, and
    ``issn`` where Zenodo writes it (``Journal of X, ISSN 3025-9495, 25(7), (2026-06-03)``),
    as do the forms with words for the parts (``Journal of X, vol. 3, no. 2, pp. 15-27``) and
    a volume and pages alone (``Journal of X, 3, 15-27``); a plain title (Pure: ``Book title:
    Subtitle``) gives the title alone, unsplit.  A title that still holds a volume and issue,
    pages or a date is a citation in a form not read: an error, not a title.
    """
    text = clean_text(value)
    match = None
    if len(text) <= _CITATION_MAX:
        match = next((m for form in _CITATION_FORMS if (m := form.match(text))), None)
    if not match or not match.group("title").strip():
        raise NormaliseError(f"{value!r} is not a citation we read")
    parts = match.groupdict()
    if _CITATION_PARTS.search(parts["title"]):
        raise NormaliseError(f"{value!r} is not a citation we read")
    result: dict[str, Any] = {"title": parts["title"].strip()}
    for key in ("volume", "issue", "issn"):
        if parts.get(key):
            result[key] = parts[key]
    if parts.get("year"):
        result["publication_date"] = parts["year"]
    if parts.get("start"):
        result["pages"] = {
            "start": parts["start"],
            **({"end": parts["end"]} if parts.get("end") else {}),
        }
    return result


#: A chapter's book as EPrints' citation writes it after the chapter's title: "In:", the
#: editors and "(ed.)" or "(eds.)", the book's title, perhaps its series, "Publisher, Place",
#: the pages, the ISBN.  Pieces are taken off from both ends, each by its own token.
_IN = re.compile(r"^In:\s*", re.IGNORECASE)
_BOOK_ISBN = re.compile(r"[.,]?\s*ISBN:?\s*([\dXx][\dXx -]{8,15}[\dXx])\s*\.?$", re.IGNORECASE)
_BOOK_PAGES = re.compile(
    r"(?:^|[,.]?\s+)pp?\.\s*(?P<start>\w*\d\w*|[ivxlcdm]+)(?:\s*[-\u2013]\s*(?P<end>\w+))?\s*\.?$",
    re.IGNORECASE,
)
#: The editors and their role, "Jones, A. (ed.) " or EPrints 2's "Jones, A., ed. ".
_BOOK_EDITORS = re.compile(
    r"^(?P<editors>[^()]+?),?\s*(?:\((?:eds?\.?|editors?|hrsg\.?)\)|(?:eds?|hrsg)\.)\s+",
    re.IGNORECASE,
)
#: The full stop between the book's title, its series and its imprint.  A title with one of its
#: own ("Handbook of X. Second edition", "Festschrift for J. R. Smith") then has more parts than
#: a series, and is not read.
_BOOK_STOP = re.compile(r"\.\s+")
#: A series and its number as EPrints writes them between the title and the imprint:
#: "Lecture Notes in Computer Science, 1234", "Studies in X (12)".
_BOOK_SERIES = re.compile(r"^(?P<title>.*[^\s,]),?\s*(?:,\s*|\()(?P<number>\d[\w./-]*)\)?$")


def book_citation(value: str) -> dict[str, Any]:
    """Read a chapter's book as EPrints cites it: ``In: Jones, A. (ed.) Book Title. Kestrel
    Press, Oxford, pp. 12-34. ISBN 9780306406157``.

    Gives ``title``, and as written ``editors`` (the names, one string), ``series`` (``title``,
    ``number``), ``publisher``, ``place``, ``pages`` and ``isbn``.  A book named by words
    alone ("In: Ministry of Works, Survey 1999-2002. The Hague.": no editors, pages or ISBN) is
    an error, as is a form not read (a title with numbers in it, more parts than a series):
    which words are the title, which the publisher, could only be guessed.
    """
    text = clean_text(value)
    opening = _IN.match(text)
    if opening is None or len(text) > _CITATION_MAX:
        raise NormaliseError(f"{value!r} is not a book we read")
    rest, result = text[opening.end() :], dict[str, Any]()
    if isbn := _BOOK_ISBN.search(rest):
        result["isbn"], rest = isbn[1], rest[: isbn.start()]
    if pages := _BOOK_PAGES.search(rest):
        result["pages"] = {k: v for k, v in pages.groupdict().items() if v}
        rest = rest[: pages.start()]
    if editors := _BOOK_EDITORS.match(rest):
        result["editors"], rest = editors["editors"].strip(), rest[editors.end() :]
    parts = _BOOK_STOP.split(rest.strip(" .,"))
    title, middle, imprint = parts[0], parts[1:-1], parts[-1] if len(parts) > 1 else ""
    series = _BOOK_SERIES.match(middle[0]) if len(middle) == 1 else None
    if not result or not title or len(middle) > 1 or (middle and not series):
        raise NormaliseError(f"{value!r} is not a book we read")
    if _CITATION_PARTS.search(title):
        raise NormaliseError(f"{value!r} is not a book we read")
    result["title"] = title
    if series:
        result["series"] = {"title": series["title"], "number": series["number"]}
    publisher, _, place = imprint.partition(",")
    if publisher.strip():
        result["publisher"] = publisher.strip()
    if place.strip():
        result["place"] = place.strip()
    return result
