"""Writing a page of entries with a few statements per page, not a few per record.

One query reads the current state of every record on the page (of each 10,000: an import's
page is a whole document); each entry's outcome is decided in Python; then records, versions
and rejects are written with one executemany each, straight through the driver (``bulk``),
and the current versions the page supersedes are given their data (see
:data:`.page_sql.CURRENT`) with one more.  Per-record statements cost about 0.4 ms a record on
SQLite, more than the crosswalk; batched, the store keeps up with a harvest that fetches the
next page while this one is written.

Two writers may hold the same record (see ``copies`` for which copy is kept).  Each update is
made only if the row is still as this page read it, and an insert fails on the primary key, so a
page that lost a race between its read and its write is rolled back and decided again
(``Store.save_page``).
"""

from __future__ import annotations

import hashlib
from dataclasses import fields
from datetime import UTC, datetime
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import msgspec

from ir_ingest.entry import Entry, Issue, Outcome, stored_datestamp
from ir_ingest.errors import WriteConflict
from ir_ingest.schema import Record, record_id
from ir_ingest.store import tables as t
from ir_ingest.store.bulk import driver_value
from ir_ingest.store.changes import VOLATILE_SOURCE, note_changes
from ir_ingest.store.copies import StoredCopy, older, older_issue, poorer, poorer_issue
from ir_ingest.store.issues_json import issues_json_of
from ir_ingest.store.page_sql import (
    CURRENT,
    DROP_SAME_REJECTS,
    FILL_SUPERSEDED,
    FULL,
    INSERT_RECORDS,
    INSERT_REJECTS,
    INSERT_VERSIONS,
    READ_STATES,
    READ_STATES_AND_JSON,
    REJECT_KEY,
    TOMBSTONE,
    TOUCH,
    TOUCH_TOMBSTONE,
    as_read,
    in_parts,
    updating,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy import Connection

    from ir_ingest.entry import HarvestedRecord


def content_hash(record: Record) -> str:
    """Hash of what a record says, leaving out what changes without the content changing
    (the crosswalk's name too: a record another crosswalk makes alike is the same record).

    It hashes the JSON of ``comparable(record.to_dict())``, which stored hashes were made of.
    Built here without turning the record into dicts: the record is encoded with the volatile
    fields of its ``source`` set to their default, None, which leaves them out of the JSON
    (``omit_defaults``) as ``comparable`` does.  The bytes are the same, as msgspec keeps the
    fields' order (with its ``source`` made a dict first, 5.6-6.5 µs a record; so, 4.7-5.1).
    """
    source = msgspec.structs.replace(record.source, **_VOLATILE_LEFT_OUT)
    comparable_record = msgspec.structs.replace(record, source=source)
    return hashlib.sha256(msgspec.json.encode(comparable_record)).hexdigest()


#: The volatile fields of a record's ``source``, as their default leaves them out.
_VOLATILE_LEFT_OUT: dict[str, Any] = dict.fromkeys(VOLATILE_SOURCE)


class PageWriter:
    """Decide and write the outcomes of one page of entries inside the caller's transaction."""

    def __init__(self, conn: Connection, run_id: int | None) -> None:
        """Writes go through ``conn``; rows are stamped with ``run_id`` (None for imports)."""
        self.conn = conn
        self.run_id = run_id
        # Every timestamp of the page is this one, converted for the driver once (see ``bulk``).
        self.now = driver_value(conn, t.records.c.updated_at, datetime.now(UTC))
        self.inserts: list[dict[str, Any]] = []
        # In page order: a record may come twice in one page (deleted, then back again).
        self.updates: list[tuple[tuple[str, ...], dict[str, Any]]] = []
        self.versions: list[dict[str, Any]] = []
        #: Current versions stored before this page that a version of it supersedes; and, of
        #: the versions this page queued, where each record's is and its data.
        self.superseded: list[dict[str, Any]] = []
        self.queued: dict[str, tuple[int, bytes, bytes | None]] = {}
        self.rejects: list[dict[str, Any]] = []
        #: Entries not stored because the store holds a newer version, with the issue saying
        #: so; the caller adds the issue once the page is committed (a retried page decides
        #: again).
        self.skipped: list[tuple[Entry, Issue]] = []

    def write(self, entries: list[Entry]) -> None:
        """Store ``entries``, setting each one's ``outcome``.

        Raises :class:`WriteConflict` when another writer changed one of the records since
        this page read it; the caller's transaction must then be rolled back.
        """
        states = self._states(entries)
        # Records the store held before this page (a tombstone only was never held).
        held = {rid for rid, state in states.items() if not _never_held(state)}
        for entry in entries:
            # A page retried after a conflict decides again: nothing of the try before stays.
            entry.changed_fields, entry.changed_values, entry.tombstoned_title = [], {}, None
            entry.outcome = self._decide(entry, states)
        # A new version, valid or not, of a record held before: what changed in it.
        versioned = (Outcome.UPDATED, Outcome.RESTORED, Outcome.INVALID)
        replacing = {_rid(e): e for e in entries if e.outcome in versioned}
        note_changes(self.conn, {rid: e for rid, e in replacing.items() if rid in held})
        self._write_rows()

    def _write_rows(self) -> None:
        """Run the queued writes, each statement's rows in the order of their key.

        PostgreSQL locks a row as a statement writes it: two pages holding the same records
        in other orders (two runs over overlapping sets, two windows) had each locked its
        first record and waited for the other's, a deadlock PostgreSQL ends by failing one.
        In one order, the second page waits for the first and is decided again.  A record
        updated twice in one page keeps its page order (the sort is stable): its second
        update expects the row as the first leaves it.
        """
        if self.inserts:
            INSERT_RECORDS.run(self.conn, sorted(self.inserts, key=itemgetter("id")))
        if self.superseded:  # before the record rows change
            FILL_SUPERSEDED.run(self.conn, sorted(self.superseded, key=_SUPERSEDED_KEY))
        updates = sorted(self.updates, key=_update_key)
        for columns, group in groupby(updates, key=itemgetter(0)):
            rows = [row for _, row in group]
            if updating(columns).run(self.conn, rows) != len(rows):
                raise WriteConflict("another writer changed a record of this page meanwhile")
        if self.versions:
            INSERT_VERSIONS.run(self.conn, sorted(self.versions, key=_VERSION_KEY))
        if self.rejects:
            keys = [{name: row[name] for name in REJECT_KEY} for row in self.rejects]
            DROP_SAME_REJECTS.run(self.conn, sorted(keys, key=itemgetter(*REJECT_KEY)))
            INSERT_REJECTS.run(self.conn, self.rejects)

    def _states(self, entries: list[Entry]) -> dict[str, StoredCopy]:
        ids = [_rid(e) for e in entries if e.record is not None or e.harvested.deleted]
        if not ids:
            return {}
        wants_json = any(e.harvested.deleted for e in entries)
        query = READ_STATES_AND_JSON if wants_json else READ_STATES
        # By position: a row's attributes by name cost some microseconds a record.
        return {
            row[0]: StoredCopy(*row[1:])
            for part in in_parts(ids)
            for row in self.conn.execute(query, {"ids": part})
        }

    def _decide(self, entry: Entry, states: dict[str, StoredCopy]) -> Outcome:
        harvested = entry.harvested
        issues_json, valid = issues_json_of(entry.issues)
        replaced = entry.replaced
        if replaced is not None and replaced.record is None:
            # A reject a copy in another format replaced: its raw XML is kept all the same.
            self._reject(replaced.harvested, issues_json_of(replaced.issues)[0])
        if entry.record is None and not harvested.deleted:
            self._reject(harvested, issues_json)
            return Outcome.FAILED
        rid = _rid(entry)
        current = states.get(rid)
        if current is not None and older(harvested.datestamp, current.datestamp):
            self.skipped.append((entry, older_issue(harvested.datestamp, current)))
            return Outcome.SKIPPED
        if current is not None and poorer(entry, current):
            self.skipped.append((entry, poorer_issue(entry, current)))
            return Outcome.SKIPPED
        if harvested.deleted:
            return self._tombstone(entry, rid, current, states, issues_json)
        assert entry.record is not None
        digest = content_hash(entry.record)
        if current is not None and current.content_hash == digest and not current.deleted:
            self._touch(rid, current, entry, issues_json, valid=valid)
            return Outcome.UNCHANGED
        version = 1 if current is None else current.version + 1
        values = {
            "metadata_prefix": harvested.metadata_prefix,
            "crosswalk": entry.record.source.crosswalk,
            "datestamp": stored_datestamp(harvested.datestamp),
            "deleted": False,
            "valid": valid,
            "version": version,
            "content_hash": digest,
            "record_json": entry.record.to_json(),
            "issues_json": issues_json,
            "raw": harvested.raw,
            "updated_at": self.now,
            "run_id": self.run_id,
        }
        self._put(rid, harvested, current, values, FULL)
        states[rid] = _copy(values)
        if not valid:
            return Outcome.INVALID
        if current is None or _never_held(current):
            return Outcome.CREATED
        return Outcome.RESTORED if current.deleted else Outcome.UPDATED

    def _reject(self, harvested: HarvestedRecord, issues_json: bytes) -> None:
        """Queue a reject row: the raw XML of a record that could not be read."""
        self.rejects.append(
            {
                "run_id": self.run_id,
                "repository": harvested.repository,
                "oai_identifier": harvested.identifier,
                "datestamp": stored_datestamp(harvested.datestamp),
                "raw": harvested.raw,
                "issues_json": issues_json,
                "created_at": self.now,
            }
        )

    def _tombstone(
        self,
        entry: Entry,
        rid: str,
        current: StoredCopy | None,
        states: dict[str, StoredCopy],
        issues_json: bytes,
    ) -> Outcome:
        """A deletion: keep the last record data, flagged ``source.deleted``, as a new version."""
        harvested = entry.harvested
        stamp = stored_datestamp(harvested.datestamp)
        if current is not None and current.deleted:
            touch = {
                **as_read(rid, current),
                "b_datestamp": stamp,
                "b_updated_at": self.now,
                "b_run_id": self.run_id,
            }
            self.updates.append((TOUCH_TOMBSTONE, touch))
            current.datestamp = stamp
            return Outcome.UNCHANGED
        tombstone = _tombstone_record(rid, harvested, current)
        entry.tombstoned_title = tombstone.title.value if tombstone.title else None
        crosswalk = tombstone.source.crosswalk
        digest = content_hash(tombstone)
        record_json = tombstone.to_json()
        version = 1 if current is None else current.version + 1
        values = {
            "metadata_prefix": harvested.metadata_prefix,
            "crosswalk": crosswalk,
            "datestamp": stamp,
            "deleted": True,
            "valid": True,
            "version": version,
            "content_hash": digest,
            "record_json": record_json,
            "issues_json": issues_json,
            "raw": None,
            "updated_at": self.now,
            "run_id": self.run_id,
        }
        self._put(rid, harvested, current, values, TOMBSTONE)
        states[rid] = _copy(values)
        return Outcome.TOMBSTONE_ONLY if current is None else Outcome.DELETED

    def _put(
        self,
        rid: str,
        harvested: HarvestedRecord,
        current: StoredCopy | None,
        values: dict[str, Any],
        columns: tuple[str, ...],
    ) -> None:
        """Queue the record row (insert or update of ``columns``) and its new version."""
        if current is None:
            self.inserts.append(
                {
                    "id": rid,
                    "repository": harvested.repository,
                    "oai_identifier": harvested.identifier,
                    "created_at": self.now,
                    "swept_run_id": None,
                    **values,
                }
            )
        else:
            row = as_read(rid, current)
            row.update({f"b_{name}": values[name] for name in columns})
            self.updates.append((columns, row))
        self._supersede(rid, current)
        # A tombstone's version keeps the deletion's own raw XML (its header): its record
        # row keeps the last record's.
        raw = harvested.raw if values["deleted"] else None
        self.queued[rid] = (len(self.versions), values["record_json"], harvested.raw)
        self.versions.append(
            {
                "record_id": rid,
                "version": values["version"],
                "content_hash": values["content_hash"],
                "deleted": values["deleted"],
                "record_json": CURRENT,
                "raw": raw,
                "run_id": self.run_id,
                "created_at": self.now,
            }
        )

    def _supersede(self, rid: str, current: StoredCopy | None) -> None:
        """Keep the data of the version a new one supersedes (see :data:`.page_sql.CURRENT`):
        one this page queued gets its own; one stored before, its record row's (a version that
        has its data already, from a store written before, keeps it)."""
        if current is None:
            return
        queued = self.queued.get(rid)
        if queued is not None:
            at, record_json, raw = queued
            self.versions[at].update(record_json=record_json, raw=raw)
        else:
            self.superseded.append({"b_record_id": rid, "b_version": current.version})

    def _touch(
        self, rid: str, current: StoredCopy, entry: Entry, issues_json: bytes, *, valid: bool
    ) -> None:
        """Queue the update of a record received again alike (see ``page_sql.TOUCH``); ``current``
        becomes what it writes, for the later entries of the page."""
        assert entry.record is not None
        stamp = stored_datestamp(entry.harvested.datestamp)
        crosswalk = entry.record.source.crosswalk
        touch = {
            **as_read(rid, current),
            "b_datestamp": stamp,
            "b_crosswalk": crosswalk,
            "b_valid": valid,
            "b_issues_json": issues_json,
            "b_raw": entry.harvested.raw,
            "b_record_json": entry.record.to_json(),
            "b_updated_at": self.now,
            "b_run_id": self.run_id,
        }
        self.updates.append((TOUCH, touch))
        current.datestamp, current.crosswalk, current.valid = stamp, crosswalk, valid


def _tombstone_record(rid: str, harvested: HarvestedRecord, current: StoredCopy | None) -> Record:
    if current is not None and current.record_json is not None:
        last = Record.from_json(current.record_json)
        source = msgspec.structs.replace(last.source, deleted=True, datestamp=harvested.datestamp)
        return msgspec.structs.replace(last, source=source)
    return Record(id=rid, source=harvested.to_source())  # a deletion: source.deleted is set


#: What orders each statement's rows (see ``PageWriter._write_rows``).
_SUPERSEDED_KEY = itemgetter("b_record_id", "b_version")
_VERSION_KEY = itemgetter("record_id", "version")


def _update_key(update: tuple[tuple[str, ...], dict[str, Any]]) -> str:
    return str(update[1]["b_id"])


def _never_held(current: StoredCopy) -> bool:
    """Whether the row is the tombstone of a record the store never held: its first version
    (a tombstone seen again keeps its version, and a record held had one before it)."""
    return current.deleted and current.version == 1


#: A row's values in ``StoredCopy``'s order, taken at once: by name, into keywords, they cost
#: 1.2 µs a record, 0.4 so.
_COPY_VALUES: Callable[[dict[str, Any]], tuple[Any, ...]] = itemgetter(
    *(f.name for f in fields(StoredCopy))
)


def _copy(values: dict[str, Any]) -> StoredCopy:
    """What a row written with ``values`` holds, for the later entries of the page."""
    return StoredCopy(*_COPY_VALUES(values))


def _rid(entry: Entry) -> str:
    # The record has its id already (the same uuid5, which costs a few microseconds).
    if entry.record is not None:
        return entry.record.id
    return record_id(entry.harvested.repository, entry.harvested.identifier)
