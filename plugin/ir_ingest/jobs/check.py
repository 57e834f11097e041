"""Check an OAI-PMH endpoint before its first harvest: what a harvest would meet, in one list.

A repository manager adding a source wants to know, before a cron line is written, whether the
endpoint answers as OAI-PMH, which format a harvest would take, whether its records crosswalk,
how it keeps deletions, whether its resumption tokens and ``from`` work, and how long a full
harvest takes (anchors.md (b) 5: no harvester we compete with has such a check).
:func:`check_endpoint` asks what a harvest asks (Identify, ListMetadataFormats, ListSets when a
set is named, the first two ListRecords pages, one ListRecords with ``from``) through the
harvest's own client, so retries, encoding repairs and refetches of a cut page happen as they
would; it reads the first page's records as a harvest would, through crosswalk and
validation, and stores nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from ir_ingest.crosswalk import richest_format
from ir_ingest.entry import Entry, Issue, Severity
from ir_ingest.errors import ConfigError, HarvestError, MalformedResponseError, OAIProtocolError
from ir_ingest.oai.client import OAIClient
from ir_ingest.oai.datestamp import format_datestamp, parse_datestamp
from ir_ingest.oai.harvest import AUTO_PREFIX, check_reader
from ir_ingest.oai.pages import PageGuards, Window, iter_pages, read_page
from ir_ingest.oai.plan import clock_issue, unknown_set_issue
from ir_ingest.pipeline import process
from ir_ingest.secrets import public_url

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ir_ingest.oai.client import Identify, Page
    from ir_ingest.oai.transport import TransportPolicy

Level = Literal["ok", "info", "warning", "error"]
#: The granularities OAI-PMH 2.0 knows (§3.3.2).
_GRANULARITIES = ("YYYY-MM-DD", "YYYY-MM-DDThh:mm:ssZ")
#: Empty pages with a token read, at most, looking for the first records (DSpace sends them).
_EMPTY_PAGES = 5
#: How often a harvest asks a list again after a refused token (``oai.pages``' guard).
_RECOVERIES = PageGuards().max_recoveries
#: Issue codes listed one line each; the rest are summed up in one.
_SHOWN_CODES = 8


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the check found: ``ok`` what a harvest relies on, ``info`` worth knowing,
    ``warning`` what a harvest works around or will lose, ``error`` what makes it fail."""

    level: Level
    topic: str
    message: str


@dataclass(slots=True)
class Checked:
    """What :func:`check_endpoint` found, in the order it asked."""

    url: str
    findings: list[Finding] = field(default_factory=list)
    #: The format a harvest would take (``None`` when none could be).
    prefix: str | None = None

    def add(self, level: Level, topic: str, message: str) -> None:
        self.findings.append(Finding(level, topic, message))

    def count(self, level: Level) -> int:
        return sum(finding.level == level for finding in self.findings)


