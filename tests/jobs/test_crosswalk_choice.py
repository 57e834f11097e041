"""Reprocess makes a source's records with the crosswalk its configuration (or --crosswalk)
names, where that crosswalk reads them, and says what it switched and what it could not."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from ir_ingest.config import load_config
from ir_ingest.crosswalk import add_crosswalk_dir
from ir_ingest.entry import HarvestedRecord
from ir_ingest.errors import ConfigError
from ir_ingest.jobs.crosswalk_choice import CrosswalkChoice, choices, configured_choices
from ir_ingest.jobs.reprocess import reprocess
from ir_ingest.pipeline import process
from ir_ingest.report import render
from ir_ingest.schema import Record, record_id
from tests.jobs.test_reprocess import RAW

if TYPE_CHECKING:
    from pathlib import Path

    from ir_ingest.store import Store

pytestmark = pytest.mark.usefixtures("isolated_crosswalks")

MODS = (
    b'<record xmlns="http://www.openarchives.org/OAI/2.0/"><header><identifier>oai:x:2'
    b"</identifier><datestamp>2024-01-01</datestamp></header><metadata>"
    b'<mods xmlns="http://www.loc.gov/mods/v3"><titleInfo><title>Eels</title></titleInfo>'
    b"</mods></metadata></record>"
)


@pytest.fixture
def pure_dc(tmp_path: Path, isolated_crosswalks: None) -> None:
    """A crosswalk of one's own, ``pure_dc``: oai_dc's, and each title as a note too."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "pure.yaml").write_text(
        "format: pure_dc\ninclude: oai_dc.yaml\n"
        "rules:\n  - {from: 'dc:title', to: 'notes[]', consume: false}\n",
        "utf-8",
    )
    add_crosswalk_dir(folder)


def _config(tmp_path: Path, *sources: str) -> list[CrosswalkChoice]:
    path = tmp_path / "ir-ingest.toml"
    path.write_text("\n".join(sources), "utf-8")
    return configured_choices(load_config(path))


def _stored(store: Store, identifier: str = "oai:x:1") -> Record:
    record = store.get(record_id("urn:test", identifier))
    assert record is not None
    return record


def _store(
    store: Store, raw: bytes = RAW, prefix: str = "oai_dc", crosswalk: str | None = None
) -> None:
    """Store the record ``raw`` (oai:x:1, or oai:x:2 in MODS) made with ``crosswalk``."""
    identifier = "oai:x:2" if prefix == "mods" else "oai:x:1"
    harvested = HarvestedRecord(
        "urn:test", identifier, "2024-01-01", prefix, raw, crosswalk=crosswalk
    )
    store.save_page(None, [process(harvested)], None)


PURE = '[sources.pure]\nurl = "https://x.example/oai"\nrepository = "urn:test"\n'


@pytest.mark.usefixtures("pure_dc")
def test_records_are_made_with_the_crosswalk_their_sources_config_names(
    store: Store, tmp_path: Path
) -> None:
    # They were made with the one that made them: setting crosswalk = in the config did
    # nothing until a full harvest (walkthrough 3).
    _store(store)
    _store(store, MODS, "mods")
    chosen = _config(tmp_path, PURE + 'crosswalk = "pure_dc"\n')

    report = reprocess(store, choices=chosen)

    assert report.counts["updated"] == 1, "the oai_dc record; pure_dc does not read MODS"
    assert _stored(store).source.crosswalk == "pure_dc"
    assert _stored(store).notes == ["Bell title"]
    assert _stored(store, "oai:x:2").source.crosswalk is None
    assert [(i["code"], i["where"], i["message"]) for i in report.run_issues] == [
        (
            "reprocess.crosswalk_kept",
            "[sources.pure]",
            "1 record(s) of urn:test made with mods were made with it again: pure_dc, named "
            "for them, does not read their format",
        ),
        (
            "reprocess.crosswalk_switched",
            "[sources.pure]",
            "1 record(s) of urn:test made with oai_dc were crosswalked again with pure_dc",
        ),
    ]
    again = reprocess(store, choices=chosen)
    assert again.counts["unchanged"] == 2
    assert [i["code"] for i in again.run_issues] == ["reprocess.crosswalk_kept"]


#: A source whose URL, the name its records are kept under, is in a variable.
IN_VARIABLE = '[sources.hidden]\nurl_env = "HIDDEN_OAI_URL"\ncrosswalk = "pure_dc"\n'


