"""OAI-PMH client: pyoai's protocol handling over our transport and our hardened parser.

pyoai (the ``oaipmh`` 4.x distribution) supplies argument validation, the error-code handling of
OAI-PMH 2.0 §3.6, ListSets and ListMetadataFormats.  We replace its transport (no timeouts, no
connection reuse) and its parser (``etree.XML`` with entity expansion), and read record pages
ourselves: pyoai's reader throws away the raw XML, rejects odd datestamps and hides page
boundaries, and a harvest must checkpoint after every page.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from lxml import etree
from oaipmh import error as oai_error
from oaipmh.client import BaseClient
from oaipmh.metadata import MetadataRegistry

from ir_ingest import xmlsafe
from ir_ingest.errors import HarvestError, MalformedResponseError, OAIProtocolError, XMLError
from ir_ingest.oai.baseurl import check_base_url, plain_base_url
from ir_ingest.oai.datestamp import format_datestamp, parse_datestamp
from ir_ingest.oai.pacing import times
from ir_ingest.oai.records import read_headers, read_records
from ir_ingest.oai.responses import (
    Identify,
    Page,
    read_formats,
    read_identify,
    read_sets,
    read_token,
    unread_page,
)
from ir_ingest.oai.transport import RequestBudget, Transport, TransportPolicy
from ir_ingest.report.render import visible
from ir_ingest.secrets import public_url, scrubbed
from ir_ingest.xmlsafe import OAI_NS

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
#: The most of an endpoint's error message an error quotes (see OAIClient._protocol_error).
_SAID_AT_MOST = 300
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
        # A fragment (never sent) and an empty query go: each had named a second source of
        # the endpoint (see repository_name).
        base_url = plain_base_url(base_url)
        super().__init__(metadata_registry=MetadataRegistry())
        self.url = base_url  # credentials included: only the transport sees them
        self.base_url = public_url(base_url)
        self.repository = repository or self.base_url
        self.transport = Transport(base_url, policy, pacing)
        self._last_body = b""
        self._last_repairs: tuple[Issue, ...] = ()
        self._resuming = False
        #: The first error element of the last answer: its code and text (see _protocol_error).
        self._first_error: tuple[str, str | None] = ("", None)
        self._identify: Identify | None = None
        #: What the request under way has spent of its retry budget (see :meth:`request`).
        self._budget: RequestBudget | None = None

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
        params = {key: str(value) for key, value in kw.items()}
        self._last_body = self.transport.get(params, self._budget)
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
        errors = parsed.root.findall(f"{{{OAI_NS}}}error")
        for error in errors:
            # " noRecordsMatch" or "NoRecordsMatch" is the code §3.6 names, not an unknown
            # error that fails the run (an empty code, OpenSKOS/OpenSKOS#9, stays unknown).
            code = (error.get("code") or "").strip()
            error.set("code", _ERROR_CODES.get(code.lower(), code))
        first = errors[0] if errors else None
        self._first_error = (
            ("", None)
            if first is None
            else (first.get("code", ""), " ".join((first.text or "").split()) or None)
        )
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
        :data:`_FETCHES`); then it is an error.  An error code §3.6 does not define, or none, is
        fetched again as a 5xx is, whatever the verb: Identify, ListMetadataFormats, ListSets
        and GetRecord as the list pages.  All the fetches of one call, the transport's retries
        with them, share one budget (see :class:`RequestBudget`): sent ``retries + 1`` times
        at most, its waits within ``total_wait``, and the error says how often it was sent.
        """
        budget = self._budget = RequestBudget()
        unreadable = 0
        try:
            while True:
                try:
                    tree: etree._Element = self.makeRequestErrorHandling(**kw)
                except MalformedResponseError as exc:
                    unreadable += 1
                    refused: str | None = ""  # this code's fetches are spent (_FETCHES)
                    if unreadable < _FETCHES.get(exc.code, unreadable + 1):
                        problem = f"unreadable answer ({exc.code})"
                        refused = self.transport.refetch(budget, problem, str(exc))
                    if refused is not None:
                        message = f"{exc} ({_fetched(budget, refused)})"
                        raise MalformedResponseError(message, code=exc.code) from exc
                except tuple(_OAI_ERRORS) as exc:
                    said = exc.args[0] if exc.args else None
                    raise self._protocol_error(_OAI_ERRORS[type(exc)], said, kw) from exc
                except oai_error.UnknownError:
                    self._undefined(kw, budget)
                else:
                    return tree
        finally:
            self._budget = None

    def _undefined(self, kw: dict[str, str], budget: RequestBudget) -> None:
        """Back off before asking again what was answered with an error code OAI-PMH does not
        define (§3.6 defines eight), or with none.  Once the request was sent as often as the
        transport retries, or when the next wait would take its waits over ``total_wait``,
        raises the error instead.

        Such a code is no answer to the request but the server's own failure, and passes as a
        5xx does: a code of its own with a stack trace for its message (``InternalException``),
        the ``undefinedError`` of sickle's fixtures, an empty code (OpenSKOS/OpenSKOS#9).
        Failing the run at once had stopped harvests a retry a second later would have ended.
        """
        named = self._first_error[0]
        shown = f"OAI-PMH error {_code_shown(named)}" if named else "OAI-PMH error without a code"
        refused = self.transport.refetch(budget, shown, f"{self.base_url}: {shown}")
        if refused is not None:
            raise self._protocol_error("unknown", None, kw, _fetched(budget, refused))

    def _protocol_error(
        self, code: str, said: str | None, kw: dict[str, Any], fetched: str = ""
    ) -> OAIProtocolError:
        """The endpoint's error ``code`` with its text, and the request it answered, to send
        again (DSpace/DSpace#3299: an error that named neither record nor request); then
        ``fetched``, how often it was asked, where it was asked again.  An unknown code is the
        first error element's, which pyoai's message read ``message: None``.  The text is one
        line of at most :data:`_SAID_AT_MOST` characters, what a terminal obeys shown escaped:
        a stack trace of 60 lines had been the message, and the endpoint's characters are not
        ours."""
        if code == "unknown":
            named, said = self._first_error
            what = f"an error code OAI-PMH does not define ({_code_shown(named)})" if named else ""
            what = what or "an error without a code"
            said = f"{what}: {_clipped(said)}" if said else f"{what}, and without a message"
        elif said:
            said = _clipped(" ".join(said.split()))
        asked = self.transport.shown({key: str(value) for key, value in kw.items()})
        message = f"{said or '(no message)'} (answering {asked})"
        if fetched:
            message += f" ({fetched})"
        return OAIProtocolError(code, scrubbed(message, self.url, self.base_url))

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
        return read_identify(self.request(verb="Identify"), asked, self.base_url)

    def metadata_formats(self) -> list[tuple[str, str, str]]:
        """ListMetadataFormats (§4.4): ``(prefix, schema, namespace)`` triples.

        Through :meth:`request`, so that a malformed answer is fetched again and an OAI error
        (``noMetadataFormats``) is an :class:`OAIProtocolError`, not one of pyoai's own.
        """
        return read_formats(self.request(verb="ListMetadataFormats"))

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
            pairs, token = read_sets(root)
            found += pairs
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
            read_token(root, page)
            return page
        return unread_page(root, self._last_body, self.repository, prefix)

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


#: The error codes of §3.6 by their lower case.
_ERROR_CODES = {code.lower(): code for code in _OAI_ERRORS.values()}


def _fetched(budget: RequestBudget, refused: str) -> str:
    """How often a request that fails was sent in all, and why not once more when its waits
    (not its count) ran out: ``refused`` as :meth:`Transport.refetch` gives it."""
    return f"fetched {times(budget.sent)}" + (f"; {refused}" if refused else "")


def _code_shown(code: str) -> str:
    """An error code §3.6 does not define, quoted (its control characters escaped) and cut
    at 40 characters: the endpoint's own, it may be anything."""
    return repr(code if len(code) <= 40 else f"{code[:40]}…")


def _clipped(said: str) -> str:
    """An endpoint's error message, already one line, cut at :data:`_SAID_AT_MOST`
    characters and made visible (``\\x9b`` for U+009B)."""
    return visible(said if len(said) <= _SAID_AT_MOST else f"{said[:_SAID_AT_MOST]}…")
