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


def when_tables_change(clear: Callable[[], None]) -> None:
    """Have ``clear`` called when the tables may have changed: a cache of results read from
    them (a language looked up once) must not outlive them."""
    _dependents.append(clear)


def tables_changed() -> None:
    """Forget the tables read, and every result cached from them."""
    load_table.cache_clear()
    table_columns.cache_clear()
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


@cache
def load_table(name: str) -> dict[str, dict[str, str]]:
    """Read a lookup table by name (``resource_types``) into ``{key: row without source_value}``.

    The tables of that name in every folder make one: a user's rows are added to the shipped
    table's, and a row replaces the shipped row of its value whole (as the rows of a folder
    searched earlier replace a later one's).  A user's file of one new row had replaced the
    whole shipped table, and every other source's types became "other" (a walkthrough,
    following the advice of ``codes crosswalk.unmapped_type``).
    """
    table: dict[str, dict[str, str]] = {}
    for path in reversed(_files(name)):  # the first searched last, so that its rows win
        table.update(_read(path))
    return table


@cache
def table_columns(name: str) -> frozenset[str]:
    """The columns of a lookup table (its files' headers), ``source_value`` aside."""
    columns: set[str] = set()
    for path in _files(name):
        columns.update(_header(path))
    return frozenset(columns - {"source_value"})


def _files(name: str) -> list[Path]:
    """The files of the table ``name``, the one searched first first."""
    folders = [*_search_path, bundled("crosswalks") / "lookups"]
    found = [path for folder in folders if (path := folder / f"{name}.csv").exists()]
    if not found:
        raise ConfigError(f"lookup table {name!r} not found (looked for {name}.csv)")
    return found


def _read(path: Path) -> dict[str, dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or reader.fieldnames[0] != "source_value":
                raise ConfigError(f"{path}: the first column must be 'source_value'")
            table: dict[str, dict[str, str]] = {}
            for row in reader:
                key = lookup_key(row.pop("source_value") or "")
                if key:
                    table[key] = {k: v for k, v in row.items() if v}
            return table
    except UnicodeDecodeError as exc:
        raise ConfigError(not_utf8(path, exc)) from exc


def _header(path: Path) -> list[str]:
    """The header of one table file."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return next(csv.reader(handle), [])
    except UnicodeDecodeError as exc:
        raise ConfigError(not_utf8(path, exc)) from exc


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
