"""Repairs made to a document's bytes so that it parses, each reported with the lines it touched.

Real harvests carry two kinds of damage the parser would otherwise stop at or pass silently:

- characters XML 1.0 forbids (C0 controls other than tab, newline and carriage return, raw or as
  character references), common in CRIS exports pasted from word processors: removed, or a
  space for those that separate words; references to the two UTF-16 halves of one character,
  as Java and JavaScript write an emoji, are joined into one reference to it;
- a wrong encoding.  Text pasted in Windows-1252 into a UTF-8 record stops the parser at its
  first ``é`` (Java harvesters' "Invalid byte 1 of 1-byte UTF-8 sequence"), so a whole page was
  salvaged around a record kept as a reject; those bytes are read as Windows-1252.  An endpoint
  that declares ISO-8859-1 and writes UTF-8 (metha's comments name lying declarations) parsed
  "fine" into ``cafÃ©`` in every record, with no word: such a document is read as UTF-8.  One
  read as it declares ISO-8859-1 has its bytes 0x80-0x9F read as Windows-1252's quotes, not as
  invisible control characters, and Latin-1 letters in it that look like UTF-8 are said.

Each document is judged on its own: a page that needed repairs is read again record by record
(:func:`ir_ingest.oai.salvage.read_one_by_one`), by harvest and import alike.

Each repair keeps line numbers (nothing it puts in or takes out is a line break), so the lines it
reports are the document's as received.  Only ASCII-compatible encodings are repaired.  Every scan
is linear and in C but for one step a line repaired, and at most :data:`MAX_LINES` lines are
listed: a page can be 64 MiB of bad bytes (a review's 16 MiB of ``\xe9`` had taken 34 s and
834 MB with a step and an offset kept for each byte).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ir_ingest.entry import Issue

if TYPE_CHECKING:
    from collections.abc import Callable

    from lxml import etree

#: C0 controls XML 1.0 (§2.2 Char) forbids, raw, as references, and either.
_C0 = bytes(range(0x20)).translate(None, b"\t\n\r")
#: Those of them that stand between words, which become a space: a word processor's line break
#: (Word's Shift+Enter is a vertical tab), a page break (form feed, from a PDF's text), and the
#: information separators 0x1C-0x1F (MARC's).  Removed, "line\vbreak" had become "linebreak".
_SEPARATORS = b"\x0b\x0c\x1c\x1d\x1e\x1f"
_AS_SPACES = bytes.maketrans(_SEPARATORS, b" " * len(_SEPARATORS))
_REMOVED = _C0.translate(None, _SEPARATORS)
_ILLEGAL_REF = re.compile(
    rb"&#(?:x0*(?:[0-8bcefBCEF]|1[0-9a-fA-F])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));"
)
_ILLEGAL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|" + _ILLEGAL_REF.pattern)
#: References to a high UTF-16 half (U+D800-U+DBFF), a low one (U+DC00-U+DFFF), U+FFFE or
#: U+FFFF, which XML 1.0 forbids too.  A high half and a low one after it are how Java and
#: JavaScript serialisers write a character beyond U+FFFF (an emoji).
_HIGH_REF = (
    rb"&#(?:x0*[dD][89abAB][0-9a-fA-F]{2}|0*(?:5529[6-9]|55[3-9]\d\d|56[0-2]\d\d|563[01]\d));"
)
_LOW_REF = (
    rb"&#(?:x0*[dD][c-fC-F][0-9a-fA-F]{2}|0*(?:563[2-9]\d|56[4-9]\d\d|57[0-2]\d\d|573[0-3]\d|"
    rb"5734[0-3]));"
)
_NONCHARACTER_REF = rb"&#(?:x0*[fF]{3}[eEfF]|0*6553[45]);"
_WIDE_REF = re.compile(b"%s|%s|%s" % (_HIGH_REF, _LOW_REF, _NONCHARACTER_REF))
#: A pair of halves (group 1), or one of the references above alone.
_WIDE_REFS = re.compile(b"(%s%s)|%s" % (_HIGH_REF, _LOW_REF, _WIDE_REF.pattern))
#: UTF-8's byte order mark (U+FEFF encoded).
UTF8_BOM = b"\xef\xbb\xbf"
#: The five bytes Windows-1252 leaves undefined.
_UNDEFINED_1252 = b"\x81\x8d\x8f\x90\x9d"
#: The encoding an XML declaration names (§4.3.3), after an optional UTF-8 byte order mark.
_DECLARED = re.compile(rb"(?:\xef\xbb\xbf)?\s*<\?xml\s[^>]{0,200}?\bencoding\s*=\s*[\"']([\w.:-]+)")
#: Declared encodings whose every byte is a character, so UTF-8 parses in them as nonsense.
_SINGLE_BYTE = frozenset(
    {"iso-8859-1", "iso8859-1", "iso_8859-1", "latin-1", "latin1", "l1", "windows-1252", "cp1252"}
)
#: The bytes that were no UTF-8, as ``surrogateescape`` decoding leaves them (U+DC80-U+DCFF).
_ESCAPED = re.compile("[\udc80-\udcff]+")
#: Each of them as Windows-1252 reads its byte; the five bytes it leaves undefined as
#: ISO-8859-1 does (C1 controls).
_AS_1252 = {
    0xDC00 + byte: bytes([byte]).decode("latin-1" if byte in _UNDEFINED_1252 else "cp1252")
    for byte in range(0x80, 0x100)
} | {code: chr(code) for code in range(0x80)}
#: Up to so many, the bytes that are no UTF-8 are read by a decoding error handler (a call
#: each: 10 s for 8 million); past it, by one pass over the whole text, ASCII in the table
#: (a failed look-up each had made 64 MiB with 10,001 of them take 13 s).
_TRANSLATED_FROM = 100_000
_AS_1252_HANDLER = "ir_ingest.windows-1252"
_LATIN1_HANDLER = "ir_ingest.latin-1"
#: The bytes ISO-8859-1 reads as C1 control characters and Windows-1252 as punctuation.
_NOT_C1 = bytes(range(0x80)) + bytes(range(0xA0, 0x100))
_C1_BYTE = re.compile(rb"[\x80-\x9f]")
_UNDEFINED_1252_BYTE = re.compile(b"[%s]" % _UNDEFINED_1252)
_NOT_UNDEFINED_1252 = bytes(b for b in range(0x100) if b not in _UNDEFINED_1252)
#: A Latin-1 letter or sign as UTF-8 writes it: "é" read as ISO-8859-1 is "Ã©".
_LATIN1_AS_UTF8 = re.compile(rb"[\xc2\xc3][\x80-\xbf]")
#: UTF-8's non-ASCII characters as decoding reads them: not a byte order mark, not a stray.
_NON_ASCII = re.compile("[^\x00-\x7f\ufeff\udc80-\udcff]")
#: So much text a substitution works on at a time: one over 16 MiB of ``&#1;`` had taken
#: 1.5 GB for its pieces.
_CHUNK = 1 << 20
_UTF8 = (b"utf-8", b"utf8")
#: Lines a repair lists at most; its count stays exact.
MAX_LINES = 10_000
#: Lines a message names before "and N more".
_SHOWN = 10


#: A repair step's result: the bytes, and the repairs it made (none: it changed nothing).
Repaired = tuple[bytes, tuple["Repair", ...]]


@dataclass(frozen=True, slots=True)
class Repair:
    """One kind of repair made to a document, how often, and on which lines (1-based; the
    first :data:`MAX_LINES`)."""

    code: str
    #: What was done, said of the whole document or of one of its parts.
    what: str
    count: int
    lines: tuple[int, ...]

    def issue(self) -> Issue:
        """The document's issue: how many, and the lines."""
        return Issue(self.code, f"{self.what} ({self.count} at line {_listed(self.lines)})")

    def part_issue(self, lines: list[int], where: str) -> Issue:
        """The issue of a part (a record) of the document ``where`` names, at its ``lines``."""
        return Issue(self.code, f"{self.what} ({where} line {_listed(lines)})")


