"""Controlled-vocabulary lookup tables: ``crosswalks/lookups/*.csv``.

Each table's first column is ``source_value``; rows are matched on the normalised key (white space
collapsed, lower case).  Tables are read once per process and looked up by dict access.
"""

from __future__ import annotations

import csv
from functools import cache
from typing import TYPE_CHECKING

from ir_ingest.errors import ConfigError
from ir_ingest.resources import bundled

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

_search_path: list[Path] = []
_dependents: list[Callable[[], None]] = []


def add_lookup_dir(path: Path) -> None:
    """Let a user directory of ``*.csv`` tables add rows to the shipped ones, its rows winning
    (searched first)."""
    _search_path.insert(0, path)
    tables_changed()


def check_lookup_dir(path: Path) -> None:
    """Read each table of a user's folder (with the shipped one of its name) now, so that one
    in error (a header without ``source_value``, a shipped column missing, bytes that are not
    UTF-8) is refused as the config loads: read only when a record first needed it, it had
    failed a harvest at its first page, or never been said to ``crosswalk`` a record that did
    not need it.  Raises :class:`ConfigError`."""
    for table in sorted(path.glob("*.csv")):
        load_table(table.stem)


def when_tables_change(clear: Callable[[], None]) -> None:
    """Have ``clear`` called when the tables may have changed: a cache of results read from
    them (a language looked up once) must not outlive them."""
    _dependents.append(clear)


def tables_changed() -> None:
    """Forget the tables read, and every result cached from them."""
    _table.cache_clear()
    for clear in _dependents:
        clear()


def lookup_dirs() -> tuple[Path, ...]:
    """The user folders of tables added so far, the one searched first first."""
    return tuple(_search_path)


def lookup_key(value: str) -> str:
    """The form a value is matched in: white space collapsed and lower case."""
    # str.split() splits on the characters regular expressions call \s (each lookup asks):
    # a fifth of the time of substituting a pattern.
    return " ".join(value.split()).lower()


def load_table(name: str) -> dict[str, dict[str, str]]:
    """A lookup table by name (``resource_types``) as ``{key: row without source_value}``.

    The tables of that name in every folder make one: a user's rows are added to the shipped
    table's, and a row replaces the shipped row of its value whole (as the rows of a folder
    searched earlier replace a later one's), so a user's table must have every column of the
    shipped one.  A user's file of one new row had replaced the
    whole shipped table, and every other source's types became "other" (a walkthrough,
    following the advice of ``codes crosswalk.unmapped_type``).
    """
    return _table(name)[1]


def table_columns(name: str) -> frozenset[str]:
    """The columns of a lookup table (its files' headers), ``source_value`` aside."""
    return _table(name)[0]


@cache
def _table(name: str) -> tuple[frozenset[str], dict[str, dict[str, str]]]:
    """The columns and the rows of the table ``name``, its files read once."""
    columns: set[str] = set()
    rows: dict[str, dict[str, str]] = {}
    shipped: list[str] = []
    for path in reversed(_files(name)):  # the first searched last, so that its rows win
        header, read = _read(path)
        if path.parent == _SHIPPED:
            shipped = header
        elif missing := [column for column in shipped if column not in header]:
            # A row replaces the shipped row whole: without these, every value it maps lost
            # them (a type's "label" and "general"), with no word.
            raise ConfigError(
                f"{path}: has no column {', '.join(map(repr, missing))}, which the shipped "
                f"{name}.csv has; a row of yours replaces the shipped row of its value whole, "
                f"so give the table every column: {','.join(shipped)}"
            )
        columns.update(header)
        rows.update(read)
    return frozenset(columns - {"source_value"}), rows


#: The folder of the shipped tables.
_SHIPPED = bundled("crosswalks") / "lookups"


def _files(name: str) -> list[Path]:
    """The files of the table ``name``, the one searched first first."""
    folders = [*_search_path, _SHIPPED]
    found = [path for folder in folders if (path := folder / f"{name}.csv").exists()]
    if not found:
        raise ConfigError(f"lookup table {name!r} not found (looked for {name}.csv)")
    return found


def _read(path: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    """One table file's header and rows.

    Read past a byte order mark: a spreadsheet's "CSV UTF-8", which the message of a file
    not UTF-8 advises, begins with one, and its header had been refused as not beginning
    with 'source_value' (the mark unseen in the message).
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            if header[:1] != ["source_value"]:
                raise ConfigError(f"{path}: the first column must be 'source_value'")
            rows: dict[str, dict[str, str]] = {}
            for row in reader:
                key = lookup_key(row.pop("source_value") or "")
                if key:
                    rows[key] = {k: v for k, v in row.items() if v}
            return header, rows
    except UnicodeDecodeError as exc:
        raise ConfigError(not_utf8(path, exc)) from exc
    except csv.Error as exc:  # a cell over the csv module's 131,072 characters: a traceback
        # line_num counts the lines read whole; the one it stopped in is the next.
        where = f"{path}, line {reader.line_num + 1}"
        raise ConfigError(f"{where}: cannot read the table: {exc}") from exc


def not_utf8(path: Path, exc: UnicodeDecodeError) -> str:
    """What to say of a table or crosswalk file that is not UTF-8 (a spreadsheet saved as
    Latin-1 or Windows-1252): it had been a traceback.  The offset is the file's: a text
    stream decodes in chunks, and its error counts within one."""
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as whole:
        exc = whole
    except OSError:
        pass
    return (
        f"{path} is not UTF-8 (byte {exc.object[exc.start]:#04x} at offset {exc.start}): "
        "save it as UTF-8 (a spreadsheet's 'CSV UTF-8')"
    )


def lookup_row(table: str, value: str) -> dict[str, str] | None:
    """Return the row of ``table`` that ``value`` maps to, or ``None``."""
    return load_table(table).get(lookup_key(value))
