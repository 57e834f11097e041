"""What ``ir-ingest report`` reads of runs (``StoreRunReports``, the part of ``Store`` that
lists them and shows one with its report), and the counts a harvest commits with each page.

A run's report is kept every few seconds as it goes (``save_progress``) and when it ends; its
counts per outcome are committed with each page (``write_progress_counts``), so that a killed
run's are exact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime  # noqa: TC003  # dataclass fields
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from ir_ingest.errors import StoreError, without_class_name
from ir_ingest.store import tables as t
from ir_ingest.store.engine import aware, database_words

__all__ = [
    "PAGES",
    "Committed",
    "RunListed",
    "RunShown",
    "RunsOf",
    "StoreRunReports",
    "write_progress_counts",
]

#: The key of a harvest's committed counts that holds its pages stored, beside its counts per
#: outcome (no outcome is named so): its in-memory count is one page short when the run is
#: stopped between a page's commit and its counting, as its counts per outcome were.
PAGES = "pages"

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.engine import Engine


@dataclass(frozen=True, slots=True)
class RunShown:
    """A run's status now, and its report (None: the run has kept none yet)."""

    id: int
    status: str
    error: str | None
    report: dict[str, Any] | None
    #: Whose lock a running run holds (see ``store.lock.held``).
    source_key: str
    metadata_prefix: str
    #: What the run was asked, in the form of a report's fields (repository, set, dates,
    #: started_at …): the report of a run that ended before it kept one (killed on its first
    #: page) is made of it.
    begun: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RunsOf:
    """Which of a repository's runs ``report --list --source NAME`` shows: those of the
    configured source's set (``None``: of no set), and of its format (``None``: any, for a
    source whose format is chosen at each run, ``prefix = "auto"``), and its reprocess runs
    (kept under ``reprocess_prefix``, of no set: they reprocess every set's records).  Two
    sources of one repository (its theses set and the rest) had shown each other's runs."""

    set_spec: str | None
    prefix: str | None
    reprocess_prefix: str


@dataclass(frozen=True, slots=True)
class RunListed:
    """A run as ``ir-ingest report --list`` shows it."""

    id: int
    status: str
    started_at: datetime
    repository: str
    metadata_prefix: str
    source_key: str
    #: What else the run asked for, as (label, value): set, dates, windows, crosswalk, full.
    asked: tuple[tuple[str, object], ...]
    #: Records the run counts (for a harvest not finished, as of its last page stored); None:
    #: none counted yet.
    records: int | None
    error: str | None


def _listed(row: Any) -> RunListed:
    counts = _counts(row.progress_counts, json.loads(row.report_json) if row.report_json else None)
    return RunListed(
        id=row.id,
        status=row.status,
        started_at=aware(row.started_at),
        repository=row.repository,
        metadata_prefix=row.metadata_prefix,
        source_key=row.source_key,
        asked=(
            ("set", row.set_spec),
            ("from", row.from_date),
            ("until", row.until_date),
            ("windows", row.window),
            ("crosswalk", row.crosswalk),
            ("full", bool(row.full)),
        ),
        records=sum(counts.values()) if counts is not None else None,
        error=_shown(row.error),
    )


@dataclass(frozen=True, slots=True)
class Committed:
    """What a running run committed with its last page: its counts per outcome, and its pages
    stored (None: a reprocess's batches, or a run of a version that did not commit them)."""

    counts: dict[str, int]
    pages: int | None

    @classmethod
    def read(cls, progress: str) -> Committed:
        """From the JSON ``harvest_runs.progress_counts`` holds."""
        counts: dict[str, int] = json.loads(progress)
        pages = counts.pop(PAGES, None)
        return cls(counts, pages)


def _counts(progress: str | None, report: dict[str, Any] | None) -> dict[str, int] | None:
    """A run's counts per outcome: those committed with its last page while it was going on
    (exact, for a killed run too), else its report's (kept every few seconds, and when it
    ends); None when it has neither yet."""
    if progress is not None:
        return Committed.read(progress).counts
    if report is None:
        return None
    kept: dict[str, int] = report["counts"]
    return kept


