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
from functools import lru_cache
from typing import Any

import nh3
import pycountry

from ir_ingest.controls import bidi_closed
from ir_ingest.crosswalk.lookups import lookup_row, when_tables_change


class NormaliseError(ValueError):
    """A source value could not be normalised; the message says what was expected."""


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")


#: Characters that show nothing and mean nothing in metadata: a zero-width space, a soft
#: hyphen (a word processor's hyphenation point), a byte order mark, a word joiner.  Pasted
#: into a title, they made it differ from the same title typed.  (Zero-width joiners shape
#: Persian and Indic script: they stay.)
_INVISIBLE_CHARACTERS = "\u200b\u00ad\ufeff\u2060"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARACTERS))


#: The characters Windows-1252 has where Latin-1 has its C1 controls (0x80-0x9F): "€", "’".
_CP1252_HIGH = bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore")
#: Signs of text decoded in the wrong encoding: a C1 control (a Windows-1252 byte read as
#: Latin-1: "it\x92s"), or the Latin-1 or Windows-1252 reading of a UTF-8 sequence ("JosÃ©",
#: "â€™", "Â°C"; the corpus has "â\x80\x98wetâ\x80\x99").  Text without one is never read
#: again; text with one is left to ftfy, which changes only what it can read back.
_MOJIBAKE = re.compile(
    rf"[\x80-\x9f]|[\xc2\xc3][\xa0-\xbf]|[\xc2\xc3\xe2][{re.escape(_CP1252_HIGH)}]"
)


def clean_text(value: str) -> str:
    """Unicode NFC, invisible characters removed, runs of white space collapsed to one space,
    ends stripped; text a source decoded in the wrong encoding read again (mojibake:
    "JosÃ©" is "José", "itâ€™s" is "it’s").

    A blank line (a paragraph break in an abstract) is kept as one ``\\n\\n``.
    """
    # The common case, settled without a regular expression: a printable string has no white
    # space but " " (str.isprintable() refuses the rest, and the invisible characters), so one
    # without two together or at its ends is clean once in NFC, as ASCII always is.  Text in
    # other scripts than ASCII's had been split and joined again: 16 us for 1,300 characters.
    settled = value.isprintable() and "  " not in value and value == value.strip()
    if value.isascii():
        if settled:
            return value
        # Nothing to normalise, remove or read again in ASCII: its white space is all there
        # is to fold (a pretty-printed record's "\n    Former owner\n  ", most of MODS's).
        text = value
    else:
        mojibake = _MOJIBAKE.search(value) is not None
        if settled and not mojibake and unicodedata.is_normalized("NFC", value):
            return value
        if mojibake:
            value = _read_again(value)
        text = unicodedata.normalize("NFC", _without_invisible(value))
    # str.split() splits on what a pattern's \s matches, and joins in a fraction of the time.
    if "\n" in text and _PARAGRAPH_BREAK.search(text):
        paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text))
        return "\n\n".join(p for p in paragraphs if p)
    return " ".join(text.split())


def _read_again(value: str) -> str:
    """``value`` with what ftfy reads as mojibake decoded as it was meant."""
    # Imported here: 38 ms that a harvest's warm-up would wait for, where most sources have
    # no mojibake at all.
    import ftfy

    return str(ftfy.fix_encoding(value))


def _without_invisible(value: str) -> str:
    """``value`` without the characters of :data:`_INVISIBLE`."""
    # Looked for before translate(), which looks every character of a string that is not
    # ASCII up in the table: 170 us for an abstract of 1,300 characters, where looking for the
    # four costs 0.1 us (4% of a MODS record's crosswalk went to clean_text, py-spy).
    for character in _INVISIBLE_CHARACTERS:
        if character in value:
            return value.translate(_INVISIBLE)
    return value


# -- dates ----------------------------------------------------------------------------------


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


def read_language_table() -> None:
    """Have pycountry read its ISO 639 table now (25 ms), as it does on the first lookup."""
    pycountry.languages.get(alpha_3="eng")


# A user's languages_extra table, added after records were read, must be read again.
when_tables_change(_language_cached.cache_clear)


#: A language code with an ISO 15924 script glued after it: "engLatn", "rusCyrl".
_GLUED_SCRIPT = re.compile(r"^([a-z]{2,3})[A-Z][a-z]{3}$")


