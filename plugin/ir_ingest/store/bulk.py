"""One statement run for many rows through the driver, without SQLAlchemy's work per row.

Given a statement and a list of rows, SQLAlchemy builds each row's parameters anew and passes
every value through its type's converter, in Python: some 15 µs of CPU a new record on SQLite,
a sixth of what storing it cost.  The page writer's rows need none of it: they hold strings,
integers, booleans, bytes and None, which both drivers (sqlite3, psycopg) take as they are,
and one timestamp per page, converted once (:func:`driver_value`).  So a
:class:`BulkStatement` is compiled once per dialect and run with ``exec_driver_sql``, which
keeps the connection's transaction and SQLAlchemy's wrapping of the driver's errors
(``IntegrityError`` and the rest).
"""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, insert

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy import Column, Connection, Table, UpdateBase
    from sqlalchemy.engine import Dialect

__all__ = ["BulkStatement", "bulk_insert", "driver_value"]

#: A statement's SQL for one dialect, and what makes a row's parameters of a dict (``None``
#: where the dialect takes the dict itself).
_Compiled = tuple[str, "Callable[[dict[str, Any]], tuple[Any, ...]] | None"]


class BulkStatement:
    """An INSERT, UPDATE or DELETE whose parameters are all ``bindparam``s, run for many rows.

    Each row is a dict holding a value for every parameter, by name, ready for the driver.
    """

    def __init__(self, statement: UpdateBase) -> None:
        self.statement = statement
        # A dialect belongs to one engine; a store opened and closed again leaves no entry.
        self._compiled: WeakKeyDictionary[Dialect, _Compiled] = WeakKeyDictionary()

    def run(self, conn: Connection, rows: list[dict[str, Any]]) -> int:
        """Run the statement for each of ``rows``; the number of rows it matched in all."""
        sql, positional = self._compile(conn.dialect)
        # A positional paramstyle (SQLite's ``?``) takes tuples in the statement's order; a
        # named one (psycopg's ``%(name)s``) takes the dicts themselves.
        params = rows if positional is None else list(map(positional, rows))
        return conn.exec_driver_sql(sql, params).rowcount

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect)
        if compiled is None:
            done = self.statement.compile(dialect=dialect)
            names = done.positiontup
            positional = None if names is None else _values_in_order(names)
            compiled = self._compiled[dialect] = (done.string, positional)
        return compiled


def _values_in_order(names: Sequence[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """What takes a row's values out of its dict, as a tuple in the order of ``names``."""
    if len(names) == 1:  # itemgetter of one name gives the value itself, not in a tuple
        name = names[0]
        return lambda row: (row[name],)
    getter: Callable[[dict[str, Any]], tuple[Any, ...]] = itemgetter(*names)
    return getter


def bulk_insert(table: Table) -> BulkStatement:
    """INSERT of every column of ``table`` but an autoincrementing key, each row giving all."""
    columns = [c.key for c in table.c if c is not table.autoincrement_column]
    return BulkStatement(insert(table).values({key: bindparam(key) for key in columns}))


def driver_value(conn: Connection, column: Column[Any], value: Any) -> Any:
    """``value`` as SQLAlchemy would hand it to the driver for ``column`` (on SQLite, a
    timestamp is a string in SQLAlchemy's format, which its reads expect)."""
    dialect = conn.dialect
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return value if processor is None else processor(value)
