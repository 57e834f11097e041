"""Check an OAI-PMH endpoint before its first harvest: what a harvest would meet, in one list.

A repository manager adding a source wants to know, before a cron line is written, whether the
endpoint answers as OAI-PMH, which format a harvest would take, whether its records crosswalk,
how it keeps deletions, whether its resumption tokens and ``from`` work, and how long a full
harvest takes (anchors.md (b) 5: no harvester we compete with has such a check).
:func:`check_endpoint` asks what a harvest asks (Identify, ListMetadataFormats, ListSets when a
set is named, the first ListRecords page that holds records and up to four after it, one
ListRecords with ``from``) through the harvest's own client, so retries, encoding repairs and
refetches of a cut page happen as they would; it reads the first page's records as a harvest
would, through crosswalk and validation, and stores nothing.  How each finding is worded is
:mod:`ir_ingest.jobs.checked`'s; the ``from`` step is :mod:`ir_ingest.jobs.check_from`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ir_ingest.config import AUTO_PREFIX, is_auto
from ir_ingest.crosswalk import check_reader, richest_format
from ir_ingest.entry import Severity
from ir_ingest.errors import HarvestError, MalformedResponseError, OAIProtocolError
from ir_ingest.jobs.check_from import from_applied, past_empty
from ir_ingest.jobs.checked import (
    Checked,
    deletions,
    duration,
    identify_quirks,
    page_summary,
    record_issues,
    size,
)
from ir_ingest.oai.client import OAIClient
from ir_ingest.oai.clocks import clock_issue
from ir_ingest.oai.fallback import fails_in_its_format
from ir_ingest.oai.pages import PageGuards, Window, iter_pages, read_page
from ir_ingest.oai.plan import unknown_set_issue
from ir_ingest.oai.strays import Strays
from ir_ingest.pipeline import process
from ir_ingest.secrets import public_url
from ir_ingest.wording import counted

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ir_ingest.entry import Entry, Issue
    from ir_ingest.jobs.checked import Finding
    from ir_ingest.oai.responses import Identify, Page
    from ir_ingest.oai.transport import TransportPolicy

#: Pages read after the first that holds records, at most: a token loop may begin on any
#: page (a harvest meets it there), but a check must stay quick and ask an endpoint little.
_PAGES_FOLLOWED = 4
#: How often a harvest asks a list again after a refused token (``oai.pages``' guard).
_RECOVERIES = PageGuards().max_recoveries


def check_endpoint(
    url: str,
    prefix: str = AUTO_PREFIX,
    *,
    set_spec: str | None = None,
    crosswalk: str | None = None,
    repository: str | None = None,
    policy: TransportPolicy | None = None,
    as_found: Callable[[Checked, Finding], None] | None = None,
) -> Checked:
    """Ask ``url`` what a harvest in ``prefix`` (of ``set_spec``, read with ``crosswalk``)
    would ask, and say what it found.  Never raises for what the endpoint answers: what the
    harvest would fail on is an ``error`` finding, and the check stops there (but for an
    Identify answered with an OAI-PMH error, which only incremental runs need).  Raises
    :class:`~ir_ingest.errors.CrosswalkChoiceError`, before any request, for a crosswalk that
    cannot read ``prefix``.
    ``as_found`` is told of each finding as it is made.
    """
    if not is_auto(prefix):
        check_reader(crosswalk, prefix)  # the harvest's refusal, in its words
    checked = Checked(public_url(url), said=as_found)
    with OAIClient(url, policy, repository) as client:
        check = _Check(client, checked, set_spec, crosswalk)
        steps: list[tuple[str, Callable[[], bool]]] = [
            ("Identify", check.identify),
            ("formats", lambda: check.format(prefix)),
            *([("sets", check.set)] if set_spec is not None else []),
            ("records", check.first_page),
            ("paging", check.paging),
            ("from", check.from_applied),
        ]
        for topic, step in steps:
            try:
                if not step():
                    break
            except HarvestError as exc:
                checked.add("error", topic, _failed(topic, exc))
                if not (topic == "Identify" and _answered(exc)):
                    break
        retried = client.transport.pacing.issue()
        if retried is not None:  # 503s, drops: said here, not only in the log on stderr
            checked.add("warning", "retries", f"{retried.message}, on these few requests")
    return checked


def _led_on(followed: list[Page]) -> str:
    """What the pages after the first said, none of them ending the list early."""
    held = sum(size(page) for page in followed)
    if len(followed) == 1:
        which, verb = "the second page", "holds"
    else:
        which, verb = f"the next {len(followed)} pages", "hold"
    said = f"its resumptionToken leads on: {which} {verb} {counted(held, 'record')}"
    if followed[-1].token is None:
        return said + ", and " + ("ends" if len(followed) == 1 else "the last ends") + " the list"
    return said + (", and no token or page twice" if len(followed) > 1 else "")


def _failed(topic: str, exc: HarvestError) -> str:
    """What a step's failure means for harvests."""
    if topic == "Identify" and _answered(exc):
        return (
            f"{exc}: a first harvest goes on without it, but incremental runs fail until it answers"
        )
    if topic == "from":
        return f"{exc}: incremental runs ask with from as this did, and would fail"
    return str(exc)


