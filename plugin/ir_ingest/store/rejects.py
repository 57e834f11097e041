"""Rejects: harvested records that could not be read or crosswalked, kept with their raw XML
(written with their page by :mod:`~ir_ingest.store.pagewrite`), listed, read back and forgotten
for ``reprocess`` (``StoreRejects``, the part of ``Store`` that does so)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, delete, select

from ir_ingest.entry import HarvestedRecord, Issue
from ir_ingest.store import tables as t
from ir_ingest.store.page_sql import REJECT_KEY, in_parts
from ir_ingest.store.records import response_issues

__all__ = ["StoreRejects"]

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy import ColumnElement, Select
    from sqlalchemy.engine import Engine


class StoreRejects:
    """Rejects read back and forgotten: the part of ``Store`` that does so."""

    engine: Engine

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
            query = query.where(~t.begins_with(c.oai_identifier, skip_prefix))
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
                response_issues(row.issues_json),
            )
            for row in rows
        ]

    def drop_rejects(self, keys: Iterable[int]) -> None:
        """Forget these rejects (keys from :meth:`list_rejects`): stored now, or superseded.

        By key, not by record: a harvest running meanwhile may have kept a newer copy of the
        record as a reject, which nobody has tried yet (its raw XML is all there is of it).
        The rows are locked first in the order a page write drops a record's earlier rejects
        (``page_sql.DROP_SAME_REJECTS``, by record and datestamp, sorted in Python): the
        DELETE alone locked them in the order its plan read them, and a page rejecting the
        same records again meanwhile had held one this waited for while waiting for one this
        held.  The keys are put in that order before they are split into statements' parts:
        in the order of the keys, a part's rows lay anywhere in the page's order.
        """
        wanted = sorted(set(keys))
        if not wanted:
            return
        with self.engine.begin() as conn:
            found = [
                tuple(row)
                for part in in_parts(wanted)
                for row in conn.execute(_KEYS, {"keys": part})
            ]
            # Sorted as the page write sorts its keys (by code point), not as the database does.
            in_page_order = [pk for *_, pk in sorted(found)]
            lock = _lock_in_page_order(conn.dialect.name)
            for part in in_parts(in_page_order):
                conn.execute(lock, {"keys": part})
                conn.execute(_FORGET, {"keys": part})


_CHOSEN = t.rejects.c.pk.in_(bindparam("keys", expanding=True))
#: A reject's key as the page write orders it (``REJECT_KEY``), then its own key.
_KEYS = select(*(t.rejects.c[name] for name in REJECT_KEY), t.rejects.c.pk).where(_CHOSEN)
_FORGET = delete(t.rejects).where(_CHOSEN)


@cache  # per dialect
def _lock_in_page_order(dialect: str) -> Select[tuple[int]]:
    """SELECT … FOR UPDATE of the chosen rejects, in the order of their key as Python sorts it.

    Python orders strings by code point; PostgreSQL by the column's collation, which under an
    ICU or glibc locale puts ``oai:x:a`` before ``oai:x:B``.  "C" compares UTF-8 bytes, whose
    order is the code points'.  SQLite takes no row locks, and has no "C" (its default,
    BINARY, is that order too).
    """
    key: list[ColumnElement[str]] = [t.rejects.c[name] for name in REJECT_KEY]
    if dialect == "postgresql":
        key = [column.collate("C") for column in key]
    return select(t.rejects.c.pk).where(_CHOSEN).order_by(*key, t.rejects.c.pk).with_for_update()
