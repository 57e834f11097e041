"""The run report: counts per outcome and issue code, and the entries that had issues."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from ir_ingest.entry import Entry, Outcome, Severity
from ir_ingest.errors import failure_said, without_class_name
from ir_ingest.wording import counted

if TYPE_CHECKING:
    from collections.abc import Callable

    from ir_ingest.entry import Issue

#: Entries with issues kept in one report; beyond this only the counts grow.
MAX_LISTED_ENTRIES = 5000


@dataclass(slots=True)
class EntryReport:
    """One entry as the report lists it: entries with a warning or an error are listed."""

    identifier: str
    outcome: str
    title: str | None
    issues: list[dict[str, str]]


@dataclass(slots=True)
class RunReport:
    """What one run did.  ``counts`` has every :class:`Outcome` as a key, zero included."""

    repository: str
    metadata_prefix: str
    run_id: int | None = None
    #: ``harvest`` or ``reprocess`` (which has no format, pages or dates of its own).
    kind: str = "harvest"
    set_spec: str | None = None
    from_date: str | None = None
    until_date: str | None = None
    status: str = "running"
    error: str | None = None
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    finished_at: str | None = None
    window: str | None = None
    #: A ``--full`` run: it asked for everything, and swept for records gone from the source.
    full: bool = False
    #: The crosswalk the run read records with, when not the one the prefix names.
    crosswalk: str | None = None
    pages: int = 0
    complete_list_size: int | None = None
    resumed_from_token: str | None = None
    resumed_run_id: int | None = None
    counts: dict[str, int] = field(default_factory=lambda: {o.value: 0 for o in Outcome})
    issue_counts: dict[str, int] = field(default_factory=dict)
    #: Codes seen as information (``crosswalk.format_limit``): counted, not alarming.
    info_codes: list[str] = field(default_factory=list)
    #: Code -> severity -> issues: ``issue_counts`` split by severity, as a code may have more
    #: than one (``crosswalk.bad_value`` is an error only where a rule rejects).  Reports kept
    #: before it have none: their codes' severities are unknown (see :meth:`problems`).
    severity_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Unchanged records that still fail validation: ``invalid`` counts only new versions.
    unchanged_invalid: int = 0
    entries: list[EntryReport] = field(default_factory=list)
    entries_not_listed: int = 0
    #: Problems of the run rather than of a record: a guard that ended a window early
    #: (``harvest.repeated_token``, ``harvest.repeated_page``, ``harvest.empty_pages``,
    #: ``harvest.request_cap``), an empty run's unknown set (``harvest.unknown_set``) or the
    #: sweep's finding (``harvest.gone_from_source``); each with ``code``, ``message``, ``where``.
    run_issues: list[dict[str, str]] = field(default_factory=list)
    #: A harvest window ended early by a guard (repeated token, empty pages, request cap): the
    #: run is ``incomplete`` and the next incremental run starts before it.
    cut_short: bool = False
    #: OAI identifiers of stored records a full run's sweep no longer found at the source.
    gone_from_source: list[str] = field(default_factory=list)
    #: Their titles, where the stored record has one.
    gone_titles: dict[str, str] = field(default_factory=dict)
    #: Records given a new version (updated, restored, or stored invalid) with what it changed
    #: from the one it replaced: ``identifier``, ``title`` and ``fields`` (top-level record
    #: fields), at most :data:`MAX_LISTED_ENTRIES` of them.
    changes: list[dict[str, Any]] = field(default_factory=list)
    changes_not_listed: int = 0
    #: Record field -> how many new versions changed it (all of them, listed or not).
    changed_field_counts: dict[str, int] = field(default_factory=dict)
    #: Records the run deleted (made tombstones of, as the source said): ``identifier`` and
    #: ``title`` (the last one stored, or None), at most :data:`MAX_LISTED_ENTRIES` of them.
    #: Created records are not listed: a first harvest creates them all.
    deletions: list[dict[str, Any]] = field(default_factory=list)
    deletions_not_listed: int = 0
    #: Records the source had deleted and sends again (stored live again, valid): as
    #: ``deletions``; what their new version changed is in ``changes`` too.
    restorations: list[dict[str, Any]] = field(default_factory=list)
    restorations_not_listed: int = 0

    @property
    def total(self) -> int:
        """How many entries the run handled."""
        return sum(self.counts.values())

    def duration(self) -> timedelta | None:
        """How long the run took: None until it ends, and for a run whose end was never
        recorded (killed, and marked failed by the next run of its source)."""
        if self.finished_at is None:
            return None
        return datetime.fromisoformat(self.finished_at) - datetime.fromisoformat(self.started_at)

    def codes(self) -> set[str]:
        """Every issue code the run met: counted, said of the run, or on a record listed."""
        return {
            *self.issue_counts,
            *(issue["code"] for issue in self.run_issues),
            *(issue["code"] for entry in self.entries for issue in entry.issues),
        }

    def problems(self) -> list[tuple[str, str | None, int]]:
        """``(code, severity, issues)`` of the warnings and errors: errors first, then
        warnings, each by code; a code met with both has a row of each.  A report kept before
        severities were counted has None for each code's, and its notes left out."""
        if self.issue_counts and not self.severity_counts:
            counts = self.issue_counts.items()
            return [(code, None, n) for code, n in counts if code not in self.info_codes]
        rows = [
            (code, severity, n)
            for code, severities in self.severity_counts.items()
            for severity, n in severities.items()
            if severity != Severity.INFO.value
        ]
        return sorted(rows, key=lambda row: (row[1] != Severity.ERROR.value, row[0]))

    def notes(self) -> list[tuple[str, int]]:
        """``(code, issues)`` of the issues that are information only, by code."""
        if not self.severity_counts:
            return [(code, n) for code, n in self.issue_counts.items() if code in self.info_codes]
        return [
            (code, severities[Severity.INFO.value])
            for code, severities in self.severity_counts.items()
            if Severity.INFO.value in severities
        ]

    def counts_with(self, entries: list[Entry]) -> dict[str, int]:
        """``counts`` as :meth:`add` leaves them with ``entries`` (their ``outcome`` set)."""
        counts = dict(self.counts)
        for entry in entries:
            outcome = (entry.outcome or Outcome.FAILED).value
            counts[outcome] = counts.get(outcome, 0) + 1
        return counts

    def add(self, entries: list[Entry]) -> None:
        """Count a page of stored entries (their ``outcome`` must be set)."""
        self.counts = self.counts_with(entries)
        counted: list[Issue] = []
        changed: Counter[str] = Counter(self.changed_field_counts)
        for entry in entries:
            outcome = entry.outcome or Outcome.FAILED
            if outcome is Outcome.UNCHANGED and entry.has_errors:
                self.unchanged_invalid += 1
            issues = _reported(entry.issues, outcome)
            counted.extend(issues)
            if any(issue.severity is not Severity.INFO for issue in issues):
                self._list(entry, outcome, issues)
            if entry.changed_fields and outcome in _VERSIONED:
                changed.update(entry.changed_fields)
                self._list_change(entry)
            if outcome is Outcome.DELETED:
                self._list_deletion(entry)
            if outcome is Outcome.RESTORED:
                self._list_restoration(entry)
        self._count(counted)
        self.changed_field_counts = dict(sorted(changed.items()))

    def _count(self, issues: list[Issue]) -> None:
        # The page's issues are counted in one pass, by code and severity, and the report's
        # counts then per code and severity met (a few a page), not per issue: counted issue
        # by issue, in three passes, a report cost 12.5 µs a record (6 issues each).
        split = {code: Counter(by) for code, by in self.severity_counts.items()}
        codes, info = Counter(self.issue_counts), set(self.info_codes)
        for (code, severity), n in Counter(map(_CODE_AND_SEVERITY, issues)).items():
            codes[code] += n
            split.setdefault(code, Counter())[severity.value] += n
            if severity is Severity.INFO:
                info.add(code)
        self.issue_counts = dict(sorted(codes.items()))
        self.info_codes = sorted(info)
        self.severity_counts = {code: dict(sorted(split[code].items())) for code in sorted(split)}

    def _list(self, entry: Entry, outcome: Outcome, issues: list[Issue]) -> None:
        if len(self.entries) >= MAX_LISTED_ENTRIES:
            self.entries_not_listed += 1
            return
        self.entries.append(
            EntryReport(
                identifier=entry.harvested.identifier,
                outcome=outcome.value,
                title=_title(entry),
                issues=[issue.to_dict() for issue in issues],
            )
        )

    def _list_change(self, entry: Entry) -> None:
        if len(self.changes) >= MAX_LISTED_ENTRIES:
            self.changes_not_listed += 1
            return
        self.changes.append(
            {
                "identifier": entry.harvested.identifier,
                "title": _title(entry),
                "fields": entry.changed_fields,
                # Before and after, shortened (a report of a run before them has none).
                "values": {name: list(pair) for name, pair in entry.changed_values.items()},
            }
        )

    def _list_deletion(self, entry: Entry) -> None:
        if len(self.deletions) >= MAX_LISTED_ENTRIES:
            self.deletions_not_listed += 1
            return
        identifier = entry.harvested.identifier
        self.deletions.append({"identifier": identifier, "title": entry.tombstoned_title})

    def _list_restoration(self, entry: Entry) -> None:
        if len(self.restorations) >= MAX_LISTED_ENTRIES:
            self.restorations_not_listed += 1
            return
        self.restorations.append({"identifier": entry.harvested.identifier, "title": _title(entry)})

    def add_run_issue(self, issue: Issue, where: str) -> None:
        """Note a problem of the run itself; ``where`` names the window or stage."""
        self.run_issues.append({**issue.to_dict(), "where": where})

    def finish(self, status: str, error: str | None = None) -> None:
        """Close the report as ``completed``, ``incomplete`` or ``failed``."""
        self.status = status
        self.error = error
        self.finished_at = datetime.now(UTC).isoformat(timespec="seconds")

    def fail(self, exc: BaseException) -> None:
        """Close the report as ``failed`` by ``exc`` (Ctrl-C and SIGTERM said as such)."""
        self.finish("failed", failure_said(exc))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as stored with the run and written by ``--format json``."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunReport:
        """Rebuild a report stored by :meth:`to_dict`."""
        entries = [EntryReport(**e) for e in data.get("entries", [])]
        error = data.get("error")
        shown = None if error is None else without_class_name(error)
        return cls(**{**data, "entries": entries, "error": shown})

    def summary(self) -> str:
        """One line: the counts a repository manager looks at first."""
        c = self.counts
        unchanged = f"{c['unchanged']:,} unchanged"
        if self.unchanged_invalid:
            unchanged += f" ({self.unchanged_invalid:,} of them still invalid)"
        # Reports stored before there were ``skipped``, ``restored`` and ``tombstone_only``
        # outcomes have no count for them.
        skipped, restored = c.get("skipped", 0), c.get("restored", 0)
        never_held = c.get("tombstone_only", 0)
        older = f", {skipped:,} skipped (a newer or better copy is stored)" if skipped else ""
        back = f", {restored:,} restored (deleted before)" if restored else ""
        gone = (
            f", {never_held:,} deleted at the source but never held (tombstone kept)"
            if never_held
            else ""
        )
        return (
            f"{counted(self.total, 'record')}: {c['created']:,} created, "
            f"{c['updated']:,} updated{back}, {unchanged}, {c['deleted']:,} deleted{gone}, "
            f"{c['invalid']:,} invalid, {c['failed']:,} failed{older}"
        )


#: What an issue is counted by.
_CODE_AND_SEVERITY: Callable[[Issue], tuple[str, Severity]] = attrgetter("code", "severity")

#: The outcomes of a new version of a stored record, whose changes the report lists.
_VERSIONED = (Outcome.UPDATED, Outcome.RESTORED, Outcome.INVALID)


def _reported(issues: list[Issue], outcome: Outcome) -> list[Issue]:
    """The issues a report counts: of a copy not stored (skipped) only why it was not; the
    problems of a copy the store did not keep are not the run's."""
    if outcome is not Outcome.SKIPPED:
        return issues
    return [issue for issue in issues if issue.code.startswith("store.")]


def _title(entry: Entry) -> str | None:
    record = entry.record
    return record.title.value if record and record.title else None