def _listed(lines: tuple[int, ...] | list[int]) -> str:
    """Lines for a message: a mislabelled page may have a non-ASCII character on every one."""
    shown = ", ".join(map(str, lines[:_SHOWN]))
    return shown if len(lines) <= _SHOWN else f"{shown} and {len(lines) - _SHOWN:,} more"


def _lines(pattern: re.Pattern[Any], data: Any) -> tuple[int, ...]:
    """The lines ``pattern`` matches on, the first :data:`MAX_LINES`: one search a line,
    from the start of the next line after each match."""
    newline: Any = b"\n" if isinstance(data, bytes) else "\n"
    lines: list[int] = []
    line, counted_to = 1, 0
    found = pattern.search(data)
    while found is not None and len(lines) < MAX_LINES:
        line += data.count(newline, counted_to, found.start())
        counted_to = found.start()
        lines.append(line)
        end = data.find(newline, found.end())
        found = pattern.search(data, end + 1) if end >= 0 else None
    return tuple(lines)


def remove_illegal(data: bytes) -> Repaired:
    """``data`` without the characters XML 1.0 forbids (a space for those that separate
    words, see :data:`_SEPARATORS`), and the repair, if one was made."""
    count = len(data) - len(data.translate(None, _C0))
    cleaned = data.translate(_AS_SPACES, _REMOVED) if count else data
    if b"&#" in cleaned:
        cleaned, references = _subn_by_chunks(_ILLEGAL_REF, cleaned, replace=_reference_replaced)
        count += references
    joined = 0
    if b"&#" in cleaned:
        cleaned, joined, removed = _wide_references(cleaned)
        count += removed
    repairs = []
    if joined:
        what = "joined character references that wrote one character as its two UTF-16 halves"
        repairs.append(_repair(what, joined, data))
    if count:
        repairs.append(_repair("removed characters XML 1.0 does not allow", count, data))
    return (cleaned, tuple(repairs)) if repairs else (data, ())


