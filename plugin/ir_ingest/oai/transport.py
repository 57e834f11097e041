"""HTTP transport for OAI-PMH requests: one ``requests`` session, timeouts, gzip, polite retries.

pyoai's own transport (urllib) has no timeouts, no connection reuse and sleeps two minutes on a
503 without a ``Retry-After``; this one replaces it (see :class:`ir_ingest.oai.client.OAIClient`).
Retries use exponential backoff with jitter on connection errors, timeouts, 408, 429 and 5xx, and
honour ``Retry-After`` both as seconds and as an HTTP date (RFC 9110 §10.2.3), capped.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import requests

from ir_ingest import __version__
from ir_ingest.errors import HarvestError

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class TransportPolicy:
    """Timeouts (seconds), retry budget and politeness of one endpoint's transport."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    retries: int = 5
    backoff: float = 1.0
    max_wait: float = 120.0
    delay: float = 0.0
    user_agent: str = f"ir-ingest/{__version__} (+OAI-PMH harvester)"


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Read a ``Retry-After`` header: delta-seconds or an HTTP date; ``None`` if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Transport:
    """Send OAI-PMH requests to one base URL and return the response body as bytes."""

    def __init__(self, base_url: str, policy: TransportPolicy | None = None) -> None:
        self.base_url = base_url
        self.policy = policy or TransportPolicy()
        self.session = requests.Session()
        self.session.headers["User-Agent"] = self.policy.user_agent
        self.session.headers["Accept-Encoding"] = "gzip, deflate"
        self._last_request = 0.0

    def close(self) -> None:
        """Close the pooled connections."""
        self.session.close()

    def get(self, params: dict[str, str]) -> bytes:
        """GET ``base_url?params``, retrying transient failures within the policy's budget."""
        policy = self.policy
        last_problem = "no attempt made"
        for attempt in range(policy.retries + 1):
            self._be_polite()
            try:
                response = self.session.get(
                    self.base_url,
                    params=params,
                    timeout=(policy.connect_timeout, policy.read_timeout),
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                last_problem = f"{type(exc).__name__}: {exc}"
                wait = None
            else:
                if response.status_code not in RETRY_STATUSES:
                    if response.status_code >= 400:
                        raise HarvestError(
                            f"{self.base_url} answered HTTP {response.status_code} "
                            f"to {params.get('verb', '?')}"
                        )
                    return response.content
                last_problem = f"HTTP {response.status_code}"
                wait = retry_after_seconds(response.headers.get("Retry-After"))
            if attempt == policy.retries:
                break
            self._sleep_before_retry(attempt, wait, last_problem)
        raise HarvestError(
            f"{self.base_url} failed {policy.retries + 1} times; last problem: {last_problem}"
        )

    def _sleep_before_retry(self, attempt: int, retry_after: float | None, problem: str) -> None:
        policy = self.policy
        if retry_after is None:
            retry_after = policy.backoff * (2**attempt) * (0.5 + random.random())
        wait = min(retry_after, policy.max_wait)
        log.warning("%s: %s; retrying in %.1f s", self.base_url, problem, wait)
        time.sleep(wait)

    def _be_polite(self) -> None:
        if self.policy.delay:
            pause = self._last_request + self.policy.delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        self._last_request = time.monotonic()
