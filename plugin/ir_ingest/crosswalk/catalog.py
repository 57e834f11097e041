"""The crosswalks by format, a shipped file's rules compiled when a record first needs them.

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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ir_ingest.crosswalk.definition import Crosswalk, load_crosswalk, read_mapping

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ["Crosswalks", "Unread"]


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
