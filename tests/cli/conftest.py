"""What the command-line tests share: the runner, a store, the user's crosswalk folders."""

from __future__ import annotations

import sys
from contextlib import closing
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from ir_ingest.crosswalk import lookups
from ir_ingest.store import Store

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


@pytest.fixture
def isolated_crosswalks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Undo the crosswalk and lookup folders a test's config adds to this process."""
    crosswalk_package = sys.modules["ir_ingest.crosswalk"]
    monkeypatch.setattr(crosswalk_package, "_user_dirs", [])
    monkeypatch.setattr(lookups, "_search_path", [])
    yield
    crosswalk_package.registry.cache_clear()
    lookups.load_table.cache_clear()


def titles_only(folder: Path) -> None:
    """A crosswalk folder with one crosswalk, ``titles_only`` (in titles.yaml): oai_dc's first
    title, the rest to extra."""
    folder.mkdir()
    (folder / "titles.yaml").write_text(
        "format: titles_only\nroot: oai_dc:dc\n"
        "namespaces: {oai_dc: 'http://www.openarchives.org/OAI/2.0/oai_dc/', "
        "dc: 'http://purl.org/dc/elements/1.1/'}\n"
        "rules:\n  - {from: 'dc:title[1]', to: title, as: value}\n",
        "utf-8",
    )


def store_counts(db: str) -> dict[str, int]:
    with closing(Store(db)) as store:
        return store.counts()
