"""HTTP transport for OAI-PMH requests: one ``requests`` session, timeouts, gzip, polite retries.

pyoai's own transport (urllib) has no timeouts, no connection reuse and sleeps two minutes on a
503 without a ``Retry-After``; this one replaces it (see :class:`ir_ingest.oai.client.OAIClient`).
Retries use exponential backoff with jitter on connection errors, timeouts, bodies cut off
mid-transfer, 408, 429 and 5xx, and honour ``Retry-After`` both as seconds and as an HTTP date
(RFC 9110 §10.2.3), each wait capped and all waits of one request within a total budget.  The
transports of one run share a :class:`~ir_ingest.oai.pacing.Pacing`: an endpoint that says it is
asked too often is asked less by all of them.
"""

from __future__ import annotations

import email.utils
import io
import logging
import random
import re
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

import requests
import urllib3

from ir_ingest import __version__
from ir_ingest.errors import HarvestError, UnreachableError
from ir_ingest.oai.pacing import OVERLOAD_STATUSES, Pacing, times
from ir_ingest.secrets import public_url, scrubbed
from ir_ingest.xmlsafe import DEFAULT_MAX_BYTES, GZIP_ERRORS, GZIP_MAGIC, gunzip_bounded

if TYPE_CHECKING:
    from collections.abc import MutableMapping

    from requests.sessions import _Settings

log = logging.getLogger(__name__)

#: Statuses worth another try besides every 5xx: Request Timeout and Too Many Requests.
RETRY_STATUSES = frozenset({408, 429})
# A connection reset mid-body surfaces as ChunkedEncodingError (urllib3's IncompleteRead), and a
# gzip stream cut short as ContentDecodingError, not as ConnectionError.
_TRANSIENT = (
    # Connecting and the headers, through requests:
    requests.ConnectionError,
    requests.Timeout,
    # The body, read from urllib3 itself (see _read_capped): cut short, a read timeout, bad gzip.
    urllib3.exceptions.HTTPError,
)