def _language(value: str) -> str:
    """Normalise a language code or English name to ISO 639-3 (``en``, ``ger``, ``English`` → …).

    Order: the project's table of repository spellings, ISO 639-1, 639-2/T and /B, 639-3, then
    English names.  Region and script subtags (``en-GB``, ``sr-Cyrl``) are dropped, as is a
    script glued to the code (``engLatn``: Islandora's MODS to DC stylesheet joins a
    languageTerm's code and its scriptTerm so).
    """
    text = clean_text(value)
    glued = _GLUED_SCRIPT.match(text)
    key = (glued[1] if glued else text).lower()
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
    if found is None and " " in key:
        # A language's name and code in one value, "English eng": LoC's MODS to DC stylesheet
        # joins a language's text and code terms so.  Each word must be the same language.
        named = {_language_cached(word) for word in key.split(" ")}
        if len(named) == 1 and None not in named:
            return str(named.pop())
    if found is None:
        raise NormaliseError(f"{value!r} is not a language code or name we know")
    return str(found.alpha_3)


def heading(parts: dict[str, Any]) -> dict[str, Any]:
    """A subject from a MODS ``subject``'s parts: the ``terms`` of a heading joined with ``--``
    (``United States--History--Civil War, 1861-1865``, as LoC's MODS to DC stylesheet joins
    them), or a name's ``agent`` by its name, ``terms_of_address`` (a list) and life
    ``dates`` as LC writes them (``John, King of England, 1167-1216``), heading the terms
    where both are given (``Lincoln, Abraham, 1809-1865--Assassination``); with the
    ``scheme``, ``uri`` and ``lang`` given.

    A URI on the subject names the whole heading: given to each of its terms, it had linked
    the word "History" to the heading's authority record.  A name's own URI (its ``valueURI``,
    among the agent's identifiers) is the subject's where the subject has none.
    """
    agent = parts.get("agent") or {}
    named = agent.get("name")
    if named:
        address = parts.get("terms_of_address", [])
        named = ", ".join(p for p in (named, *address, parts.get("dates")) if p)
    value = "--".join([named, *parts.get("terms", [])] if named else parts.get("terms", []))
    if not value:
        raise NormaliseError("the subject has no term")
    own = [i["value"] for i in agent.get("identifiers", []) if i.get("scheme") == "url"]
    subject: dict[str, Any] = {"value": value}
    for key, given in (
        ("scheme", parts.get("scheme")),
        ("uri", parts.get("uri") or (own[0] if own else None)),
        ("lang", parts.get("lang")),
    ):
        if given:
            subject[key] = given
    return subject


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
    subtitle = parts.get("subtitle")
    if subtitle:
        # MARC's abbreviated and key titles (210/222 $b) qualify a title in parentheses, "E-JASL
        # (Athabasca)", which MARC to MODS writes as a subTitle: no colon before it.
        qualifier = subtitle.startswith("(") and subtitle.endswith(")")
        title = f"{title} {subtitle}" if qualifier else f"{title}: {subtitle}"
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


# -- markup ---------------------------------------------------------------------------------

