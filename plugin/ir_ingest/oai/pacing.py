"""What the transports of one run share about their endpoint: whether the run stopped, how
often the endpoint may be asked, and what its failures cost.

The politeness delay (``--delay``) is the least time between two requests of the whole run,
its parallel windows together: each window keeping its own would ask a small repository four
times as often at ``--parallel 4``.

An endpoint that answers 429 (Too Many Requests) or 503 (Service Unavailable) is asking to be
asked less.  A harvester that retries only the request refused, while its other windows go on
at full speed, keeps the endpoint overloaded (and gets itself blocked).  So every transport of
the run waits out the pause the endpoint asked for (``Retry-After``, else the backoff), and
after it requests are spaced out: the spacing doubles with each such answer (those that come
while a pause runs, one for each window in flight, count once) and narrows by a quarter with
each answer that comes, back to none.  No harvester we compare with adapts
(reference/anchors.md §b.4).
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from ir_ingest.entry import Issue, Severity

#: The spacing after the first overload answer, in seconds; it doubles with each one more.
FIRST_SPACING = 0.5
#: Each answer that comes narrows the spacing by this factor; under :data:`NO_SPACING` it ends.
NARROWING = 0.75
NO_SPACING = 0.05
#: Statuses by which an endpoint says it is asked too often (RFC 9110 §15.6.4, RFC 6585 §4).
OVERLOAD_STATUSES = frozenset({429, 503})


class Pacing:
    """The stop event, request spacing and failure tally shared by the transports of one run."""

    def __init__(self, max_spacing: float, delay: float = 0.0) -> None:
        """``max_spacing``: the widest spacing between two requests after overload answers,
        in seconds (transports give their policy's ``max_wait``, the longest wait before a
        retry); ``delay``: the least time between the starts of two requests, always."""
        #: Set when the run ends: no transport sends another request or waits out a backoff.
        self.stopped = threading.Event()
        self.max_spacing = max_spacing
        self.delay = delay
        self.spacing = 0.0
        #: Every failed attempt by its problem ("HTTP 503", "ReadTimeout: …" cut at the colon).
        self.failures: Counter[str] = Counter()
        #: Seconds waited before retries and for turns (the pauses and the spacing).
        self.waited = 0.0
        self.overloads = 0
        self._resume_at = 0.0
        self._next_start = 0.0
        self._lock = threading.Lock()

    def turn(self) -> float:
        """Seconds to wait before sending a request; the slot after it is the next one's."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._resume_at, self._next_start)
            self._next_start = start + max(self.spacing, self.delay)
            if self.spacing or self._resume_at > now:  # the delay asked for is no failure's cost
                self.waited += start - now
            return start - now

    def failed(self, problem: str, wait: float, *, overloaded: bool) -> None:
        """Note an attempt that failed and the ``wait`` before its retry; an ``overloaded``
        endpoint gets that pause from every transport, and wider spacing after it."""
        with self._lock:
            self.failures[problem.partition(":")[0]] += 1
            self.waited += wait
            if overloaded:
                self.overloads += 1
                now = time.monotonic()
                if now >= self._resume_at:  # not one more window's answer in the same pause
                    widened = max(self.spacing * 2, FIRST_SPACING)
                    self.spacing = min(widened, self.max_spacing)
                self._resume_at = max(self._resume_at, now + wait)

    def answered(self) -> None:
        """Note an answer that came: the spacing narrows."""
        if self.spacing:  # read without the lock: most runs never space requests out
            with self._lock:
                narrowed = self.spacing * NARROWING
                self.spacing = narrowed if narrowed >= NO_SPACING else 0.0

    def issue(self) -> Issue | None:
        """What the run's report says of the retries, if there were any."""
        with self._lock:  # windows may still be at work when a failed run is closed
            failures, waited, overloads = Counter(self.failures), self.waited, self.overloads
        if not failures:
            return None
        count = sum(failures.values())
        kinds = ", ".join(f"{problem} x{n}" for problem, n in failures.most_common())
        # Retries, not requests: one request that failed 5 times had read "5 requests failed".
        failed = (
            "a request was sent again after it failed"
            if count == 1
            else f"requests were sent again {count} times after failing"
        )
        message = f"{failed} ({kinds}), {waited:.1f} s waited"
        if overloads:
            message += (
                f"; the endpoint said {times(overloads)} that it was asked too often, "
                "and the run's requests were spaced out after it"
            )
        return Issue("harvest.retried", message, Severity.INFO)


def times(count: int) -> str:
    """``once``, ``2 times``…: how often something happened, for messages."""
    return "once" if count == 1 else f"{count} times"