class StoreRunReports:
    """Runs as ``ir-ingest report`` lists and shows them (mixed into ``Store``)."""

    engine: Engine

    def list_runs(
        self, limit: int, repository: str | None = None, of: RunsOf | None = None
    ) -> list[RunListed]:
        """The latest ``limit`` runs (of ``repository``, the name a source's records are
        kept under, when given; of one of its sources' format and set, when ``of`` says
        which), newest first."""
        runs = t.harvest_runs
        query = (
            select(
                runs.c.id,
                runs.c.status,
                runs.c.started_at,
                runs.c.repository,
                runs.c.metadata_prefix,
                runs.c.source_key,
                runs.c.set_spec,
                runs.c.from_date,
                runs.c.until_date,
                runs.c.window,
                runs.c.crosswalk,
                runs.c.full,
                runs.c.error,
                runs.c.report_json,
                runs.c.progress_counts,
            )
            .order_by(runs.c.id.desc())
            .limit(limit)
        )
        if repository is not None:
            query = query.where(runs.c.repository == repository)
        if of is not None:
            asked = (
                runs.c.set_spec.is_(None) if of.set_spec is None else runs.c.set_spec == of.set_spec
            )
            if of.prefix is not None:
                asked = and_(asked, runs.c.metadata_prefix == of.prefix)
            query = query.where(or_(asked, runs.c.metadata_prefix == of.reprocess_prefix))
        with self.engine.connect() as conn:
            return [_listed(row) for row in conn.execute(query)]

    def run_repositories(self) -> set[str]:
        """The names of the repositories runs were kept for (``all sources`` for reprocess
        runs of every source)."""
        runs = t.harvest_runs
        with self.engine.connect() as conn:
            return set(conn.execute(select(runs.c.repository).distinct()).scalars())

    def save_progress(self, run_id: int, report: dict[str, Any]) -> None:
        """Keep the report of a run that is still going on (see ``report.keeper``)."""
        runs = t.harvest_runs
        with self.engine.begin() as conn:
            conn.execute(
                update(runs)
                .where(runs.c.id == run_id, runs.c.status == "running")
                .values(report_json=json.dumps(report).encode())
            )

    def run_shown(self, run_id: int | None = None) -> RunShown | None:
        """A run (the latest when ``run_id`` is None) with its report, read together: a
        report kept as the run went on and the status it has now must be of one moment."""
        runs = t.harvest_runs
        query = select(
            runs.c.id,
            runs.c.status,
            runs.c.error,
            runs.c.report_json,
            runs.c.source_key,
            runs.c.metadata_prefix,
            runs.c.progress_counts,
            *_BEGUN,
        )
        if run_id is None:
            query = query.order_by(runs.c.id.desc()).limit(1)
        else:
            query = query.where(runs.c.id == run_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        report = json.loads(row.report_json) if row.report_json else None
        begun = _begun(row)
        if row.progress_counts is not None:
            # Its last page's, newer than its report's (the rest of it may lag a few seconds).
            committed = Committed.read(row.progress_counts)
            for kept in (begun,) if report is None else (begun, report):
                kept["counts"] = committed.counts
                if committed.pages is not None:
                    kept["pages"] = committed.pages
        shown = _shown(row.error)
        return RunShown(
            row.id, row.status, shown, report, row.source_key, row.metadata_prefix, begun
        )

    def run_report(self, run_id: int | None = None) -> dict[str, Any] | None:
        """The stored report of a run (when ``run_id`` is None, the latest run's that has
        one: finished, or kept as it went)."""
        query = select(t.harvest_runs.c.report_json).where(
            t.harvest_runs.c.report_json.is_not(None)
        )
        if run_id is None:
            query = query.order_by(t.harvest_runs.c.id.desc()).limit(1)
        else:
            query = query.where(t.harvest_runs.c.id == run_id)
        with self.engine.connect() as conn:
            raw = conn.execute(query).scalar()
        loaded: dict[str, Any] | None = json.loads(raw) if raw else None
        return loaded

    def committed(self, run_id: int) -> Committed | None:
        """What a running run committed with its last page (None: it has committed none, or
        has finished); :class:`StoreError` when the store cannot say."""
        query = select(t.harvest_runs.c.progress_counts).where(t.harvest_runs.c.id == run_id)
        try:
            with self.engine.connect() as conn:
                progress = conn.execute(query).scalar()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot read run {run_id}'s counts: {database_words(exc)}") from exc
        return Committed.read(progress) if progress else None


#: A running run's counts (``harvest_runs.progress_counts``), built once: built for each page,
#: the statement cost 150-260 µs a page, 2-3% of a 100-record page's commit on SQLite (about
#: 9 ms here); built once, 35 µs.
_PROGRESS = (
    update(t.harvest_runs)
    .where(t.harvest_runs.c.id == bindparam("run"), t.harvest_runs.c.status == "running")
    .values(progress_counts=bindparam("counts"))
)


def write_progress_counts(conn: Connection, run_id: int, counts: dict[str, int]) -> None:
    """Keep a running run's counts (a finished one's are its report's)."""
    conn.execute(_PROGRESS, {"run": run_id, "counts": json.dumps(counts)})


def _begun(row: Any) -> dict[str, Any]:
    """``RunShown.begun`` of a run's ``row``."""
    begun = {column.name: getattr(row, column.name) for column in _BEGUN}
    begun |= {"run_id": row.id, "metadata_prefix": row.metadata_prefix, "full": bool(row.full)}
    begun["started_at"] = aware(row.started_at).isoformat(timespec="seconds")
    return begun


#: A run's columns that are a report's fields of the same name (see ``RunShown.begun``).
_BEGUN = tuple(
    getattr(t.harvest_runs.c, name)
    for name in (
        "repository",
        "set_spec",
        "from_date",
        "until_date",
        "window",
        "crosswalk",
        "full",
        "started_at",
    )
)


def _shown(error: str | None) -> str | None:
    """A run's error as said now, whichever ir-ingest kept it (see :func:`without_class_name`)."""
    return None if error is None else without_class_name(error)
