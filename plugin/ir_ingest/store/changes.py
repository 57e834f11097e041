"""What a new version of a record changed: the record fields that differ from the stored one.

A repository manager who sees "412 updated" after a harvest or a reprocess asks next what
changed.  The answer is computed when the version is written, against the version it replaces,
field by field at the top level of the record (``title``, ``creators``, ``extra``…), and kept
on the entry for the run's report.  The provenance fields that change with every harvest
without the content changing (the datestamp, the raw XML's hash, the crosswalk's name) do not
count; they are the ones the content hash leaves out too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from sqlalchemy import bindparam, select

from ir_ingest.store import tables as t
from ir_ingest.store.page_sql import in_parts

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from ir_ingest.entry import Entry

#: Provenance that changes without what the record says changing.
VOLATILE_SOURCE = ("datestamp", "raw_sha256", "crosswalk")


def comparable(data: dict[str, Any]) -> dict[str, Any]:
    """A record's data without its volatile provenance (see :data:`VOLATILE_SOURCE`)."""
    return {**data, "source": comparable_source(data["source"])}


def comparable_source(source: dict[str, Any]) -> dict[str, Any]:
    """A record's ``source`` data without its volatile provenance."""
    return {k: v for k, v in source.items() if k not in VOLATILE_SOURCE}


#: Characters a report shows of a value before or after a change: enough to tell a retitled
#: record or a creator added; the stored versions hold the whole.
SHOWN_CHARACTERS = 80
#: What a report shows for a field one version does not have.
ABSENT = "(none)"


def shown_change(old: dict[str, Any], new: dict[str, Any], name: str) -> tuple[str, str]:
    """The value of field ``name`` in two records' data, each as a report shows it: the
    text of a ``{"value": …}`` or a string, else compact JSON; cut at
    :data:`SHOWN_CHARACTERS`."""
    return _shown(old.get(name)), _shown(new.get(name))


def _shown(value: Any) -> str:
    if value is None:
        return ABSENT
    if isinstance(value, dict) and set(value) <= {"value", "lang"}:
        value = value.get("value")  # a Text: its words, not its JSON
    text = value if isinstance(value, str) else msgspec.json.encode(value).decode()
    if len(text) <= SHOWN_CHARACTERS:
        return text
    return text[: SHOWN_CHARACTERS - 1] + "…"


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The top-level fields whose values differ between two records' data, sorted.

    A field one side leaves out counts as changed when the other has it (a list field emptied
    is left out of the new record's JSON, not written as ``[]``).
    """
    return _differing(comparable(old), comparable(new))


def _differing(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))


# Built once, as SQLAlchemy then finds its compiled form at once.
_STORED_JSON = select(t.records.c.id, t.records.c.record_json).where(
    t.records.c.id.in_(bindparam("ids", expanding=True))
)


def note_changes(conn: Connection, updated: dict[str, Entry]) -> None:
    """Set ``changed_fields`` (and ``changed_values``) on entries whose record replaces a
    stored one.

    ``updated`` maps record ids to their entries; the stored versions are read in one query,
    inside the caller's transaction and before it writes the new ones.  A record twice in one
    page (deleted, then back) is compared once, its last entry with the version stored before
    the page.  A record restored (a tombstone before) is compared with the data its tombstone
    kept.
    """
    if not updated:
        return
    rows = (
        row for part in in_parts(list(updated)) for row in conn.execute(_STORED_JSON, {"ids": part})
    )
    for rid, old_json in rows:
        entry = updated[rid]
        if entry.record is None or old_json is None:
            continue
        old = msgspec.json.decode(old_json)
        # A tombstone's flag: the record coming back is its outcome (restored), not a change
        # of its ``source``.  Only a tombstone has it.
        old["source"].pop("deleted", None)
        # Compared, and shown, with a source as it counts (see :data:`VOLATILE_SOURCE`).
        before, after = comparable(old), comparable(entry.record.to_dict())
        entry.changed_fields = _differing(before, after)
        entry.changed_values = {
            name: shown_change(before, after, name) for name in entry.changed_fields
        }
