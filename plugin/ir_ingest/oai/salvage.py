"""Salvage the good records of a ListRecords page that one bad record made malformed.

A single record with a bare ``&`` or an HTML entity (``&nbsp;``, pasted from a CRIS) makes the
whole page not well-formed, and the endpoint sends the same page every time: without salvage
the source could never be harvested past it.  A page that arrived whole (it ends with its
``</OAI-PMH>``) is cut at its ``<record>`` boundaries; each record is parsed on its own, with the
response's namespace declarations, and the resumption token is read from the text.  A record that
still does not parse is handed on with its raw XML and no tree, so the pipeline stores it as a
reject with the parser's message (``xml.malformed``).  A page cut short is never salvaged: its
token would be missing, and the harvest would end early without a word.
"""

from __future__ import annotations

import html
import re

from ir_ingest import xmlsafe
from ir_ingest.entry import HarvestedRecord
from ir_ingest.errors import XMLError
from ir_ingest.oai.client import Page, read_records, unidentified_issues

_COMPLETE = re.compile(rb"</(?:[\w.-]+:)?OAI-PMH>\s*$")
_ROOT = re.compile(rb"<((?:[\w.-]+:)?OAI-PMH)\b([^>]*)>")
_RECORD = re.compile(rb"<(?:[\w.-]+:)?record\b.*?</(?:[\w.-]+:)?record>", re.DOTALL)
_TOKEN = re.compile(
    rb"<(?:[\w.-]+:)?resumptionToken\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?resumptionToken>)",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(rb'([\w:.-]+)\s*=\s*"([^"]*)"')
_IDENTIFIER = re.compile(rb"<(?:[\w.-]+:)?identifier>(.*?)</", re.DOTALL)
_DATESTAMP = re.compile(rb"<(?:[\w.-]+:)?datestamp>(.*?)</", re.DOTALL)


def salvage_page(body: bytes, repository: str, prefix: str) -> Page | None:
    """The records and token of a malformed but complete page; ``None`` if it cannot be cut."""
    root = _ROOT.search(body)
    if root is None or not _COMPLETE.search(body):
        return None
    name, declarations = root.group(1), root.group(2)
    records = [
        record
        for chunk in _RECORD.findall(body)
        for record in _records(
            b"<%s%s>%s</%s>" % (name, declarations, chunk, name), repository, prefix
        )
    ]
    if not records:
        return None
    page = Page(records=records, token=None, body=body)
    page.issues_by_identifier = unidentified_issues(records)
    _read_token(body, page)
    return page


def _records(document: bytes, repository: str, prefix: str) -> list[HarvestedRecord]:
    """The record in a one-record document, parsed, or kept raw for the reject list."""
    try:
        parsed = xmlsafe.parse(document, source=repository)
    except XMLError:
        identifier = _first(_IDENTIFIER, document)
        if not identifier:
            return []  # nothing to tell a reject by; the page issue names the count
        return [
            HarvestedRecord(
                repository=repository,
                identifier=identifier,
                datestamp=_first(_DATESTAMP, document),
                metadata_prefix=prefix,
                raw=document,
            )
        ]
    return read_records(parsed.root, repository, prefix)


def _first(pattern: re.Pattern[bytes], document: bytes) -> str:
    found = pattern.search(document)
    return html.unescape(found.group(1).decode("utf-8", "replace")).strip() if found else ""


def _read_token(body: bytes, page: Page) -> None:
    matches = list(_TOKEN.finditer(body))
    if not matches:
        return
    found = matches[-1]  # the list's own token comes after its records
    attributes = {
        key.decode(): value.decode() for key, value in _ATTRIBUTE.findall(found.group(1) or b"")
    }
    text = (found.group(2) or b"").decode("utf-8", "replace").strip()
    page.token = html.unescape(text) or None
    page.cursor = _int(attributes.get("cursor"))
    page.complete_list_size = _int(attributes.get("completeListSize"))


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None
