"""Value normalisers with one clear policy each.

Every function takes a source string and returns the normalised value, or raises
:class:`NormaliseError` when the value cannot be read; the crosswalk rule's ``on_error``
decides what happens then.  None of them guesses: a value that is not clearly one thing is an
error, not a plausible invention.
"""

from __future__ import annotations

import contextlib
import html
import re
import unicodedata
from datetime import datetime
from functools import lru_cache
from typing import Any

import nh3
import pycountry

from ir_ingest.crosswalk.lookups import lookup_row


class NormaliseError(ValueError):
    """A source value could not be normalised; the message says what was expected."""


_SPACES = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def clean_text(value: str) -> str:
    """Unicode NFC, runs of white space collapsed to one space, ends stripped.

    A blank line (a paragraph break in an abstract) is kept as one ``\\n\\n``.
    """
    if value.isascii() and value.isprintable() and "  " not in value and value == value.strip():
        return value  # the common case, settled without a regular expression
    text = unicodedata.normalize("NFC", value)
    if "\n" in text and _PARAGRAPH_BREAK.search(text):
        paragraphs = (_SPACES.sub(" ", p).strip() for p in _PARAGRAPH_BREAK.split(text))
        return "\n\n".join(p for p in paragraphs if p)
    return _SPACES.sub(" ", text).strip()