@pytest.mark.usefixtures("pure_dc")
def test_a_source_whose_url_variable_is_not_set_is_skipped_and_the_run_says_so(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reprocess failed as a whole, even for --source of another source (review finding 2).
    monkeypatch.delenv("HIDDEN_OAI_URL", raising=False)
    _store(store)
    chosen = _config(tmp_path, PURE + 'crosswalk = "pure_dc"\n', IN_VARIABLE)
    assert [choice.repository for choice in chosen] == ["urn:test", None]

    report = reprocess(store, choices=chosen)

    assert report.counts["updated"] == 1, "the other source's choice is made"
    assert _stored(store).source.crosswalk == "pure_dc"
    assert report.run_issues[0] == {
        "code": "reprocess.source_url_unknown",
        "severity": "warning",
        "where": "[sources.hidden]",
        "message": "the crosswalk it names, pure_dc, was not applied to its records (each was "
        "made with the crosswalk that made it before): the name they are kept under, its URL, "
        "is not known here (url_env names HIDDEN_OAI_URL, which is not set)",
    }
    alone = reprocess(store, "urn:test", choices=chosen)
    assert alone.run_issues == [], "a run of another source is no business of it"


@pytest.mark.usefixtures("pure_dc")
def test_a_source_kept_under_a_name_of_its_own_needs_no_url(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HIDDEN_OAI_URL", raising=False)
    _store(store)
    chosen = _config(tmp_path, IN_VARIABLE + 'repository = "urn:test"\n')

    report = reprocess(store, "urn:test", choices=chosen)

    assert [(i["code"], i["where"]) for i in report.run_issues] == [
        ("reprocess.crosswalk_switched", "[sources.hidden]")
    ]
    assert _stored(store).source.crosswalk == "pure_dc"


@pytest.mark.usefixtures("pure_dc")
def test_a_crosswalk_named_on_the_command_line_wins_and_can_switch_back(
    store: Store, tmp_path: Path
) -> None:
    _store(store, crosswalk="pure_dc")  # a one-off harvest --crosswalk pure_dc
    path = tmp_path / "ir-ingest.toml"
    path.write_text(PURE + 'crosswalk = "pure_dc"\n', "utf-8")

    report = reprocess(store, "urn:test", choices=choices(load_config(path), "urn:test", "oai_dc"))

    assert report.counts["updated"] == 1
    assert _stored(store).source.crosswalk is None, "the prefix's own crosswalk again"
    assert _stored(store).notes == []
    assert report.run_issues[0]["where"] == "--crosswalk"
    assert report.crosswalk == "oai_dc", "the report's header says so, as a harvest's does"
    assert "crosswalk <code>oai_dc</code>" in render.to_html(report)


@pytest.mark.usefixtures("pure_dc")
def test_a_choice_covers_its_sources_set_and_prefix_only(store: Store, tmp_path: Path) -> None:
    _store(store)
    in_set = _config(tmp_path, PURE + 'crosswalk = "pure_dc"\nset = "theses"\n')
    other_prefix = _config(tmp_path, PURE + 'crosswalk = "pure_dc"\nprefix = "qdc"\n')
    for chosen in (in_set, other_prefix):
        report = reprocess(store, choices=chosen)
        assert (report.counts["unchanged"], report.run_issues) == (1, [])
    assert _stored(store).source.crosswalk is None
    elsewhere = [CrosswalkChoice("urn:other", "pure_dc", "--crosswalk")]
    assert reprocess(store, "urn:test", choices=elsewhere).run_issues == []


@pytest.mark.usefixtures("pure_dc")
def test_two_sources_naming_two_crosswalks_for_a_record_leave_it_as_it_is(
    store: Store, tmp_path: Path
) -> None:
    _store(store)
    chosen = _config(
        tmp_path,
        PURE + 'crosswalk = "pure_dc"\n',
        '[sources.dc]\nurl = "https://x.example/oai"\nrepository = "urn:test"\ncrosswalk = "qdc"\n',
    )

    report = reprocess(store, choices=chosen)

    assert report.counts["unchanged"] == 1
    assert report.run_issues[0]["where"] == "[sources.pure] and [sources.dc]"
    assert report.run_issues[0]["message"].endswith(
        "[sources.pure] (pure_dc) and [sources.dc] (qdc) name two crosswalks for them"
    )


def test_a_source_naming_no_crosswalk_there_is_refused_before_the_run(
    store: Store, tmp_path: Path
) -> None:
    _store(store)
    chosen = _config(tmp_path, PURE + 'crosswalk = "pure_dc"\n')
    # The config file named, as every error of a config file names it (it had not been).
    said = (
        rf"^config file {re.escape(str(tmp_path))}/ir-ingest.toml: \[sources\.pure\]: no crosswalk"
    )
    with pytest.raises(ConfigError, match=said):
        reprocess(store, choices=chosen)
    assert store.run_report() is None
    assert reprocess(store, "urn:elsewhere", choices=chosen).status == "completed", (
        "another source's choice is no business of a run of one source"
    )
