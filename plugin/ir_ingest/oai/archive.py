"""The optional raw-page archive: every response a harvest stored, gzip-compressed, per source.

Pages are kept as the endpoint sent them (before any repair), so a crosswalk bug or a disputed
record can be looked at later without asking the endpoint again.  Layout::

    DIR/<source slug>/run-00012/w0003-p000041.xml.gz

The slug is the source's host, format and set plus a short hash of the full source key, so two
sources never share a directory and names stay far below the 255-byte limit (miku/metha's README
warns of harvests failing on long state-file names).

A page is its owner's alone to read (0600), and so is each folder the archive makes (0700): a
page's ``<request>`` may repeat the base URL's API key (``?apikey=…``), which the store and the
reports never hold whole (:func:`~ir_ingest.secrets.public_url`).  A folder that was there is
left as it is.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import re
import tempfile
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import urlsplit

from ir_ingest.errors import HarvestError, UsageError
from ir_ingest.store import source_key

if TYPE_CHECKING:
    from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")

#: An archived page's mode, and a folder's the archive makes (before the umask takes its own).
PAGE_MODE = 0o600
FOLDER_MODE = 0o700


def check_archive(root: Path, option: str = "--archive") -> None:
    """Raise :class:`UsageError` when the archive directory (or another folder a run writes
    to, named by ``option``: demo's ``--report-dir``) cannot be made or written to,
    before the run's first request, not at its first page.  The directory and a probe file in
    it are really made, then removed again with every folder made for them (a run refused for
    another reason had left an empty directory behind): permission bits say nothing to root,
    which CI runs as, and /proc or a read-only mount refuse root too."""
    try:
        existing = root
        while not existing.exists():
            if existing.is_symlink():
                raise UsageError(f"{option} {root}: {existing} is a symbolic link to nothing")
            existing = existing.parent
        if not existing.is_dir():
            raise UsageError(f"{option} {root}: {existing} is not a directory")
    except OSError as exc:  # a name too long, a folder that cannot be entered
        raise UsageError(f"{option} {root}: {exc.strerror}") from exc
    try:
        _try_writing(root, existing)
    except OSError as exc:
        raise UsageError(f"{option} {root}: cannot be made or written to: {exc.strerror}") from exc


def _try_writing(root: Path, existing: Path) -> None:
    """Make ``root`` below its nearest ``existing`` ancestor and a probe file in it, then remove
    both and every folder made on the way; raises the :class:`OSError` of the step refused."""
    missing = len(root.parents) - len(existing.parents) - 1
    made = [] if root == existing else [root, *root.parents[:missing]]
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe, name = tempfile.mkstemp(prefix=".ir-ingest-probe-", dir=root)
        os.close(probe)
        os.unlink(name)
    finally:
        for folder in made:
            with contextlib.suppress(OSError):  # not made (refused), or not empty after all
                folder.rmdir()


class PageArchive:
    """Write a source's raw pages under one directory."""

    def __init__(self, root: Path, repository: str, prefix: str, set_spec: str | None) -> None:
        """``root`` is the archive directory; the source gets a subdirectory of its own."""
        key = source_key(repository, prefix, set_spec)
        host = urlsplit(repository).hostname or repository
        readable = _UNSAFE.sub("_", f"{host}-{prefix}-{set_spec or 'all'}")[:80]
        digest = hashlib.sha256(key.encode()).hexdigest()[:10]
        self.directory = root / f"{readable}-{digest}"

    def write(self, run_id: int, window: int, page: int, body: bytes) -> Path:
        """Store one response; returns its path.  Written whole to a temporary name first."""
        folder = self.directory / f"run-{run_id:05d}"
        path = folder / f"w{window:04d}-p{page:06d}.xml.gz"
        partial = path.with_suffix(".part")
        try:
            _make_folders(folder)
            with _new_file(partial) as kept:
                kept.write(gzip.compress(body, compresslevel=6))
            partial.replace(path)
        except OSError as exc:
            # Before the page is stored: the run stops with its checkpoint on the page before.
            raise HarvestError(f"cannot archive a raw page under {folder}: {exc.strerror}") from exc
        return path


def _make_folders(folder: Path) -> None:
    """Make ``folder`` and those above it that are missing, each :data:`FOLDER_MODE`:
    ``mkdir(parents=True)`` gives the folders above the last the umask's mode alone (0755)."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(mode=FOLDER_MODE, exist_ok=True)  # exist_ok: parallel windows make it too


def _new_file(path: Path) -> BinaryIO:
    """``path`` opened to be written anew, :data:`PAGE_MODE`, unless it is a symbolic link
    (``ELOOP``).

    The page's temporary name is known to anyone who can read the archive, and a link put
    there in a shared folder had been followed: the harvest wrote its page over the file the
    link named (a security review).  A file left there (a run killed while writing) keeps
    its mode when opened: it is set again.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
    handle = os.open(path, flags, PAGE_MODE)
    try:
        os.fchmod(handle, PAGE_MODE)
    except OSError:
        os.close(handle)
        raise
    return os.fdopen(handle, "wb")
