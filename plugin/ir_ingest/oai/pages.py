"""The resumption-token loop (OAI-PMH 2.0 §3.5) with the guard rails real endpoints need.

- A repeated token (a token that returns itself: afuetterer/oaipmh-scythe#411), a page served
  again under a new token (an endpoint that ignores the token it is sent and opens a new session
  each time), a run of empty pages that still carry a token, and a request cap each end the
  window with an issue on its last page instead of looping.
- ``noRecordsMatch`` is an empty window (the client reads it as an empty page).
- ``badResumptionToken`` (expired tokens: mloesch/sickle#19, scihist_digicoll#572) is recovered by
  asking again with ``from`` = the newest datestamp seen; pages after a recovery are marked
  :attr:`~ir_ingest.oai.responses.Page.may_repeat` so the harvest skips what this run already
  stored.
  This loses nothing only where the endpoint lists records in datestamp order (pyoai, OAI-PMH
  providers backed by a datestamp index); date windows keep the risk small elsewhere.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ir_ingest import xmlsafe
from ir_ingest.entry import Issue, Severity
from ir_ingest.errors import HarvestError, MalformedResponseError, OAIProtocolError
from ir_ingest.oai.datestamp import newest_datestamp
from ir_ingest.oai.records import attribute_repairs, read_records, unidentified_issues
from ir_ingest.oai.salvage import read_one_by_one, salvage_page

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ir_ingest.oai.client import OAIClient
    from ir_ingest.oai.responses import Page

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Window:
    """One selective harvest (§3.3): a format, an optional set, and inclusive date bounds."""

    prefix: str
    set_spec: str | None = None
    from_date: str | None = None
    until_date: str | None = None

    def params(self) -> dict[str, str]:
        """Arguments of the window's first list request."""
        params = {"metadataPrefix": self.prefix}
        if self.set_spec:
            params["set"] = self.set_spec
        if self.from_date:
            params["from"] = self.from_date
        if self.until_date:
            params["until"] = self.until_date
        return params

    def describe(self) -> str:
        """The window's bounds for messages: ``from … until …``."""
        return f"from {self.from_date or 'the start'} until {self.until_date or 'now'}"


@dataclass(frozen=True, slots=True)
class PageGuards:
    """Limits that end a window with an issue (or, for recoveries, an error) instead of looping."""

    #: Consecutive pages with no records but a token (DSpace filters deleted items after paging).
    max_empty_pages: int = 25
    #: Requests per window; 100 records a page makes this 10 million records.
    max_requests: int = 100_000
    #: ``badResumptionToken`` recoveries per window before the run gives up.
    max_recoveries: int = 3


@dataclass(slots=True)
class _LoopState:
    token: str | None
    last_datestamp: str | None
    seen_tokens: set[str] = field(default_factory=set)
    empty_run: int = 0
    requests: int = 0
    recoveries: int = 0
    may_repeat: bool = False
    #: The identifiers of the last pages, to tell one served again under a new token; reset
    #: by a recovery.  A few pages, not the window: memory stays bounded by pages.
    recent_pages: deque[tuple[str, ...]] = field(default_factory=lambda: deque(maxlen=8))


def iter_pages(
    client: OAIClient,
    window: Window,
    *,
    verb: str = "ListRecords",
    token: str | None = None,
    last_datestamp: str | None = None,
    guards: PageGuards | None = None,
) -> Iterator[Page]:
    """Yield the pages of one window until the endpoint sends no token or a guard ends it.

    ``token`` resumes a window from a checkpoint; ``last_datestamp`` is the newest datestamp the
    window already stored, where a ``badResumptionToken`` recovery starts.
    """
    guards = guards or PageGuards()
    state = _LoopState(token, last_datestamp)
    while True:
        page = _fetch(client, window, verb, state, guards)
        state.last_datestamp = newest_datestamp([page.newest_datestamp], state.last_datestamp)
        page.stop_issue = _guard(page, window, state, guards)
        if page.stop_issue is not None:
            log.warning("%s: %s", client.base_url, page.stop_issue.message)
            page.token = None
        yield page
        if page.token is None:
            return
        state.token = page.token


def read_page(page: Page) -> bool:
    """Read an unread page's records here, in the thread that uses them (see :class:`Page`).

    True when the page was unread: its records then carry trees this thread parsed.  A page
    that needed repairs (characters removed, its encoding) is read record by record, as a
    malformed one is, so the issue lands on the record repaired: line numbers cannot tell
    apart the records of a response written on one line, as many are.
    """
    if page.unread is None:
        return False
    repository, prefix = page.unread
    parsed = xmlsafe.parse(page.body)
    one_by_one = read_one_by_one(page.body, repository, prefix) if parsed.repairs else None
    if one_by_one is not None:
        page.records = one_by_one.records
        page.issues_by_identifier = one_by_one.issues_by_identifier
    else:
        page.records = read_records(parsed.root, repository, prefix)
        page.issues_by_identifier = unidentified_issues(page.records)
        if parsed.repairs:
            page.issues_by_identifier.update(attribute_repairs(parsed.root, parsed))
    page.unread = None
    return True


