"""Salvage the good records of a ListRecords page that one bad record made malformed.

A single record with a bare ``&`` or an HTML entity (``&nbsp;``, pasted from a CRIS) makes the
whole page not well-formed, and the endpoint sends the same page every time: without salvage
the source could never be harvested past it.  A page that arrived whole (it ends with its
``</OAI-PMH>``) is cut at the boundaries of its OAI ``<record>`` elements (comments and CDATA
masked, nested records of the same name counted, so MARCXML ``<record>`` inside metadata does
not cut); each record is parsed on its own, with the response's XML declaration and the
namespace declarations of its root and list element, and the resumption token is read from
the text.  A record that still does not parse is handed on with its raw XML and no tree, so
the pipeline stores it as a reject with the parser's message.  A page cut short is never
salvaged: its token would be missing, and the harvest would end early without a word.

Every scan here is linear in the page: each tag's end is found once with ``bytes.find``, never
by an expression that runs on to the end of the page from every place it starts.  (The first
version used such expressions, and a 192 KB page of ``<!--`` took 25 s of CPU a try: a page
the endpoint controls must not cost more than its size.)
"""

from __future__ import annotations

import hashlib
import html
import re

from ir_ingest import xmlsafe
from ir_ingest.entry import HarvestedRecord, Issue
from ir_ingest.errors import XMLError
from ir_ingest.oai.records import UNIDENTIFIED, read_records, unidentified_issues
from ir_ingest.oai.responses import Page, int_or_none
from ir_ingest.xmlsafe import OAI_NS

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]{0,200}\?>")
#: Comments and CDATA sections, which may hold anything that looks like a tag: (start, end).
_HIDDEN = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"))
_ROOT = re.compile(rb"<((?:[\w.-]+:)?OAI-PMH)\b")
_NAMESPACE = re.compile(rb"""xmlns(?::([\w.-]+))?\s*=\s*["']([^"']*)["']""")
_XMLNS = re.compile(rb"""(xmlns(?::[\w.-]+)?)\s*=\s*("[^"]*"|'[^']*')""")
_WRAPPER = re.compile(rb"<(?:[\w.-]+:)?(?:ListRecords|GetRecord)\b")
_TOKEN = re.compile(rb"<((?:[\w.-]+:)?resumptionToken)\b")
#: An attribute, found only where its name starts: tried inside a name too, each start read
#: the rest of it, and a fuzzed token tag of 80 KB of letters took 1.6 s (quadratic).
_ATTRIBUTE = re.compile(rb"""(?<![\w:.-])([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_IDENTIFIER = re.compile(rb"<(?:[\w.-]+:)?identifier>")
_DATESTAMP = re.compile(rb"<(?:[\w.-]+:)?datestamp>")


def salvage_page(body: bytes, repository: str, prefix: str) -> Page | None:
    """The records and token of a malformed but complete page; ``None`` if it cannot be cut."""
    masked = _masked(body)
    root = _ROOT.search(masked)
    root_end = masked.find(b">", root.end()) if root else -1
    if root is None or root_end < 0:
        return None
    name = root.group(1)
    if not masked.rstrip().endswith(b"</%s>" % name):
        return None
    wrapper = _WRAPPER.search(masked, root_end)
    wrapper_end = masked.find(b">", wrapper.end()) if wrapper else -1
    listed = masked[wrapper.end() : wrapper_end] if wrapper and wrapper_end >= 0 else b""
    attributes = _in_scope(masked[root.end() : root_end], listed)
    opening = b"%s<%s %s>" % (_declaration(body), name, attributes)
    spans = _record_spans(masked, _oai_prefix(attributes))
    if spans is None:
        return None
    records: list[HarvestedRecord] = []
    issues: dict[str, list[Issue]] = {}
    line_breaks, counted_to = 0, 0
    # A record is parsed after the page's line breaks before it, so that its messages name
    # the page's lines, only when it has a message (a security review: every record so had
    # cost its page's lines, and 10 MB of line breaks before 20,000 records terabytes); and
    # only within a few times the page's size, past which its lines are its document's.
    padding_left = 4 * len(body)
    for start, end in spans:
        line_breaks += body.count(b"\n", counted_to, start)
        counted_to = start
        document = b"%s%s</%s>" % (opening, body[start:end], name)
        found, found_issues = _records(document, repository, prefix)
        told = found_issues or any(record.tree is None for record in found)
        if told and line_breaks and line_breaks <= padding_left:
            padding_left -= line_breaks
            document = b"%s%s%s</%s>" % (opening, b"\n" * line_breaks, body[start:end], name)
            found, found_issues = _records(document, repository, prefix)
        records.extend(found)
        issues.update(found_issues)
    if not records:
        return None
    page = Page(records=records, token=None, body=body)
    page.issues_by_identifier = {**issues, **unidentified_issues(records)}
    _read_token(masked, body, page)
    return page


def read_one_by_one(body: bytes, repository: str, prefix: str) -> Page | None:
    """A well-formed page read record by record, which tells which records had characters
    removed (lines cannot, on a response written on one line).

    ``None`` when a record does not parse on its own: the caller then reads the page whole,
    which it can.
    """
    page = salvage_page(body, repository, prefix)
    if page is None or any(record.tree is None for record in page.records):
        return None
    return page


def _masked(body: bytes) -> bytes:
    """The body with every comment and CDATA section blanked out, at the same offsets.

    One that is never closed is left as it is, and no later one of its kind can be closed
    either; sections of the other kind after it are still blanked (as the expression this
    replaces did).
    """
    masked = bytearray(body)
    # The next start of each kind, found once and kept until passed: looking again for a kind
    # the page has no more of would read the rest of the page at every section.
    starts = [body.find(opening) for opening, _ in _HIDDEN]
    while True:
        found = [(start, kind) for kind, start in enumerate(starts) if start >= 0]
        if not found:
            return bytes(masked)
        start, kind = min(found)
        opening, closing = _HIDDEN[kind]
        close = body.find(closing, start + len(opening))
        if close < 0:
            starts[kind] = -1
            continue
        end = close + len(closing)
        masked[start:end] = b" " * (end - start)
        starts = [
            body.find(opener, end) if 0 <= begin < end else begin
            for begin, (opener, _) in zip(starts, _HIDDEN, strict=True)
        ]


def _in_scope(root_attributes: bytes, list_attributes: bytes) -> bytes:
    """The root's attributes and the namespaces the list element declares, on one line.

    Records are cut out of the list element, so the prefixes it declares (some endpoints
    declare ``oai_dc`` and ``dc`` there) go on the root rebuilt around each record.  On one
    line, so that padding a record down to its own line keeps the response's line numbers.
    """
    declared = dict(_XMLNS.findall(root_attributes))
    declared.update(_XMLNS.findall(list_attributes))
    others = _XMLNS.sub(b"", root_attributes)
    joined = b" ".join([*(name + b"=" + value for name, value in declared.items()), others])
    return re.sub(rb"\s+", b" ", joined).strip()


def _declaration(body: bytes) -> bytes:
    """The page's XML declaration (its encoding), repeated before each record cut from it."""
    found = _DECLARATION.match(body)
    return found.group(0).strip() if found else b""


def _oai_prefix(declarations: bytes) -> bytes:
    """The prefix the response binds to the OAI-PMH namespace (``b""`` for the default)."""
    for prefix, uri in _NAMESPACE.findall(declarations):
        if uri == OAI_NS.encode():
            return prefix + b":" if prefix else b""
    return b""


def _record_spans(masked: bytes, oai_prefix: bytes) -> list[tuple[int, int]] | None:
    """Start and end offsets of the outermost OAI ``<record>`` elements.

    ``None`` when the tags do not balance, or when a ``<header>`` lies outside every span (a
    stray ``<record>`` inside a bad record would otherwise swallow the records after it).
    """
    tag = re.escape(oai_prefix + b"record")
    spans: list[tuple[int, int]] = []
    depth, start = 0, 0
    tag_end = -1  # the ">" that ends the tag at hand: between two tags' starts it is the same
    for match in re.finditer(rb"<(/?)%s(?=[\s/>])" % tag, masked):
        if tag_end < match.end():
            tag_end = masked.find(b">", match.end())
        if tag_end < 0:
            break  # no tag after here is ever closed
        closing, empty = match.group(1), masked[tag_end - 1 : tag_end] == b"/"
        if empty:
            continue
        if not closing:
            if depth == 0:
                start = match.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans.append((start, tag_end + 1))
    headers = [
        m.start() for m in re.finditer(rb"<%s(?=[\s>])" % re.escape(oai_prefix + b"header"), masked)
    ]
    return spans if depth == 0 and _all_inside(headers, spans) else None


def _all_inside(points: list[int], spans: list[tuple[int, int]]) -> bool:
    """Whether every offset of ``points`` lies in one of ``spans``, both in document order
    (the spans apart): each span is passed once, not asked of every point (a fuzzed page of
    10,000 records took 2.5 s so, and one of 100,000 would have taken minutes)."""
    remaining = iter(spans)
    span = next(remaining, None)
    for point in points:
        while span is not None and span[1] <= point:
            span = next(remaining, None)
        if span is None or point < span[0]:
            return False
    return True


def _records(
    document: bytes, repository: str, prefix: str
) -> tuple[list[HarvestedRecord], dict[str, list[Issue]]]:
    """The record in a one-record document, parsed, or kept raw for the reject list."""
    try:
        parsed = xmlsafe.parse(document, source=repository)
    except XMLError:
        identifier = _first(_IDENTIFIER, document) or (
            UNIDENTIFIED + hashlib.sha256(document).hexdigest()[:20]
        )
        broken = HarvestedRecord(
            repository=repository,
            identifier=identifier,
            datestamp=_first(_DATESTAMP, document),
            metadata_prefix=prefix,
            raw=document,
        )
        return [broken], {}
    records = read_records(parsed.root, repository, prefix)
    repairs = list(parsed.issues)  # illegal characters removed from this record
    return records, ({r.identifier: repairs for r in records} if repairs else {})


def _first(pattern: re.Pattern[bytes], document: bytes) -> str:
    """The text after the first opening tag ``pattern`` finds, up to the next tag."""
    found = pattern.search(document)
    end = document.find(b"</", found.end()) if found else -1
    if found is None or end < 0:
        return ""
    return html.unescape(document[found.end() : end].decode("utf-8", "replace")).strip()


def _read_token(masked: bytes, body: bytes, page: Page) -> None:
    """The list's own token: the last resumptionToken element, found in the masked text and
    read from the original (a token may be written as CDATA)."""
    found = None
    for found in _TOKEN.finditer(masked):  # noqa: B007  # the last one is the list's
        pass
    tag_end = masked.find(b">", found.end()) if found else -1
    if found is None or tag_end < 0:
        return
    # Decoded as the token is, leniently: a Latin-1 page's bytes are no UTF-8.
    attributes = {
        key.decode("utf-8", "replace"): (double or single).decode("utf-8", "replace")
        for key, double, single in _ATTRIBUTE.findall(masked[found.end() : tag_end])
    }
    closing = b"</%s>" % found.group(1)
    close = -1 if masked[tag_end - 1 : tag_end] == b"/" else masked.find(closing, tag_end)
    raw = body[tag_end + 1 : close] if close >= 0 else b""
    cdata = re.fullmatch(rb"\s*<!\[CDATA\[(.*?)\]\]>\s*", raw, re.DOTALL)
    text = (cdata.group(1) if cdata else raw).decode("utf-8", "replace").strip()
    page.token = (text if cdata else html.unescape(text)) or None
    page.cursor = int_or_none(attributes.get("cursor"))
    page.complete_list_size = int_or_none(attributes.get("completeListSize"))
