"""Harvest runs and checkpoints: the rows that say what each run of a source asked for and did,
and where its next run starts (``StoreRuns``, the part of ``Store`` that keeps them).

A checkpoint is written in the transaction of the page it follows (``checkpoints``).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from ir_ingest.errors import StoreError
from ir_ingest.oai.datestamp import parse_datestamp
from ir_ingest.store import tables as t
from ir_ingest.store.checkpoints import Checkpoint
from ir_ingest.store.engine import aware, database_words, redact_url

__all__ = ["RunInfo", "StoreRuns", "source_key"]

if TYPE_CHECKING:
    from sqlalchemy import Connection, Row
    from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

_Row = TypeVar("_Row", "Checkpoint", "RunInfo")


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
    #: When the run itself began (``sync_started_at`` is its harvest's, which a run that
    #: continues another keeps).
    started_at: datetime
    #: Seconds the endpoint's clock was behind ours as the harvest began (None: it was not).
    clock_lag_seconds: float | None


@dataclass(frozen=True, slots=True)
class Synced:
    """The start of the harvest that last brought a source up to date (see
    :meth:`StoreRuns.last_sync`)."""

    started_at: datetime
    #: How far the endpoint's clock was behind ours then (None: it was not, or not known).
    clock_lag: timedelta | None


def source_key(
    repository: str, prefix: str, set_spec: str | None, crosswalk: str | None = None
) -> str:
    """The key runs and checkpoints are kept under: one per endpoint, format, set and
    crosswalk of its own.  Another crosswalk is another source: its first run asks for
    everything, so that every record is made by it (an incremental run would leave the rest
    as the old crosswalk made them, or as rejects it failed)."""
    own = f" {crosswalk}" if crosswalk is not None else ""
    return f"{repository} {prefix} {set_spec or '*'}{own}"


#: Why a run that says ``running`` while nothing holds its source was marked failed.
_DEAD = "stopped without finishing (killed, or its machine went down)"
#: Who noticed, until the run that did has begun (and if it fails before it begins).
_NOTICED_BEFORE = "noticed by the next harvest of its source"


def _name_successor(conn: Connection, dead: list[int], successor: int, resumed: int | None) -> None:
    """See :meth:`StoreRuns.name_successor`."""
    runs = t.harvest_runs
    noticed = [run_id for run_id in dead if run_id != resumed]
    if noticed:
        conn.execute(
            update(runs)
            .where(runs.c.id.in_(noticed))
            .values(error=f"{_DEAD}; noticed by run {successor}")
        )
    if resumed in dead:
        conn.execute(
            update(runs)
            .where(runs.c.id == resumed)
            .values(error=f"{_DEAD}; run {successor} continued it")
        )


def _move_checkpoints(conn: Connection, from_run: int, to_run: int) -> None:
    """Make the checkpoints of run ``from_run`` run ``to_run``'s."""
    checkpoints = t.checkpoints
    conn.execute(update(checkpoints).where(checkpoints.c.run_id == from_run).values(run_id=to_run))


def _now() -> datetime:
    return datetime.now(UTC)


def _seconds(lag: timedelta | None) -> float | None:
    return None if lag is None else lag.total_seconds()


def _from_row(cls: type[_Row], row: Row[Any]) -> _Row:
    """A dataclass from the result-row columns named like its fields."""
    return cls(**{field.name: row._mapping[field.name] for field in fields(cls)})


