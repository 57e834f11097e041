"""Per-record format fallback (``harvest --fallback-prefix``): a record that fails in the
run's format is asked for again, alone, in a simpler one the endpoint offers.

A harvest in a rich format (MODS) gets some records it cannot read (a reject: unparseable, a
crosswalk error, no usable title) or reads as invalid, where the endpoint's simpler format
(oai_dc) of the same record would be valid.  Each such record of a page is asked for with
GetRecord (OAI-PMH 2.0 §4.1) in the fallback prefix, in the main process, when the page is
about to be committed, and processed as a harvested one is; the better of the two copies is
the page's entry for the record, so the store writes one version of it (never the poorer one,
then the better one over it).  A reject the fallback replaced keeps its raw XML as a reject row
(:attr:`Entry.replaced`, written by the page writer).

What types cannot say: a fallback is not a record of its own (the page keeps one entry a
record, and the run's counts the records the endpoint listed); a deletion, or a record older
than the store's copy (the page writer would skip it), is never asked for again; a GetRecord
that fails never fails the run, the original entry standing with an issue; one the endpoint
failed (not an answer about that record) ends the fallback for the run.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ir_ingest.entry import Entry, Issue, Severity
from ir_ingest.errors import HarvestError, OAIProtocolError, UsageError

if TYPE_CHECKING:
    from ir_ingest.oai.client import OAIClient
    from ir_ingest.report.model import RunReport
    from ir_ingest.store import Store

log = logging.getLogger(__name__)

#: Fallback requests a run makes at most: each is a GetRecord of its own, and a run whose
#: every record fails in its format (a broken crosswalk, a wrong prefix) would otherwise ask
#: the endpoint twice for everything.  Past it, records keep their own outcome and the run
#: says so once (``harvest.format_fallback_budget``).
MAX_FALLBACKS = 200


class FormatFallback:
    """Asks for the records of a run's pages that failed in its format again in ``prefix``,
    with ``client`` (a client of the main thread, paced with the run's others)."""

    def __init__(self, client: OAIClient, prefix: str, store: Store, report: RunReport) -> None:
        self.client = client
        self.prefix = prefix
        self.store = store
        self.report = report
        self.left = MAX_FALLBACKS
        #: Why the run stopped asking (the endpoint does not offer the prefix, the budget is
        #: spent), said once as a run issue; None while it asks.
        self.stopped: str | None = None
        #: Whether the endpoint lists the prefix among its formats; None until asked.
        self.offered: bool | None = None

    def applied(self, entries: list[Entry]) -> list[Entry]:
        """``entries`` (a page, in order) with each that failed replaced by its copy in the
        fallback prefix where that one is better; the others as they are."""
        # Imported here: the command line's help names MAX_FALLBACKS, and starts without the
        # store (SQLAlchemy) or the crosswalks.
        from ir_ingest.store.copies import older

        wanted = [i for i, entry in enumerate(entries) if fails_in_its_format(entry)]
        if not wanted or self.stopped is not None:
            return entries
        stored = self.store.stored_states(entries[i].harvested for i in wanted)
        out = list(entries)
        for i in wanted:
            harvested = entries[i].harvested
            state = stored.get((harvested.repository, harvested.identifier))
            if state is not None and older(harvested.datestamp, state.datestamp):
                continue  # the page writer skips it: no copy of it is stored
            if not self._may_ask():
                break
            out[i] = self._better(entries[i])
        return out

    def _may_ask(self) -> bool:
        """Whether one more request is allowed; saying once when the budget is spent."""
        if self.stopped is not None:
            return False
        if self.left <= 0:
            self._stop(
                Issue(
                    "harvest.format_fallback_budget",
                    f"{MAX_FALLBACKS} records were asked for again in {self.prefix}, as many as "
                    "a run asks for; the later ones that failed kept their own outcome",
                )
            )
            return False
        self.left -= 1
        return True

    def _better(self, entry: Entry) -> Entry:
        """The better of ``entry`` and its copy in the fallback prefix, with an issue saying
        which was kept and why."""
        from ir_ingest.pipeline import process  # see applied()

        own = entry.harvested.metadata_prefix
        identifier = entry.harvested.identifier
        try:
            harvested = self.client.get_record(identifier, self.prefix)
        except HarvestError as exc:
            return _with(entry, _failure_issue(self.prefix, self._why(exc)))
        other = process(harvested, self.client.last_repairs)
        if harvested.deleted or _rank(other) <= _rank(entry):
            why = "the endpoint says it is deleted" if harvested.deleted else _first_error(other)
            return _with(entry, _failure_issue(self.prefix, f"that copy is no better ({why})"))
        # Not "stored": the page writer still skips it where the store holds a valid copy in
        # a richer format with the same datestamp (store.richer_format_stored says so too).
        other.issues.append(
            Issue(
                "harvest.format_fallback",
                f"read in {self.prefix} instead: the {own} copy {_first_error(entry)}",
            )
        )
        other.replaced = entry
        return other

    def _why(self, exc: HarvestError) -> str:
        """What a failed GetRecord says.  Only an answer about the one record asked for (§3.6:
        ``idDoesNotExist``, ``badArgument``, ``cannotDisseminateFormat``) leaves the fallback
        asking for the next; a format the endpoint does not offer at all, or a GetRecord the
        endpoint failed (down, 5xx or an error code §3.6 does not define after its retries, an
        unreadable answer, another record than the one asked for, any other error) stops it
        for the rest of the run: every later record would wait out the same retry budget (10
        of them had taken 60 requests and 291 s), said once as a run issue."""
        if isinstance(exc, OAIProtocolError) and exc.code == "cannotDisseminateFormat":
            if not self._offered():
                self._stop(
                    Issue(
                        "harvest.format_fallback_unavailable",
                        f"the endpoint does not offer {self.prefix}: no record of the run was "
                        "asked for again in it",
                    )
                )
                return f"the endpoint does not offer {self.prefix}"
            return f"the endpoint cannot give this record in {self.prefix}"
        log.warning("%s: fallback to %s failed: %s", self.client.repository, self.prefix, exc)
        if _of_the_record(exc):
            return str(exc)
        self._stop(
            Issue(
                "harvest.format_fallback_unavailable",
                f"the endpoint failed GetRecord in {self.prefix}: {exc}; no later record of "
                "the run was asked for again in it",
            )
        )
        return str(exc)

    def _offered(self) -> bool:
        """Whether ListMetadataFormats (§4.4) names the prefix, asked once a run.  An endpoint
        that fails it stops the fallback as a failed GetRecord does (True: it cannot say of
        this record): taken as offering the format, it had been asked again for each later
        record, each waiting out two retry budgets."""
        if self.offered is None:
            try:
                formats = self.client.metadata_formats()
            except HarvestError as exc:
                self._stop(
                    Issue(
                        "harvest.format_fallback_unavailable",
                        f"the endpoint failed ListMetadataFormats, asked whether it offers "
                        f"{self.prefix}: {exc}; no later record of the run was asked for again "
                        "in it",
                    )
                )
                return True
            self.offered = any(name == self.prefix for name, _, _ in formats)
        return self.offered

    def _stop(self, issue: Issue) -> None:
        self.stopped = issue.code
        self.report.add_run_issue(issue, f"GetRecord {self.prefix}")


def fails_in_its_format(entry: Entry) -> bool:
    """Whether a fallback would ask for the entry again: a reject (no record, not a
    deletion) or an invalid record."""
    if entry.harvested.deleted:
        return False
    return entry.record is None or entry.has_errors


def _of_the_record(exc: HarvestError) -> bool:
    """Whether a failed GetRecord is the endpoint's answer about the record asked for
    (``idDoesNotExist``; ``badArgument``, which an endpoint may give an identifier of
    characters it does not take), not its failure to answer GetRecord at all."""
    return isinstance(exc, OAIProtocolError) and exc.code in ("idDoesNotExist", "badArgument")


def _rank(entry: Entry) -> tuple[bool, bool]:
    """A record over a reject, then a valid record over an invalid one; of equals, the run's
    own format is kept (the richer: see :mod:`ir_ingest.store.copies`)."""
    return entry.record is not None, not entry.has_errors


def _first_error(entry: Entry) -> str:
    errors = [issue for issue in entry.issues if issue.severity is Severity.ERROR]
    if not errors:
        return "had no error"
    return f"{errors[0].code}: {errors[0].message}"


def _failure_issue(prefix: str, why: str) -> Issue:
    return Issue("harvest.format_fallback_failed", f"asked for again in {prefix}: {why}")


def _with(entry: Entry, issue: Issue) -> Entry:
    entry.issues.append(issue)
    return entry


def check_fallback(fallback: str | None, prefix: str) -> None:
    """Refuse, with a :class:`UsageError` naming it, a fallback prefix that is the run's own
    format (every failed record would be asked for again as it came)."""
    if fallback is not None and fallback == prefix:
        raise UsageError(
            f"the fallback prefix {fallback!r} is the format harvested: name a simpler one "
            "the endpoint offers, such as oai_dc"
        )


def fallback_is_the_format(prefix: str) -> Issue:
    """The run issue of a run whose prefix ``auto`` took the fallback prefix itself (the
    endpoint offers no richer format a crosswalk reads): it goes on without a fallback."""
    return Issue(
        "harvest.format_fallback_is_the_format",
        f"prefix auto took {prefix}, the fallback prefix: the records are harvested in it, and "
        "none is asked for again (the run goes on without a fallback)",
        Severity.INFO,
    )