def _fallback_said(entries: list[Entry], prefix: str, checked: Checked) -> None:
    """Where records of the page fail in ``prefix`` (rejects, or invalid), that
    ``--fallback-prefix oai_dc`` would ask for each of them again in oai_dc, which every
    endpoint offers (OAI-PMH §3.4), and store the better copy."""
    failing = sum(fails_in_its_format(entry) for entry in entries)
    if failing and prefix != "oai_dc":
        checked.add(
            "info",
            "records",
            f"{failing} of {len(entries)} records fail in {prefix} (a reject, or invalid): "
            "--fallback-prefix oai_dc asks for each of them again in oai_dc, which every "
            "endpoint offers, and keeps the better copy",
        )


def _answered(exc: HarvestError) -> bool:
    """Whether a failed Identify was answered in OAI-PMH (an error, or no ``<Identify>``):
    a first harvest goes on without it (only incremental runs need it), so the check does."""
    if isinstance(exc, MalformedResponseError):
        return exc.code == "oai.no_identify"
    return isinstance(exc, OAIProtocolError)


class _Check:
    """The steps of :func:`check_endpoint`, each True when the next may follow."""

    def __init__(
        self, client: OAIClient, checked: Checked, set_spec: str | None, crosswalk: str | None
    ) -> None:
        self.client = client
        self.checked = checked
        self.set_spec = set_spec
        self.crosswalk = crosswalk
        #: The first ListRecords page that holds records, its place in the list (1 for the
        #: first page), and the pages of its list.
        self.first: Page | None = None
        self.first_at = 1
        self.pages: Iterator[Page] = iter(())
        #: Identify's answer, once it gave one (a failure is not asked again).
        self.identified: Identify | None = None
        #: A refused token the list was asked again after, and a guard that ended it.
        self.recovered: Issue | None = None
        self.stopped: Issue | None = None

    def identify(self) -> bool:
        client, checked = self.client, self.checked
        identify = client.identify_endpoint()
        self.identified = identify
        name = identify.repository_name or "(no repositoryName)"
        earliest = identify.earliest_datestamp or "(none)"
        granularity = identify.granularity if identify.granularity_stated else "(none stated)"
        checked.add(
            "ok",
            "Identify",
            f"{name}: granularity {granularity}, earliest datestamp {earliest}, "
            f"deleted records {identify.deleted_record or 'not said'}",
        )
        deletions(identify.deleted_record, checked)
        identify_quirks(identify, client.base_url, checked)
        clock = clock_issue(identify.clock_skew)
        if clock is not None:
            checked.add(
                "info" if clock.severity is Severity.INFO else "warning", "clock", clock.message
            )
        elif identify.clock_skew is None:
            checked.add("info", "clock", "its responseDate cannot be read: its clock is not known")
        return True

    def format(self, prefix: str) -> bool:
        """The format a harvest would take: ``prefix``, or for ``auto`` the richest one read.
        A harvest given a prefix does not ask ListMetadataFormats: what it answers is then
        advice."""
        if is_auto(prefix):
            return self._richest()
        try:
            pairs = [(name, namespace) for name, _, namespace in self.client.metadata_formats()]
        except HarvestError as exc:
            said = f"ListMetadataFormats failed ({exc}); a harvest given a prefix does not ask it"
            self.checked.add("warning", "formats", said)
        else:
            offered = f"it offers {', '.join(name for name, _ in pairs) or 'none'}"
            if prefix not in {name for name, _ in pairs}:
                said = f"{offered}, not {prefix}: a harvest asks for {prefix} all the same"
                self.checked.add("warning", "formats", said)
            elif richest_format([p for p in pairs if p[0] == prefix], self.crosswalk) is None:
                said = (
                    f"{offered}; no crosswalk reads {prefix} by its name or namespace: each "
                    "record is read by the crosswalk its root element names, or fails"
                )
                self.checked.add("warning", "formats", said)
            else:
                self.checked.add("ok", "formats", f"{offered}; {prefix} asked for")
        self.checked.prefix = prefix
        return True

    def _richest(self) -> bool:
        """``auto``: the richest format offered that a crosswalk (or the crosswalk) reads."""
        pairs = [(name, namespace) for name, _, namespace in self.client.metadata_formats()]
        offered = f"it offers {', '.join(name for name, _ in pairs) or 'none'}"
        chosen = richest_format(pairs, self.crosswalk)
        if chosen is None:
            reader = self.crosswalk
            said = (
                f"the crosswalk {reader!r} reads none of them: give a --crosswalk for one of them"
                if reader
                else "no crosswalk reads any of them: give --prefix, and add a crosswalk of your "
                "own for it"
            )
            self.checked.add("error", "formats", f"{offered}, and {said}")
            return False
        self.checked.add("ok", "formats", f"{offered}; a harvest takes {chosen}")
        self.checked.prefix = chosen
        return True

    def set(self) -> bool:
        """Whether the endpoint lists the set (§4.6): a misspelt one answers noRecordsMatch."""
        set_spec = self.set_spec
        assert set_spec is not None  # asked only for a set
        try:
            listed = [spec for spec, _ in self.client.sets()]
        except HarvestError as exc:
            said = f"its sets could not be listed to look for {set_spec!r}: {exc}"
            self.checked.add("warning", "sets", said)
            return True
        issue = unknown_set_issue(listed, set_spec)
        if issue is None:
            self.checked.add("ok", "sets", f"it lists the set {set_spec!r}")
        else:
            self.checked.add("warning", "sets", issue.message)
        return True

    def first_page(self) -> bool:
        """The first page that holds records (a DSpace may send empty ones with a token
        first), fetched as a harvest fetches it (:func:`~ir_ingest.oai.pages.iter_pages`: a
        malformed page salvaged, a refused token asked again), its records crosswalked and
        validated as a harvest would."""
        checked, prefix = self.checked, self.checked.prefix
        assert prefix is not None  # format() stops the check without one
        self.pages = iter_pages(self.client, Window(prefix, self.set_spec))
        page = self._next()
        # The pace of an answer, not of the attempts that failed and the pauses between them
        # (a Retry-After of 20 s, a read timed out).
        took = self.client.transport.answered_in
        page, fetched = past_empty(page, self._next)
        self.first_at = fetched
        if not size(page) and page.token is not None:
            said = f"the first {fetched} pages hold no record, but a resumptionToken each"
            checked.add("warning", "records", said + ": no record was crosswalked")
            return False
        self.first = page
        if self.stopped is not None and not size(page):
            said = f"{self.stopped.message}: every harvest stops there, and keeps nothing"
            checked.add("error", "paging", said)
            return False
        if page.token is None and not size(page):
            said = "the list holds no record: a harvest of this format and set keeps nothing"
            checked.add("error", "records", said)
            return False
        read_page(page)
        crosswalk = self.crosswalk
        records = (
            [replace(r, crosswalk=crosswalk) for r in page.records] if crosswalk else page.records
        )
        entries = [process(r, page.issues_by_identifier.get(r.identifier, ())) for r in records]
        # completeListSize as 0 or fewer than the page holds: endpoints send it so (§3.5.1
        # leaves it optional), and it says nothing then.
        total = page.complete_list_size if (page.complete_list_size or 0) >= len(entries) else None
        page_summary(entries, total, took, checked)
        if page.token is not None and total is not None and total > len(entries):
            pages = -(-total // len(entries))  # rounded up
            said = f"at this page's pace the {pages:,} pages take {duration(pages * took)} to fetch"
            checked.add("info", "records", said + ", crosswalking aside")
        record_issues(entries, checked)
        _fallback_said(entries, prefix, checked)
        return True

    def paging(self) -> bool:
        """Whether the list goes on past its first page as a harvest reads it, over the next
        :data:`_PAGES_FOLLOWED` pages at most: a page the guards end the list at (a token or a
        page sent again, on whichever of them) ends every harvest there; a refused token is
        asked again from the newest datestamp, which works only if the new list's token is not
        refused too."""
        first = self.first
        assert first is not None  # first_page() stops without it
        followed: list[Page] = []
        page = first
        while page.token is not None and len(followed) < _PAGES_FOLLOWED:
            page = self._next()
            followed.append(page)
            if page.recovery is not None or page.stop_issue is not None:
                break
        goes_on = page.recovery is not None and page.token is not None
        # The new list's token: refused too, no list of more pages ever ends.
        if goes_on and self._next().recovery is not None:
            said = (
                "every resumptionToken is refused at once (badResumptionToken): a harvest "
                f"asks again from its newest datestamp {_RECOVERIES} times, then fails"
            )
            self.checked.add("error", "paging", said)
        elif self.stopped is not None:
            at = f"page {self.first_at + len(followed)}"
            said = f"{self.stopped.message}: every harvest stops there ({at}), and ends incomplete"
            self.checked.add("error", "paging", said)
        elif self.recovered is not None:
            said = f"{self.recovered.message}; a harvest does so {_RECOVERIES} times in a list"
            self.checked.add("warning", "paging", said)
        elif followed:
            self.checked.add("ok", "paging", _led_on(followed))
        self._set_kept([first, *followed])
        return True

    def _set_kept(self, pages: list[Page]) -> None:
        """A warning when the pages read hold records in none of the set asked for: an
        endpoint whose tokens lose the set (MarkVSullivan/SobekCM-Web-Application#6)."""
        strays = Strays()
        for page in pages if self.set_spec else ():
            read_page(page)
            strays.note_set_records(self.set_spec or "", page.records)
        said = strays.set_strays()
        lost = "it ignores set= or loses it in its resumption tokens, so every harvest of the set"
        if said is not None:
            self.checked.add("warning", "sets", f"{said}: {lost} takes in records of other sets")

    def _next(self) -> Page:
        """The list's next page, its refused token or guard stop kept for :meth:`paging`
        (a harvest ends such a list incomplete, wherever in the pages read it happens)."""
        page = next(self.pages)
        self.recovered = self.recovered or page.recovery
        self.stopped = self.stopped or page.stop_issue
        return page

    def from_applied(self) -> bool:
        """Whether the endpoint applies ``from``: see :mod:`ir_ingest.jobs.check_from`."""
        assert self.first is not None  # first_page() stops without it
        from_applied(self.client, self.checked, self.first, self.identified, self.set_spec)
        return True
