"""The store: current records, their versions, rejects, harvest runs and checkpoints.

A SQLite file by default; any SQLAlchemy URL works (PostgreSQL through psycopg 3 for many workers).
Every write that belongs together happens in one transaction: a harvest page's records and the
checkpoint that follows them are committed together, so a run killed at any moment leaves the store
consistent with its checkpoint.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import (
    Connection,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from ir_ingest.entry import Entry, HarvestedRecord, Issue, Severity, stored_datestamp
from ir_ingest.errors import StoreError, WriteConflict
from ir_ingest.oai.datestamp import parse_datestamp
from ir_ingest.schema import Record, record_id
from ir_ingest.store import tables as t
from ir_ingest.store.migrate import migrate
from ir_ingest.store.pagewrite import PageWriter, content_hash

__all__ = [
    "DEFAULT_DB_URL",
    "Checkpoint",
    "RunInfo",
    "Store",
    "StoredState",
    "content_hash",
    "source_key",
]

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sqlalchemy import Row

DEFAULT_DB_URL = "sqlite:///ir-ingest.sqlite3"
#: How often a page write that lost a race on a primary key is tried in all.
_WRITE_ATTEMPTS = 3
#: PostgreSQL's deadlock_detected and serialization_failure: the transaction may succeed again.
_RETRIED_SQLSTATES = frozenset({"40P01", "40001"})
#: How often a new SQLite connection tries to switch the file to WAL (about 2 s in all).
_WAL_ATTEMPTS = 20
_Row = TypeVar("_Row", "Checkpoint", "RunInfo")
#: A query parameter of a database URL that holds a secret (password, sslpassword, auth_token…).
_SECRET_PARAMETER = re.compile(r"([?&][^=&]*(?:passw|secret|token|key)[^=&]*=)[^&]*", re.I)


@dataclass(frozen=True, slots=True)
class StoredState:
    """What the store holds of a record: the datestamp and format of its current version."""

    datestamp: str
    metadata_prefix: str
    deleted: bool


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Where a source's harvest stands: the token to resume with and the newest datestamp seen."""

    source_key: str
    run_id: int
    token: str | None
    cursor: int | None
    complete_list_size: int | None
    last_datestamp: str | None
    pages: int
    records: int
    cut_short: bool = False


@dataclass(frozen=True, slots=True)
class RunInfo:
    """A harvest run as the next run of its source needs it (to resume it, or to follow it)."""

    id: int
    status: str
    from_date: str | None
    until_date: str | None
    window: str | None
    full: bool
    sync_started_at: datetime


@dataclass(frozen=True, slots=True)
class RunShown:
    """A run's status now, and its report (None: the run has kept none yet)."""

    id: int
    status: str
    error: str | None
    report: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class RunListed:
    """A run as ``ir-ingest report --list`` shows it."""

    id: int
    status: str
    started_at: datetime
    repository: str
    metadata_prefix: str
    #: What else the run asked for, as (label, value): set, dates, windows, crosswalk, full.
    asked: tuple[tuple[str, object], ...]
    #: Records the run's report counts (kept as it went, for a run not finished); None: no
    #: report yet.
    records: int | None
    error: str | None


def _listed(row: Any) -> RunListed:
    report = json.loads(row.report_json) if row.report_json else None
    return RunListed(
        id=row.id,
        status=row.status,
        started_at=_aware(row.started_at),
        repository=row.repository,
        metadata_prefix=row.metadata_prefix,
        asked=(
            ("set", row.set_spec),
            ("from", row.from_date),
            ("until", row.until_date),
            ("windows", row.window),
            ("crosswalk", row.crosswalk),
            ("full", bool(row.full)),
        ),
        records=sum(report["counts"].values()) if report else None,
        error=row.error,
    )


def source_key(
    repository: str, prefix: str, set_spec: str | None, crosswalk: str | None = None
) -> str:
    """The key runs and checkpoints are kept under: one per endpoint, format, set and
    crosswalk of its own.  Another crosswalk is another source: its first run asks for
    everything, so that every record is made by it (an incremental run would leave the rest
    as the old crosswalk made them, or as rejects it failed)."""
    own = f" {crosswalk}" if crosswalk is not None else ""
    return f"{repository} {prefix} {set_spec or '*'}{own}"


def _now() -> datetime:
    return datetime.now(UTC)


