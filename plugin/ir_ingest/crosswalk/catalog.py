"""The crosswalks by format (the shipped files, and those of the folders users add), a shipped
file's rules compiled when a record first needs them.

Choosing a crosswalk takes every file's format (and precedence), but a harvest reads its records
with one: compiling the rules of all three shipped files took 54 ms of CPU (MODS's alone 42 ms)
while a harvest's first pages were on their way, and held up its next requests: bench/harvest.py's
third request went out 100-110 ms into the run, 80-85 ms with oai_dc's rules alone compiled (71 ms
with no warm-up at all).  The shipped files are read for their keys when the registry is made,
and their rules compiled on first use.  A user's
files are compiled as they are found, as before: a broken rule of theirs stops a command before
its first request (a shipped file is checked by the tests).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from ir_ingest.crosswalk.definition import Crosswalk, load_crosswalk, read_mapping
from ir_ingest.errors import ConfigError, CrosswalkChoiceError
from ir_ingest.resources import bundled

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from pathlib import Path

__all__ = [
    "Crosswalks",
    "Unread",
    "add_crosswalk_dir",
    "check_crosswalk_name",
    "crosswalk_dirs",
    "registry",
]


@dataclass(frozen=True, slots=True)
class Unread:
    """A crosswalk file read for its keys, its rules not compiled yet."""

    path: Path
    data: dict[str, Any]

    @classmethod
    def read(cls, path: Path) -> Unread:
        """The file read, its keys checked (its rules are checked when compiled)."""
        return cls(path, read_mapping(path))

    @property
    def format(self) -> str:
        """The crosswalk's name, as :class:`Crosswalk` has it (checked: a string)."""
        return str(self.data["format"])

    @property
    def precedence(self) -> int | None:
        """As :class:`Crosswalk` has it (a shipped file's is checked by the tests)."""
        precedence: int | None = self.data.get("precedence")
        return precedence


class Crosswalks(Mapping[str, Crosswalk]):
    """Crosswalks by format, in the order they were found; an :class:`Unread` one is loaded
    (and kept) when first looked up.  Asking whether a format is known loads nothing."""

    def __init__(self, found: dict[str, Crosswalk | Unread]) -> None:
        self._found = found

    def __getitem__(self, name: str) -> Crosswalk:
        entry = self._found[name]
        if isinstance(entry, Unread):
            # Two threads may both load it: the same crosswalk, and the last one is kept.
            entry = self._found[name] = load_crosswalk(entry.path, data=entry.data)
        return entry

    def __contains__(self, name: object) -> bool:
        return name in self._found

    def __iter__(self) -> Iterator[str]:
        return iter(self._found)

    def __len__(self) -> int:
        return len(self._found)

    def load(self, name: str | None = None) -> None:
        """Compile the rules of the crosswalk ``name`` (which must be known), or of all."""
        for each in self._found if name is None else [name]:
            self[each]

    def precedence(self, name: str) -> int | None:
        """The ``precedence`` of the crosswalk ``name``, without compiling its rules; None
        when no crosswalk has that name or it does not say."""
        entry = self._found.get(name)
        return None if entry is None else entry.precedence


_user_dirs: list[Path] = []


def add_crosswalk_dir(path: Path) -> None:
    """Make the crosswalk files in ``path`` available; they win over shipped ones of a format.

    A folder added again is not read twice (each command adds the config's folders anew).
    """
    _user_dirs[:] = [folder for folder in _user_dirs if folder.resolve() != path.resolve()]
    _user_dirs.insert(0, path)
    registry.cache_clear()


def crosswalk_dirs() -> tuple[Path, ...]:
    """The user folders added so far, the one searched first first."""
    return tuple(_user_dirs)


@cache
def registry() -> Crosswalks:
    """All crosswalks by format; a user's file overrides the shipped one of its format.

    An overriding file that declares no ``precedence`` keeps the one of the file it replaces:
    a user's copy of mods.yaml must not fall below oai_dc.  Raises :class:`ConfigError` for a
    file that cannot be loaded, and for two files of one format among the user's folders (or
    among the shipped files): which one won depended on their names.  A shipped file's rules
    are compiled when first looked up (:mod:`ir_ingest.crosswalk.catalog`).
    """
    shipped = _by_format([bundled("crosswalks")], Unread.read)
    found: dict[str, Crosswalk | Unread] = dict(shipped)
    for name, crosswalk in _by_format(reversed(_user_dirs), load_crosswalk).items():
        replaced = shipped.get(name)
        if crosswalk.precedence is None and replaced is not None:
            crosswalk = replace(crosswalk, precedence=replaced.precedence)
        found[name] = crosswalk
    return Crosswalks(found)


_Found = TypeVar("_Found", Crosswalk, Unread)


def _by_format(folders: Iterable[Path], read: Callable[[Path], _Found]) -> dict[str, _Found]:
    """The crosswalk files of these folders by their ``format:``, each format once."""
    found: dict[str, _Found] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            crosswalk = read(path)
            other = found.get(crosswalk.format)
            if other is not None:
                raise ConfigError(
                    f"{other.path} and {path} both say format: {crosswalk.format}, and a "
                    "crosswalk is named by its format: key: give one of them another format "
                    "(a source's crosswalk = names it), or move its rules into the other file"
                )
            found[crosswalk.format] = crosswalk
    return found


def check_crosswalk_name(name: str | None) -> None:
    """Refuse, before any work, a crosswalk name no crosswalk has (a typing error), with
    :class:`CrosswalkChoiceError`; a crosswalk file that cannot be read raises
    :class:`ConfigError`.

    A crosswalk is named by its ``format:`` key; a file named like ``name`` is pointed out
    (``pure_dc.yaml`` saying ``format: oai_dc`` is the crosswalk ``oai_dc``).
    """
    if name is None and not _user_dirs:
        # The shipped files (which the tests read) are read when the first page is processed:
        # a harvest's first request need not wait for them (87 ms, mostly the MODS rules).
        # A user's are read now: a harvest they would stop sends no request.
        return
    crosswalks = registry()
    if name is None or name in crosswalks:
        return
    known = ", ".join(sorted(crosswalks))
    files = [cw for cw in crosswalks.values() if cw.path.stem == name]
    unread = sorted(path for folder in _user_dirs for path in folder.glob("*.yml"))
    hint = (
        f"; {files[0].path} is the crosswalk {files[0].format!r} (its format: key names it)"
        if files
        else f"; only *.yaml files are read, not {unread[0]}"
        if unread
        else ""
    )
    raise CrosswalkChoiceError(f"no crosswalk is named {name!r}; known: {known}{hint}")