class StoreRuns:
    """Harvest runs and checkpoints: the part of ``Store`` that keeps them."""

    url: str
    engine: Engine

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
        started_at: datetime | None = None,
        clock_lag: timedelta | None = None,
        unplanned: bool = False,
        resumes: int | None = None,
    ) -> int:
        """Record the start of a harvest run and return its id.

        ``resumes`` is the run this one continues: its checkpoints become this run's in the
        same transaction, so that this run, stopped at any moment, even before its first page,
        is continued in its turn (see :meth:`hand_back_checkpoints`).
        ``sync_started_at`` is the start of the run this one resumes (default: the run's);
        ``crosswalk`` the run's own crosswalk, if any (its rejects are tried with it again);
        ``started_at`` when the run asked its first question (default: now); ``clock_lag`` how
        far the endpoint's clock is behind ours (see :meth:`note_clock_lag`); ``unplanned``
        for a run kept only to say that it failed before it had a plan (see :meth:`last_run`).
        """
        now = started_at or _now()
        try:
            run_id = self._insert_run(
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
                clock_lag_seconds=_seconds(clock_lag),
                unplanned=unplanned or None,
                resumes=resumes,
            )
        except SQLAlchemyError as exc:
            # The run's first write: a store its user may not write (a read-only file, a
            # PostgreSQL role without INSERT) is said in the database's words, as a page is.
            raise StoreError(
                f"cannot write to the store at {redact_url(self.url)}: {database_words(exc)}"
            ) from exc
        return run_id

    def _insert_run(self, resumes: int | None, **values: Any) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(insert(t.harvest_runs).values(**values))
            run_id = result.inserted_primary_key
            assert run_id is not None
            if resumes is not None:
                _move_checkpoints(conn, resumes, int(run_id[0]))
            return int(run_id[0])

    def hand_back_checkpoints(self, run_id: int, resumed: int) -> None:
        """Give the checkpoints run ``run_id`` took from ``resumed`` (and committed no page
        after) back to it: the next run then starts afresh instead of continuing ``run_id``,
        which failed where the endpoint refused what it asked (a token it no longer takes).

        Said, not raised, where the store fails meanwhile: the run's own failure is the one to
        keep and say (the next run then asks for the refused token once more, and fails so).
        """
        try:
            with self.engine.begin() as conn:
                _move_checkpoints(conn, run_id, resumed)
        except SQLAlchemyError as exc:
            log.warning(
                "could not give run %s's checkpoints back to run %s: %s", run_id, resumed, exc
            )

    def note_clock_lag(self, run_id: int, lag: timedelta) -> None:
        """Keep how far the endpoint's clock was behind ours as run ``run_id`` began, learnt
        once it had begun (see ``oai.clocks.note_endpoint_clock``)."""
        runs = t.harvest_runs
        with self.engine.begin() as conn:
            conn.execute(
                update(runs).where(runs.c.id == run_id).values(clock_lag_seconds=_seconds(lag))
            )

    def finish_run(
        self, run_id: int, status: str, report: dict[str, Any], error: str | None = None
    ) -> None:
        """Mark a run finished (``completed``, ``incomplete`` or ``failed``), keep its report.

        Raises StoreError when the database refuses: the run then says ``running`` until the
        next run of its source marks it failed (``report`` shows it failed once its process
        has gone, see ``cli.report``).
        """
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    update(t.harvest_runs)
                    .where(t.harvest_runs.c.id == run_id)
                    .values(
                        status=status,
                        finished_at=_now(),
                        error=error,
                        report_json=json.dumps(report).encode(),
                        progress_counts=None,  # the report has them now
                    )
                )
        except SQLAlchemyError as exc:
            raise StoreError(
                f"cannot close run {run_id} as {status} in the store at {redact_url(self.url)}: "
                f"{database_words(exc)}; the next run of its source marks it failed"
            ) from exc

    def last_run(self, key: str, *, unplanned: bool = True) -> RunInfo | None:
        """The latest run of a source (any status), or None.

        ``unplanned`` false passes over runs that failed before they had a plan (the endpoint
        down as they asked Identify): they asked for nothing, and must not hide an unfinished
        run before them from the next run, which continues it.  (A run that failed on its
        first request for records is not passed over: it tried what the one before left, and
        the next run must not try it again for ever.)
        """
        runs = t.harvest_runs
        query = select(runs).where(runs.c.source_key == key)
        if not unplanned:
            query = query.where(or_(runs.c.unplanned.is_(None), runs.c.unplanned.is_(False)))
        with self.engine.connect() as conn:
            row = conn.execute(query.order_by(runs.c.id.desc()).limit(1)).first()
        if row is None:
            return None
        info = _from_row(RunInfo, row)
        return replace(
            info, sync_started_at=aware(info.sync_started_at), started_at=aware(info.started_at)
        )

    def last_sync(self, key: str) -> Synced | None:
        """When the last harvest that brought the source up to date started (for incremental
        runs), and how far the endpoint's clock was behind then: a completed, open-ended run
        that asked for everything since the one before.

        A run with an explicit ``until`` left later changes for another run.  A run with an
        explicit ``from`` later than the source's last sync (a mistyped year, a test of last
        week's records) left a gap before it: counted, it made every later run skip the gap.
        """
        runs = t.harvest_runs
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(runs.c.from_date, runs.c.sync_started_at, runs.c.clock_lag_seconds)
                .where(
                    runs.c.source_key == key,
                    runs.c.status == "completed",
                    runs.c.until_date.is_(None),
                )
                .order_by(runs.c.sync_started_at)
            ).all()
        synced: Synced | None = None
        for from_date, started, lag in rows:
            since = parse_datestamp(from_date) if from_date else None
            if from_date is None or (
                since is not None and synced is not None and since <= synced.started_at
            ):
                behind = None if lag is None else timedelta(seconds=lag)
                synced = Synced(aware(started), behind)
        return synced

    def clear_checkpoints(self, key_prefix: str) -> None:
        """Forget the checkpoints whose key starts with ``key_prefix`` (date windows of a run)."""
        with self.engine.begin() as conn:
            conn.execute(
                delete(t.checkpoints).where(t.begins_with(t.checkpoints.c.source_key, key_prefix))
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

    def end_dead_runs(
        self, key: str, successor: int | None, resumed: int | None = None
    ) -> list[int]:
        """Mark the runs of source ``key`` that still say ``running`` as failed (those before
        ``successor``, the run that noticed them, when it has begun) and return their ids.

        Called by a run that holds the source's lock: no run of it can be going on, so those
        were killed (or their machine went down) and would otherwise say "running" for ever.
        ``resumed`` is the one ``successor`` continues, if any.  A harvest marks them before it
        begins its own run (``successor`` None), so that they are failed even if it fails
        before it begins (the endpoint down); :meth:`name_successor` then names the run.
        """
        runs = t.harvest_runs
        dead = [runs.c.source_key == key, runs.c.status == "running"]
        if successor is not None:
            dead.append(runs.c.id < successor)
        with self.engine.begin() as conn:
            ids = list(conn.execute(select(runs.c.id).where(*dead)).scalars())
            if ids:
                conn.execute(
                    update(runs)
                    .where(runs.c.id.in_(ids))
                    .values(status="failed", error=f"{_DEAD}; {_NOTICED_BEFORE}")
                )
                if successor is not None:
                    _name_successor(conn, ids, successor, resumed)
        return ids

    def name_successor(self, dead: list[int], successor: int, resumed: int | None) -> None:
        """Say in the runs :meth:`end_dead_runs` marked (``dead``) which run noticed them,
        and that it continues ``resumed``, if that is one of them."""
        with self.engine.begin() as conn:
            _name_successor(conn, dead, successor, resumed)

    def running_sources(self) -> set[str]:
        """The source keys of runs that say ``running`` (going on, or killed)."""
        runs = t.harvest_runs
        with self.engine.connect() as conn:
            query = select(runs.c.source_key).where(runs.c.status == "running").distinct()
            return {str(key) for key in conn.execute(query).scalars()}
