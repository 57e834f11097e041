"""The statements a page's write runs (:mod:`ir_ingest.store.pagewrite`), built once, and
the columns each kind of write sets.

Built once, SQLAlchemy finds their compiled forms at once, and ``BulkStatement`` compiles its
own once per database.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import bindparam, case, delete, func, literal_column, null, select, update

from ir_ingest.store import tables as t
from ir_ingest.store.bulk import BulkStatement, bulk_insert

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ir_ingest.store.copies import StoredCopy

# metadata_prefix is rewritten too: a record harvested again in another format is that
# format's data now, and the row must say so (the sweep and reprocess go by it).
FULL = (
    "metadata_prefix",
    "crosswalk",
    "datestamp",
    "deleted",
    "valid",
    "version",
    "content_hash",
    "record_json",
    "issues_json",
    "raw",
    "updated_at",
    "run_id",
)
# A tombstone keeps the record's last raw XML and validity; everything else is replaced.
TOMBSTONE = tuple(name for name in FULL if name not in ("raw", "valid"))
# Same content: a new datestamp, and the issues and validity of this run's checks (a changed
# validation rule changes them without changing the record).  The raw XML and the record (its
# source datestamp and raw hash) are the ones just received: the source may have changed what
# no rule reads (an <about> block, an attribute), and reprocess works from the raw XML.
# Another crosswalk may have made the same record: the row says which one did this time.
TOUCH = (
    "datestamp",
    "crosswalk",
    "valid",
    "issues_json",
    "raw",
    "record_json",
    "updated_at",
    "run_id",
)
# A deletion seen again: the tombstone keeps its validity and issues.
TOUCH_TOMBSTONE = ("datestamp", "updated_at", "run_id")


# The id, then ``StoredCopy``'s fields in their order: the record's JSON is read only for a
# page that makes a tombstone of its last data, and is NULL otherwise.
_STATE_COLUMNS = (
    t.records.c.id,
    t.records.c.version,
    t.records.c.content_hash,
    t.records.c.deleted,
    t.records.c.datestamp,
    t.records.c.metadata_prefix,
    t.records.c.crosswalk,
    t.records.c.valid,
)
_PAGE_IDS = t.records.c.id.in_(bindparam("ids", expanding=True))
READ_STATES = select(*_STATE_COLUMNS, null()).where(_PAGE_IDS)
READ_STATES_AND_JSON = select(*_STATE_COLUMNS, t.records.c.record_json).where(_PAGE_IDS)
INSERT_RECORDS = bulk_insert(t.records)
INSERT_VERSIONS = bulk_insert(t.record_versions)
INSERT_REJECTS = bulk_insert(t.rejects)
#: What names a reject: its record and the datestamp it came with.
REJECT_KEY = ("repository", "oai_identifier", "datestamp")
#: A record's earlier rejects of the datestamp of its new one, which replaces them: rejects
#: have no key, and a record that failed at every nightly --full run (or came again in an
#: incremental run's overlap) had kept one more copy of its raw XML each time.
DROP_SAME_REJECTS = BulkStatement(
    delete(t.rejects).where(*(t.rejects.c[name] == bindparam(name) for name in REJECT_KEY))
)


def _fill_superseded() -> BulkStatement:
    """UPDATE a record's current version, about to be superseded, with the data its record
    row holds: the record's JSON and raw XML as last received (see :data:`CURRENT`)."""
    v, r = t.record_versions.c, t.records.c
    held = t.records.alias("held")

    def of_record(column: str) -> Any:
        return select(held.c[column]).where(held.c.id == v.record_id).scalar_subquery()

    statement = (
        update(t.record_versions)
        .where(
            v.record_id == bindparam("b_record_id"),
            v.version == bindparam("b_version"),
            func.length(v.record_json) == literal_column("0"),  # CURRENT; no parameter
        )
        # A tombstone's version has the deletion's raw XML already (PageWriter._put).
        .values(
            record_json=of_record(r.record_json.key),
            raw=case((v.deleted, v.raw), else_=of_record(r.raw.key)),
        )
    )
    return BulkStatement(statement)


#: What a current version's ``record_json`` holds: nothing, its record's row holds the data.
#: Written twice, every record's JSON and raw XML cost the store twice the bytes, and a
#: page's commit more pages (20,000 records replayed: 125 -> 87 MB, save_page 62-64 -> 54-56
#: µs a record); a version is filled from its record's row when a newer one supersedes it:
#: the same content, as last received (its source datestamp and raw XML may be those of a
#: later run that found it unchanged).
CURRENT = b""
FILL_SUPERSEDED = _fill_superseded()


_Id = TypeVar("_Id", str, int)

#: Record ids (or identifiers, or keys) one statement about a page asks for at most: each is a
#: parameter, and psycopg sends at most 65,535, SQLite builds take 32,766 (Debian's 250,000).
#: A page is mostly a hundred records, but ``import`` stores a whole document as one, and an
#: endpoint may send its whole list in one answer (more than 65,535 had failed on PostgreSQL).
IDS_PER_READ = 10_000


def in_parts(ids: list[_Id]) -> Iterator[list[_Id]]:
    """``ids`` in parts of :data:`IDS_PER_READ`, each for one statement's expanding IN list."""
    for start in range(0, len(ids), IDS_PER_READ):
        yield ids[start : start + IDS_PER_READ]


@cache  # one of the four column tuples above, compiled once per dialect
def updating(columns: tuple[str, ...]) -> BulkStatement:
    """UPDATE records SET columns… WHERE the row is as the page read it, for rows with
    ``b_``-prefixed keys (see :func:`_as_read`)."""
    c = t.records.c
    statement = (
        update(t.records)
        .where(
            c.id == bindparam("b_id"),
            c.version == bindparam("b_read_version"),
            c.datestamp == bindparam("b_read_datestamp"),
        )
        .values({name: bindparam(f"b_{name}") for name in columns})
    )
    return BulkStatement(statement)


def as_read(rid: str, current: StoredCopy) -> dict[str, Any]:
    """The key of an update row and what it expects to find there.

    The version changes with every new content, the datestamp with every touch (same content,
    received again): another writer that did either since this page read the row makes the
    update match nothing, and the page is decided again.
    """
    return {"b_id": rid, "b_read_version": current.version, "b_read_datestamp": current.datestamp}
