"""Files the commands write: ``-o`` (stdout for ``-``), the format its suffix names, and a
file put in its place only once written whole."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ir_ingest.console import err
from ir_ingest.errors import IngestError

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence


#: What names this process's stdout: written to as stdout, not opened again, which would
#: truncate a file a shell appends to (``export -o /dev/stdout >> all.jsonl``, a review).
_STDOUT_NAMES = frozenset(("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"))


def _stdout_as_none(value: Path | None) -> Path | None:
    # "-o -" is stdout, as for most tools: it had written a file named "-".
    return None if value is not None and str(value) in _STDOUT_NAMES else value


#: ``-o``: where export and report write (their format may follow its suffix).
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "-o",
        "--output",
        metavar="FILE",
        help="File, or - (the default) for stdout.",
        callback=_stdout_as_none,
    ),
]


@contextmanager
def written_whole(path: Path) -> Iterator[Path]:
    """A file to write for ``path``, put in its place once written whole: an export that fails
    or is stopped part-way leaves the file it would have replaced as it was, not cut short.

    It is written in a folder of its own beside ``path``, under ``path``'s name (gzip keeps
    the name in its header), as ``open`` would make it; it takes the mode of the file it
    replaces, and a symbolic link stays one.  Written to as it is, as before: what is no
    regular file, or is under /dev or /proc (a terminal, a pipe), a file with hard links, a
    file in a folder this process cannot write to.  A file it cannot write is refused, as
    ``open`` refuses it.
    """
    target = path.resolve()  # a symbolic link stays one: the file it names is replaced
    if _written_in_place(path, target):
        yield path
        return
    if target.exists() and not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    part = folder / target.name
    try:
        yield part
        if target.exists():
            shutil.copymode(target, part)
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
        folder.rmdir()


def _written_in_place(path: Path, target: Path) -> bool:
    """Whether ``path`` is written to as it is (see :func:`written_whole`)."""
    if path.is_absolute() and path.parts[1:2] in (("dev",), ("proc",)):
        return True
    if target.exists() and (not target.is_file() or target.stat().st_nlink > 1):
        return True
    return not os.access(target.parent, os.W_OK | os.X_OK)


def write_text(path: Path, text: str) -> None:
    """Write a file the user named; a folder that is missing is a clear error."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise IngestError(f"cannot write {path}: {exc.strerror}") from exc


def chosen_format(
    given: str | None,
    output: Path | None,
    formats: Sequence[str],
    suffixes: Mapping[str, str],
    given_as: Path | None = None,
) -> str:
    """The format to write: ``--format`` (one of ``formats``), else the one ``-o``'s suffix
    names in ``suffixes`` (in any case), else the first of ``formats``.  A ``--format``
    unknown or contradicted by the suffix is refused, with exit status 2 as Typer gives a bad
    option: HTML in a ``.json`` file is a mistake, not a wish.  ``given_as`` is ``-o`` as
    given, when ``output`` is it without a compression suffix (``x.jsonl`` of ``x.jsonl.gz``).
    ``--format`` is read in any case, as the suffix is (``--format JSON`` had been refused)."""
    if given is not None and given.lower() not in formats:
        one_of = f"{', '.join(formats[:-1])} or {formats[-1]}"
        err.print(f"error: --format must be {one_of}, got {given!r}")
        raise typer.Exit(2)
    given = given.lower() if given is not None else None
    named = suffixes.get(output.suffix.lower()) if output is not None else None
    if given is not None and named is not None and given != named:
        err.print(
            f"error: --format {given} contradicts -o {given_as or output}, whose suffix names "
            f"{named}: leave --format out, or give the file another suffix"
        )
        raise typer.Exit(2)
    return given or named or formats[0]