def _fetch(
    client: OAIClient, window: Window, verb: str, state: _LoopState, guards: PageGuards
) -> Page:
    """One request: by token, or the window's first page, or a recovery after a bad token."""
    state.requests += 1
    params = window.params() if state.token is None else {"resumptionToken": state.token}
    try:
        page = client.list_page(verb, window.prefix, params)
    except OAIProtocolError as exc:
        if state.token is None or exc.code != "badResumptionToken":
            raise
        page = _recover(client, window, verb, state, guards, exc)
    except MalformedResponseError as exc:
        if verb != "ListRecords" or exc.code != "xml.malformed":
            raise
        salvaged = salvage_page(client.last_body, client.repository, window.prefix)
        if salvaged is None:
            raise
        log.warning("%s: a malformed page; its records were read one by one", client.base_url)
        page = salvaged
    page.may_repeat = page.may_repeat or state.may_repeat
    return page


def _recover(
    client: OAIClient,
    window: Window,
    verb: str,
    state: _LoopState,
    guards: PageGuards,
    error: OAIProtocolError,
) -> Page:
    """Ask again from the newest datestamp seen; what comes back twice is skipped later."""
    since = client.datestamp_argument(state.last_datestamp) if state.last_datestamp else None
    if state.recoveries >= guards.max_recoveries:
        # How far the window got, not only its bounds (whose from is the run's, perhaps years
        # before).
        reached = f", with records stored up to {since}" if since else ""
        raise HarvestError(
            f"{client.base_url}: {error}; gave up after {state.recoveries} re-harvests "
            f"{window.describe()}{reached}"
        )
    state.recoveries += 1
    state.may_repeat = True
    # A new list begins: its first page may well repeat one already seen, and its tokens
    # the old list's, where they name a position ("page2"), not a list.
    state.recent_pages.clear()
    state.seen_tokens.clear()
    again = replace(window, from_date=since) if since else window
    log.warning("%s: %s; harvesting again %s", client.base_url, error, again.describe())
    page = client.list_page(verb, window.prefix, again.params())
    page.recovery = _issue(
        "harvest.token_recovered",
        f"the endpoint refused a resumption token ({error}); the list was asked for again "
        f"{again.describe()}, which finds everything only if it lists records by datestamp",
    )
    return page


def _guard(page: Page, window: Window, state: _LoopState, guards: PageGuards) -> Issue | None:
    """The issue that ends the window after ``page``, if a guard fires."""
    if page.token is None:
        return None
    where = f"{window.describe()}, after {state.requests} requests"
    if page.token in state.seen_tokens:
        # The page a repeated token brings back is most likely the one already stored.
        page.may_repeat = True
        return _issue(
            "harvest.repeated_token",
            f"the endpoint sent resumption token {page.token!r} twice ({where}); "
            "the window ends here rather than looping",
        )
    state.seen_tokens.add(page.token)
    repeated = _repeated_page(page, state, where)
    if repeated is not None:
        return repeated
    state.empty_run = 0 if page.size else state.empty_run + 1
    if state.empty_run >= guards.max_empty_pages:
        return _issue(
            "harvest.empty_pages",
            f"{state.empty_run} pages in a row had no records but a resumption token ({where})",
        )
    if state.requests >= guards.max_requests:
        return _issue(
            "harvest.request_cap",
            f"the window reached its cap of {guards.max_requests} requests ({where})",
        )
    return None


def _repeated_page(page: Page, state: _LoopState, where: str) -> Issue | None:
    """An issue when ``page`` holds the same records as one of the last few pages.

    Endpoints that open a new session for each token they do not recognise send the same page
    (or the same few, round robin) with a fresh token for ever, which the repeated-token guard
    cannot see.  Records are compared, not ``cursor`` or ``completeListSize``: endpoints send
    those as 0, -1, the page size or the records left, and §3.5.1 leaves both optional.
    """
    if not page.identifiers:
        return None
    if page.identifiers not in state.recent_pages:
        state.recent_pages.append(page.identifiers)
        return None
    page.may_repeat = True  # most likely records already stored
    return _issue(
        "harvest.repeated_page",
        f"the endpoint sent a page it had sent before under a new resumption token ({where}); "
        "the window ends here rather than looping",
    )


def _issue(code: str, message: str) -> Issue:
    return Issue(code=code, message=message, severity=Severity.ERROR)