def check_endpoint(
    url: str,
    prefix: str = AUTO_PREFIX,
    *,
    set_spec: str | None = None,
    crosswalk: str | None = None,
    repository: str | None = None,
    policy: TransportPolicy | None = None,
) -> Checked:
    """Ask ``url`` what a harvest in ``prefix`` (of ``set_spec``, read with ``crosswalk``)
    would ask, and say what it found.  Never raises for what the endpoint answers: what the
    harvest would fail on is an ``error`` finding, and the check stops there (but for an
    Identify answered with an OAI-PMH error, which only incremental runs need).  Raises
    :class:`ConfigError`, before any request, for a crosswalk that cannot read ``prefix``.
    """
    if prefix != AUTO_PREFIX:
        check_reader(crosswalk, prefix)  # the harvest's refusal, in its words
    checked = Checked(public_url(url))
    with OAIClient(url, policy, repository) as client:
        check = _Check(client, checked, set_spec, crosswalk)
        steps: list[tuple[str, Callable[[], bool]]] = [
            ("Identify", check.identify),
            ("formats", lambda: check.format(prefix)),
            *([("sets", check.set)] if set_spec is not None else []),
            ("records", check.first_page),
            ("paging", check.second_page),
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


def _failed(topic: str, exc: HarvestError) -> str:
    """What a step's failure means for harvests."""
    if topic == "Identify" and _answered(exc):
        return (
            f"{exc}: a first harvest goes on without it, but incremental runs fail until it answers"
        )
    if topic == "from":
        return f"{exc}: incremental runs ask with from as this did, and would fail"
    return str(exc)


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
        #: The first ListRecords page that holds records, and the pages of its list.
        self.first: Page | None = None
        self.pages: Iterator[Page] = iter(())
        #: Identify's answer, once it gave one (a failure is not asked again).
        self.identified: Identify | None = None

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
        _deletions(identify.deleted_record, checked)
        _identify_quirks(identify, client.base_url, checked)
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
        if prefix == AUTO_PREFIX:
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
            reads = f"the crosswalk {reader!r} reads none" if reader else "no crosswalk reads any"
            said = f"{reads} of them: give --prefix, and add a crosswalk of your own for it"
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
        pacing = self.client.transport.pacing
        started, waited = time.monotonic(), pacing.waited
        page = next(self.pages)
        # The pace of an answer, not of the pauses an endpoint asked for (Retry-After: 20).
        took = time.monotonic() - started - (pacing.waited - waited)
        for _ in range(_EMPTY_PAGES):
            if _size(page) or page.token is None:
                break
            page = next(self.pages)
        else:
            said = f"the first {_EMPTY_PAGES} pages hold no record, but a resumptionToken each"
            checked.add("warning", "records", said + ": no record was crosswalked")
            return False
        self.first = page
        if page.token is None and not _size(page):
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
        _page_summary(entries, total, took, checked)
        if page.token is not None and total is not None and total > len(entries):
            pages = -(-total // len(entries))  # rounded up
            said = (
                f"at this page's pace the {pages:,} pages take {_duration(pages * took)} to fetch"
            )
            checked.add("info", "records", said + ", crosswalking aside")
        _record_issues(entries, checked)
        return True

    def second_page(self) -> bool:
        """Whether the list goes on past its first page as a harvest reads it: a page the
        guards end the list at (a token or a page sent again) ends every harvest there; a
        refused token is asked again from the newest datestamp, which works only if the new
        list's token is not refused too."""
        first = self.first
        assert first is not None  # first_page() stops without it
        if first.token is None:
            return True  # a list of one page: nothing to follow
        second = next(self.pages)
        if second.stop_issue is not None:
            said = f"{second.stop_issue.message}: every harvest stops there, and ends incomplete"
            self.checked.add("error", "paging", said)
            return True
        if second.recovery is not None and second.token is not None:
            third = next(self.pages)  # the new list's token: refused again, it never ends
            if third.recovery is not None:
                said = (
                    "every resumptionToken is refused at once (badResumptionToken): a harvest "
                    f"asks again from its newest datestamp {_RECOVERIES} times, then fails"
                )
                self.checked.add("error", "paging", said)
                return True
        if second.recovery is not None:
            said = f"{second.recovery.message}; a harvest does so {_RECOVERIES} times in a list"
            self.checked.add("warning", "paging", said)
            return True
        ends = ", and ends the list" if second.token is None else ""
        said = f"its resumptionToken leads on: the second page holds {_size(second)} records"
        self.checked.add("ok", "paging", said + ends)
        return True

    def from_applied(self) -> bool:
        """Whether the endpoint applies ``from`` (§3.3.1): asked for what changed from the
        first page's newest datestamp (or now, if that is to come), it lists that record and
        nothing stamped before it.  One that ignores it (IQSS/dataverse.harvard.edu#243) sends
        everything to every incremental run; one that reads it late (local time as UTC)
        misses what changed in between."""
        first, prefix, identify = self.first, self.checked.prefix, self.identified
        assert first is not None  # first_page() stops without it
        assert prefix is not None
        oldest = parse_datestamp(first.oldest_datestamp or "")
        newest = parse_datestamp(first.newest_datestamp or "")
        if identify is None or oldest is None or newest is None:
            return True  # no granularity (said under Identify), or no datestamp to ask from
        day = identify.day_granularity
        # Never a date to come: some endpoints refuse one, and an incremental run never asks it.
        since = min(newest, datetime.now(UTC)).replace(microsecond=0)
        since = since.replace(hour=0, minute=0, second=0) if day else since
        if since <= oldest:
            one = "day" if day else "second"
            said = f"from not tried: the first page's records were all stamped in one {one}"
            self.checked.add("info", "from", said)
            return True
        asked = format_datestamp(since, day)
        listed = next(iter_pages(self.client, Window(prefix, self.set_spec, from_date=asked)))
        self._said_from(asked, since, oldest, listed)
        return True

    def _said_from(self, asked: str, since: datetime, oldest: datetime, listed: Page) -> None:
        reached = parse_datestamp(listed.oldest_datestamp or "")
        said = f"asked for what changed from {asked}, it listed "
        if reached is None:
            said += "nothing, not even the record stamped then: it reads from late (local time?)"
            self.checked.add("warning", "from", f"{said}, and incremental runs miss records")
        elif reached >= since:
            size = _size(listed)
            listed_now = f"{size} record{'s' * (size != 1)} on its first page"
            self.checked.add("ok", "from", f"from is applied: {said}{listed_now}, none older")
        elif reached <= oldest:
            said += f"records of {listed.oldest_datestamp}, as old as the first page's oldest"
            again = "every incremental run fetches every record again (and finds them unchanged)"
            self.checked.add("warning", "from", f"it ignores from: {said}, so {again}")
        else:
            said += f"records of {listed.oldest_datestamp}, before it (a clock or time zone off?)"
            self.checked.add("warning", "from", f"it applies from loosely: {said}")


def _deletions(policy: str, checked: Checked) -> None:
    """What a harvest can know of deletions, by Identify's ``deletedRecord`` (§4.2)."""
    if policy == "no":
        said = (
            "it keeps no deletions (deletedRecord no): a record deleted there is never "
            "reported; a harvest --full now and then lists the records gone, for review"
        )
        checked.add("warning", "Identify", said)
    elif policy == "transient":
        said = (
            "it keeps deletions for a while only (deletedRecord transient): a source left "
            "unharvested that long misses some; a harvest --full lists the records gone"
        )
        checked.add("info", "Identify", said)
    elif policy != "persistent":
        said = f"deletedRecord {policy!r} is none of no, transient, persistent (§4.2)"
        checked.add("warning", "Identify", said + ": deletions may go unreported")


def _identify_quirks(identify: Identify, asked: str, checked: Checked) -> None:
    """What else in an Identify answer a harvest works around, or a manager should know."""
    if not identify.granularity_stated:
        said = "it states no granularity (§4.2): from and until are sent as dates (YYYY-MM-DD)"
        checked.add("warning", "Identify", said)
    elif identify.granularity not in _GRANULARITIES:
        said = f"granularity {identify.granularity!r} is no OAI-PMH granularity (§3.3.2)"
        checked.add("warning", "Identify", said + ": from and until are sent to the second")
    earliest = identify.earliest_datestamp
    if earliest and parse_datestamp(earliest) is None:
        said = f"earliestDatestamp {earliest!r} cannot be read as a date (§3.3.1)"
        checked.add("warning", "Identify", said)
    if identify.base_url and _where(identify.base_url) != _where(asked):
        said = (
            f"it names its base URL {_shown(identify.base_url)}: records are kept under the URL "
            "harvested, so harvest it always by the same one (or give --repository)"
        )
        checked.add("info", "Identify", said)


def _shown(url: str) -> str:
    """A URL the endpoint gave, as it may be shown: its credentials masked (it may quote
    the API key it was asked with)."""
    try:
        return public_url(url)
    except ConfigError:
        return "(a URL that cannot be read)"


def _where(url: str) -> str:
    """A base URL's host and path, as compared with the one asked: its scheme may differ
    behind a proxy, and the URL asked may carry an API key (shown masked)."""
    parts = urlsplit(url.strip())
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}"


def _page_summary(entries: list[Entry], total: int | None, took: float, checked: Checked) -> None:
    """How many records the page holds, and how many crosswalk and validate: ``ok`` all,
    ``error`` when none can be read (a harvest would keep them all as rejects), else
    ``warning`` (an invalid record is stored, marked invalid)."""
    deleted = sum(entry.harvested.deleted for entry in entries)
    failed = sum(entry.record is None and not entry.harvested.deleted for entry in entries)
    invalid = sum(entry.record is not None and entry.has_errors for entry in entries)
    live = len(entries) - deleted
    valid = live - failed - invalid
    gone = f" ({deleted} deleted)" if deleted else ""
    of_all = f" of {total:,}" if total is not None else ""
    bad = f" ({invalid} invalid, {failed} that cannot be read)" if invalid or failed else ""
    pace = f"{took * 1000:.0f} ms" if took < 1 else f"{took:.1f} s"
    said = (
        f"the first page ({pace}) holds {len(entries)} record{'s' * (len(entries) != 1)}"
        f"{gone}{of_all}; "
        f"{valid} of the {live} live ones crosswalk and validate{bad}"
    )
    if not live:
        checked.add("info", "records", f"{said}: deletions only, so no record was crosswalked")
        return
    level: Level = "ok" if valid == live else "error" if failed == live else "warning"
    checked.add(level, "records", said)


def _record_issues(entries: list[Entry], checked: Checked) -> None:
    """A finding an issue code of the page's records, the worst first: on how many records,
    and the first one's message."""
    first: dict[str, Issue] = {}
    records: Counter[str] = Counter()
    for entry in entries:
        records.update({issue.code for issue in entry.issues})
        for issue in entry.issues:
            first.setdefault(issue.code, issue)
    worst = [Severity.ERROR, Severity.WARNING, Severity.INFO]
    order = sorted(records, key=lambda c: (worst.index(first[c].severity), -records[c], c))
    for code in order[:_SHOWN_CODES]:
        severity = first[code].severity
        said = f"{code} ({severity}) on {records[code]} of {len(entries)} records, such as: "
        # A record's error is the record's, not the harvest's: said as a warning.
        level: Level = "info" if severity is Severity.INFO else "warning"
        checked.add(level, "records", said + first[code].message)
    if len(order) > _SHOWN_CODES:
        more = order[_SHOWN_CODES:]
        checked.add("info", "records", f"and {len(more)} more codes: {', '.join(more)}")


def _size(page: Page) -> int:
    """How many records a page holds, read or not (-1 for noRecordsMatch counts none)."""
    return len(page.records) if page.unread is None else max(page.size, 0)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
