"""The one hardened XML parser everything in ir-ingest uses.

Harvested XML is untrusted.  The parser never expands entities, never loads a DTD, never touches
the network, and refuses documents over a size bound; a document with a DOCTYPE is refused
outright, because no OAI-PMH response, MODS or DC record needs one (OAI-PMH 2.0 §3.2 requires XML
Schema, not DTDs) and a DOCTYPE is how XXE and "billion laughs" attacks arrive.

Characters XML 1.0 forbids and a wrong encoding are common in real harvests (CRIS exports pasted
from word processors).  They are repaired (:mod:`ir_ingest.xmlrepair`) and reported as issues
with the lines they were on, instead of failing the whole page or passing as ``cafÃ©``.
"""

from __future__ import annotations

import gzip
import html
import io
import os
import re
import stat
import threading
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from lxml import etree

from ir_ingest.errors import XMLError
from ir_ingest.xmlrepair import (
    UTF8_BOM,
    Repair,
    Repaired,
    remove_illegal,
    repair_encoding,
    single_byte_declaration,
)

if TYPE_CHECKING:
    from pathlib import Path

    from ir_ingest.entry import Issue

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

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
#: How an HTML page starts, once an XML declaration and comments are passed over.
_HTML_ROOT = re.compile(rb"<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE)
_TITLE_START = re.compile(rb"<title\b", re.IGNORECASE)
_TITLE_END = re.compile(rb"</title", re.IGNORECASE)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class _NothingResolved(etree.Resolver):
    """Answers every file a document names (a DTD, an entity) with nothing: none is read."""

    # lxml-stubs leave out the context lxml passes, and say base_url is required.
    def resolve(self, system_url: str, public_id: str, context: object) -> Any:  # type: ignore[override]
        """An empty document in place of the one at ``system_url``."""
        return self.resolve_string("", context, base_url=system_url)


def _new_parser() -> etree.XMLParser:
    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )
    # With collect_ids=False libxml2 loads a DTD's external subset whatever load_dtd says
    # (measured with lxml 6.1, libxml2 2.14): a local file named by <!DOCTYPE r SYSTEM
    # "/path"> was read, and its entities resolved, before the DOCTYPE was refused.
    parser.resolvers.add(_NothingResolved())
    return parser


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
    """A parsed document and what had to be repaired in it for it to parse."""

    root: etree._Element
    repairs: tuple[Repair, ...] = ()

    @property
    def issues(self) -> tuple[Issue, ...]:
        """One issue for each kind of repair, naming the lines it was made on."""
        return tuple(repair.issue() for repair in self.repairs)


def parse(
    data: bytes,
    *,
    source: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_tags: int = DEFAULT_MAX_TAGS,
) -> Parsed:
    """Parse untrusted XML bytes safely.

    Raises :class:`~ir_ingest.errors.XMLError` with a stable ``code`` when the document is empty,
    too large (in bytes, or in tags: what its tree would cost), JSON or an HTML page
    (``xml.not_xml``), carries a DOCTYPE, or is not well-formed even once repaired
    (:mod:`ir_ingest.xmlrepair`: its encoding, characters XML 1.0 forbids).  ``source`` (a
    file name or URL) is put in front of every message.
    """
    # A byte order mark and white space (an editor's "empty" UTF-8 file) is empty too: it
    # had been "not well-formed XML at line 2, column 1: Start tag expected".
    if not data.removeprefix(UTF8_BOM).strip():
        raise XMLError("the document is empty", code="xml.empty", source=source)
    if len(data) > max_bytes:
        raise XMLError(
            f"the document is {len(data):,} bytes, over the limit of {max_bytes:,}",
            code="xml.too_large",
            source=source,
        )
    # Before parsing: counting costs a millisecond a megabyte.  Attributes count too: 64 MiB
    # of <a b0='' b1='' …/> took 2.4 GB.
    parts = data.count(b"<") + data.count(b"=")
    if parts > max_tags:
        raise XMLError(
            f"the document has {parts:,} tags and attributes (its '<' and '=' characters, "
            f"comments, CDATA and text too), over the limit of {max_tags:,}",
            code="xml.too_large",
            source=source,
        )
    # A single-byte encoding declared is judged before parsing: parsed as declared and then
    # again, the first tree was held beside the second (a 64 MiB page peaked at 1.07 GB).
    judged: Repaired | None = None
    if single_byte_declaration(data) is not None:
        judged = _within(repair_encoding(data), max_bytes, source)
    encoded, repairs = judged or (data, ())
    try:
        root = _parse_bytes(encoded, source)
    except etree.XMLSyntaxError as first_error:
        return _parse_repaired(data, judged, source, first_error, max_bytes)
    return Parsed(root, repairs)


