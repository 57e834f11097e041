"""What the command-line tests share: the runner, a store, a crosswalk folder of one's own."""

from __future__ import annotations

from contextlib import closing
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from ir_ingest.store import Store

if TYPE_CHECKING:
    from pathlib import Path


runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


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
