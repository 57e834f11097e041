"""Which crosswalk serves a format: shipped files, users' folders, and format precedence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from ir_ingest.crosswalk import add_crosswalk_dir, catalog, precedence, registry
from ir_ingest.crosswalk.definition import Crosswalk, load_crosswalk
from ir_ingest.errors import ConfigError

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
    (tmp_path / "mine" / "mods.yaml").unlink()  # one mods.yaml of one's own at a time
    registry.cache_clear()
    assert precedence("mods") == 5


def _oai_dc_extension(path: Path, format_: str = "oai_dc") -> None:
    path.write_text(
        f"format: {format_}\ninclude: oai_dc.yaml\n"
        "rules:\n  - {from: 'dc:source', to: 'notes[]'}\n",
        encoding="utf-8",
    )


def test_two_files_of_one_format_are_refused_naming_both(tmp_path: Path) -> None:
    # The last name in sorted order won, silently: renaming a file changed every record.
    mine = tmp_path / "mine"
    mine.mkdir()
    _oai_dc_extension(mine / "oai_dc.yaml")
    add_crosswalk_dir(mine)
    assert registry()["oai_dc"].path == mine / "oai_dc.yaml", "a shipped format is overridden"
    _oai_dc_extension(mine / "zz-other.yaml")
    registry.cache_clear()  # as a new command does
    with pytest.raises(ConfigError) as caught:
        registry()
    assert str(caught.value).startswith(
        f"{mine / 'oai_dc.yaml'} and {mine / 'zz-other.yaml'} both say format: oai_dc,"
    )
    (mine / "zz-other.yaml").unlink()
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    _oai_dc_extension(theirs / "dc.yaml")
    add_crosswalk_dir(theirs)
    with pytest.raises(ConfigError, match=r"/mine/oai_dc\.yaml and .*/theirs/dc\.yaml both say"):
        registry()
    _oai_dc_extension(theirs / "dc.yaml", "theirs_dc")
    add_crosswalk_dir(theirs)  # again, as every command adds the config's folders: read once
    assert {"oai_dc", "theirs_dc"} <= set(registry())


def test_a_shipped_crosswalk_is_compiled_when_a_record_first_needs_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A harvest reads its records with one crosswalk: the others' rules (MODS's, 42 ms) are
    not compiled for it; knowing the formats and their precedence compiles nothing."""
    compiled: list[str] = []

    def counting(path: Path, **kwargs: Any) -> Crosswalk:
        compiled.append(path.name)
        return load_crosswalk(path, **kwargs)

    monkeypatch.setattr(catalog, "load_crosswalk", counting)
    crosswalks = registry()
    assert {"mods", "qdc", "oai_dc"} <= set(crosswalks)
    assert ("mods" in crosswalks, crosswalks.precedence("mods")) == (True, 30)
    assert compiled == []
    assert crosswalks["oai_dc"] is crosswalks["oai_dc"]
    assert compiled == ["oai_dc.yaml"]
    assert [cw.format for cw in crosswalks.values()] == list(crosswalks)
    assert sorted(compiled) == ["mods.yaml", "oai_dc.yaml", "qdc.yaml"]