def _repair(what: str, count: int, data: bytes) -> Repair:
    """An ``xml.illegal_characters`` repair of ``data``, on the lines with such characters
    (the joined halves' lines are among them: each half is a reference XML forbids)."""
    lines = _lines(_ILLEGAL, data) + _lines(_WIDE_REF, data)
    listed = tuple(sorted(set(lines)))[:MAX_LINES]
    return Repair(code="xml.illegal_characters", what=what, count=count, lines=listed)


def _wide_references(data: bytes) -> tuple[bytes, int, int]:
    """``data`` with each pair of references to a high and a low UTF-16 half joined into a
    reference to the character they make, and those to a lone half, U+FFFE or U+FFFF removed;
    and how many pairs were joined and references removed."""
    joined, removed = 0, 0

    def number(reference: bytes) -> int:
        return _code_point(reference[2:-1])

    def replaced(found: re.Match[bytes]) -> bytes:
        nonlocal joined, removed
        if found[1]:
            high, low = (number(ref + b";") for ref in found[1].split(b";")[:2])
            joined += 1
            return b"&#x%X;" % (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        removed += 1
        return b""

    # Cut before a tag, never inside a pair of references (which a cut before "&" could be).
    cleaned, _ = _subn_by_chunks(_WIDE_REFS, data, cut=b"<", replace=replaced)
    return cleaned, joined, removed


def _reference_replaced(found: re.Match[bytes]) -> bytes:
    """What a reference to a character XML forbids becomes: a space for a separator."""
    code = _code_point(found[0][2:-1])
    return b" " if bytes([code]) in _SEPARATORS else b""


def _code_point(digits: bytes) -> int:
    """The character a reference's digits (``x`` and hexadecimal ones, or decimal) name, its
    leading zeros dropped first: the patterns allow any number, and int() refuses over 4,300
    digits (a fuzzed ``&#`` and 5,000 zeros before ``1;`` had raised a ValueError out of the
    parser)."""
    if digits[:1] == b"x":
        return int(digits[1:].lstrip(b"0") or b"0", 16)
    return int(digits.lstrip(b"0") or b"0")


def _subn_by_chunks(
    pattern: re.Pattern[bytes],
    data: bytes,
    cut: bytes = b"&",
    replace: bytes | Callable[[re.Match[bytes]], bytes] = b"",
) -> tuple[bytes, int]:
    """``pattern.subn(replace, data)`` a chunk at a time, each cut before a ``cut`` byte where
    no match can be cut in two (every reference begins with ``&``)."""
    pieces, count, start = [], 0, 0
    while start < len(data):
        end = data.find(cut, start + _CHUNK)
        end = len(data) if end < 0 else end
        piece, found = pattern.subn(replace, data[start:end])
        pieces.append(piece)
        count += found
        start = end
    return b"".join(pieces), count


def single_byte_declaration(data: bytes) -> re.Match[bytes] | None:
    """The XML declaration of ``data`` when it has non-ASCII bytes and declares an encoding
    that reads each byte as a character, so that UTF-8 in it would parse as nonsense.

    Cheap, as it runs on every document parsed (1.6 µs on a 3 KB record): ASCII documents and
    those declaring nothing stop at the first or second test.
    """
    if data.isascii() or data.startswith(UTF8_BOM):  # a byte order mark wins (XML 1.0 §4.3.3)
        return None
    declared = _DECLARED.match(data)
    if declared is None or declared.group(1).decode().lower() not in _SINGLE_BYTE:
        return None
    return declared


def repair_encoding(data: bytes) -> Repaired:
    """``data`` as UTF-8 that parses, and the repairs made (none: it needed or allowed none).

    A document declaring a single-byte encoding whose non-ASCII text is mostly well-formed
    UTF-8 is relabelled UTF-8 (:func:`_relabelled`); then, in a UTF-8 document, the bytes
    that are no UTF-8 are read as Windows-1252.
    """
    repairs: tuple[Repair, ...] = ()
    declared = single_byte_declaration(data)
    if declared is not None:
        text, utf8, strays = _utf8_and_strays(data)
        if utf8 <= strays:
            return _as_declared(data, declared)
        data, relabelling = _relabelled(data, declared, text, utf8)
        repairs = (relabelling,)
    elif not _utf8(data):
        return data, ()
    # Decoded (again) as it now declares itself: the text is what the strays are read into.
    text = data.decode("utf-8", "surrogateescape")
    strays = _strays(data, text)
    if not strays:
        return data, repairs
    if strays > _TRANSLATED_FROM:
        fixed = text.translate(_AS_1252)
    else:
        fixed = data.decode("utf-8", _AS_1252_HANDLER)
    what = "read bytes that are not UTF-8 as Windows-1252"
    stray_repair = Repair(
        code="xml.wrong_encoding", what=what, count=strays, lines=_lines(_ESCAPED, text)
    )
    return fixed.encode("utf-8"), (*repairs, stray_repair)


def _utf8(data: bytes) -> bool:
    """Whether ``data`` is to be read as UTF-8: it starts with UTF-8's byte order mark, or
    declares UTF-8 or no encoding (XML 1.0 §4.3.3, F.1)."""
    declared = _DECLARED.match(data)
    return data.startswith(UTF8_BOM) or declared is None or declared.group(1).lower() in _UTF8


def _read_as_1252(error: UnicodeError) -> tuple[str, int]:
    """A decoding error handler: the bytes that are no UTF-8, read as Windows-1252."""
    assert isinstance(error, UnicodeDecodeError)  # registered for decoding only
    bad = error.object[error.start : error.end]
    return "".join(_AS_1252[0xDC00 + byte] for byte in bad), error.end


codecs.register_error(_AS_1252_HANDLER, _read_as_1252)


def _read_as_latin1(error: UnicodeError) -> tuple[str, int]:
    """A decoding error handler: the bytes Windows-1252 leaves undefined, read as ISO-8859-1."""
    assert isinstance(error, UnicodeDecodeError)  # registered for decoding only
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error(_LATIN1_HANDLER, _read_as_latin1)


def _strays(data: bytes, text: str) -> int:
    """How many bytes of ``data`` are no UTF-8: ``text`` (its ``surrogateescape`` decoding)
    has one lone surrogate for each, which encoding drops."""
    return len(data) - len(text.encode("utf-8", "ignore"))


def _relabelled(
    data: bytes, declared: re.Match[bytes], text: str, utf8: int
) -> tuple[bytes, Repair]:
    """``data`` declared UTF-8: its ``utf8`` non-ASCII characters in UTF-8 outnumber the bytes
    that are no UTF-8 (a Windows-1252 byte pasted in: the rest must not stay ``cafÃ©``).

    Text truly in ISO-8859-1 is seldom also well-formed UTF-8: that takes an accented
    capital followed by a symbol (``Ã©``) at every non-ASCII character.
    """
    relabelled = data[: declared.start(1)] + b"UTF-8" + data[declared.end(1) :]
    what = f"read as UTF-8: the document declares {declared.group(1).decode()}, but is UTF-8"
    return relabelled, Repair(
        code="xml.wrong_encoding", what=what, count=utf8, lines=_lines(_NON_ASCII, text)
    )


def _utf8_and_strays(data: bytes) -> tuple[str, int, int]:
    """``data`` decoded as UTF-8 (``surrogateescape``), how many non-ASCII characters it
    has in UTF-8, and how many bytes that are no UTF-8."""
    text = data.decode("utf-8", "surrogateescape")
    strays = _strays(data, text)
    # U+FEFF (a byte order mark where it is first) is in none of the counts.
    utf8 = len(text) - len(text.encode("ascii", "ignore")) - strays - text.count("\ufeff")
    return text, utf8, strays


def _as_declared(data: bytes, declared: re.Match[bytes]) -> Repaired:
    """``data`` in the single-byte encoding it declares, with what may be wrong said.

    ISO-8859-1's bytes 0x80-0x9F are control characters that nobody types: in a document
    declaring it they are Windows-1252's quotes and dashes (as the WHATWG Encoding standard
    reads the label), which a record must not lose as invisible characters.  Latin-1 letters
    written as UTF-8 writes them (``Ã©``, ``Â°``) are kept as declared, and said: they are
    fewer than the bytes that are no UTF-8, or the document would have been relabelled.
    """
    name = declared.group(1).decode()
    repairs = []
    _, looks_utf8 = _subn_by_chunks(_LATIN1_AS_UTF8, data, b"<")  # a match holds no "<"
    if looks_utf8:
        what = f"read as {name}, as declared, though it has letters written as UTF-8 writes them"
        lines = _lines(_LATIN1_AS_UTF8, data)
        repairs.append(Repair(code="xml.wrong_encoding", what=what, count=looks_utf8, lines=lines))
    controls = len(data.translate(None, _NOT_C1))
    if not controls:
        return data, tuple(repairs)
    # Read here, not by libxml2, which refuses the five bytes Windows-1252 leaves undefined;
    # in two parts, as reading the declaration's own bytes would move the name.
    before, after = data[: declared.start(1)], data[declared.end(1) :]
    read = b"UTF-8".join(
        part.decode("cp1252", _LATIN1_HANDLER).encode() for part in (before, after)
    )
    if name.lower() not in ("windows-1252", "cp1252"):
        what = f"read as Windows-1252: the document declares {name}, whose 0x80-0x9F are controls"
        lines = _lines(_C1_BYTE, data)
        repairs.append(Repair(code="xml.wrong_encoding", what=what, count=controls, lines=lines))
    undefined = len(data.translate(None, _NOT_UNDEFINED_1252))
    if undefined:  # no character of Windows-1252's: kept as the control ISO-8859-1 reads
        what = "kept bytes Windows-1252 leaves undefined as control characters"
        lines = _lines(_UNDEFINED_1252_BYTE, data)
        repairs.append(Repair(code="xml.wrong_encoding", what=what, count=undefined, lines=lines))
    return read, tuple(repairs)


def repairs_by_part(
    parts: list[etree._Element], repairs: tuple[Repair, ...], where: str
) -> dict[etree._Element, list[Issue]]:
    """Give each part of a repaired document (its records) an issue for each repair made in
    it, by line: a line belongs to the last part that starts on or before it.

    A part serialised on its own no longer shows the repair, so this is how it keeps the
    record of it.  ``where`` names the document in the message ("response", "document").
    """
    starts: list[tuple[int, etree._Element]] = []
    for part in parts:
        line: Any = part.sourceline  # lxml-stubs mistype it; libxml2 gives an int or None
        starts.append((int(line or 0), part))
    issues: dict[etree._Element, list[Issue]] = {}
    for repair in repairs:
        lines_by_part: dict[etree._Element, list[int]] = {}
        for line in repair.lines:
            owners = [part for start, part in starts if start <= line]
            if owners:
                lines_by_part.setdefault(owners[-1], []).append(line)
        for part, lines in lines_by_part.items():
            issues.setdefault(part, []).append(repair.part_issue(lines, where))
    return issues
