"""Reading OAI-PMH responses: Identify (§4.2), ListMetadataFormats (§4.4), ListSets (§4.6),
a ListRecords page's outline (§4.5) and its resumption token (§3.5).

What a harvest needs of an answer :class:`~ir_ingest.oai.client.OAIClient` has fetched and
parsed, read tolerantly: a text the endpoint left out is "", a count that is no whole number is
``None``, and an odd datestamp stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from ir_ingest import xmlsafe
from ir_ingest.errors import MalformedResponseError
from ir_ingest.oai.datestamp import datestamp_span, parse_datestamp
from ir_ingest.oai.records import RECORDS
from ir_ingest.xmlsafe import OAI_NS, OAI_XPATH

if TYPE_CHECKING:
    from datetime import datetime, timedelta

    from ir_ingest.entry import HarvestedRecord, Issue

_TOKEN = etree.XPath("/oai:OAI-PMH/*/oai:resumptionToken", namespaces=OAI_XPATH)
#: Each record's datestamp as reading the record takes it: its first header's first one.
_DATESTAMPS = etree.XPath(
    "/oai:OAI-PMH/*/oai:record/oai:header[1]/oai:datestamp[1]/text()"
    " | /oai:OAI-PMH/oai:record/oai:header[1]/oai:datestamp[1]/text()",
    namespaces=OAI_XPATH,
)
#: Each record's identifier, to tell a page served again under a new token (pages.py).
_IDENTIFIERS = etree.XPath(
    "/oai:OAI-PMH/*/oai:record/oai:header[1]/oai:identifier[1]/text()"
    " | /oai:OAI-PMH/oai:record/oai:header[1]/oai:identifier[1]/text()",
    namespaces=OAI_XPATH,
)
_IDENTIFY = etree.XPath("/oai:OAI-PMH/oai:Identify", namespaces=OAI_XPATH)
_FORMATS = etree.XPath(
    "/oai:OAI-PMH/oai:ListMetadataFormats/oai:metadataFormat", namespaces=OAI_XPATH
)
_SETS = etree.XPath("/oai:OAI-PMH/oai:ListSets/oai:set", namespaces=OAI_XPATH)
_RESPONSE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$", re.ASCII)


@dataclass(frozen=True, slots=True)
class Identify:
    """The parts of an Identify response (OAI-PMH 2.0 §4.2) a harvest uses."""

    repository_name: str
    base_url: str
    earliest_datestamp: str
    deleted_record: str
    granularity: str
    #: The endpoint's clock (its ``responseDate``, §3.2) less this machine's when it was asked,
    #: to the second; ``None`` when the responseDate cannot be read.
    clock_skew: timedelta | None = None
    #: Whether the answer gave a granularity: without one, ``granularity`` is days, the least.
    granularity_stated: bool = True

    @property
    def day_granularity(self) -> bool:
        """True when the endpoint only understands ``YYYY-MM-DD`` in ``from``/``until``."""
        return self.granularity.strip() == "YYYY-MM-DD"


@dataclass(slots=True)
class Page:
    """One ListRecords response: its records, the token for the next page, and repairs made.

    A ListRecords page from :meth:`~ir_ingest.oai.client.OAIClient.list_page` comes *unread*:
    the fetching thread reads only the token, the number of records and their newest datestamp,
    and asks for the next page at once; the thread that processes the page reads the records
    (:func:`ir_ingest.oai.pages.read_page`).  That keeps the requests back to back (reading
    a page's 100 records takes milliseconds that would delay the next request), and lxml is
    fastest on documents its own thread parsed.
    """

    records: list[HarvestedRecord]
    token: str | None
    cursor: int | None = None
    complete_list_size: int | None = None
    issues_by_identifier: dict[str, list[Issue]] = field(default_factory=dict)
    #: How many records the response holds; the oldest and the newest of their datestamps;
    #: their identifiers.
    size: int = -1
    oldest_datestamp: str | None = None
    newest_datestamp: str | None = None
    identifiers: tuple[str, ...] = ()
    #: ``(repository, metadata prefix)`` of a page whose records are still to be read.
    unread: tuple[str, str] | None = None
    #: Why the window ended after this page although the endpoint sent a token (a guard).
    stop_issue: Issue | None = None
    #: The page may repeat records this run already stored (after a recovery or a repeated token).
    may_repeat: bool = False
    #: The page came from re-asking after an expired token: records listed out of datestamp
    #: order may have been skipped, so the run cannot count as complete.
    recovery: Issue | None = None
    #: The response as received, for the raw-page archive.
    body: bytes = field(default=b"", repr=False)

    def __post_init__(self) -> None:
        if self.unread is None:
            self.size = len(self.records)
            span = datestamp_span(r.datestamp for r in self.records)
            self.oldest_datestamp, self.newest_datestamp = span
            self.identifiers = tuple(r.identifier for r in self.records)


def read_identify(root: etree._Element, asked: datetime, source: str) -> Identify:
    """The Identify answer ``root``, asked at ``asked`` (this machine's clock, to the second).

    ``source`` names the endpoint in the error an answer without an Identify element raises.
    """
    found = xmlsafe.elements(_IDENTIFY(root))
    if not found:
        raise MalformedResponseError(
            f"{source}: the Identify response has no Identify element", code="oai.no_identify"
        )
    node = found[0]
    granularity = _text(node, "granularity")
    return Identify(
        repository_name=_text(node, "repositoryName"),
        base_url=_text(node, "baseURL"),
        earliest_datestamp=_text(node, "earliestDatestamp"),
        deleted_record=_text(node, "deletedRecord"),
        granularity=granularity or "YYYY-MM-DD",
        granularity_stated=bool(granularity),
        clock_skew=_skew(root.findtext(f"{{{OAI_NS}}}responseDate"), asked),
    )


def read_formats(root: etree._Element) -> list[tuple[str, str, str]]:
    """A ListMetadataFormats answer's ``(prefix, schema, namespace)`` triples."""
    return [
        (_text(node, "metadataPrefix"), _text(node, "schema"), _text(node, "metadataNamespace"))
        for node in xmlsafe.elements(_FORMATS(root))
    ]


def read_sets(root: etree._Element) -> tuple[list[tuple[str, str]], str]:
    """A ListSets page's ``(setSpec, setName)`` pairs, and its resumption token ("" on the
    last page)."""
    pairs = [
        (_text(node, "setSpec"), _text(node, "setName")) for node in xmlsafe.elements(_SETS(root))
    ]
    tokens = xmlsafe.elements(_TOKEN(root))
    return pairs, ((tokens[0].text or "").strip() if tokens else "")


def unread_page(root: etree._Element, body: bytes, repository: str, prefix: str) -> Page:
    """A ListRecords answer as an unread :class:`Page`: its outline, its records left to read."""
    stamps, identifiers = _DATESTAMPS(root), _IDENTIFIERS(root)
    oldest, newest = datestamp_span(
        [str(s).strip() for s in stamps] if isinstance(stamps, list) else []
    )
    page = Page(
        records=[],
        token=None,
        body=body,
        size=len(xmlsafe.elements(RECORDS(root))),
        oldest_datestamp=oldest,
        newest_datestamp=newest,
        identifiers=tuple(
            str(i).strip() for i in (identifiers if isinstance(identifiers, list) else [])
        ),
        unread=(repository, prefix),
    )
    read_token(root, page)
    return page


def _skew(response_date: str | None, asked: datetime) -> timedelta | None:
    """The endpoint's clock less ours, from its ``responseDate`` and when we asked; ``None``
    unless the responseDate is a UTC time as §3.2 writes it (a date alone reads as midnight,
    which would look like a clock up to a day behind)."""
    if not _RESPONSE_DATE.match((response_date or "").strip()):
        return None
    moment = parse_datestamp(response_date or "")
    return None if moment is None else moment - asked


def _text(node: etree._Element, name: str) -> str:
    """The text of ``node``'s OAI-PMH child ``name``, trimmed ("" without one)."""
    return str(node.findtext(f"{{{OAI_NS}}}{name}", default="")).strip()


def read_token(root: etree._Element, page: Page) -> None:
    """Copy the resumption token (§3.5) into ``page``.

    An empty ``<resumptionToken/>`` marks the last page (NSDL sends it with ``cursor`` and
    ``completeListSize`` attributes); it is read as no token.
    """
    token_nodes = xmlsafe.elements(_TOKEN(root))
    if token_nodes:
        node = token_nodes[0]
        page.token = (node.text or "").strip() or None
        page.cursor = int_or_none(node.get("cursor"))
        page.complete_list_size = int_or_none(node.get("completeListSize"))


def int_or_none(value: str | None) -> int | None:
    """A count from an attribute (``cursor``, ``completeListSize``): a whole number, not below
    zero (§3.5.1), or ``None``."""
    try:
        number = int(value) if value is not None else None
    except ValueError:
        return None
    return number if number is None or number >= 0 else None