def _within(repaired: Repaired, max_bytes: int, source: str | None) -> Repaired:
    """``repaired``, refused when reading it as UTF-8 took it over ``max_bytes`` (each of
    Windows-1252's quotes is three bytes in UTF-8)."""
    if len(repaired[0]) > max_bytes:
        raise XMLError(
            f"the document is {len(repaired[0]):,} bytes once read as UTF-8, over the limit "
            f"of {max_bytes:,}",
            code="xml.too_large",
            source=source,
        )
    return repaired


def read_bounded(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """A file's bytes for :func:`parse`, refused before reading past ``max_bytes``.

    Reading first and checking after would load a multi-gigabyte file whole.  A gzip file (the
    pages ``harvest --archive`` keeps) is read decompressed, and refused as soon as it unfolds
    past the limit.  Raises ``OSError`` when the file cannot be read, :class:`XMLError`
    (``xml.too_large``) when it is over the limit, (``xml.unreadable``) when its gzip is broken.
    """
    with path.open("rb") as handle:
        return read_stream(handle, str(path), max_bytes)


def read_stream(handle: BinaryIO, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """:func:`read_bounded` of an open stream (stdin, say), which messages call ``source``."""
    # Peeked, not read and sought back: a named pipe (a process substitution, <(zcat …)) or
    # stdin cannot seek, and was "cannot read the file: None".  A stream without peek (a
    # test's BytesIO stdin) is given one.
    if isinstance(handle, io.BufferedReader):
        reader = handle
    else:
        reader = io.BufferedReader(cast("io.RawIOBase", handle))
    if reader.peek(2)[:2] == GZIP_MAGIC:
        try:
            data = gunzip_bounded(reader, max_bytes)
        except GZIP_ERRORS as exc:
            raise XMLError(
                f"the file is gzip-compressed, and its compressed data is broken: {exc}",
                code="xml.unreadable",
                source=source,
            ) from exc
        said = f"over the limit of {max_bytes:,} bytes decompressed"
    else:
        data = reader.read(max_bytes + 1)
        said = f"over the limit of {max_bytes:,} bytes"
        # A device or a pipe has no size to tell (/dev/zero was "0 bytes, over the limit").
        size = _regular_file_size(reader)
        if size is not None and size > max_bytes:
            said = f"{size:,} bytes, over the limit of {max_bytes:,}"
    if len(data) > max_bytes:
        raise XMLError(f"the document is {said}", code="xml.too_large", source=source)
    return data


def _regular_file_size(handle: BinaryIO) -> int | None:
    """The size of the regular file ``handle`` reads; None for a pipe, a device, or a
    stream with no file behind it."""
    try:
        status = os.fstat(handle.fileno())
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        return None
    return status.st_size if stat.S_ISREG(status.st_mode) else None


#: How gzip data starts (RFC 1952 §2.3.1).
GZIP_MAGIC = b"\x1f\x8b"
#: What reading broken gzip data raises.
GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)


def gunzip_bounded(handle: BinaryIO, max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` decompressed bytes of gzip data (a bomb never unfolds);
    raises one of :data:`GZIP_ERRORS` when it is broken."""
    with gzip.GzipFile(fileobj=handle) as unzipped:
        return unzipped.read(max_bytes + 1)


def _parse_bytes(data: bytes, source: str | None) -> etree._Element:
    root = etree.fromstring(data, parser=_parser())
    docinfo: Any = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _not_xml(data, source) or _forbidden_dtd(source)
    return root


def _forbidden_dtd(source: str | None) -> XMLError:
    return XMLError(
        "the document has a DOCTYPE; DTDs and entities are refused for safety",
        code="xml.forbidden_dtd",
        source=source,
    )


def _not_xml(data: bytes, source: str | None) -> XMLError | None:
    """An ``xml.not_xml`` error naming what the document is instead, when it is JSON or an
    HTML page; ``None`` for anything else.

    Read only once the parser has refused the document.  An HTML page answering an OAI-PMH
    request (a login page in front of the endpoint, a site's home page) had been reported as
    "not well-formed at line 1, column 67: Opening and ending tag mismatch", or as a refused
    DTD for ``<!DOCTYPE html>``: true, and no help in finding the wrong URL.
    """
    if data.removeprefix(UTF8_BOM).lstrip()[:1] in (b"{", b"["):
        what = "JSON"
    elif _is_html(data[:4096]):
        what = "an HTML page" + html_title(data)
    else:
        return None
    return XMLError(f"the document is {what}, not XML", code="xml.not_xml", source=source)


def _is_html(head: bytes) -> bool:
    """Whether ``head`` starts as an HTML page does, an XML declaration and comments aside.

    Passed over with ``find``, each once: an expression with a repeated comment in it took
    time doubling with each ``<!---->`` (a review's 26 of them, 184 bytes, took 12 s).
    """
    at = len(head) - len(head.removeprefix(UTF8_BOM).lstrip())
    if head.startswith(b"<?xml", at):
        at = head.find(b"?>", at)
        at = -1 if at < 0 else len(head) - len(head[at + 2 :].lstrip())
    while at >= 0 and head.startswith(b"<!--", at):
        end = head.find(b"-->", at + 4)
        at = -1 if end < 0 else len(head) - len(head[end + 3 :].lstrip())
    return at >= 0 and _HTML_ROOT.match(head, at) is not None


def html_title(data: bytes) -> str:
    """An HTML page's title as a message may show it (one line, no control characters), as
    `` titled "…"``; ``""`` for none.  Looked for in the first 64 KiB."""
    page = data[: 1 << 16]
    start = _TITLE_START.search(page)
    opened = page.find(b">", start.end()) if start else -1
    end = _TITLE_END.search(page, opened) if opened >= 0 else None
    if end is None:
        return ""
    text = " ".join(
        html.unescape(page[opened + 1 : end.start()].decode("utf-8", "replace")).split()
    )
    text = "".join(char for char in text if char.isprintable())
    return f' titled "{text[:80]}"' if text else ""


def _parse_repaired(
    data: bytes,
    judged: Repaired | None,
    source: str | None,
    first_error: etree.XMLSyntaxError,
    max_bytes: int,
) -> Parsed:
    """Parse once more, the encoding repaired (unless ``judged`` already) and then the
    characters XML 1.0 forbids removed.

    The characters XML 1.0 forbids are removed only from a document that does not parse
    with them: from one that does, ``&#1;`` in a CDATA section, which is text, would go.
    """
    foreign = _not_xml(data, source)
    if foreign is not None:
        raise foreign from first_error
    if _DOCTYPE.search(data[:4096]):
        # libxml2 may stop on an entity before it sees the whole DOCTYPE; say why plainly.
        raise _forbidden_dtd(source) from first_error
    if data.startswith(_UTF16_BOMS):
        # Byte-level repair is only sound for ASCII-compatible encodings.
        raise _malformed(first_error, source)
    encoded, repairs = judged or _within(repair_encoding(data), max_bytes, source)
    repaired, removed = remove_illegal(encoded)
    if repaired is data or (judged is not None and not removed):  # parsed as it is already
        raise _malformed(first_error, source)
    try:
        return Parsed(_parse_bytes(repaired, source), (*repairs, *removed))
    except etree.XMLSyntaxError as second_error:
        raise _malformed(second_error, source) from first_error


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