_ALLOWED_TAGS = {"p", "br", "i", "em", "b", "strong", "sub", "sup", "ul", "ol", "li"}
_TAG_NAMES = (
    r"(?:p|br|hr|i|em|b|strong|u|s|sub|sup|small|big|span|div|a|font|ul|ol|li|dl|dt|dd"
    r"|blockquote|pre|code|q|cite|abbr|h[1-6]|table|thead|tbody|tr|td|th|img|script|style"
    r"|iframe|object|embed|svg|math|link|meta|form|input|button|textarea|select|base|body"
    r"|html|head|title)"
)
#: An element HTML knows, opened or closed: what makes a value markup rather than plain text.
_HTML_TAG = re.compile(rf"</?{_TAG_NAMES}(?=[\s/>])", re.IGNORECASE)
#: The same, escaped once more (``&lt;p&gt;``): markup a repository escaped twice.
_ESCAPED_TAG = re.compile(rf"&lt;/?{_TAG_NAMES}(?=[\s/]|&gt;)", re.IGNORECASE)
_HTML_REFERENCE = re.compile(r"&(?:#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.IGNORECASE)
#: U+0338 after "<", "=" or ">": NFC composes the pair into one character (≮ ≠ ≯).
_NOT_SIGN = re.compile("([<=>])\u0338")


def sanitise_html(value: str) -> str:
    """Make an abstract safe HTML: allowed tags kept, scripts, styles, links, attributes removed.

    The result is always HTML.  A value with no HTML element and no character reference is
    plain text, escaped whole: read as HTML, ``p <0.05 and q> 0.1`` or ``the <gene> product``
    would lose the words between the brackets.  Repositories escape real markup into
    ``dc:description`` (Pure, DSpace), and that is cleaned by nh3.

    Markup escaped twice (Zenodo's oai_dc: ``&lt;p&gt;Text&lt;/p&gt;`` after XML parsing) is
    unescaped once, when the value holds an escaped HTML element and no real one, and then
    cleaned like any markup; otherwise a reader would see the tags as text.  A value with real
    elements keeps its escaped ones as text (an abstract about HTML may show ``&lt;p&gt;``).
    """
    text = clean_text(value)
    if _ESCAPED_TAG.search(text) and not _HTML_TAG.search(text):
        text = html.unescape(text)  # once: what was meant is markup, cleaned below
    # A bidi override left open reaches past the abstract in the page that shows it, as an
    # element left open would (a security review): closed at its end.
    if not _HTML_TAG.search(text) and not _HTML_REFERENCE.search(text):
        return bidi_closed(html.escape(text, quote=False))
    cleaned = nh3.clean(text, tags=_ALLOWED_TAGS, attributes={})
    # nh3 turns a reference such as &#x338; into its character.  After a tag's ">" that
    # character would combine with it under NFC (here, or in any system the record goes to):
    # the tag left open, and the text after it read as attributes (onfocus=…).  As a
    # reference again it is the same text and cannot combine.
    return bidi_closed(clean_text(_NOT_SIGN.sub(r"\1&#x338;", cleaned)))


#: Inline tags an abstract's heading is wrapped in, after sanitise_html: <p><strong>Abstract:…
_INLINE = r"(?:p|strong|b|em|i)"
#: An abstract's opening heading word in the sanitised HTML: its opening tags, the word (in
#: the languages repositories write it in), a colon, full stop or dash, and its closing tags.
_ABSTRACT_HEADING = re.compile(
    rf"^(?P<open>(?:<{_INLINE}>\s*)*)"
    r"(?P<word>abstract|summary|résumé|resumen|resumo|zusammenfassung|samenvatting)"
    # IEEE's "Abstract—We …": a dash of its own needs no space after it.
    r"(?P<mark>(?:\s*[:.]|\s+[-\u2013\u2014])(?=\s|<|$)|\s*[\u2013\u2014])?"
    # "<em>Abstract</em>: We …": the mark after the tag that closes the word is the heading's.
    rf"(?P<close>(?:\s*</{_INLINE}>)*)(?P<after>\s*[:.](?=\s|<|$))?\s*",
    re.IGNORECASE,
)
_OPEN_TAG = re.compile(rf"<{_INLINE}>")
#: The tags that start a paragraph or list after sanitise_html: a heading before one stands apart.
_BLOCK_TAGS = ("<p>", "<br>", "<ul>", "<ol>")
_ANY_TAG = re.compile(r"</?\w+/?>")


def strip_heading(value: str) -> str:
    """Take an abstract's heading word off its start: "Abstract: We …", "ABSTRACT We …",
    "<p><strong>Abstract:</strong></p> <p>We …" (Zenodo), "Abstract <p>We …" (Zenodo's
    "<h3>Abstract</h3>", whose h3 :func:`sanitise_html` took off).  Run on sanitised HTML.

    A word is a heading only where it stands apart: followed by a colon, full stop or dash,
    closing its own element, before a paragraph or list, or in capitals before a word that is
    not.  "Abstract algebra is …" and "Summary of findings …" keep their first word, and so
    does a value that is the heading alone.  Tags the heading closed go with it; one still
    open (the <p> of "<p>Abstract: We …") stays.
    """
    found = _ABSTRACT_HEADING.match(value)
    if found is None:
        return value
    rest = value[found.end() :]
    word = found["word"]
    apart = found["mark"] or found["close"] or rest.startswith(_BLOCK_TAGS)
    capitals = word.isupper() and re.match(r"\S*[a-z]", rest) is not None
    if not (apart or capitals) or not _ANY_TAG.sub("", rest).strip():
        return value
    rest = re.sub(r"^(?:<br>\s*)+", "", rest)  # "Abstract<br>We …": the break was the heading's
    opened = _OPEN_TAG.findall(found["open"])
    still_open = opened[: max(0, len(opened) - found["close"].count("</"))]
    return "".join(still_open) + rest


# A number followed by a dash and another is a range ("45-67"), not a count.
_COUNT = re.compile(r"^\s*(\d+)\b(?!\s*[-\u2013\u2014]\s*\d)")
#: The most digits a count has: one that a 64-bit integer holds, as the store's readers do.
_COUNT_DIGITS = 18


def integer(value: str) -> int:
    """Read a count such as ``10`` or ``10 pages``; a range such as ``45-67`` is no count.

    MODS ``<extent unit="pages">45-67</extent>`` gives where a part sits in its host: its first
    number is not its page count.
    """
    match = _COUNT.match(value)
    if not match:
        raise NormaliseError(f"{value!r} is not a whole number")
    digits = match.group(1).lstrip("0")
    if len(digits) > _COUNT_DIGITS:
        # int() refuses over 4,300 digits (a fuzzed extent of 10,000 raised a ValueError).
        raise NormaliseError(f"{value[:40]!r}… is a number of {len(digits):,} digits, no count")
    return int(digits or "0")
