"""Reading a config file: TOML, its top-level keys, each table checked (:mod:`.sections`),
every problem said at once."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from ir_ingest.config.model import Config
from ir_ingest.config.sections import Problems, read_source, read_target
from ir_ingest.errors import ConfigError
from ir_ingest.secrets import shown_value

DEFAULT_CONFIG = Path("ir-ingest.toml")
#: The most of a config file read: a config is a few kilobytes, and --config naming a log, a
#: database or /dev/zero had been read whole (a MemoryError traceback for /dev/zero).
MAX_CONFIG_BYTES = 4 * 1024 * 1024


def load_config(path: Path | None) -> Config:
    """Load ``path``, or ``./ir-ingest.toml`` when it exists; no file at all is an empty config.

    Every problem of the file is said in one :class:`ConfigError`, one a line: a manager had
    fixed a config one error a try (a walkthrough).
    """
    if path is None:
        if not DEFAULT_CONFIG.exists():
            return Config()
        path = DEFAULT_CONFIG
    data = _read_toml(path)
    problems = Problems()
    _check_top_level(data, problems)
    sources = {
        name: source
        for name, spec in _named(data, "sources", problems)
        if (source := read_source(name, spec, problems, path)) is not None
    }
    targets = {
        name: target
        for name, spec in _named(data, "targets", problems)
        if (target := read_target(name, spec, problems)) is not None
    }
    folders = _crosswalk_dirs(path, data.get("crosswalk_dirs", []), problems)
    problems.raise_any(path)
    return Config(sources, targets, folders)


def _read_toml(path: Path) -> dict[str, Any]:
    """The TOML document ``path`` holds; :class:`ConfigError` saying why it cannot be read.

    Read past a byte order mark, which Windows editors and PowerShell's UTF-8 write: tomllib
    said "Invalid statement (at line 1, column 1)" of a file that looked right.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
        if len(data) > MAX_CONFIG_BYTES:
            raise ConfigError(
                f"config file {path} is over {MAX_CONFIG_BYTES:,} bytes: is it the TOML "
                "config file?"
            )
        return tomllib.loads(data.decode("utf-8-sig"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist") from exc
    except UnicodeDecodeError as exc:  # TOML is UTF-8 (a Windows editor's Latin-1)
        raise ConfigError(f"config file {path} is not UTF-8: save it as UTF-8") from exc
    except OSError as exc:  # a folder: "[Errno 21] Is a directory: '…'" had been said
        raise ConfigError(f"config file {path}: cannot read it: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path}: not valid TOML: {exc}") from exc
    except RecursionError as exc:  # tomllib reads nesting by recursion: a = [[[…]]] 500 deep
        raise ConfigError(
            f"config file {path}: its arrays or inline tables are nested too deeply to be read"
        ) from exc


def _check_top_level(data: dict[str, Any], problems: Problems) -> None:
    """Keys of the file outside its tables: ``crosswalk_dirs`` alone is one."""
    unknown = set(data) - {"sources", "targets", "crosswalk_dirs"}
    if not unknown:
        return
    known = "use crosswalk_dirs, [sources.*], [targets.*]"
    # The store is the command line's: a manager had written db = "…" here in vain.
    store = [key for key in ("db", "database", "db_url", "store") if key in unknown]
    if store:
        known += f" (the store is not the config's: give --db URL or IR_INGEST_DB, not {store[0]})"
    problems.add(f"unknown keys {sorted(unknown)}; {known}")


def _named(data: dict[str, Any], key: str, problems: Problems) -> list[tuple[str, Any]]:
    """The ``[key.NAME]`` tables of the file, by name."""
    tables = data.get(key, {})
    if isinstance(tables, dict):
        return list(tables.items())
    # [[sources]] (an array of tables) is the likeliest slip: each needs a name.
    problems.add(
        f"{key} are tables with a name each, written [{key}.NAME], got {shown_value(tables)}"
    )
    return []


def _crosswalk_dirs(path: Path, value: Any, problems: Problems) -> tuple[Path, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.add(f"crosswalk_dirs is a list of folders, got {shown_value(value)}")
        return ()
    folders = []
    for item in value:
        try:
            folder = (path.parent / item).resolve()
            is_file, is_dir = folder.is_file(), folder.is_dir()
        except ValueError:  # a NUL in the name: "embedded null byte" had been a traceback
            problems.add(f"crosswalk folder {item!r} cannot be a folder's name: it holds a NUL")
            continue
        except OSError as exc:  # a name too long for the file system (ENAMETOOLONG)
            problems.add(f"crosswalk folder {item!r} cannot be read: {exc.strerror}")
            continue
        if is_file:
            problems.add(f"crosswalk folder {str(folder)!r} is a file, not a folder")
        elif not is_dir:
            problems.add(f"crosswalk folder {str(folder)!r} does not exist")
        folders.append(folder)
    return tuple(folders)
