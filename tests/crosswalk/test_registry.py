"""Which crosswalk serves a format: shipped files, users' folders, and format precedence."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from ir_ingest.crosswalk import add_crosswalk_dir, precedence, registry

if TYPE_CHECKING:
    from pathlib import Path


pytestmark = pytest.mark.usefixtures("isolated_crosswalks")


def test_the_shipped_formats_rank_mods_over_qualified_dc_over_oai_dc() -> None:
    assert (precedence("mods"), precedence("qdc"), precedence("oai_dc")) == (30, 20, 10)
    assert precedence("swepub_mods") is None  # a name that is no crosswalk says nothing


def _mods_copy(folder: Path, extra: str = "") -> None:
    folder.mkdir()
    (folder / "mods.yaml").write_text(
        f"format: mods\nroot: m:mods\nnamespaces: {{m: 'http://www.loc.gov/mods/v3'}}\n{extra}"
        "rules:\n  - {from: 'm:titleInfo/m:title', to: title, as: value}\n",
        encoding="utf-8",
    )


def test_a_users_copy_of_a_format_keeps_its_precedence_unless_it_sets_one(tmp_path: Path) -> None:
    shipped = precedence("mods")
    _mods_copy(tmp_path / "mine")
    add_crosswalk_dir(tmp_path / "mine")
    assert registry()["mods"].path == tmp_path / "mine" / "mods.yaml"
    assert precedence("mods") == shipped
    _mods_copy(tmp_path / "theirs", "precedence: 5\n")
    add_crosswalk_dir(tmp_path / "theirs")
    assert precedence("mods") == 5
