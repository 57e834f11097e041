"""The one hardened XML parser everything in ir-ingest uses.

Harvested XML is untrusted.  The parser never expands entities, never loads a DTD, never touches
the network, and refuses documents over a size bound; a document with a DOCTYPE is refused
outright, because no OAI-PMH response, MODS or DC record needs one (OAI-PMH 2.0 §3.2 requires XML
Schema, not DTDs) and a DOCTYPE is how XXE and "billion laughs" attacks arrive.

Characters XML 1.0 forbids (C0 controls other than tab, newline and carriage return, raw or as
character references) are common in real harvests — CRIS exports pasted from word processors.  They
are removed and reported as ``xml.illegal_characters`` issues, with the line they were on, instead
of failing the whole page.
"""

from __future__ import annotations

import gzip
import os
import re
import threading
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from lxml import etree

from ir_ingest.entry import Issue, Severity
from ir_ingest.errors import XMLError

if TYPE_CHECKING:
    from pathlib import Path

#: The OAI-PMH 2.0 namespace (§3.2): the envelope every response and harvested record comes in.
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
#: The prefix XPath expressions over OAI-PMH responses use for it.
OAI_XPATH = {"oai": OAI_NS}
#: Default size bound: comfortably above the largest real ListRecords page we have seen (a few MiB).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: Default bound on the tags (``<``) of one document: a parsed element costs lxml a hundred
#: bytes and more, so 64 MiB of ``<a/>`` became 2 GB in memory (a security review measured 8 MB
#: of them at 282 MB).  A real ListRecords page of 100 MODS records has some 50,000.
DEFAULT_MAX_TAGS = 2_000_000

# C0 controls XML 1.0 (§2.2 Char) forbids, raw or as decimal/hex character references.
_ILLEGAL_RAW = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ILLEGAL_REF = re.compile(
    rb"&#(?:x0*(?:[0-8bcefBCEF]|1[0-9a-fA-F])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));"
)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _new_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


# One parser per thread: an lxml parser serialises its users, so a prefetch thread parsing the
# next page would make the main thread wait to parse a single record.
_LOCAL = threading.local()


