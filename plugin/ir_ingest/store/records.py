"""Records and their versions: a harvest page written together with the checkpoint that follows
it, and what the store holds read back (``StoreRecords``, the part of ``Store`` that does so).
How a page's entries become rows is ``pagewrite``'s; the rejects are read back by
:mod:`~ir_ingest.store.rejects`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from ir_ingest.entry import HarvestedRecord, Issue, Severity, stored_datestamp
from ir_ingest.errors import StoreError, WriteConflict
from ir_ingest.schema import Record, record_id
from ir_ingest.store import tables as t
from ir_ingest.store.checkpoints import write_checkpoint
from ir_ingest.store.engine import database_words, redact_url
from ir_ingest.store.page_sql import in_parts
from ir_ingest.store.pagewrite import PageWriter
from ir_ingest.store.run_reports import write_progress_counts

__all__ = ["Held", "StoreRecords", "StoredState"]

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from sqlalchemy.engine import Engine

    from ir_ingest.entry import Entry
    from ir_ingest.store.checkpoints import Checkpoint

#: How often a page write that lost a race on a primary key is tried in all.
_WRITE_ATTEMPTS = 3
#: PostgreSQL's deadlock_detected and serialization_failure: the transaction may succeed again.
_RETRIED_SQLSTATES = frozenset({"40P01", "40001"})

_SWEPT_IDS = t.records.c.id.in_(bindparam("ids", expanding=True))
#: FOR NO KEY UPDATE, the lock the UPDATE takes: a FOR UPDATE would also wait for the
#: versions a page inserts, whose foreign key holds their record's row FOR KEY SHARE.
_LOCK_IN_KEY_ORDER = (
    select(t.records.c.id)
    .where(_SWEPT_IDS)
    .order_by(t.records.c.id)
    .with_for_update(key_share=True)
)
_MARK_SWEPT = update(t.records).where(_SWEPT_IDS).values(swept_run_id=bindparam("b_run_id"))


@dataclass(frozen=True, slots=True)
class Held:
    """A stored record, whether its last check found it valid, and the issues it found
    (stored as JSON: :attr:`issues` reads them)."""

    record: Record
    valid: bool
    issues_json: bytes | None

    @property
    def issues(self) -> list[Issue]:
        return stored_issues(self.issues_json)


@dataclass(frozen=True, slots=True)
class StoredState:
    """What the store holds of a record: the datestamp and format of its current version."""

    datestamp: str
    metadata_prefix: str
    deleted: bool


class StoreRecords:
    """Records and versions (and a page's rejects): the part of ``Store`` that keeps them."""

    url: str
    engine: Engine

    def save_page(
        self,
        run_id: int | None,
        entries: Iterable[Entry],
        after: Checkpoint | None,
        counts: Callable[[], dict[str, int]] | None = None,
    ) -> None:
        """Store a page of entries and, in the same transaction, the checkpoint that follows it
        and the run's ``counts`` per outcome (called once the outcomes are set: its report's
        with the page's; a harvest's hold its pages too, see ``run_reports.Committed``), so
        that a killed run's counts are exact.

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
                        write_checkpoint(conn, after)
                    if run_id is not None and counts is not None:
                        write_progress_counts(conn, run_id, counts())
                for entry, issue in writer.skipped:
                    entry.issues.append(issue)
                return
            except WriteConflict:
                if attempt + 1 == _WRITE_ATTEMPTS:
                    raise
            except IntegrityError as exc:
                if attempt + 1 == _WRITE_ATTEMPTS:
                    raise StoreError(f"cannot write to the store: {database_words(exc)}") from exc
            except OperationalError as exc:
                # PostgreSQL ends one of two writers that wait for each other's rows (pages
                # of two sets holding the same records in another order): write it again.
                retried = getattr(exc.orig, "sqlstate", None) in _RETRIED_SQLSTATES
                if not retried or attempt + 1 == _WRITE_ATTEMPTS:
                    raise self._write_error(exc) from exc
            except SQLAlchemyError as exc:
                raise self._write_error(exc) from exc

    def _write_error(self, exc: SQLAlchemyError) -> StoreError:
        """The database's words, without SQLAlchemy's dump of the statement and its
        parameters (a page's record JSON and raw XML)."""
        where = redact_url(self.url)
        return StoreError(f"cannot write to the store at {where}: {database_words(exc)}")

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
        c, r = t.records.c, t.rejects.c
        query = select(c.id, c.datestamp).where(c.id.in_(bindparam("ids")), c.run_id == run_id)
        rejected = select(r.repository, r.oai_identifier, r.datestamp).where(
            r.run_id == run_id, r.oai_identifier.in_(bindparam("ids"))
        )
        identifiers = [h.identifier for h in wanted.values()]
        with self.engine.connect() as conn:
            rows = [
                row for ids in in_parts(list(wanted)) for row in conn.execute(query, {"ids": ids})
            ]
            reject_rows = [
                row for ids in in_parts(identifiers) for row in conn.execute(rejected, {"ids": ids})
            ]
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

    def mark_swept(self, run_id: int, repository: str, identifiers: Iterable[str]) -> None:
        """Note that a ListIdentifiers sweep of ``run_id`` found these records at the source.

        The rows are locked in the order of their key first, as a page write locks them
        (``PageWriter._write_rows``).  The UPDATE alone locked them in the order its plan
        reads them, the order they lie in the table for a bitmap or sequential scan: with a
        page of the same records written meanwhile, each had held a row the other waited for.
        """
        ids = sorted({record_id(repository, identifier) for identifier in identifiers})
        with self.engine.begin() as conn:
            for part in in_parts(ids):
                conn.execute(_LOCK_IN_KEY_ORDER, {"ids": part})
                conn.execute(_MARK_SWEPT, {"ids": part, "b_run_id": run_id})

    def not_swept(
        self, run_id: int, repository: str, prefix: str, set_spec: str | None
    ) -> list[tuple[str, str | None]]:
        """Live records of a source the sweep of ``run_id`` did not find: OAI identifier and
        title, by identifier.  With a set, only records last harvested in that set count."""
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
        records = ((identifier, Record.from_json(raw)) for identifier, raw in rows)
        return [
            (identifier, record.title.value if record.title else None)
            for identifier, record in records
            if set_spec is None or set_spec in record.source.set_specs
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
                yield harvested, response_issues(row.issues_json)
            if len(rows) < batch:
                return
            last = rows[-1].id

    def iter_records(
        self, include_deleted: bool = True, *, valid_only: bool = False, run_id: int | None = None
    ) -> Iterator[Record]:
        """Every stored record in id order; tombstones carry ``source.deleted: true``.

        ``valid_only`` leaves out live records whose last check found errors (a missing title).
        ``run_id`` keeps only the records whose current version that run wrote: those it
        created, updated, restored, deleted or stored invalid, and the tombstones it stored of
        records never held (``tombstone_only``: a deletion a consumer that never had the
        record can ignore, and one fed by another harvester before needs), and no other run
        has changed since.  Not ``records.run_id``, which names the last run that received a
        record, changed or not.
        """
        for held in self.iter_held(include_deleted, valid_only=valid_only, run_id=run_id):
            yield held.record

    def iter_held(
        self, include_deleted: bool = True, *, valid_only: bool = False, run_id: int | None = None
    ) -> Iterator[Held]:
        """What :meth:`iter_records` yields, each record with what its last check found."""
        c = t.records.c
        query = select(c.record_json, c.valid, c.issues_json).order_by(c.id)
        if not include_deleted:
            query = query.where(c.deleted.is_(False))
        if valid_only:  # a deletion is news to the consumer whatever the last version was
            query = query.where(c.valid.is_(True) | c.deleted.is_(True))
        if run_id is not None:
            v = t.record_versions.c
            current = (v.record_id == c.id) & (v.version == c.version)
            query = query.join(t.record_versions, current).where(v.run_id == run_id)
        with self.engine.connect() as conn:
            for raw, valid, issues in conn.execute(query):
                yield Held(Record.from_json(raw), valid, issues)

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

    def ever_wrote(self, key: str) -> bool:
        """Whether a run of source key ``key`` ever stored a version of a record (or a
        reject): what it asks for has existed at the endpoint.  A set whose records were all
        written under another key (another crosswalk) counts as never written."""
        runs = t.harvest_runs.c
        ran = select(runs.id).where(runs.source_key == key)
        with self.engine.connect() as conn:
            return any(
                conn.execute(select(table.c.run_id).where(table.c.run_id.in_(ran)).limit(1)).first()
                for table in (t.record_versions, t.rejects)
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


def response_issues(issues_json: bytes | None) -> list[Issue]:
    """The stored issues a response itself caused (``xml.*``), rebuilt."""
    return [issue for issue in stored_issues(issues_json) if issue.code.startswith("xml.")]


def stored_issues(issues_json: bytes | None) -> list[Issue]:
    found = json.loads(issues_json) if issues_json else []
    return [Issue(i["code"], i["message"], Severity(i["severity"]), i.get("path")) for i in found]


# END
