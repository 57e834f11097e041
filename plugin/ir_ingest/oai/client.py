"""OAI-PMH client: pyoai's protocol handling over our transport and our hardened parser.

pyoai (the ``oaipmh`` 4.x distribution) supplies argument validation, the error-code handling of
OAI-PMH 2.0 §3.6, ListSets and ListMetadataFormats.  We replace its transport (no timeouts, no
connection reuse) and its parser (``etree.XML`` with entity expansion), and read record pages
ourselves: pyoai's reader throws away the raw XML, rejects odd datestamps and hides page
boundaries, and a harvest must checkpoint after every page.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from lxml import etree
from oaipmh import error as oai_error
from oaipmh.client import BaseClient
from oaipmh.metadata import MetadataRegistry

from ir_ingest import xmlsafe
from ir_ingest.errors import (
    ConfigError,
    HarvestError,
    MalformedResponseError,
    OAIProtocolError,
    XMLError,
)
from ir_ingest.oai.datestamp import datestamp_span, format_datestamp, parse_datestamp
from ir_ingest.oai.pacing import times
from ir_ingest.oai.records import RECORDS, read_headers, read_records
from ir_ingest.oai.transport import Transport, TransportPolicy
from ir_ingest.secrets import public_url, refuse_padded_url, scrubbed
from ir_ingest.urls import is_http_url
from ir_ingest.xmlsafe import OAI_NS, OAI_XPATH

if TYPE_CHECKING:
    from ir_ingest.entry import HarvestedRecord, Issue
    from ir_ingest.oai.pacing import Pacing

log = logging.getLogger(__name__)

OAI_ROOT = f"{{{OAI_NS}}}OAI-PMH"
#: How often in all an unreadable answer is fetched, by its code, where not as often as the
#: transport retries.  A page over the bounds or with a DTD would come back the same.  An HTML
#: page or another XML document is a login page or the wrong URL nearly always (a login page
#: was fetched six times, over 22 s), and a proxy's passing error page rarely: once more.
_FETCHES = {"xml.too_large": 1, "xml.forbidden_dtd": 1, "xml.not_xml": 2, "oai.not_oai_pmh": 2}
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
#: ListSets pages read at most: a DSpace's 20,000 sets at 100 a page, and a bound on a list
#: that never ends.
MAX_SET_PAGES = 1000

# pyoai raises one class per OAI-PMH error code; name them explicitly (aesthetics.md lesson 3).
_OAI_ERRORS: dict[type[Exception], str] = {
    oai_error.BadArgumentError: "badArgument",
    oai_error.BadResumptionTokenError: "badResumptionToken",
    oai_error.BadVerbError: "badVerb",
    oai_error.CannotDisseminateFormatError: "cannotDisseminateFormat",
    oai_error.IdDoesNotExistError: "idDoesNotExist",
    oai_error.NoRecordsMatchError: "noRecordsMatch",
    oai_error.NoMetadataFormatsError: "noMetadataFormats",
    oai_error.NoSetHierarchyError: "noSetHierarchy",
}


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

    A ListRecords page from :meth:`OAIClient.list_page` comes *unread*: the fetching thread
    reads only the token, the number of records and their newest datestamp, and asks for the
    next page at once; the thread that processes the page reads the records
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


#: The OAI-PMH arguments of a request URL (§3.1.1): what is left is the endpoint's base URL.
OAI_ARGUMENTS = frozenset(
    {"verb", "identifier", "metadataPrefix", "set", "from", "until", "resumptionToken"}
)


def without_oai_arguments(url: str) -> str:
    """``url`` without its OAI-PMH arguments and fragment, the rest of its query as written
    (an endpoint's own ``?apikey=…`` stays)."""
    parts = urlsplit(url)
    kept = [p for p in parts.query.split("&") if p and p.partition("=")[0] not in OAI_ARGUMENTS]
    return urlunsplit(parts._replace(query="&".join(kept), fragment=""))


def check_base_url(url: str) -> None:
    """Refuse what cannot be an OAI-PMH base URL (§3.1.1) with what to give instead.

    A request URL pasted whole had its verb sent twice (``badVerb: Illegal verb
    ['ListRecords', 'ListRecords']``); an ``ftp://`` URL failed deep in requests
    (``InvalidSchema: No connection adapters``).
    """
    refuse_padded_url(url)
    if not is_http_url(url):
        raise ConfigError(
            f"{public_url(url)} is no OAI-PMH base URL: it must begin with http:// or https:// "
            "and name a host"
        )
    asked = [name for name, _ in parse_qsl(urlsplit(url).query) if name in OAI_ARGUMENTS]
    if asked:
        raise ConfigError(
            f"{public_url(url)} is an OAI-PMH request, not a base URL: give "
            f"{public_url(without_oai_arguments(url))} (ir-ingest adds {', '.join(asked)} "
            "itself; the format goes in --prefix)"
        )


class OAIClient(BaseClient):  # type: ignore[misc]  # pyoai ships no type hints
    """An OAI-PMH client bound to one base URL."""

    def __init__(
        self,
        base_url: str,
        policy: TransportPolicy | None = None,
        repository: str | None = None,
        pacing: Pacing | None = None,
    ) -> None:
        """``repository`` names the source in stored records (default: ``base_url``);
        ``pacing`` is shared by the transports of one run (see :class:`Transport`).  Raises
        :class:`ConfigError` for what is no base URL (see :func:`check_base_url`).
        """
        check_base_url(base_url)
        super().__init__(metadata_registry=MetadataRegistry())
        self.url = base_url  # as given, credentials included: only the transport sees it
        self.base_url = public_url(base_url)
        self.repository = repository or self.base_url
        self.transport = Transport(base_url, policy, pacing)
        self._last_body = b""
        self._last_repairs: tuple[Issue, ...] = ()
        self._resuming = False
        self._identify: Identify | None = None

    def close(self) -> None:
        """Release the HTTP connections (and stop its siblings still at work)."""
        self.transport.close()

    def sibling(self) -> OAIClient:
        """A client of its own for one worker thread, stopped when this one is closed, paced
        with it."""
        return OAIClient(self.url, self.transport.policy, self.repository, self.transport.pacing)

    def __enter__(self) -> OAIClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def last_body(self) -> bytes:
        """The body of the last response, as received (what a salvage works from)."""
        return self._last_body

    @property
    def last_repairs(self) -> tuple[Issue, ...]:
        """What the parser repaired in the last response (``xml.illegal_characters``): the
        issues of a GetRecord answer's one record."""
        return self._last_repairs

    # -- pyoai hooks ------------------------------------------------------------------------

    def makeRequest(self, **kw: Any) -> bytes:
        """Send one request through our transport (pyoai calls this for every verb)."""
        self._resuming = "resumptionToken" in kw
        self._last_body = self.transport.get({key: str(value) for key, value in kw.items()})
        return self._last_body

    def parse(self, xml: bytes) -> etree._Element:
        """Parse a response with the hardened parser (pyoai calls this for every response).

        A well-formed answer that is no OAI-PMH response (§3.2: the root is ``OAI-PMH`` in the
        OAI namespace) is refused like a malformed one: a maintenance or login page in XHTML
        answering ListRecords read as a page without records, and a run "completed" with none.
        """
        try:
            parsed = xmlsafe.parse(xml, source=self.base_url)
        except XMLError as exc:
            # pyoai turns SyntaxError into its XMLSyntaxError; keep our message and code instead.
            message = str(exc)
            if exc.code == "xml.not_xml":
                message += f": {self._which_page()}"
            raise MalformedResponseError(message, code=exc.code) from exc
        self._last_repairs = parsed.issues
        if etree.QName(parsed.root).localname.lower() == "html":
            # Well-formed XHTML (a maintenance page) had been named by its root element alone.
            raise MalformedResponseError(
                f"{self.base_url} answered with an HTML page{xmlsafe.html_title(xml)}, not an "
                f"OAI-PMH response: {self._which_page()}",
                code="oai.not_oai_pmh",
            )
        if parsed.root.tag != OAI_ROOT:
            raise MalformedResponseError(
                f"{self.base_url} answered with no OAI-PMH response (its root element is "
                f"{parsed.root.tag}, not OAI-PMH in {OAI_NS}): {self._which_page()}",
                code="oai.not_oai_pmh",
            )
        for error in parsed.root.iterfind(f"{{{OAI_NS}}}error"):
            # " noRecordsMatch" or "NoRecordsMatch" is the code §3.6 names, not an unknown
            # error that fails the run (an empty code, OpenSKOS/OpenSKOS#9, stays unknown).
            code = (error.get("code") or "").strip()
            error.set("code", _ERROR_CODES.get(code.lower(), code))
        return parsed.root

    def _which_page(self) -> str:
        """What an answer that is no OAI-PMH response suggests: the wrong URL, unless it came
        in the middle of a list (asked with a resumption token), where the URL was right."""
        if self._resuming:
            return "a login, error or maintenance page in the middle of the list"
        return "is this the endpoint's base URL, and open to harvesters?"

    # -- verbs ------------------------------------------------------------------------------

    def request(self, **kw: str) -> etree._Element:
        """Send a verb, return the parsed response; OAI errors raise :class:`OAIProtocolError`.

        A response that is not well-formed (cut short by a proxy) is fetched again, with backoff,
        as often as the transport retries; an HTML page or another XML document once more (see
        :data:`_FETCHES`); then it is an error.
        """
        retries = self.transport.policy.retries
        for attempt in range(retries + 1):
            try:
                tree: etree._Element = self.makeRequestErrorHandling(**kw)
            except MalformedResponseError as exc:
                if attempt + 1 == min(retries + 1, _FETCHES.get(exc.code, retries + 1)):
                    message = f"{exc} (fetched {times(attempt + 1)})"
                    raise MalformedResponseError(message, code=exc.code) from exc
                log.warning("%s; fetching it again", exc)
                self.transport.pause(attempt, f"unreadable answer ({exc.code})")
            except tuple(_OAI_ERRORS) as exc:
                said = scrubbed(str(exc), self.url, self.base_url)
                raise OAIProtocolError(_OAI_ERRORS[type(exc)], said) from exc
            except oai_error.UnknownError as exc:
                raise OAIProtocolError(
                    "unknown", scrubbed(str(exc), self.url, self.base_url)
                ) from exc
            else:
                return tree
        raise AssertionError("unreachable: the loop returns or raises")

    def identify_endpoint(self) -> Identify:
        """Identify (§4.2), read tolerantly: odd ``earliestDatestamp`` values are kept as text.

        Asked once per client; later calls return the first answer.
        """
        if self._identify is None:
            self._identify = self._read_identify()
        return self._identify

    def datestamp_argument(self, stamp: str) -> str | None:
        """A datestamp as a ``from``/``until`` argument at the endpoint's granularity (§3.3.2).

        ``None`` when ``stamp`` cannot be read (an odd datestamp is never sent back as sent).
        """
        moment = parse_datestamp(stamp)
        if moment is None:
            return None
        return format_datestamp(moment, self.identify_endpoint().day_granularity)

    def _read_identify(self) -> Identify:
        # Measured from when it was asked: an answer that takes a minute (or retries) then
        # makes the endpoint look ahead, which changes nothing, never behind.
        asked = datetime.now(UTC).replace(microsecond=0)
        root = self.request(verb="Identify")
        found = xmlsafe.elements(_IDENTIFY(root))
        if not found:
            raise MalformedResponseError(
                f"{self.base_url}: the Identify response has no Identify element",
                code="oai.no_identify",
            )
        node = found[0]

        def text(name: str) -> str:
            return str(node.findtext(f"{{{OAI_NS}}}{name}", default="")).strip()

        return Identify(
            repository_name=text("repositoryName"),
            base_url=text("baseURL"),
            earliest_datestamp=text("earliestDatestamp"),
            deleted_record=text("deletedRecord"),
            granularity=text("granularity") or "YYYY-MM-DD",
            granularity_stated=bool(text("granularity")),
            clock_skew=_skew(root.findtext(f"{{{OAI_NS}}}responseDate"), asked),
        )

    def metadata_formats(self) -> list[tuple[str, str, str]]:
        """ListMetadataFormats (§4.4): ``(prefix, schema, namespace)`` triples.

        Through :meth:`request`, so that a malformed answer is fetched again and an OAI error
        (``noMetadataFormats``) is an :class:`OAIProtocolError`, not one of pyoai's own.
        """
        root = self.request(verb="ListMetadataFormats")
        return [
            (
                _text(node, "metadataPrefix"),
                _text(node, "schema"),
                _text(node, "metadataNamespace"),
            )
            for node in xmlsafe.elements(_FORMATS(root))
        ]

    def sets(self) -> list[tuple[str, str]]:
        """ListSets (§4.6): ``(setSpec, setName)`` pairs of every page; none without a set
        hierarchy.

        Through :meth:`request`, as every other verb: pyoai's own ``listSets`` raised pyoai's
        errors past the harvest's handling (a traceback where a set was only to be checked),
        and followed a token that came back for ever.  A token seen before, or
        :data:`MAX_SET_PAGES` pages, is a :class:`HarvestError`, as is ``noSetHierarchy``
        after the first page: a list cut short is not taken for the whole.
        """
        found: list[tuple[str, str]] = []
        asked = {"verb": "ListSets"}
        seen: set[str] = set()
        for _ in range(MAX_SET_PAGES):
            try:
                root = self.request(**asked)
            except OAIProtocolError as exc:
                if exc.code == "noSetHierarchy" and not seen:
                    return found
                raise
            found += [
                (_text(node, "setSpec"), _text(node, "setName"))
                for node in xmlsafe.elements(_SETS(root))
            ]
            tokens = xmlsafe.elements(_TOKEN(root))
            token = (tokens[0].text or "").strip() if tokens else ""
            if not token:
                return found
            if token in seen:
                break
            seen.add(token)
            asked = {"verb": "ListSets", "resumptionToken": token}
        # A list cut short is no list: a set on a page never read would be called unknown.
        raise HarvestError(
            f"{self.base_url}: ListSets did not end (a resumption token came back, or "
            f"{MAX_SET_PAGES} pages were read)"
        )

    def list_page(self, verb: str, prefix: str, params: dict[str, str]) -> Page:
        """Fetch one ListRecords (§4.5) or ListIdentifiers (§4.3) page.

        The first page is asked for with ``params``, later ones with a resumption token; a
        ListIdentifiers page holds header-only records (``raw`` empty).  ``noRecordsMatch`` is an
        empty page, not an error (invenio's OAIPMHReader reports it as a failure).
        """
        try:
            root = self.request(verb=verb, **params)
        except OAIProtocolError as exc:
            if exc.code == "noRecordsMatch":
                # The answer as sent, for the archive: an empty file looked like a failed fetch.
                return Page(
                    records=[], token=None, cursor=0, complete_list_size=0, body=self._last_body
                )
            raise
        if verb == "ListIdentifiers":
            page = Page(read_headers(root, self.repository, prefix), token=None)
            _read_token(root, page)
            return page
        return self._read_page(root, prefix)

    def get_record(self, identifier: str, prefix: str) -> HarvestedRecord:
        """GetRecord (§4.1) for one identifier: the record of that identifier in the answer,
        never another one the endpoint sent instead (it would be stored as if asked for)."""
        root = self.request(verb="GetRecord", identifier=identifier, metadataPrefix=prefix)
        records = read_records(root, self.repository, prefix)
        if not records:
            raise HarvestError(f"{self.base_url}: GetRecord {identifier!r} returned no record")
        for record in records:
            if record.identifier == identifier.strip():
                return record
        sent = ", ".join(repr(record.identifier) for record in records)
        raise HarvestError(
            f"{self.base_url}: GetRecord {identifier!r} answered with another record ({sent})"
        )

    def _read_page(self, root: etree._Element, prefix: str) -> Page:
        """A ListRecords response as an unread :class:`Page`."""
        stamps, identifiers = _DATESTAMPS(root), _IDENTIFIERS(root)
        oldest, newest = datestamp_span(
            [str(s).strip() for s in stamps] if isinstance(stamps, list) else []
        )
        page = Page(
            records=[],
            token=None,
            body=self._last_body,
            size=len(xmlsafe.elements(RECORDS(root))),
            oldest_datestamp=oldest,
            newest_datestamp=newest,
            identifiers=tuple(
                str(i).strip() for i in (identifiers if isinstance(identifiers, list) else [])
            ),
            unread=(self.repository, prefix),
        )
        _read_token(root, page)
        return page


_RESPONSE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$", re.ASCII)


#: The error codes of §3.6 by their lower case.
_ERROR_CODES = {code.lower(): code for code in _OAI_ERRORS.values()}


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


def _read_token(root: etree._Element, page: Page) -> None:
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