def _parser() -> etree.XMLParser:
    parser: etree.XMLParser | None = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = _new_parser()
    return parser


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed document and what the parser had to repair; ``removed_lines`` are 1-based."""

    root: etree._Element
    issues: tuple[Issue, ...] = ()
    removed_lines: tuple[int, ...] = ()


def parse(
    data: bytes,
    *,
    source: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_tags: int = DEFAULT_MAX_TAGS,
) -> Parsed:
    """Parse untrusted XML bytes safely.

    Raises :class:`~ir_ingest.errors.XMLError` with a stable ``code`` when the document is empty,
    too large (in bytes, or in tags: what its tree would cost), carries a DOCTYPE, or is not
    well-formed even after illegal characters are removed.  ``source`` (a file name or URL) is
    put in front of every message.
    """
    if not data.strip():
        raise XMLError("the document is empty", code="xml.empty", source=source)
    if len(data) > max_bytes:
        raise XMLError(
            f"the document is {len(data):,} bytes, over the limit of {max_bytes:,}",
            code="xml.too_large",
            source=source,
        )
    tags = data.count(b"<")  # before parsing: counting costs a millisecond a megabyte
    if tags > max_tags:
        raise XMLError(
            f"the document has {tags:,} tags (its '<' characters, comments and CDATA too), "
            f"over the limit of {max_tags:,}",
            code="xml.too_large",
            source=source,
        )
    try:
        root = _parse_bytes(data, source)
    except etree.XMLSyntaxError as first_error:
        return _parse_after_removing_illegal(data, source, first_error)
    return Parsed(root)


def read_bounded(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """A file's bytes for :func:`parse`, refused before reading past ``max_bytes``.

    Reading first and checking after would load a multi-gigabyte file whole.  A gzip file (the
    pages ``harvest --archive`` keeps) is read decompressed, and refused as soon as it unfolds
    past the limit.  Raises ``OSError`` when the file cannot be read, :class:`XMLError`
    (``xml.too_large``) when it is over the limit, (``xml.unreadable``) when its gzip is broken.
    """
    with path.open("rb") as handle:
        zipped = handle.read(2) == _GZIP_MAGIC
        handle.seek(0)
        if zipped:
            data = _gunzip_bounded(handle, max_bytes, str(path))
            size_said = f"over {max_bytes:,} bytes decompressed"
        else:
            data = handle.read(max_bytes + 1)
            size_said = f"{os.fstat(handle.fileno()).st_size:,} bytes"
    if len(data) > max_bytes:
        raise XMLError(
            f"the document is {size_said}, over the limit of {max_bytes:,}",
            code="xml.too_large",
            source=str(path),
        )
    return data


_GZIP_MAGIC = b"\x1f\x8b"


def _gunzip_bounded(handle: BinaryIO, max_bytes: int, source: str) -> bytes:
    """At most ``max_bytes + 1`` decompressed bytes of a gzip file (a bomb never unfolds)."""
    try:
        with gzip.GzipFile(fileobj=handle) as unzipped:
            return unzipped.read(max_bytes + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise XMLError(
            f"the file is gzip-compressed, and its compressed data is broken: {exc}",
            code="xml.unreadable",
            source=source,
        ) from exc


def _parse_bytes(data: bytes, source: str | None) -> etree._Element:
    root = etree.fromstring(data, parser=_parser())
    docinfo: Any = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise XMLError(
            "the document has a DOCTYPE; DTDs and entities are refused for safety",
            code="xml.forbidden_dtd",
            source=source,
        )
    return root


def _parse_after_removing_illegal(
    data: bytes, source: str | None, first_error: etree.XMLSyntaxError
) -> Parsed:
    """Retry once without XML 1.0-illegal characters; report each line they were on."""
    if _DOCTYPE.search(data[:4096]):
        # libxml2 may stop on an entity before it sees the whole DOCTYPE; say why plainly.
        raise XMLError(
            "the document has a DOCTYPE; DTDs and entities are refused for safety",
            code="xml.forbidden_dtd",
            source=source,
        ) from first_error
    if data.startswith(_UTF16_BOMS):
        # Byte-level repair is only sound for ASCII-compatible encodings.
        raise _malformed(first_error, source)
    offsets = [m.start() for m in _ILLEGAL_RAW.finditer(data)]
    offsets += [m.start() for m in _ILLEGAL_REF.finditer(data)]
    if not offsets:
        raise _malformed(first_error, source)
    cleaned = _ILLEGAL_REF.sub(b"", _ILLEGAL_RAW.sub(b"", data))
    try:
        root = _parse_bytes(cleaned, source)
    except etree.XMLSyntaxError as second_error:
        raise _malformed(second_error, source) from first_error
    lines = sorted({data.count(b"\n", 0, offset) + 1 for offset in offsets})
    issue = Issue(
        code="xml.illegal_characters",
        message=(
            f"removed {len(offsets)} character(s) that XML 1.0 does not allow "
            f"(line {', '.join(map(str, lines))})"
        ),
        severity=Severity.WARNING,
    )
    return Parsed(root, (issue,), tuple(lines))


def repairs_by_part(
    parts: list[etree._Element], parsed: Parsed, where: str
) -> dict[etree._Element, Issue]:
    """Give each part of a parsed document (its records) an issue for the characters removed
    from it, by line: a line belongs to the last part that starts on or before it.

    A part serialised on its own no longer shows the repair, so this is how it keeps the
    record of it.  ``where`` names the document in the message ("response", "document").
    """
    starts: list[tuple[int, etree._Element]] = []
    for part in parts:
        line: Any = part.sourceline  # lxml-stubs mistype it; libxml2 gives an int or None
        starts.append((int(line or 0), part))
    lines_by_part: dict[etree._Element, list[int]] = {}
    for line in parsed.removed_lines:
        owners = [part for start, part in starts if start <= line]
        if owners:
            lines_by_part.setdefault(owners[-1], []).append(line)
    return {
        part: Issue(
            code="xml.illegal_characters",
            message=f"removed characters XML 1.0 does not allow ({where} line "
            + ", ".join(map(str, lines))
            + ")",
        )
        for part, lines in lines_by_part.items()
    }


_POSITION_SUFFIX = re.compile(r",? line \d+, column \d+$")


#: libxml2's hint when a text, a value or the nesting is over its safe limits (10,000,000
#: bytes, 256 levels), which ``huge_tree`` would lift and this parser keeps.
_HUGE_HINT = re.compile(r",? (?:try|use) XML_PARSE_HUGE(?: option)?")


def _malformed(error: etree.XMLSyntaxError, source: str | None) -> XMLError:
    line, column = error.position
    reason = _POSITION_SUFFIX.sub("", error.msg or "syntax error")
    if _HUGE_HINT.search(reason):
        # Well-formed, and under the size limit: "not well-formed … try XML_PARSE_HUGE"
        # misled.  Still xml.malformed: a harvest saves the page's other records.
        return XMLError(
            f"over the parser's safe limits at line {line} (a text or value over 10,000,000 "
            f"bytes, or elements nested over 256 deep): {_HUGE_HINT.sub('', reason)}",
            code="xml.malformed",
            source=source,
        )
    return XMLError(
        f"not well-formed XML at line {line}, column {column}: {reason}",
        code="xml.malformed",
        source=source,
    )


def elements(found: object) -> list[etree._Element]:
    """The elements of an XPath result, which lxml types as a union of every possible result."""
    if not isinstance(found, list):
        return []
    return [node for node in found if isinstance(node, etree._Element)]


def to_bytes(element: etree._Element) -> bytes:
    """Serialise an element (with the namespaces it uses) as UTF-8 bytes, no XML declaration."""
    return etree.tostring(element, encoding="utf-8")