@dataclass(frozen=True, slots=True)
class TransportPolicy:
    """Timeouts (seconds), retry budget and politeness of one endpoint's transport."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    #: The whole answer must arrive within this many seconds: ``read_timeout`` bounds each
    #: read only, and a server sending a byte every few seconds never trips it.
    answer_timeout: float = 600.0
    retries: int = 5
    backoff: float = 1.0
    max_wait: float = 120.0
    #: All waits between the attempts of one request together stay within this many seconds.
    total_wait: float = 900.0
    #: The largest decoded response body accepted (xmlsafe's bound for one document).
    max_bytes: int = DEFAULT_MAX_BYTES
    #: Seconds between the starts of two requests of a run, all its windows together
    #: (politeness towards small repositories).
    delay: float = 0.0
    user_agent: str = f"ir-ingest/{__version__} (+OAI-PMH harvester)"


class RequestBudget:
    """What one request has spent of its policy's retry budget: how often it was sent, and
    the seconds waited before sending it again.

    One request is every fetch of one verb and its arguments: the transport's retries (5xx,
    429, timeouts, ``Retry-After``, bodies cut short) and the client's refetches of answers
    that came but were none (an error code OAI-PMH does not define, a page that cannot be
    read).  Each transport call and each refetch keeping budgets of their own, an endpoint
    answering five 503s then such a code, over and over, had been sent 36 times with 3,868 s
    of waits under a policy of 5 retries and 900 s.  Made for every request, a page's hot
    path: two slots.
    """

    __slots__ = ("sent", "waited")

    def __init__(self) -> None:
        self.sent = 0
        self.waited = 0.0


#: The operating system's words in a connection failure ("[Errno 111] Connection refused").
_OS_ERROR = re.compile(r"\[Errno -?\d+\] ([^'\")]+)")


#: What a manager can do about a refusal (a walkthrough: "answered HTTP 401" said no more).
_STATUS_HINTS = {
    401: (
        ": the endpoint wants credentials; give the URL with them through the source's "
        "url_env (never in the config file)"
    ),
    403: ": the endpoint refuses this client (its address, or --user-agent): ask its owner",
    404: ": nothing is at this address; check the base URL the repository publishes",
}


def _cause(exc: Exception, secret_url: str, shown_url: str) -> str:
    """What went wrong, in the operating system's words where it said something.

    requests wraps a refused connection in urllib3's retry and pool messages, which repeat
    the URL and a retry count of their own ("HTTPConnectionPool(host=…): Max retries
    exceeded with url: …"): printed at every retry, the cause was lost in them.  A body cut
    short is urllib3's ``ProtocolError(message, cause)``, whose text is the repr of both.
    """
    broken = _broken(exc)
    if broken is not None:
        return broken
    message = scrubbed(str(exc), secret_url, shown_url, _proxies())
    found = _OS_ERROR.search(message)
    return found.group(1).strip() if found else message


def _proxies() -> list[str]:
    """The proxy URLs the environment gives (``HTTPS_PROXY=http://user:pass@proxy:3128``),
    as requests reads them: a failure may quote one, credentials and all (a security review
    found ``InvalidURL: Failed to parse: http://user:pass@proxy:99999`` printed and stored)."""
    return [url for scheme, url in urllib.request.getproxies().items() if scheme != "no"]


def _broken(exc: BaseException) -> str | None:
    """urllib3's words for a connection broken while the body was read, with the system's
    for the cause ("Connection broken: Connection reset by peer"); None for other failures."""
    if not isinstance(exc, urllib3.exceptions.ProtocolError) or not exc.args:
        return None
    cause = exc.args[1] if len(exc.args) > 1 else None
    if isinstance(cause, OSError) and cause.strerror:
        return f"Connection broken: {cause.strerror}"
    return str(exc.args[0])


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Read a ``Retry-After`` header: delta-seconds or an HTTP date; ``None`` if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # "²".isdigit() is true, and float() refuses it
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class _Session(requests.Session):
    """A requests session that reads the environment's proxy and certificate settings once
    for each host it asks, not at every request.

    requests reads them for every request (``merge_environment_settings``): it goes through
    the whole environment twice for ``*_proxy`` variables and matches ``no_proxy`` against
    the host, some 200 µs of CPU a request, an eighth of a page's; a harvest's requests all
    go to one host, and the environment does not change under it.
    """

    def __init__(self) -> None:
        super().__init__()
        self._settings: dict[tuple[object, ...], _Settings] = {}

    def merge_environment_settings(
        self,
        url: str | bytes | None,
        proxies: MutableMapping[str, str] | None,
        stream: bool | None,
        verify: bool | str | None,
        cert: str | tuple[str, str] | None,
    ) -> _Settings:
        """requests' settings for a request of ``url``, as it made them for the first request
        of its scheme and host (with the same arguments; the transport gives none but
        ``stream``)."""
        if proxies:  # proxies given by the caller: requests merges them itself
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        key = (*urlsplit(url or "")[:2], self.trust_env, stream, verify, cert)
        settings = self._settings.get(key)
        if settings is None:
            settings = self._settings[key] = super().merge_environment_settings(
                url, {}, stream, verify, cert
            )
        # requests may change the proxies it is handed (a redirect's): each request its own.
        return {**settings, "proxies": dict(settings["proxies"])}


class Transport:
    """Send OAI-PMH requests to one base URL and return the response body as bytes."""

    def __init__(
        self,
        base_url: str,
        policy: TransportPolicy | None = None,
        pacing: Pacing | None = None,
    ) -> None:
        """``base_url`` may carry credentials (``https://user:pass@host/oai``); they are sent as
        HTTP Basic auth by requests and never shown: messages use :attr:`base_url` without them.

        ``pacing`` is shared by transports working for one run (the parallel date windows):
        once its ``stopped`` is set, none of them sends another request or waits out another
        backoff.  A transport made without one makes its own, and sets it when closed.
        """
        self.url = base_url
        self.base_url = public_url(base_url)
        self.policy = policy or TransportPolicy()
        self.pacing = pacing or Pacing(self.policy.max_wait, self.policy.delay)
        self.stopped = self.pacing.stopped
        self._owns_stop = pacing is None
        self.session = _Session()
        self.session.headers["User-Agent"] = self.policy.user_agent
        self.session.headers["Accept-Encoding"] = "gzip, deflate"
        #: Where the last answer came from, redirects followed (credentials and all: not shown).
        self.last_url = base_url
        #: Seconds the last answer took, from its request to its last byte: not the attempts
        #: that failed before it, nor the waits between them (``check``'s pace of a page).
        self.answered_in = 0.0
        self._sent = 0.0

    def close(self) -> None:
        """Close the pooled connections; stop the transports sharing this one's stop event.

        A worker thread still retrying for a run that has ended (failed, or Ctrl-C) would
        otherwise go on calling the endpoint for the rest of its retry budget.
        """
        if self._owns_stop:
            self.stopped.set()
        self.session.close()

    def get(self, params: dict[str, str], budget: RequestBudget | None = None) -> bytes:
        """GET ``base_url?params``, retrying transient failures within the policy's budget.

        ``budget`` is what the request has spent of it so far, when this is not its first
        fetch (see :class:`RequestBudget`); a new one by default.  Raises
        :class:`HarvestError` on a 4xx other than 408/429, once the request was sent
        ``retries + 1`` times in all, or as soon as the next wait would take its waits over
        ``total_wait``.
        """
        if budget is None:
            budget = RequestBudget()
        while True:
            body, problem, retry_after, overloaded = self._attempt(params)
            budget.sent += 1
            if body is not None:
                self.answered_in = time.monotonic() - self._sent
                self.pacing.answered()
                return body
            said = f"{self.base_url}: {problem}"
            refused = self._spend(budget, problem, said, retry_after, overloaded=overloaded)
            if refused is not None:
                failed = f"failed {times(budget.sent)}" + (f"; {refused}" if refused else "")
                raise self._unreachable(f"{self.shown(params)} {failed}; last problem: {problem}")

    def refetch(self, budget: RequestBudget, problem: str, said: str) -> str | None:
        """Wait before sending again a request whose answer came but was none (an error code
        OAI-PMH does not define, a page that cannot be read), as after a 5xx: None once
        waited, else why it may not be sent again (see :meth:`_spend`)."""
        return self._spend(budget, problem, said, None, overloaded=False)

    def _spend(
        self,
        budget: RequestBudget,
        problem: str,
        said: str,
        retry_after: float | None,
        *,
        overloaded: bool,
    ) -> str | None:
        """Wait out the backoff (or ``retry_after``) before the request's next send, spent
        from its ``budget`` and noted in the run's tally: None once waited; ``""`` when it was
        sent ``retries + 1`` times already; the wait that would go over ``total_wait``, said,
        when it would (nothing waited then: giving up now beats giving up after the wait).
        ``problem`` is the tally's word for the failure, ``said`` the log's."""
        policy = self.policy
        if budget.sent > policy.retries:
            return ""
        wait = self._wait_before_retry(budget.sent - 1, retry_after)
        if budget.waited + wait > policy.total_wait:
            return (
                f"waiting {wait:.1f} s more would exceed the {policy.total_wait:g} s retry budget"
            )
        log.warning("%s; sending it again in %.1f s", said, wait)
        self.pacing.failed(problem, wait, overloaded=overloaded)
        self._sleep(wait)
        budget.waited += wait
        return None

    def _unreachable(self, said: str) -> UnreachableError:
        """The failure of a request retried as often as allowed; the URL to check given when
        it holds no credentials (``base_url`` is then ``url`` as given)."""
        return UnreachableError(
            said, check_with=self.base_url if self.base_url == self.url else None
        )

    def shown(self, params: dict[str, str]) -> str:
        """The request, to send again from a browser or curl: the URL without its credentials,
        with the arguments (a resumption token over 80 characters cut, ``...`` after it)."""
        if not params:
            return self.base_url
        query = urlencode({k: v if len(v) <= 80 else f"{v[:80]}..." for k, v in params.items()})
        return f"{self.base_url}{'&' if '?' in self.base_url else '?'}{query}"

    def _attempt(self, params: dict[str, str]) -> tuple[bytes | None, str, float | None, bool]:
        """One request: ``(body, "", None, False)``, or ``(None, problem, Retry-After,
        overloaded)`` to retry; ``overloaded`` when the endpoint said it is asked too often."""
        self._be_polite()
        if self.stopped.is_set():
            raise HarvestError(f"{self.base_url}: the harvest was stopped; no more requests")
        self._sent = time.monotonic()  # after the turn: its wait is no part of the answer
        try:
            try:
                response = self.session.get(
                    self.url,
                    params=params,
                    timeout=(self.policy.connect_timeout, self.policy.read_timeout),
                    stream=True,
                )
            except requests.RequestException:
                raise  # InvalidURL is a ValueError too: said below, without credentials
            except ValueError as exc:
                # A redirect to a URL urllib cannot split (Location: http://[::1, a bracket
                # left open): requests lets its ValueError out, and the run had been a
                # traceback over the endpoint's answer.
                said = f"the endpoint redirected to a URL that cannot be read: {exc}"
                raise HarvestError(f"{self.base_url}: {said}") from None
            with response:
                self.last_url = response.url
                status = response.status_code
                if _retryable(status):
                    wait = retry_after_seconds(response.headers.get("Retry-After"))
                    return None, f"HTTP {status}", wait, status in OVERLOAD_STATUSES
                if status >= 400:
                    said = f"{self.shown(params)} answered HTTP {status}"
                    raise HarvestError(said + self._hint(status, params))
                return self._read_capped(response), "", None, False
        except _TRANSIENT as exc:
            problem = f"{type(exc).__name__}: {_cause(exc, self.url, self.base_url)}"
            return None, problem, None, False
        except requests.RequestException as exc:
            # InvalidURL, MissingSchema, …: requests puts the URL as given in the message.
            message = scrubbed(str(exc), self.url, self.base_url, _proxies())
            raise HarvestError(f"{self.base_url}: {type(exc).__name__}: {message}") from None

    def _hint(self, status: int, params: dict[str, str]) -> str:
        """What to do about a refusal, where the status says (:data:`_STATUS_HINTS`)."""
        if status == 401 and "@" in urlsplit(self.url).netloc:
            return ": the credentials the URL gives were refused"
        if status == 404 and "resumptionToken" in params:
            return ": the endpoint has no page for this token, in the middle of the list"
        return _STATUS_HINTS.get(status, "")

    def _read_capped(self, response: requests.Response) -> bytes:
        """The decoded body, refused once it passes ``max_bytes`` (a gzip bomb never unfolds)."""
        limit = self.policy.max_bytes
        deadline = time.monotonic() + self.policy.answer_timeout
        body = bytearray()
        # read1: what has arrived, after at most one read timeout; a read of a fixed size
        # (iter_content) waits for all of it, and 64 KiB at a byte a second is 18 hours.
        while chunk := response.raw.read1(1 << 16, decode_content=True):
            body += chunk
            if len(body) > limit:
                raise self._too_large()
            if time.monotonic() > deadline:  # a timeout like the others: fetched again
                raise requests.ReadTimeout(
                    f"the answer took over {self.policy.answer_timeout:g} s to arrive"
                )
        if body.startswith(GZIP_MAGIC):
            return self._gunzipped(bytes(body))
        return bytes(body)

    def _gunzipped(self, body: bytes) -> bytes:
        """A body gzip-compressed with no ``Content-Encoding`` saying so (a server's gzip
        under a proxy's, or a static ``.xml.gz`` served as XML), decompressed within
        ``max_bytes``: it had been refetched 6 times as malformed XML, over 29 s."""
        try:
            data = gunzip_bounded(io.BytesIO(body), self.policy.max_bytes)
        except GZIP_ERRORS as exc:  # cut short, say: fetched again as a broken body is
            raise urllib3.exceptions.DecodeError(
                f"a gzip-compressed body is broken: {exc}"
            ) from exc
        if len(data) > self.policy.max_bytes:
            raise self._too_large()
        return data

    def _too_large(self) -> HarvestError:
        return HarvestError(
            f"{self.base_url} sent a response over {self.policy.max_bytes:,} bytes "
            "(decompressed); refused"
        )

    def _wait_before_retry(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait: the server's ``Retry-After`` or backoff with jitter, capped."""
        if retry_after is None:
            retry_after = self.policy.backoff * (2**attempt) * (0.5 + random.random())
        return min(retry_after, self.policy.max_wait)

    def _be_polite(self) -> None:
        """Wait for this request's turn: the run's delay, and the endpoint's pauses."""
        turn = self.pacing.turn()
        if turn > 0:
            self._sleep(turn)

    def _sleep(self, seconds: float) -> None:
        """Wait, unless the run stops meanwhile."""
        if self.stopped.wait(seconds):
            raise HarvestError(f"{self.base_url}: the harvest was stopped; no more requests")


def _retryable(status: int) -> bool:
    return status in RETRY_STATUSES or status >= 500