# -- dates ----------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)?$")
_TEXT_DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%B %d, %Y", "%b %d, %Y", "%B %Y", "%b %Y")


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

    Accepts W3CDTF/ISO 8601 (time part dropped), English day-month-year text (``18 Dec 2020``)
    and intervals of those (``2017-03/2019-11``).  Ambiguous numeric forms such as
    ``03/04/2020`` are errors, not guesses.
    """
    text = clean_text(value)
    if text.count("/") == 1 and not re.search(r"\d/\d{1,2}/", text):
        try:
            start, end = (_edtf_date(part) for part in text.split("/"))
        except NormaliseError as exc:
            # Name the whole value: "'[' is not a date" said nothing of "[/x] n.d.".
            raise NormaliseError(f"{value!r} is no date or interval of dates: {exc}") from exc
        return f"{start}/{end}"
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = match.groups()
        try:
            datetime(int(year), int(month or 1), int(day or 1))
        except ValueError as exc:
            raise NormaliseError(f"{value!r} is not a real date") from exc
        return "-".join(part for part in (year, month, day) if part)
    for fmt in _TEXT_DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.strftime("%Y-%m-%d" if "%d" in fmt else "%Y-%m")
    raise NormaliseError(f"{value!r} is not a date in a form we read (YYYY[-MM[-DD]], 18 Dec 2020)")


# -- languages ------------------------------------------------------------------------------


def language(value: str) -> str:
    """Normalise a language code or name to ISO 639-3; see :func:`_language` (cached)."""
    result = _language_cached(value)
    if result is None:
        raise NormaliseError(f"{value!r} is not a language code or name we know")
    return result


@lru_cache(maxsize=4096)
def _language_cached(value: str) -> str | None:
    # Failures are cached too: pycountry's name search is slow and "Undefined" comes back often.
    try:
        return _language(value)
    except NormaliseError:
        return None


def _language(value: str) -> str:
    """Normalise a language code or English name to ISO 639-3 (``en``, ``ger``, ``English`` → …).

    Order: the project's table of repository spellings, ISO 639-1, 639-2/T and /B, 639-3, then
    English names.  Region subtags (``en-GB``) are dropped.
    """
    key = clean_text(value).lower()
    row = lookup_row("languages_extra", key)
    if row:
        return row["iso639_3"]
    code = re.split(r"[-_]", key, maxsplit=1)[0]
    db: Any = pycountry.languages
    found = None
    if len(code) == 2:
        found = db.get(alpha_2=code)
    elif len(code) == 3:
        found = db.get(alpha_3=code) or db.get(bibliographic=code)
    if found is None and len(key) > 3:
        try:
            found = db.lookup(key)
        except LookupError:
            found = None
    if found is None:
        raise NormaliseError(f"{value!r} is not a language code or name we know")
    return str(found.alpha_3)


# -- names ----------------------------------------------------------------------------------

# Words that make a name string an organisation's wherever they stand ("World Health
# Organization", "European Commission", "Oxford University Press"): none is a common surname.
_ORGANISATION_WORDS = re.compile(
    r"\b(institute|institut|institution|university|universit\w*|college|school|academy|"
    r"centre|center|department|ministry|agency|authority|government|commission|"
    r"committee|council|association|society|federation|foundation|organi[sz]ation|"
    r"consortium|laboratory|laboratories|museum|archives|hospital|publishers?|publishing|"
    r"services|corp|inc|ltd|llc|plc|gmbh|corporation|company)\b",
    re.IGNORECASE,
)
# Words that name organisations but are surnames too (Frank Press, Robert Service, Mary Grace
# Co, Nicholas Bureau): evidence only in an organisation's shape, see _weak_organisation.
_WEAK_ORGANISATION_WORDS = frozenset(
    ("co", "press", "service", "board", "union", "bureau", "archive", "group", "project",
     "network", "office", "lab", "library")
)  # fmt: skip
# Words no personal name has ("Board of Trade", "Office for National Statistics", "Smith & Co").
_FUNCTION_WORDS = frozenset(("of", "for", "the", "and", "&"))
# An acronym of three or more capitals beside a weak word: "MIT Press", "ACM Press".
_ACRONYM = re.compile(r"^[A-Z]{3,}$")
# Library catalogues add life dates to a heading: "Smith, Alfred, 1820-1912", "…, b. 1820".
_LIFE_DATES = re.compile(
    r",\s*(?:(?:b|d|fl|ca?)\.\s*)?\d{3,4}\??(?:\s*-\s*(?:(?:ca?\.\s*)?\d{3,4}\??)?)?\.?$"
)
# A role in parentheses after the name: "Taco Brandsen (ed.)", "(eds.)", "(Hrsg.)".
_TRAILING_ROLE = re.compile(r"\s*\(([^()]+)\)$")
# Particles that begin a family name written after the given name ("Jan van der Berg").
_PARTICLE = re.compile(
    r"van|der|den|de|la|le|del|della|di|da|von|ten|ter|du|dos|das", re.IGNORECASE
)


def agent(value: str) -> dict[str, Any]:
    """Parse a name string into an Agent: ``Family, Given`` or ``Given Family`` or an organisation.

    A string naming an organisation (it contains a word such as *Institute* or *Commission*,
    or one such as *Press* in an organisation's shape: :func:`is_organisation`) becomes an
    organizational agent; a single word becomes a personal agent with a family name only.  Life
    dates and a role in parentheses are not part of the name: a known role (``(ed.)``) becomes
    ``role``.  ``name`` keeps the string as the source wrote it, so nothing taken out of the
    parts is lost.
    """
    name = clean_text(value).strip(" ,;")
    if not name:
        raise NormaliseError("the name is empty")
    return _agent(name, organisation_test=True)


def _agent(name: str, *, organisation_test: bool) -> dict[str, Any]:
    """:func:`agent` on a cleaned, non-empty name; a person's unless the test finds otherwise."""
    core, role = _without_role(name)
    core = _LIFE_DATES.sub("", core)
    if organisation_test and is_organisation(core):
        return {"type": "organizational", "name": name}
    family, given = _person_parts(core)
    result: dict[str, Any] = {"type": "personal", "name": name, "family_name": family}
    if given:
        result["given_name"] = given
    if role:
        result["role"], result["role_source"] = role
    return result


def is_organisation(name: str) -> bool:
    """Does a name string (without role and life dates) name an organisation?

    Yes if it has a word only organisations have (*University*, *Commission*, *Ltd*), or a word
    organisations share with surnames (*Press*, *Service*, *Co*) in an organisation's shape:
    :func:`_weak_organisation`.
    """
    return bool(_ORGANISATION_WORDS.search(name)) or _weak_organisation(name)


def _weak_organisation(name: str) -> bool:
    """A weak organisation word where no surname stands, or beside other organisation signs.

    "Smith & Co", "Acme Co.", "Board of Trade", "MIT Press", "Press Group", and without a comma
    a weak word before the last word ("Network Rail") or in a name of four words or more
    ("American Photo-Relief Printing Co").  Not "Frank Press", "Press, Frank", "Mary Grace Co".
    """
    words = name.split()
    bare = [w.strip(".,;:()[]\"'").lower() for w in words]
    weak = [i for i, w in enumerate(bare) if w in _WEAK_ORGANISATION_WORDS]
    if not weak:
        return False
    if len(weak) > 1 or any(w in _FUNCTION_WORDS for w in bare):
        return True
    if any(_ACRONYM.match(w) for w in words) and not name.isupper():
        return True
    (i,) = weak
    if bare[i] == "co" and words[i].rstrip(",;:").endswith("."):
        return True  # "Co." abbreviates Company
    return "," not in name and (i < len(words) - 1 or len(words) >= 4)


def _without_role(name: str) -> tuple[str, tuple[str, str] | None]:
    """The name without a trailing relator in parentheses, and (code, text) of that relator."""
    match = _TRAILING_ROLE.search(name)
    row = lookup_row("relators", match.group(1)) if match else None
    if match is None or row is None:
        return name, None  # "Ng, Mary (Molly)": the parentheses are part of the name
    return name[: match.start()], (row["code"], match.group(1))


def _person_parts(name: str) -> tuple[str, str]:
    """Family and given name of ``Family, Given`` or ``Given [particles] Family``."""
    if "," in name:
        family, _, given = (part.strip() for part in name.partition(","))
        return family, given
    words = name.split(" ")
    last = len(words) - 1
    first_of_family = last
    while first_of_family > 1 and _is_particle(words, first_of_family - 1, last):
        first_of_family -= 1
    return " ".join(words[first_of_family:]), " ".join(words[:first_of_family])


def _is_particle(words: list[str], i: int, last: int) -> bool:
    """Does ``words[i]`` begin the family name, given that ``words[i + 1:]`` do?

    A lower-case particle does ("Jan van der Berg").  A capitalised one does when it leads
    particles ("Jan Van der Berg") or when it is not the middle of three words: in "Tuan Van
    Nguyen" and "Hieu Van Le" the Vietnamese Van (Văn) is a middle name.
    """
    word = words[i]
    if not _PARTICLE.fullmatch(word):
        return False
    if word.islower():
        return True
    return i + 1 < last or len(words) != 3


def agent_parts(parts: dict[str, Any]) -> dict[str, Any]:
    """Finish an Agent built from name parts (MODS ``name``, DataCite ``creator``).

    ``parts`` may hold ``name_type`` (MODS @type: personal, corporate, conference, family),
    ``family_name``, ``given_name``, ``names`` (untyped name parts), ``display_form``,
    ``role``, ``role_text``, ``identifiers`` and ``affiliations``.  A name given only as one
    string is parsed like :func:`agent`, except that a name typed ``personal`` is a person's
    whatever its words ("Center, Mary").  A person's display form is the agent's ``name`` (MODS
    displayForm is the name as it should be shown: "Dame Petronella Vask-Hollis"); an
    organisation has no place for one beside its name, so a crosswalk passes it only when it
    is the only name or the name is a person's (mods.yaml), and otherwise leaves it for
    ``extra``.  A role given as text is looked up in the ``relators`` table unless a code is
    given; its text is kept in ``role_source`` either way.
    """
    names = [n for n in parts.get("names", []) if n]
    display = parts.get("display_form")
    if parts.get("name_type") in ("corporate", "conference"):
        if not names and not display:
            raise NormaliseError("an organisation's name is missing")
        result: dict[str, Any] = {"type": "organizational", "name": ". ".join(names) or display}
    elif parts.get("family_name"):
        result = {"type": "personal", "family_name": parts["family_name"]}
        if parts.get("given_name"):
            result["given_name"] = parts["given_name"]
        result["name"] = ", ".join(
            p for p in (result["family_name"], result.get("given_name")) if p
        )
    elif names or display:
        string = clean_text(names[0] if names else str(display)).strip(" ,;")
        if not string:
            raise NormaliseError("the name is empty")
        result = _agent(string, organisation_test=parts.get("name_type") != "personal")
    elif parts.get("given_name"):
        # One-name people ("Madonna", many pre-modern and Indonesian names) are catalogued
        # with only a given namePart: a person, not a missing name.
        result = {"type": "personal", "given_name": parts["given_name"]}
        result["name"] = parts["given_name"]
    else:
        raise NormaliseError("the name has no name parts")
    if display and result["type"] == "personal":
        result["name"] = display
    for key in ("identifiers", "affiliations"):
        if parts.get(key):
            result[key] = parts[key]
    _role(parts, result)
    return result


# AACR2 headings end a relator term with a full stop ("editor."); others add a comma.
_TRAILING_PUNCTUATION = " .,;:"


def _role(parts: dict[str, Any], result: dict[str, Any]) -> None:
    """The relator code: the one given, else the code of the role text (``editor.`` → edt)."""
    role = parts.get("role")
    text = parts.get("role_text")
    if text is not None:
        result["role_source"] = text
        if role is None:
            row = lookup_row("relators", text) or lookup_row(
                "relators", text.rstrip(_TRAILING_PUNCTUATION)
            )
            role = row["code"] if row else None
    if role is not None:
        result["role"] = str(role).lower()


def interval(parts: dict[str, Any]) -> str:
    """An EDTF interval ``start/end`` from MODS ``point="start"``/``point="end"`` dates."""
    start, end = parts.get("start"), parts.get("end")
    if not start and not end:
        raise NormaliseError("the date range has neither start nor end")
    if start and end and start == end:
        return str(start)
    return f"{start or '..'}/{end or '..'}"


_TITLE_TYPES = {
    "alternative": "AlternativeTitle",
    "translated": "TranslatedTitle",
    "abbreviated": "Other",
    "uniform": "Other",
}


def title_parts(parts: dict[str, Any]) -> dict[str, Any]:
    """A title from MODS ``titleInfo`` parts: nonSort + title [: subTitle] [. partNumber, partName].

    ``type`` becomes a DataCite titleType; ``lang`` is normalised to ISO 639-3 when it can be.
    """
    title = parts.get("value")
    if not title:
        raise NormaliseError("the title element is empty")
    nonsort = parts.get("nonsort")
    if nonsort:
        title = f"{nonsort}{title}" if nonsort.endswith(("'", "’")) else f"{nonsort} {title}"
    if parts.get("subtitle"):
        title = f"{title}: {parts['subtitle']}"
    part = ", ".join(p for p in (parts.get("part_number"), parts.get("part_name")) if p)
    if part:
        title = f"{title}. {part}"
    result: dict[str, Any] = {"value": title}
    if parts.get("lang"):
        with contextlib.suppress(NormaliseError):
            result["lang"] = language(parts["lang"])
    if parts.get("type"):
        result["type"] = _TITLE_TYPES.get(parts["type"], "Other")
    return result


# -- citations ------------------------------------------------------------------------------

# Each part after the title starts with its own spaces and a token of its own, and the title
# ends on a character that is no space: every way to split a string is then told apart by the
# tokens, not by where spaces go.  (With "\s*" between parts and a title that could end in
# spaces, a long title of words that matched nothing took minutes: backtracking tried every
# share of every space.)
_CITATION = re.compile(
    r"^(?P<title>[^;]*?[^;\s])"
    r"(?:\s*;\s*(?:Vol\.?|Volume)\s*(?P<volume>[\w.-]+))?"
    r"(?:\s*(?:,\s*)?(?:No\.?|Issue|Nr\.?)\s*(?P<issue>[\w.-]+))?"
    r"(?:\s*\((?P<year>\d{4})\))?"
    r"(?:\s*;\s*(?:pp?\.\s*)?(?P<start>\w+)(?:\s*[-\u2013]\s*(?P<end>\w+))?)?\s*$",
    re.IGNORECASE,
)
#: Longer than any citation: the regular expression is not run over whole paragraphs.
_CITATION_MAX = 1000


def citation(value: str) -> dict[str, Any]:
    """Read a host citation as OJS and Pure write ``dc:source``.

    ``Journal of X; Vol 3 No 2 (2021); 15-27`` gives title, volume, issue and pages; a plain
    title (Pure: ``Book title: Subtitle``) gives the title alone, unsplit.
    """
    text = clean_text(value)
    match = _CITATION.match(text) if len(text) <= _CITATION_MAX else None
    if not match or not match.group("title").strip():
        raise NormaliseError(f"{value!r} is not a citation we read")
    parts = match.groupdict()
    result: dict[str, Any] = {"title": parts["title"].strip()}
    for key in ("volume", "issue"):
        if parts[key]:
            result[key] = parts[key]
    if parts["year"]:
        result["publication_date"] = parts["year"]
    if parts["start"]:
        result["pages"] = {
            "start": parts["start"],
            **({"end": parts["end"]} if parts["end"] else {}),
        }
    return result


# -- markup ---------------------------------------------------------------------------------

_ALLOWED_TAGS = {"p", "br", "i", "em", "b", "strong", "sub", "sup", "ul", "ol", "li"}
#: An element HTML knows, opened or closed: what makes a value markup rather than plain text.
_HTML_TAG = re.compile(
    r"</?(?:p|br|hr|i|em|b|strong|u|s|sub|sup|small|big|span|div|a|font|ul|ol|li|dl|dt|dd"
    r"|blockquote|pre|code|q|cite|abbr|h[1-6]|table|thead|tbody|tr|td|th|img|script|style"
    r"|iframe|object|embed|svg|math|link|meta|form|input|button|textarea|select|base|body"
    r"|html|head|title)(?=[\s/>])",
    re.IGNORECASE,
)
_HTML_REFERENCE = re.compile(r"&(?:#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.IGNORECASE)
#: U+0338 after "<", "=" or ">": NFC composes the pair into one character (≮ ≠ ≯).
_NOT_SIGN = re.compile("([<=>])\u0338")


def sanitise_html(value: str) -> str:
    """Make an abstract safe HTML: allowed tags kept, scripts, styles, links, attributes removed.

    The result is always HTML.  A value with no HTML element and no character reference is
    plain text, escaped whole: read as HTML, ``p <0.05 and q> 0.1`` or ``the <gene> product``
    would lose the words between the brackets.  Repositories escape real markup into
    ``dc:description`` (Pure, DSpace), and that is cleaned by nh3.
    """
    text = clean_text(value)
    if not _HTML_TAG.search(text) and not _HTML_REFERENCE.search(text):
        return html.escape(text, quote=False)
    cleaned = nh3.clean(text, tags=_ALLOWED_TAGS, attributes={})
    # nh3 turns a reference such as &#x338; into its character.  After a tag's ">" that
    # character would combine with it under NFC (here, or in any system the record goes to):
    # the tag left open, and the text after it read as attributes (onfocus=…).  As a
    # reference again it is the same text and cannot combine.
    return clean_text(_NOT_SIGN.sub(r"\1&#x338;", cleaned))


# A number followed by a dash and another is a range ("45-67"), not a count.
_COUNT = re.compile(r"^\s*(\d+)\b(?!\s*[-\u2013\u2014]\s*\d)")


def integer(value: str) -> int:
    """Read a count such as ``10`` or ``10 pages``; a range such as ``45-67`` is no count.

    MODS ``<extent unit="pages">45-67</extent>`` gives where a part sits in its host: its first
    number is not its page count.
    """
    match = _COUNT.match(value)
    if not match:
        raise NormaliseError(f"{value!r} is not a whole number")
    return int(match.group(1))
