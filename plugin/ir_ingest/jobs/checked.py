"""What ``ir-ingest check`` found (:mod:`ir_ingest.jobs.check`), and how each finding is said.

A finding is a level, a topic and a sentence a repository manager can act on; the functions
here word what an Identify answer and a page of records show.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from ir_ingest.entry import Entry, Issue, Severity
from ir_ingest.errors import ConfigError
from ir_ingest.oai.datestamp import parse_datestamp
from ir_ingest.secrets import public_url

if TYPE_CHECKING:
    from collections.abc import Callable

    from ir_ingest.oai.responses import Identify, Page

Level = Literal["ok", "info", "warning", "error"]
#: The granularities OAI-PMH 2.0 knows (§3.3.2).
GRANULARITIES = ("YYYY-MM-DD", "YYYY-MM-DDThh:mm:ssZ")
#: Issue codes listed one line each; the rest are summed up in one.
SHOWN_CODES = 8


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
    #: Told of each finding as it is made: a check of a slow endpoint is said as it goes, and
    #: what it found is not lost to a Ctrl-C.
    said: Callable[[Checked, Finding], None] | None = field(default=None, repr=False)

    def add(self, level: Level, topic: str, message: str) -> None:
        finding = Finding(level, topic, message)
        self.findings.append(finding)
        if self.said is not None:
            self.said(self, finding)

    def count(self, level: Level) -> int:
        return sum(finding.level == level for finding in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form ``check --json`` prints: ``ready`` is what exit status 0 says."""
        return {
            "url": self.url,
            "prefix": self.prefix,
            "ready": not self.count("error"),
            "findings": [asdict(finding) for finding in self.findings],
        }


def unstarted(url: str, why: str) -> Checked:
    """A check that could not begin (a config error, a name no source has): one finding."""
    return Checked(_named(url), [Finding("error", "setup", why)])


def stopped(url: str, checked: Checked | None) -> Checked:
    """A check stopped by a signal (a monitoring script's timeout, Ctrl-C): what it had
    found (``checked``, None before its first finding), and an error saying it did not end."""
    checked = checked or Checked(_named(url))
    said = "the check was stopped before it ended: whether a harvest would work is not known"
    checked.add("error", "stopped", said)
    return checked


def _named(url: str) -> str:
    """The URL or source name a check was asked for, as it may be shown."""
    return shown(url) if "://" in url else url


def deletions(policy: str, checked: Checked) -> None:
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


def identify_quirks(identify: Identify, asked: str, checked: Checked) -> None:
    """What else in an Identify answer a harvest works around, or a manager should know."""
    if not identify.granularity_stated:
        said = "it states no granularity (§4.2): from and until are sent as dates (YYYY-MM-DD)"
        checked.add("warning", "Identify", said)
    elif identify.granularity not in GRANULARITIES:
        said = f"granularity {identify.granularity!r} is no OAI-PMH granularity (§3.3.2)"
        checked.add("warning", "Identify", said + ": from and until are sent to the second")
    earliest = identify.earliest_datestamp
    if earliest and parse_datestamp(earliest) is None:
        said = f"earliestDatestamp {earliest!r} cannot be read as a date (§3.3.1)"
        checked.add("warning", "Identify", said)
    if identify.base_url and where(identify.base_url) != where(asked):
        said = (
            f"it names its base URL {shown(identify.base_url)}: records are kept under the URL "
            "harvested, so harvest it always by the same one (or give --repository)"
        )
        checked.add("info", "Identify", said)


def shown(url: str) -> str:
    """A URL as it may be shown: its credentials masked (an endpoint's baseURL may quote the
    API key it was asked with), or not at all where its host cannot be read."""
    try:
        return public_url(url)
    except ConfigError:
        return "(a URL that cannot be read)"


def where(url: str) -> str:
    """A base URL's host and path, as compared with the one asked: its scheme may differ
    behind a proxy, and the URL asked may carry an API key (shown masked)."""
    parts = urlsplit(url.strip())
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}"


def page_summary(entries: list[Entry], total: int | None, took: float, checked: Checked) -> None:
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


def record_issues(entries: list[Entry], checked: Checked) -> None:
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
    for code in order[:SHOWN_CODES]:
        severity = first[code].severity
        said = f"{code} ({severity}) on {records[code]} of {len(entries)} records, such as: "
        # A record's error is the record's, not the harvest's: said as a warning.
        level: Level = "info" if severity is Severity.INFO else "warning"
        checked.add(level, "records", said + first[code].message)
    if len(order) > SHOWN_CODES:
        more = order[SHOWN_CODES:]
        checked.add("info", "records", f"and {len(more)} more codes: {', '.join(more)}")


def size(page: Page) -> int:
    """How many records a page holds, read or not (-1 for noRecordsMatch counts none)."""
    return len(page.records) if page.unread is None else max(page.size, 0)


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
