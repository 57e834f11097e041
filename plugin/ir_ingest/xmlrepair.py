"""Repairs made to a document's bytes so that it parses, each reported with the lines it touched.

Real harvests carry two kinds of damage the parser would otherwise stop at or pass silently:

- characters XML 1.0 forbids (C0 controls other than tab, newline and carriage return, raw or as
  character references), common in CRIS exports pasted from word processors: removed;
- a wrong encoding.  Text pasted in Windows-1252 into a UTF-8 record stops the parser at its
  first ``é`` (Java harvesters' "Invalid byte 1 of 1-byte UTF-8 sequence"), so a whole page was
  salvaged around a record kept as a reject; those bytes are read as Windows-1252.  An endpoint
  that declares ISO-8859-1 and writes UTF-8 (metha's comments name lying declarations) parsed
  "fine" into ``cafÃ©`` in every record, with no word: such a document is read as UTF-8.

Each repair keeps line numbers (nothing it puts in or takes out is a line break), so the lines it
reports are the document's as received.  Only ASCII-compatible encodings are repaired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ir_ingest.entry import Issue

if TYPE_CHECKING:
    from lxml import etree

# C0 controls XML 1.0 (§2.2 Char) forbids, raw or as decimal/hex character references.
_ILLEGAL_RAW = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ILLEGAL_REF = re.compile(
    rb"&#(?:x0*(?:[0-8bcefBCEF]|1[0-9a-fA-F])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));"
)
#: The encoding an XML declaration names (§4.3.3), after an optional UTF-8 byte order mark.
_DECLARED = re.compile(rb"(?:\xef\xbb\xbf)?\s*<\?xml\s[^>]{0,200}?\bencoding\s*=\s*[\"']([\w.:-]+)")
#: Declared encodings whose every byte is a character, so UTF-8 parses in them as nonsense.
_SINGLE_BYTE = frozenset(
    {"iso-8859-1", "iso8859-1", "iso_8859-1", "latin-1", "latin1", "l1", "windows-1252", "cp1252"}
)
#: The bytes that were no UTF-8, as ``surrogateescape`` decoding leaves them.
_ESCAPED = re.compile("[\udc80-\udcff]")
#: The five bytes Windows-1252 leaves undefined.
_UNDEFINED_1252 = frozenset(bytes([b]) for b in b"\x81\x8d\x8f\x90\x9d")
#: The first bytes of UTF-8's non-ASCII characters: one for each character.
_UTF8_LEADS = re.compile(rb"[\xc2-\xf4]")
#: How many lines a message names before "and N more".
_SHOWN = 10


@dataclass(frozen=True, slots=True)
class Repair:
    """One kind of repair made to a document, how often, and on which lines (1-based)."""

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


def _line_of(data: bytes | str, offsets: list[int]) -> tuple[int, ...]:
    """The 1-based lines of ``offsets`` in ``data``, each once, in order; in one pass."""
    newline: Any = b"\n" if isinstance(data, bytes) else "\n"
    lines: list[int] = []
    line, counted_to = 1, 0
    for offset in sorted(offsets):
        line += data.count(newline, counted_to, offset)
        counted_to = offset
        if not lines or lines[-1] != line:
            lines.append(line)
    return tuple(lines)


def remove_illegal(data: bytes) -> tuple[bytes, Repair | None]:
    """``data`` without the characters XML 1.0 forbids, and the repair (``None``: none)."""
    offsets = [m.start() for m in _ILLEGAL_RAW.finditer(data)]
    offsets += [m.start() for m in _ILLEGAL_REF.finditer(data)]
    if not offsets:
        return data, None
    cleaned = _ILLEGAL_REF.sub(b"", _ILLEGAL_RAW.sub(b"", data))
    what = "removed characters XML 1.0 does not allow"
    return cleaned, Repair(
        code="xml.illegal_characters", what=what, count=len(offsets), lines=_line_of(data, offsets)
    )


def relabel_utf8(data: bytes) -> tuple[bytes, Repair] | None:
    """``data`` declared UTF-8, when it declares a single-byte encoding but is UTF-8 with
    non-ASCII text; ``None`` otherwise.

    Cheap where it matters, on every document parsed: ASCII documents, and those declaring
    nothing (records cut from a page), stop at the first or second test.
    """
    if data.isascii():
        return None
    declared = _DECLARED.match(data)
    if declared is None or declared.group(1).decode("ascii").lower() not in _SINGLE_BYTE:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    relabelled = data[: declared.start(1)] + b"UTF-8" + data[declared.end(1) :]
    offsets = [m.start() for m in _UTF8_LEADS.finditer(data)]
    what = f"read as UTF-8: the document declares {declared.group(1).decode()}, but is UTF-8"
    return relabelled, Repair(
        code="xml.wrong_encoding", what=what, count=len(offsets), lines=_line_of(data, offsets)
    )


def repair_encoding(data: bytes) -> tuple[bytes, Repair | None]:
    """``data`` as UTF-8 that parses: relabelled (:func:`relabel_utf8`), or the bytes of a
    UTF-8 document that are no UTF-8 read as Windows-1252; ``None`` when neither applies."""
    relabelled = relabel_utf8(data)
    if relabelled is not None:
        return relabelled
    declared = _DECLARED.match(data)
    if declared is not None and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return data, None
    text = data.decode("utf-8", "surrogateescape")
    offsets = [m.start() for m in _ESCAPED.finditer(text)]
    if not offsets:
        return data, None
    fixed = _ESCAPED.sub(_windows_1252, text).encode("utf-8")
    what = "read bytes that are not UTF-8 as Windows-1252"
    return fixed, Repair(
        code="xml.wrong_encoding", what=what, count=len(offsets), lines=_line_of(text, offsets)
    )


def _windows_1252(escaped: re.Match[str]) -> str:
    byte = bytes([ord(escaped.group()) - 0xDC00])
    # Those Windows-1252 leaves undefined are read as ISO-8859-1 reads them (C1 controls).
    return byte.decode("latin-1" if byte in _UNDEFINED_1252 else "cp1252")


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
