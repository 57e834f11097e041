"""Value normalisers with one clear policy each.

Every function takes a source string and returns the normalised value, or raises
:class:`NormaliseError` when the value cannot be read; the crosswalk rule's ``on_error``
decides what happens then.  None of them guesses: a value that is not clearly one thing is an
error, not a plausible invention.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from functools import lru_cache
from typing import Any

import idutils
import nh3
import pycountry

from ir_ingest.crosswalk.lookups import lookup_row


class NormaliseError(ValueError):
    """A source value could not be normalised; the message says what was expected."""


_SPACES = re.compile(r"\s+")


def clean_text(value: str) -> str:
    """Unicode NFC with runs of white space collapsed to one space and the ends stripped."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


# -- dates ----------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)?$")
_TEXT_DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%B %d, %Y", "%b %d, %Y", "%B %Y", "%b %Y")


def edtf_date(value: str) -> str:
    """Normalise a date to EDTF level 0 (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``).

    Accepts W3CDTF/ISO 8601 (time part dropped) and English day-month-year text
    (``18 Dec 2020``).  Ambiguous numeric forms such as ``03/04/2020`` are errors, not guesses.
    """
    text = clean_text(value)
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


@lru_cache(maxsize=4096)
def language(value: str) -> str:
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

_ORGANISATION_WORDS = re.compile(
    r"\b(institute|institut|university|universit\w*|college|centre|center|department|school|"
    r"association|society|council|committee|group|laboratory|lab|foundation|agency|ministry|"
    r"office|library|museum|consortium|network|project|inc|ltd|gmbh|corporation|company)\b",
    re.IGNORECASE,
)


def agent(value: str) -> dict[str, Any]:
    """Parse a name string into an Agent: ``Family, Given`` or ``Given Family`` or an organisation.

    A string naming an organisation (it contains a word such as *Institute* or *University*)
    becomes an organizational agent; a single word becomes a personal agent with a family name only.
    """
    name = clean_text(value).strip(" ,;")
    if not name:
        raise NormaliseError("the name is empty")
    if _ORGANISATION_WORDS.search(name):
        return {"type": "organizational", "name": name}
    if "," in name:
        family, _, given = (part.strip() for part in name.partition(","))
    else:
        *given_parts, family = name.split(" ")
        given = " ".join(given_parts)
    result: dict[str, Any] = {"type": "personal", "name": name, "family_name": family}
    if given:
        result["given_name"] = given
        result["name"] = f"{family}, {given}"
    return result


# -- identifiers ----------------------------------------------------------------------------

# idutils reports every scheme a string could be; prefer the most specific ones.
_SCHEME_PREFERENCE = ("doi", "isbn", "issn", "orcid", "handle", "urn", "arxiv", "pmid", "url")


def identifier(value: str) -> dict[str, str]:
    """Detect an identifier's scheme with idutils and normalise its value.

    DOIs lose their resolver prefix and are lower-cased (DOIs are case-insensitive, DOI
    Handbook §2.4, so one form is needed to find duplicates); ISBNs and ISSNs lose hyphens.
    """
    text = clean_text(value)
    schemes = idutils.detect_identifier_schemes(text)
    for scheme in _SCHEME_PREFERENCE:
        if scheme in schemes:
            normalised = str(idutils.normalize_pid(text, scheme))
            if scheme in {"isbn", "issn"}:
                normalised = normalised.replace("-", "").upper()
            elif scheme == "doi":
                normalised = normalised.lower()
            return {"scheme": scheme, "value": normalised}
    raise NormaliseError(f"{value!r} is not an identifier of a known scheme")


# -- markup ---------------------------------------------------------------------------------

_ALLOWED_TAGS = {"p", "br", "i", "em", "b", "strong", "sub", "sup", "ul", "ol", "li"}


def sanitise_html(value: str) -> str:
    """Remove markup an abstract must not carry (scripts, styles, links, attributes) with nh3."""
    return clean_text(nh3.clean(value, tags=_ALLOWED_TAGS, attributes={}))


def integer(value: str) -> int:
    """Read a count such as ``10`` or ``10 pages``."""
    match = re.match(r"^\s*(\d+)\b", value)
    if not match:
        raise NormaliseError(f"{value!r} is not a whole number")
    return int(match.group(1))