def _from_row(cls: type[_Row], row: Row[Any]) -> _Row:
    """A dataclass from the result-row columns named like its fields."""
    return cls(**{field.name: row._mapping[field.name] for field in fields(cls)})


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back naive; they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class Store:
    """Records, versions and harvest state in one SQL database."""

    def __init__(self, url: str = DEFAULT_DB_URL) -> None:
        self.url = url
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            # SQLAlchemy's message repeats the whole string, password and all.
            shown = url if "@" not in url else "the value given (not shown: it may hold a password)"
            raise StoreError(
                f"{shown} is not a database URL; give one such as sqlite:///ir-ingest.sqlite3 "
                "or postgresql+psycopg://user@host/db"
            ) from exc
        try:
            self.engine: Engine = _engine(parsed)
            if self.engine.dialect.name == "sqlite":
                event.listen(self.engine, "connect", _sqlite_pragmas)
            migrate(self.engine, redact_url(url))
        except StoreError:
            self.engine.dispose()  # a store this version refuses: nothing stays open
            raise
        except ModuleNotFoundError as exc:
            extra = " (pip install 'ir-ingest[postgres]')" if exc.name == "psycopg" else ""
            raise StoreError(
                f"cannot open the store at {redact_url(url)}: its driver {exc.name!r} is not "
                f"installed{extra}"
            ) from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the store at {redact_url(url)}: {exc}") from exc

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # -- runs and checkpoints -----------------------------------------------------------------

    def begin_run(
        self,
        repository: str,
        prefix: str,
        set_spec: str | None = None,
        from_date: str | None = None,
        until_date: str | None = None,
        *,
        window: str | None = None,
        full: bool = False,
        sync_started_at: datetime | None = None,
        crosswalk: str | None = None,
    ) -> int:
        """Record the start of a harvest run and return its id.

        ``sync_started_at`` is the start of the run this one resumes (default: now);
        ``crosswalk`` the run's own crosswalk, if any (its rejects are tried with it again).
        """
        now = _now()
        with self.engine.begin() as conn:
            result = conn.execute(
                insert(t.harvest_runs).values(
                    source_key=source_key(repository, prefix, set_spec, crosswalk),
                    repository=repository,
                    metadata_prefix=prefix,
                    set_spec=set_spec,
                    from_date=from_date,
                    until_date=until_date,
                    window=window,
                    full=full,
                    status="running",
                    started_at=now,
                    sync_started_at=sync_started_at or now,
                    crosswalk=crosswalk,
                )
            )
            run_id = result.inserted_primary_key
            assert run_id is not None
            return int(run_id[0])

    def finish_run(
        self, run_id: int, status: str, report: dict[str, Any], error: str | None = None
    ) -> None:
        """Mark a run finished (``completed``, ``incomplete`` or ``failed``), keep its report."""
        with self.engine.begin() as conn:
            conn.execute(
                update(t.harvest_runs)
                .where(t.harvest_runs.c.id == run_id)
                .values(
                    status=status,
                    finished_at=_now(),
                    error=error,
                    report_json=json.dumps(report).encode(),
                )
            )

    def list_runs(self, limit: int) -> list[RunListed]:
        """The latest ``limit`` runs, newest first."""
        runs = t.harvest_runs
        query = (
            select(
                runs.c.id,
                runs.c.status,
                runs.c.started_at,
                runs.c.repository,
                runs.c.metadata_prefix,
                runs.c.set_spec,
                runs.c.from_date,
                runs.c.until_date,
                runs.c.window,
                runs.c.crosswalk,
                runs.c.full,
                runs.c.error,
                runs.c.report_json,
            )
            .order_by(runs.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [_listed(row) for row in conn.execute(query)]

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
        query = select(runs.c.id, runs.c.status, runs.c.error, runs.c.report_json)
        if run_id is None:
            query = query.order_by(runs.c.id.desc()).limit(1)
        else:
            query = query.where(runs.c.id == run_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        report = json.loads(row.report_json) if row.report_json else None
        return RunShown(row.id, row.status, row.error, report)

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

    def last_run(self, key: str) -> RunInfo | None:
        """The latest run of a source (any status), or None."""
        runs = t.harvest_runs
        with self.engine.connect() as conn:
            row = conn.execute(
                select(runs).where(runs.c.source_key == key).order_by(runs.c.id.desc()).limit(1)
            ).first()
        if row is None:
            return None
        info = _from_row(RunInfo, row)
        return replace(info, sync_started_at=_aware(info.sync_started_at))

    def last_synced_at(self, key: str) -> datetime | None:
        """When the last harvest that brought the source up to date started (for incremental
        runs): a completed, open-ended run that asked for everything since the one before.

        A run with an explicit ``until`` left later changes for another run.  A run with an
        explicit ``from`` later than the source's last sync (a mistyped year, a test of last
        week's records) left a gap before it: counted, it made every later run skip the gap.
        """
        runs = t.harvest_runs
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(runs.c.from_date, runs.c.sync_started_at)
                .where(
                    runs.c.source_key == key,
                    runs.c.status == "completed",
                    runs.c.until_date.is_(None),
                )
                .order_by(runs.c.sync_started_at)
            ).all()
        synced: datetime | None = None
        for from_date, started in rows:
            since = parse_datestamp(from_date) if from_date else None
            if from_date is None or (since is not None and synced is not None and since <= synced):
                synced = _aware(started)
        return synced

    def clear_checkpoints(self, key_prefix: str) -> None:
        """Forget the checkpoints whose key starts with ``key_prefix`` (date windows of a run)."""
        with self.engine.begin() as conn:
            conn.execute(
                delete(t.checkpoints).where(
                    t.checkpoints.c.source_key.startswith(key_prefix, autoescape=True)
                )
            )

    def checkpoint(self, key: str) -> Checkpoint | None:
        """The checkpoint of a source, if it was ever harvested."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.checkpoints).where(t.checkpoints.c.source_key == key)
            ).first()
        return None if row is None else _from_row(Checkpoint, row)

    def run_has_checkpoints(self, run_id: int) -> bool:
        """Whether a run committed any page (so there is something to continue from)."""
        with self.engine.connect() as conn:
            found = conn.execute(
                select(t.checkpoints.c.source_key).where(t.checkpoints.c.run_id == run_id).limit(1)
            ).first()
        return found is not None

    def run_status(self, run_id: int) -> tuple[str, str | None] | None:
        """The status of a run (``running``, ``completed``, ``incomplete``, ``failed``) and
        the error it ended with; None when there is no such run."""
        runs = t.harvest_runs
        with self.engine.connect() as conn:
            row = conn.execute(
                select(runs.c.status, runs.c.error).where(runs.c.id == run_id)
            ).first()
        return None if row is None else (str(row.status), row.error)

    def end_dead_runs(self, key: str, successor: int, resumed: int | None = None) -> None:
        """Mark the runs of source ``key`` before ``successor`` that still say ``running`` as
        failed.

        Called by a run that holds the source's lock: no run of it can be going on, so those
        were killed (or their machine went down) and would otherwise say "running" for ever.
        ``resumed`` is the one ``successor`` continues, if any.
        """
        runs = t.harvest_runs
        dead = (runs.c.source_key == key, runs.c.status == "running", runs.c.id < successor)
        why = "stopped without finishing (killed, or its machine went down)"
        with self.engine.begin() as conn:
            if resumed is not None:
                conn.execute(
                    update(runs)
                    .where(*dead, runs.c.id == resumed)
                    .values(status="failed", error=f"{why}; run {successor} continued it")
                )
            conn.execute(
                update(runs)
                .where(*dead)
                .values(status="failed", error=f"{why}; noticed by run {successor}")
            )

    def running_sources(self) -> set[str]:
        """The source keys of runs that say ``running`` (going on, or killed)."""
        runs = t.harvest_runs
        with self.engine.connect() as conn:
            query = select(runs.c.source_key).where(runs.c.status == "running").distinct()
            return {str(key) for key in conn.execute(query).scalars()}

    # -- records ------------------------------------------------------------------------------

    def save_page(
        self, run_id: int | None, entries: Iterable[Entry], after: Checkpoint | None
    ) -> None:
        """Store a page of entries and, in the same transaction, the checkpoint that follows it.

        Sets each entry's ``outcome``, and adds an issue to those skipped as older than what
        the store holds.  Another writer may store one of the same records between our read and
        our write (see ``pagewrite``): the transaction then fails on the primary key or on the
        version it read, and is run again on the fresh state, a few times.
        """
        page = list(entries)
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                with self.engine.begin() as conn:
                    writer = PageWriter(conn, run_id)
                    writer.write(page)
                    if after is not None:
                        _write_checkpoint(conn, after)
                for entry, issue in writer.skipped:
                    entry.issues.append(issue)
                return
            except WriteConflict:
                if attempt + 1 == _WRITE_ATTEMPTS:
                    raise
            except IntegrityError as exc:
                if attempt + 1 == _WRITE_ATTEMPTS:
                    raise StoreError(f"cannot write to the store: {exc.orig}") from exc
            except OperationalError as exc:
                # PostgreSQL ends one of two writers that wait for each other's rows (pages
                # of two sets holding the same records in another order): write it again.
                retried = getattr(exc.orig, "sqlstate", None) in _RETRIED_SQLSTATES
                if not retried or attempt + 1 == _WRITE_ATTEMPTS:
                    raise StoreError(
                        f"cannot write to the store at {redact_url(self.url)}: {exc}"
                    ) from exc
            except SQLAlchemyError as exc:
                raise StoreError(
                    f"cannot write to the store at {redact_url(self.url)}: {exc}"
                ) from exc

    def unchanged_since_read(self, harvested: Iterable[HarvestedRecord]) -> set[tuple[str, str]]:
        """``(repository, identifier)`` of those of ``harvested`` still stored live with the
        same datestamp (two sources may use the same OAI identifier).

        ``reprocess`` writes only those: a record a harvest changed or deleted meanwhile keeps
        the harvest's newer state.
        """
        read = {(h.repository, h.identifier): h for h in harvested}
        return {
            key
            for key, state in self.stored_states(read.values()).items()
            if not state.deleted and state.datestamp == stored_datestamp(read[key].datestamp)
        }

    def received_in_run(self, run_id: int, harvested: Iterable[HarvestedRecord]) -> set[str]:
        """The identifiers among ``harvested`` this run already stored with the same datestamp,
        as a record or as a reject (a page sent again after a recovery must not add its
        rejects a second time: rejects have no key to collide on)."""
        wanted = {record_id(h.repository, h.identifier): h for h in harvested}
        if not wanted:
            return set()
        query = select(t.records.c.id, t.records.c.datestamp).where(
            t.records.c.id.in_(list(wanted)), t.records.c.run_id == run_id
        )
        r = t.rejects.c
        rejected = select(r.repository, r.oai_identifier, r.datestamp).where(
            r.run_id == run_id, r.oai_identifier.in_([h.identifier for h in wanted.values()])
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            reject_rows = conn.execute(rejected).all()
        seen = {
            wanted[rid].identifier
            for rid, stamp in rows
            if stamp == stored_datestamp(wanted[rid].datestamp)
        }
        keys = {
            (h.repository, h.identifier, stored_datestamp(h.datestamp)) for h in wanted.values()
        }
        return seen | {row.oai_identifier for row in reject_rows if tuple(row) in keys}

    def stored_states(
        self, harvested: Iterable[HarvestedRecord]
    ) -> dict[tuple[str, str], StoredState]:
        """How the store holds each of ``harvested`` it holds, by ``(repository, identifier)``."""
        wanted = {record_id(h.repository, h.identifier): h for h in harvested}
        if not wanted:
            return {}
        c = t.records.c
        query = select(c.id, c.datestamp, c.metadata_prefix, c.deleted).where(
            c.id.in_(list(wanted))
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return {
            (wanted[row.id].repository, wanted[row.id].identifier): StoredState(
                row.datestamp, row.metadata_prefix, row.deleted
            )
            for row in rows
        }

    def list_rejects(
        self, repository: str | None = None, skip_prefix: str = ""
    ) -> list[tuple[int, str, str, str]]:
        """``(key, repository, identifier, datestamp)`` of every reject whose raw XML was kept.

        For ``reprocess`` to choose which to try again (:meth:`read_rejects`).  Identifiers
        starting with ``skip_prefix`` (when given) are left out.
        """
        c = t.rejects.c
        query = select(c.pk, c.repository, c.oai_identifier, c.datestamp).where(c.raw.is_not(None))
        if repository is not None:
            query = query.where(c.repository == repository)
        if skip_prefix:
            query = query.where(~c.oai_identifier.startswith(skip_prefix, autoescape=True))
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(c.pk)).all()
        return [(row.pk, row.repository, row.oai_identifier, row.datestamp) for row in rows]

    def read_rejects(self, keys: list[int]) -> list[tuple[HarvestedRecord, list[Issue]]]:
        """These rejects as harvested records, each with the ``xml.*`` issues of its response.

        Its ``metadata_prefix`` and ``crosswalk`` are its harvest run's; a reject no run made (a
        file import) comes with an empty prefix, for the caller to tell from the XML.
        """
        c, runs = t.rejects.c, t.harvest_runs.c
        query = (
            select(c.repository, c.oai_identifier, c.datestamp, c.raw, c.issues_json)
            .add_columns(runs.metadata_prefix, runs.crosswalk)
            .select_from(t.rejects.outerjoin(t.harvest_runs, c.run_id == runs.id))
            .where(c.pk.in_(keys))
            .order_by(c.pk)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            (
                HarvestedRecord(
                    row.repository,
                    row.oai_identifier,
                    row.datestamp,
                    row.metadata_prefix or "",
                    row.raw,
                    crosswalk=row.crosswalk,
                ),
                _response_issues(row.issues_json),
            )
            for row in rows
        ]

    def drop_rejects(self, keys: Iterable[tuple[str, str]]) -> None:
        """Forget every reject of these ``(repository, identifier)``: stored now, or superseded."""
        c = t.rejects.c
        with self.engine.begin() as conn:
            for repository, identifier in keys:
                conn.execute(
                    delete(t.rejects).where(
                        c.repository == repository, c.oai_identifier == identifier
                    )
                )

    def mark_swept(self, run_id: int, repository: str, identifiers: Iterable[str]) -> None:
        """Note that a ListIdentifiers sweep of ``run_id`` found these records at the source."""
        ids = [record_id(repository, identifier) for identifier in identifiers]
        with self.engine.begin() as conn:
            conn.execute(
                update(t.records).where(t.records.c.id.in_(ids)).values(swept_run_id=run_id)
            )

    def not_swept(
        self, run_id: int, repository: str, prefix: str, set_spec: str | None
    ) -> list[str]:
        """Live records of a source the sweep of ``run_id`` did not find, by OAI identifier.

        With a set, only records last harvested in that set count.
        """
        query = (
            select(t.records.c.oai_identifier, t.records.c.record_json)
            .where(
                t.records.c.repository == repository,
                t.records.c.metadata_prefix == prefix,
                t.records.c.deleted.is_(False),
                (t.records.c.swept_run_id != run_id) | t.records.c.swept_run_id.is_(None),
            )
            .order_by(t.records.c.oai_identifier)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            identifier
            for identifier, raw in rows
            if set_spec is None or set_spec in Record.from_json(raw).source.set_specs
        ]

    def iter_harvested(
        self, repository: str | None = None, batch: int = 500
    ) -> Iterator[tuple[HarvestedRecord, list[Issue]]]:
        """Every live record's stored raw XML as it was harvested, in id order, for reprocessing.

        Each comes with the issues its harvest found in the response itself (``xml.*``, such as
        characters removed): the stored raw XML is the repaired one and cannot show them again.
        Read in batches by id, so the caller may write to the store between batches.
        """
        columns = t.records.c
        last = ""
        while True:
            query = (
                select(
                    columns.id,
                    columns.repository,
                    columns.oai_identifier,
                    columns.datestamp,
                    columns.metadata_prefix,
                    columns.raw,
                    columns.record_json,
                    columns.issues_json,
                )
                .where(columns.id > last, columns.deleted.is_(False), columns.raw.is_not(None))
                .order_by(columns.id)
                .limit(batch)
            )
            if repository is not None:
                query = query.where(columns.repository == repository)
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
            for row in rows:
                source = Record.from_json(row.record_json).source
                harvested = HarvestedRecord(
                    repository=row.repository,
                    identifier=row.oai_identifier,
                    # The record holds the datestamp whole; the column may be cut to 64.
                    datestamp=source.datestamp or row.datestamp,
                    metadata_prefix=row.metadata_prefix,
                    raw=row.raw,
                    set_specs=tuple(source.set_specs),
                    crosswalk=source.crosswalk,
                )
                yield harvested, _response_issues(row.issues_json)
            if len(rows) < batch:
                return
            last = rows[-1].id

    def iter_records(
        self, include_deleted: bool = True, *, valid_only: bool = False
    ) -> Iterator[Record]:
        """Every stored record in id order; tombstones carry ``source.deleted: true``.

        ``valid_only`` leaves out live records whose last check found errors (a missing title).
        """
        query = select(t.records.c.record_json).order_by(t.records.c.id)
        if not include_deleted:
            query = query.where(t.records.c.deleted.is_(False))
        if valid_only:  # a deletion is news to the consumer whatever the last version was
            query = query.where(t.records.c.valid.is_(True) | t.records.c.deleted.is_(True))
        with self.engine.connect() as conn:
            for (raw,) in conn.execute(query):
                yield Record.from_json(raw)

    def get(self, rid: str) -> Record | None:
        """The current record with this id, or None."""
        with self.engine.connect() as conn:
            raw = conn.execute(
                select(t.records.c.record_json).where(t.records.c.id == rid)
            ).scalar()
        return Record.from_json(raw) if raw is not None else None

    def holds(self, repository: str) -> bool:
        """Whether the store holds a record or a reject of ``repository``."""
        with self.engine.connect() as conn:
            return any(
                conn.execute(
                    select(table.c.repository).where(table.c.repository == repository).limit(1)
                ).first()
                for table in (t.records, t.rejects)
            )

    def repositories(self) -> set[str]:
        """The names of the repositories the store holds records or rejects of."""
        with self.engine.connect() as conn:
            held = conn.execute(select(t.records.c.repository).distinct()).scalars().all()
            rejected = conn.execute(select(t.rejects.c.repository).distinct()).scalars().all()
        return {*held, *rejected}

    def counts(self) -> dict[str, int]:
        """Row counts of the record tables (for reports and tests)."""
        with self.engine.connect() as conn:
            return {
                "records": conn.execute(select(func.count()).select_from(t.records)).scalar_one(),
                "deleted": conn.execute(
                    select(func.count()).select_from(t.records).where(t.records.c.deleted.is_(True))
                ).scalar_one(),
                "versions": conn.execute(
                    select(func.count()).select_from(t.record_versions)
                ).scalar_one(),
                "rejects": conn.execute(select(func.count()).select_from(t.rejects)).scalar_one(),
            }


def _engine(parsed: URL) -> Engine:
    """The engine for ``url``; an in-memory SQLite database is one, shared by every thread.

    SQLAlchemy would otherwise give each thread an in-memory database of its own: a store
    opened in one thread and used from another would look empty there.
    """
    if parsed.get_backend_name() == "sqlite" and sqlite_file(parsed) is None:
        return create_engine(
            parsed, poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    return create_engine(parsed)


def sqlite_file(url: URL) -> str | None:
    """The database file of a SQLite URL; ``None`` for an in-memory database."""
    database = url.database or ""
    if database.startswith("file:"):  # a SQLite URI: file:path?mode=…
        if "mode=memory" in database:
            return None
        database = database.removeprefix("file:").split("?", 1)[0]
    return database if database and database != ":memory:" else None


def missing_sqlite_file(url: str) -> str | None:
    """The file a SQLite URL names, when it does not exist; ``None`` for anything else."""
    try:
        path = sqlite_file(make_url(url))
    except ArgumentError:
        return None  # opening the store says what is wrong with it
    return path if path is not None and not Path(path).exists() else None


def _write_checkpoint(conn: Connection, checkpoint: Checkpoint) -> None:
    values = {
        "run_id": checkpoint.run_id,
        "token": checkpoint.token,
        "cursor": checkpoint.cursor,
        "complete_list_size": checkpoint.complete_list_size,
        # Only readable datestamps get here, but fractions of a second have no length limit.
        "last_datestamp": checkpoint.last_datestamp and stored_datestamp(checkpoint.last_datestamp),
        "pages": checkpoint.pages,
        "records": checkpoint.records,
        "cut_short": checkpoint.cut_short,
        "updated_at": _now(),
    }
    updated = conn.execute(
        update(t.checkpoints)
        .where(t.checkpoints.c.source_key == checkpoint.source_key)
        .values(**values)
    )
    if updated.rowcount == 0:
        conn.execute(insert(t.checkpoints).values(source_key=checkpoint.source_key, **values))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets `export` read while a harvest writes; NORMAL sync is durable across process kills.
    cursor = dbapi_connection.cursor()
    for attempt in range(_WAL_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            # Another process switching the same new file to WAL holds it exclusively, and
            # SQLite answers "database is locked" at once instead of waiting its busy timeout.
            if "locked" not in str(exc) or attempt + 1 == _WAL_ATTEMPTS:
                raise
            time.sleep(0.01 * (attempt + 1))
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _response_issues(issues_json: bytes | None) -> list[Issue]:
    """The stored issues a response itself caused (``xml.*``), rebuilt."""
    found = json.loads(issues_json) if issues_json else []
    return [
        Issue(i["code"], i["message"], Severity(i["severity"]), i.get("path"))
        for i in found
        if i["code"].startswith("xml.")
    ]


def redact_url(url: str) -> str:
    """A database URL without its password, for messages and logs.

    libpq and psycopg also take the password as a query parameter (``?password=…``), and
    SQLAlchemy's ``hide_password`` masks only the one in the userinfo.
    """
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except (ValueError, SQLAlchemyError):
        return "<unparseable database URL>"
    return _SECRET_PARAMETER.sub(r"\1***", shown)
