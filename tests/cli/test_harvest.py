"""The demo, harvest and reprocess commands, run as a user runs them."""

from __future__ import annotations

import gzip
import json
import os
import socket
import stat
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests
import typer

from ir_ingest.cli import app
from ir_ingest.cli.runs import show_run
from ir_ingest.entry import Issue, Severity
from ir_ingest.oai import transport
from ir_ingest.oai.provider import ProvidedRecord, fixture_endpoint_app, serve_in_background
from ir_ingest.oai.transport import TransportPolicy
from ir_ingest.report.model import RunReport
from ir_ingest.store import Store
from tests.cli.conftest import runner, store_counts, titles_only
from tests.conftest import (
    SEED_CHAPTER,
    misspelt_crosswalk,
    read_only,
)
from tests.oai.faults import FaultPlan, faulty_endpoint
from tests.oai.scripted import identify, page, record, scripted

if TYPE_CHECKING:
    from collections.abc import Iterator


def test_harvest_then_export_and_report(db: str, oai_endpoint: str, tmp_path: Path) -> None:
    report_path = tmp_path / "run.json"
    result = runner.invoke(
        app,
        ["--db", db, "harvest", oai_endpoint, "--prefix", "oai_dc", "--report", str(report_path)],
    )
    assert result.exit_code == 0, result.output
    first = "36 records: 31 created, 0 updated, 0 unchanged, 0 deleted, 4 deleted at the source "
    assert first + "but never held (tombstone kept), 1 invalid" in result.output
    assert json.loads(report_path.read_text())["counts"]["tombstone_only"] == 4

    exported = runner.invoke(app, ["--db", db, "export", "--format", "jsonl"])
    lines = [json.loads(line) for line in exported.stdout.splitlines()]
    assert len(lines) == 36
    assert sum(line["source"].get("deleted", False) for line in lines) == 4
    # The tombstones are the run's too: a deletion downstream never held is harmless there,
    # and a consumer fed by another harvester before needs it.
    of_run = runner.invoke(app, ["--db", db, "export", "--run", "1"]).stdout.splitlines()
    assert sorted(map(json.loads, of_run), key=str) == sorted(lines, key=str)

    as_json = runner.invoke(app, ["--db", db, "export", "--format", "json"])
    assert len(json.loads(as_json.stdout)) == 36
    valid = runner.invoke(app, ["--db", db, "export", "--valid-only"])
    assert len(valid.stdout.splitlines()) == 35, "the one invalid record is left out"
    told = runner.invoke(app, ["--db", db, "export", "--with-issues", "--format", "json"])
    held = json.loads(told.stdout)
    assert sorted((h["record"] for h in held), key=str) == sorted(lines, key=str)
    (invalid,) = [h for h in held if not h["valid"]]
    assert any(i["severity"] == "error" for i in invalid["issues"]), "why it is invalid"
    assert all(i["severity"] != "error" for h in held if h["valid"] for i in h["issues"])
    assert sum(bool(h["issues"]) for h in held if h["valid"]) > 0, "warnings are carried too"

    shown = runner.invoke(app, ["--db", db, "report"])
    assert "completed" in shown.output
    assert "4 deleted at the source but never held" in shown.output

    as_text = tmp_path / "run.txt"
    args = ["--db", db, "harvest", oai_endpoint, "--prefix", "oai_dc", "--full"]
    assert runner.invoke(app, [*args, "--report", str(as_text)]).exit_code == 0
    assert as_text.read_text().startswith(
        "Run 2 completed: 36 records: 0 created, 0 updated, 36 unchanged (1 of them still invalid)"
    )


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("-1", "-1; use 0 to 86,400 seconds"),
        # inf had ended the run in a traceback (OverflowError), nan was "less than 0"
        ("inf", "inf; use 0 to 86,400 seconds"),
        ("nan", "nan; use 0 to 86,400 seconds"),
        ("soon", "'soon' is not a number of seconds"),
    ],
)
def test_a_delay_no_run_can_take_is_refused_naming_it(db: str, given: str, said: str) -> None:
    result = runner.invoke(app, ["--db", db, "harvest", "http://127.0.0.1:9/oai", "--delay", given])
    assert result.exit_code == 2
    assert f"Invalid value for '--delay': {said}" in result.output


def _demo_source(tmp_path: Path, url: str, setting: str) -> Path:
    """A config file with one source, ``demo``, for ``url`` in oai_dc plus one ``setting``."""
    config = tmp_path / "ir-ingest.toml"
    config.write_text(f'[sources.demo]\nurl = "{url}"\nprefix = "oai_dc"\n{setting}\n')
    return config


def test_harvest_by_source_name_from_the_config(
    db: str, oai_endpoint: str, tmp_path: Path, demo_records: list[ProvidedRecord]
) -> None:
    config = _demo_source(tmp_path, oai_endpoint, 'set = "openaire"')
    result = runner.invoke(app, ["--db", db, "--config", str(config), "harvest", "demo"])
    assert result.exit_code == 0, result.output
    in_set = sum("openaire" in r.set_specs for r in demo_records)
    assert f"Run 1 completed: {in_set} records" in result.output
    assert in_set < len(demo_records), "the set narrows the harvest"
    empty = runner.invoke(
        app, ["--db", db, "--config", str(config), "harvest", "demo", "--set", ""]
    )
    assert "error: --set must name a set" in empty.output, "not the config's set in its place"
    assert empty.exit_code == 2
    typo = runner.invoke(app, ["--db", db, "--config", str(config), "harvest", "demi"])
    assert typo.exit_code == 1
    assert "'demi' is neither an http(s) URL nor a source in the config (sources: demo)" in (
        typo.output
    )


def test_a_source_naming_no_crosswalk_is_refused_naming_the_source(db: str, tmp_path: Path) -> None:
    config = _demo_source(tmp_path, "http://127.0.0.1:9/oai", 'crosswalk = "pure_dc"')
    result = runner.invoke(app, ["--db", db, "--config", str(config), "harvest", "demo"])
    assert result.exit_code == 1
    assert (
        f"error: config file {config}: [sources.demo]: no crosswalk is named 'pure_dc'; "
        "known: mods, oai_dc"
    ) in result.output, "said before any request (port 9 answers none), as the config's word"
    given = runner.invoke(
        app, ["--db", db, "--config", str(config), "harvest", "demo", "--crosswalk", "nope"]
    )
    assert "[sources.demo]" not in given.output, "--crosswalk is the command line's word"
    assert given.exit_code == 2, "a line to fix, where the config's word is a config error"
    assert "no crosswalk is named 'nope'" in given.output
    assert not Path(db.removeprefix("sqlite:///")).exists(), "refused before the store is made"


def test_an_empty_query_or_a_fragment_is_the_same_source(db: str, oai_endpoint: str) -> None:
    """'http://h/oai?' and 'http://h/oai#x' had each been a second source of http://h/oai:
    its records second copies under another name, its runs and checkpoints apart."""
    for url in (oai_endpoint, f"{oai_endpoint}?", f"{oai_endpoint}#top", f"{oai_endpoint}?&#"):
        result = runner.invoke(app, ["--db", db, "harvest", url, "--prefix", "oai_dc"])
        assert result.exit_code == 0, result.output
    with closing(Store(db)) as store:
        assert store.repositories() == {oai_endpoint}
    assert store_counts(db)["records"] == 36
    listed = runner.invoke(app, ["--db", db, "report", "--list", "--source", f"{oai_endpoint}#x"])
    assert len(listed.stdout.splitlines()) == 1 + 4, listed.output


def test_records_are_kept_under_the_named_repository(
    db: str, oai_endpoint: str, tmp_path: Path, demo_records: list[ProvidedRecord]
) -> None:
    config = _demo_source(tmp_path, oai_endpoint, 'repository = "demo-ir"')
    first = runner.invoke(app, ["--db", db, "--config", str(config), "harvest", "demo"])
    assert first.exit_code == 0, first.output
    # The same source by URL and name: the same records, not a second copy of each.
    args = ["--db", db, "harvest", oai_endpoint, "--prefix", "oai_dc", "--repository", "demo-ir"]
    again = runner.invoke(app, [*args, "--full"])
    assert again.exit_code == 0, again.output
    assert "36 records: 0 created, 0 updated, 36 unchanged" in again.output
    with closing(Store(db)) as store:
        assert {record.source.repository for record in store.iter_records()} == {"demo-ir"}
        assert store.counts()["records"] == 36


#: The endpoint the seed chapter's saved GetRecord response names (its records' repository).
_SEED_ENDPOINT = "https://research.example.ac.uk/ws/oai"


@pytest.mark.parametrize(
    "command", [["harvest"], ["check"], ["import", "--identifier", "x", "--endpoint"]]
)
def test_a_url_with_white_space_around_it_is_refused_before_the_store(
    db: str, tmp_path: Path, command: list[str]
) -> None:
    """ " http://host/oai" had been harvested, its records kept under the name with the
    space: a second copy of every record."""
    result = runner.invoke(app, ["--db", db, *command, " http://127.0.0.1:9/oai"])
    assert (result.exit_code, result.stderr) == (
        2,
        "error: URL has white space around it: ' http://127.0.0.1:9/oai'\n",
    )
    assert not (tmp_path / "cli.sqlite3").exists()


@pytest.mark.parametrize(
    "command", [["harvest"], ["check"], ["import", "--identifier", "x", "--endpoint"]]
)
def test_a_url_with_a_space_inside_is_refused_before_the_store(
    db: str, tmp_path: Path, command: list[str]
) -> None:
    """'http://host/oai pmh' had been asked (as oai%20pmh), and a failed run kept under it."""
    result = runner.invoke(app, ["--db", db, *command, "http://127.0.0.1:9/oai pmh"])
    assert (result.exit_code, result.stderr) == (
        2,
        "error: URL has a space in it: 'http://127.0.0.1:9/oai pmh'; percent-encode it (%20)\n",
    )
    assert not (tmp_path / "cli.sqlite3").exists()


@pytest.mark.parametrize(
    "command", [["harvest"], ["check"], ["import", "--identifier", "x", "--endpoint"]]
)
def test_a_url_that_is_no_base_url_is_refused_before_the_store(
    db: str, tmp_path: Path, command: list[str]
) -> None:
    """An ftp:// URL, or a request pasted whole, had been refused with the store made."""
    result = runner.invoke(app, ["--db", db, *command, "ftp://127.0.0.1:9/oai"])
    assert (result.exit_code, result.stderr) == (
        1,
        "error: ftp://127.0.0.1:9/oai is no OAI-PMH base URL: it must begin with http:// or "
        "https:// and name a host\n",
    )
    pasted = runner.invoke(app, ["--db", db, *command, "http://127.0.0.1:9/oai?verb=Identify"])
    assert pasted.exit_code == 1
    assert "is an OAI-PMH request, not a base URL: give http://127.0.0.1:9/oai" in pasted.stderr
    assert not (tmp_path / "cli.sqlite3").exists()


def test_mistakes_a_manager_makes_get_one_line_each(db: str, tmp_path: Path) -> None:
    exported = tmp_path / "old-export.jsonl"
    exported.write_text('{"id": "x"}\n', encoding="utf-8")
    result = runner.invoke(app, ["--db", db, "import", str(exported)])
    assert result.exit_code == 1
    # What import reads, said with it: "the document is JSON, not XML" had read as a fault of
    # that file, not of giving it to import.
    assert result.output == (
        f"error: {exported}: the document is JSON, not XML: ir-ingest reads XML (OAI-PMH "
        "responses, MODS or Dublin Core records); the JSON `ir-ingest export` writes cannot be "
        "imported\n"
    )
    assert runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)]).exit_code == 0
    result = runner.invoke(app, ["--db", db, "reprocess", "--source", "nosuch"])
    assert result.exit_code == 1
    assert "holds no records of 'nosuch' (it holds: http" in result.output
    secret = "https://harvester:S3cret@repo.example/oai"
    result = runner.invoke(app, ["--db", db, "reprocess", "--source", secret])
    assert result.exit_code == 1
    assert "S3cret" not in result.output
    assert "holds no records of 'https://repo.example/oai'" in result.output
    config = tmp_path / "ir-ingest.toml"
    config.write_text(f'[sources.pure]\nurl = "{_SEED_ENDPOINT}"\n', encoding="utf-8")
    by_name = runner.invoke(
        app, ["--db", db, "--config", str(config), "reprocess", "--source", "pure"]
    )
    assert by_name.exit_code == 0, by_name.output
    assert "1 record: 0 created, 0 updated, 1 unchanged" in by_name.output
    empty = runner.invoke(
        app, ["--db", db, "--config", str(config), "harvest", "pure", "--prefix", ""]
    )
    assert empty.output.strip() == "error: --prefix must name a format, or be auto"
    result = runner.invoke(app, ["--db", db, "harvest", "http://127.0.0.1:9/oai", "--prefix", ""])
    assert result.output.strip() == "error: --prefix must name a format, or be auto"


def test_strict_runs_exit_3_when_records_failed_or_are_invalid(db: str, oai_endpoint: str) -> None:
    harvest = ["--db", db, "harvest", oai_endpoint, "--prefix", "oai_dc"]
    strict = runner.invoke(app, [*harvest, "--strict"])
    assert strict.exit_code == 3, strict.output
    assert "--strict: 1 invalid, 0 failed\n" in strict.output
    assert runner.invoke(app, harvest).exit_code == 0, "without --strict it is a report"
    again = runner.invoke(app, ["--db", db, "reprocess", "--strict"])
    assert again.exit_code == 3, "the record stored invalid is still invalid"
    unchanged = runner.invoke(app, [*harvest, "--full", "--strict"])
    assert unchanged.exit_code == 3, unchanged.output
    # The summary's words: its "0 invalid" is the invalid records this run stored.
    assert ", 0 invalid, 0 failed" in unchanged.output
    assert "(1 of them still invalid)" in unchanged.output
    assert "--strict: 0 invalid (1 unchanged, still invalid), 0 failed\n" in unchanged.output


@pytest.mark.parametrize("auto", ["AUTO", "Auto"])
def test_prefix_auto_is_the_reserved_word_in_any_case(
    db: str, oai_endpoint: str, tmp_path: Path, auto: str
) -> None:
    """ "--prefix AUTO" had been sent to the endpoint as a format: cannotDisseminateFormat."""
    args = ["--db", db, "harvest", oai_endpoint, "--crosswalk", "oai_dc", "--prefix", auto]
    harvested = runner.invoke(app, [*args, "--report", str(tmp_path / "run.json")])
    assert harvested.exit_code == 0, harvested.output
    run = json.loads((tmp_path / "run.json").read_text())
    assert (run["metadata_prefix"], run["counts"]["created"]) == ("oai_dc", 31)


def test_a_strict_run_cut_short_exits_3(db: str) -> None:
    served = iter(range(1000))
    same = [record(f"oai:x:{n}", "2024-01-01T00:00:00Z") for n in range(3)]

    def answer(query: dict[str, str]) -> bytes:
        if query.get("verb") == "Identify":
            return identify()
        # The same page again and again under new tokens: a guard ends the window.
        return page("ListRecords", same, token=f"t-{next(served)}")

    with serve_in_background(scripted(answer)) as url:
        cut = runner.invoke(app, ["--db", db, "harvest", url, "--prefix", "oai_dc", "--strict"])
    assert cut.exit_code == 3, cut.output
    assert "Run 1 incomplete" in cut.output
    assert "--strict: the run was cut short; 3 invalid, 0 failed" in cut.output


def test_a_strict_run_with_a_warning_of_its_own_exits_3(db: str, oai_endpoint: str) -> None:
    """A misspelt set in a cron line: 0 records, no record failed, and yet wrong."""
    harvest = ["--db", db, "harvest", oai_endpoint, "--prefix", "oai_dc", "--set", "openair"]
    strict = runner.invoke(app, [*harvest, "--strict"])
    assert strict.exit_code == 3, strict.output
    assert "--strict: 0 invalid, 0 failed; run issues: harvest.unknown_set" in (strict.output)
    assert runner.invoke(app, harvest).exit_code == 0, "without --strict it is a report"


def test_strict_does_not_fail_on_run_issues_no_run_can_end() -> None:
    """Records gone from the source are listed by every --full run while they are stored: a
    strict cron line failing on them would fail every night (a review)."""
    report = RunReport("urn:r", "oai_dc", run_id=1)
    report.add_run_issue(Issue("harvest.gone_from_source", "2 records", Severity.WARNING), "x")
    report.add_run_issue(Issue("reprocess.crosswalk_kept", "3 records", Severity.WARNING), "y")
    report.finish("completed")
    show_run(report, None, strict=True)  # no exit
    report.add_run_issue(Issue("harvest.unknown_set", "no set 'eesl'", Severity.WARNING), "z")
    with pytest.raises(typer.Exit) as caught:
        show_run(report, None, strict=True)
    assert caught.value.exit_code == 3


@pytest.mark.usefixtures("isolated_crosswalks")
def test_reprocess_refuses_a_broken_crosswalk_file_in_one_line(db: str, tmp_path: Path) -> None:
    # Every record failed with a traceback each, and the command exited 0 (walkthrough 3).
    assert runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)]).exit_code == 0
    broken = misspelt_crosswalk(tmp_path / "mine")
    config = tmp_path / "ir-ingest.toml"
    config.write_text('crosswalk_dirs = ["mine"]\n', "utf-8")
    result = runner.invoke(app, ["--db", db, "--config", str(config), "reprocess"])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {broken} rule 1: host has no field 'titel';")
    assert len(result.output.splitlines()) == 1
    assert "Traceback" not in result.stderr
    listed = runner.invoke(app, ["--db", db, "report", "--list"])
    assert "reprocess" not in listed.output, "no run was begun"


def test_reprocess_crosswalk_naming_no_crosswalk_is_a_usage_error(db: str) -> None:
    assert runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)]).exit_code == 0
    reprocess = ["--db", db, "reprocess", "--source", "urn:ir-ingest:file"]
    result = runner.invoke(app, [*reprocess, "--crosswalk", "nope"])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: no crosswalk is named 'nope'; known:")
    listed = runner.invoke(app, ["--db", db, "report", "--list"])
    assert "reprocess" not in listed.output, "no run was begun"


@pytest.mark.usefixtures("isolated_crosswalks")
def test_a_sources_crosswalk_from_the_config(db: str, oai_endpoint: str, tmp_path: Path) -> None:
    titles_only(tmp_path / "mine")
    config = tmp_path / "ir-ingest.toml"
    config.write_text(
        f'crosswalk_dirs = ["mine"]\n[sources.demo]\nurl = "{oai_endpoint}"\n'
        'prefix = "oai_dc"\ncrosswalk = "titles_only"\n',
        "utf-8",
    )
    result = runner.invoke(app, ["--db", db, "--config", str(config), "harvest", "demo"])
    assert result.exit_code == 0, result.output
    assert "crosswalk titles_only" in result.output
    exported = runner.invoke(app, ["--db", db, "export"]).stdout.splitlines()
    assert {json.loads(line)["source"].get("crosswalk") for line in exported} == {"titles_only"}
    refused = runner.invoke(
        app, ["--db", db, "harvest", oai_endpoint, "--prefix", "oai_dc", "--crosswalk", "nope"]
    )
    assert refused.exit_code == 2
    assert "no crosswalk is named 'nope'" in refused.output


@pytest.mark.usefixtures("isolated_crosswalks")
def test_a_sources_url_is_the_source_with_its_name_and_crosswalk(
    db: str, oai_endpoint: str, tmp_path: Path, demo_records: list[ProvidedRecord]
) -> None:
    """Harvested by its URL, or imported from it or from a response saved from it, a
    source's records are its own: not copies under the URL (a walkthrough's file and URL
    imports made two), nor its own made again with another crosswalk (a review's)."""
    titles_only(tmp_path / "mine")
    config = tmp_path / "ir-ingest.toml"
    config.write_text(
        f'crosswalk_dirs = ["mine"]\n[sources.demo]\nurl = "{oai_endpoint}"\nprefix = "oai_dc"\n'
        'repository = "demo-ir"\ncrosswalk = "titles_only"\n',
        "utf-8",
    )
    cli = ["--db", db, "--config", str(config)]
    assert runner.invoke(app, [*cli, "harvest", "demo"]).exit_code == 0
    spelt_otherwise = oai_endpoint.replace("http://", "HTTP://")
    by_url = runner.invoke(app, [*cli, "harvest", spelt_otherwise, "--full"])
    assert "36 records: 0 created, 0 updated, 36 unchanged" in by_url.output, by_url.output
    live = next(r for r in demo_records if not r.deleted)
    asked = f"{oai_endpoint}?verb=GetRecord&metadataPrefix=oai_dc&identifier={live.identifier}"
    saved = tmp_path / "saved.xml"
    saved.write_bytes(requests.get(asked, timeout=10).content)
    for imported in (
        [asked],
        [str(saved)],
        ["--endpoint", oai_endpoint, "--identifier", live.identifier],
    ):
        result = runner.invoke(app, [*cli, "import", *imported])
        assert result.output.startswith("unchanged: "), (imported, result.output)
        assert result.output.endswith("Source: demo-ir · crosswalk titles_only\n")
    reprocessed = runner.invoke(app, [*cli, "reprocess", "--source", f"{oai_endpoint}/"])
    assert "32 records: 0 created, 0 updated, 32 unchanged" in reprocessed.output  # 4 deleted
    # Given on the command line, a name or a crosswalk is the command line's.
    other = runner.invoke(app, [*cli, "import", str(saved), "--crosswalk", "oai_dc"])
    assert other.output.startswith("updated: "), other.output
    named = [*cli, "harvest", oai_endpoint, "--repository", "elsewhere"]
    assert "Source: elsewhere · oai_dc · crosswalk titles_only" in runner.invoke(app, named).output
    with closing(Store(db)) as store:
        held = {(r.source.repository, r.source.crosswalk) for r in store.iter_records()}
    assert held == {("demo-ir", "titles_only"), ("demo-ir", None), ("elsewhere", "titles_only")}


def test_a_url_two_sources_share_is_the_one_harvesting_the_set_asked_for(
    db: str, oai_endpoint: str, tmp_path: Path
) -> None:
    config = tmp_path / "ir-ingest.toml"
    config.write_text(
        f'[sources.a]\nurl = "{oai_endpoint}"\nprefix = "oai_dc"\nrepository = "ir-a"\n'
        f'[sources.b]\nurl = "{oai_endpoint}"\nprefix = "oai_dc"\nset = "openaire"\n'
        'repository = "ir-b"\n',
        "utf-8",
    )
    cli = ["--db", db, "--config", str(config), "harvest", oai_endpoint, "--prefix", "oai_dc"]
    for given, source in (
        ([], "ir-a · oai_dc"),
        (["--set", "openaire"], "ir-b · oai_dc · set openaire"),
        (["--set", "eels"], f"{oai_endpoint} · oai_dc · set eels"),
    ):
        result = runner.invoke(app, [*cli, *given])
        assert f"Source: {source}" in result.output, result.output
    assert (
        f"note: {oai_endpoint} is the endpoint of [sources.a] (set none), [sources.b] (set "
        "openaire), none of them for set eels: the records are kept under the URL"
    ) in " ".join(result.output.split())


@pytest.mark.usefixtures("isolated_crosswalks")
def test_reprocess_makes_records_with_the_crosswalk_the_config_names_now(
    db: str, oai_endpoint: str, tmp_path: Path
) -> None:
    # Setting a source's crosswalk in the config changed nothing until a full harvest, and
    # no report said so (walkthrough 3).
    titles_only(tmp_path / "mine")
    config = tmp_path / "ir-ingest.toml"
    source = f'crosswalk_dirs = ["mine"]\n[sources.demo]\nurl = "{oai_endpoint}"\n'
    config.write_text(source + 'prefix = "oai_dc"\n', "utf-8")
    cli = ["--db", db, "--config", str(config)]
    assert runner.invoke(app, [*cli, "harvest", "demo"]).exit_code == 0
    config.write_text(source + 'prefix = "oai_dc"\ncrosswalk = "titles_only"\n', "utf-8")

    switched = runner.invoke(app, [*cli, "reprocess", "--source", "demo"])

    assert switched.exit_code == 0, switched.output
    assert (
        f"Run issue reprocess.crosswalk_switched ([sources.demo]): 32 record(s) of "
        f"{oai_endpoint} made with oai_dc were crosswalked again with titles_only"
    ) in switched.output
    exported = runner.invoke(app, ["--db", db, "export"]).stdout.splitlines()
    made_with = {json.loads(line)["source"].get("crosswalk") for line in exported}
    assert made_with == {"titles_only", None}, "the 4 tombstones are not made again"
    back = runner.invoke(app, [*cli, "reprocess", "--source", "demo", "--crosswalk", "oai_dc"])
    assert "Run issue reprocess.crosswalk_switched (--crosswalk): 32 record(s)" in back.output
    exported = runner.invoke(app, ["--db", db, "export"]).stdout.splitlines()
    assert {json.loads(line)["source"].get("crosswalk") for line in exported} == {None}
    alone = runner.invoke(app, [*cli, "reprocess", "--crosswalk", "oai_dc"])
    assert alone.exit_code == 2
    assert "Invalid value for '--crosswalk': needs --source" in alone.output


def test_reprocess_goes_on_without_a_source_whose_url_variable_is_not_set(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reprocess failed whole, even with --source of another source (review finding 2).
    monkeypatch.delenv("B_OAI_URL", raising=False)
    assert runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)]).exit_code == 0
    config = tmp_path / "ir-ingest.toml"
    config.write_text(
        f'[sources.pure]\nurl = "{_SEED_ENDPOINT}"\n'
        '[sources.b]\nurl_env = "B_OAI_URL"\nprefix = "oai_dc"\ncrosswalk = "oai_dc"\n',
        "utf-8",
    )
    cli = ["--db", db, "--config", str(config), "reprocess"]

    one = runner.invoke(app, [*cli, "--source", "pure"])
    every = runner.invoke(app, cli)
    named = runner.invoke(app, [*cli, "--source", "b"])

    assert one.exit_code == 0, one.output
    assert "sources.b" not in one.output
    assert every.exit_code == 0, every.output
    assert (
        "Run issue reprocess.source_url_unknown ([sources.b]): the crosswalk it names, oai_dc, "
        "was not applied to its records (each was made with the crosswalk that made it "
        "before): the name they are kept under, its URL, is not known here (url_env names "
        "B_OAI_URL, which is not set)"
    ) in every.output
    assert "1 record: 0 created, 0 updated, 1 unchanged" in every.output
    # A cron line must notice: the variable missing there leaves the records as they were.
    strict = runner.invoke(app, [*cli, "--strict"])
    assert strict.exit_code == 3, strict.output
    assert "run issues: reprocess.source_url_unknown" in strict.output
    assert named.exit_code == 1, "its records cannot be told without its URL"
    said = f"error: config file {config}: [sources.b]: url_env names B_OAI_URL, which is not set"
    assert said in named.output


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The common umask, which leaves a file made 0o666 readable by every user (0o644)."""
    before = os.umask(0o022)
    yield
    os.umask(before)


@pytest.mark.usefixtures("umask_022")
def test_archived_pages_and_the_folders_made_for_them_are_the_owners_alone(
    db: str, tmp_path: Path
) -> None:
    """An endpoint that repeats the base URL's API key in ``<request>`` had left it in pages
    every user of the machine could read (0644, in 0755 folders).  The folder the user made
    keeps its mode."""

    def echoing(params: dict[str, str]) -> bytes:
        said = page("ListRecords", [record("oai:x:1", "2024-01-01T00:00:00Z")])
        echoed = f"<request>http://x/oai?apikey={params['apikey']}</request>"
        return said.replace(b"<request>http://x/oai</request>", echoed.encode())

    mine = tmp_path / "mine"
    mine.mkdir(mode=0o755)
    with serve_in_background(scripted(echoing)) as url:
        archive = ["--archive", str(mine / "archive")]
        asked = ["--db", db, "harvest", f"{url}?apikey=s3cret", "--prefix", "oai_dc", *archive]
        harvested = runner.invoke(app, asked)

    assert harvested.exit_code == 0, harvested.output
    [kept] = (mine / "archive").rglob("*.xml.gz")
    assert b"apikey=s3cret" in gzip.decompress(kept.read_bytes())  # what is kept safe
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    made = [mine / "archive", *(mine / "archive").rglob("*/")]
    assert len(made) == 3  # the archive, its source's folder, the run's
    assert {stat.S_IMODE(folder.stat().st_mode) for folder in made} == {0o700}
    assert stat.S_IMODE(mine.stat().st_mode) == 0o755


def test_harvest_options_reach_the_endpoint_and_reprocess_makes_no_versions(
    db: str, demo_records: list[ProvidedRecord], tmp_path: Path
) -> None:
    plan = FaultPlan()
    with serve_in_background(faulty_endpoint(demo_records, plan)) as url:
        args = ["--db", db, "harvest", url, "--prefix", "oai_dc", "--user-agent", "polite-bot/1"]
        result = runner.invoke(app, [*args, "--delay", "0.01", "--archive", str(tmp_path / "a")])
        assert result.exit_code == 0, result.output
        refused = runner.invoke(app, [*args, "--parallel", "2"])
    assert refused.exit_code == 2
    assert "Invalid value for '--parallel': needs --window monthly or --window daily" in (
        refused.output
    )
    assert list((tmp_path / "a").rglob("*.xml.gz"))
    assert set(plan.user_agents) == {"polite-bot/1"}
    assert store_counts(db)["versions"] == 36

    again = runner.invoke(app, ["--db", db, "reprocess"])
    assert again.exit_code == 0, again.output
    summary = "32 records: 0 created, 0 updated, 32 unchanged (1 of them still invalid), 0 deleted"
    assert summary in again.output
    assert store_counts(db)["versions"] == 36


def test_a_bad_window_is_refused_before_any_request(db: str) -> None:
    # 127.0.0.1:9 (discard) refuses connections; the error must come before any retry.
    result = runner.invoke(
        app,
        [
            "--db",
            db,
            "harvest",
            "http://127.0.0.1:9/oai",
            "--prefix",
            "oai_dc",
            "--window",
            "weekly",
        ],
    )
    # A usage error, as Typer's own are: exit status 2 (walkthrough: it was 1).
    assert result.exit_code == 2
    assert "Invalid value for '--window': 'weekly'; use monthly or daily" in result.output
    parallel = runner.invoke(
        app, ["--db", db, "harvest", "http://127.0.0.1:9/oai", "--parallel", "9"]
    )
    assert parallel.exit_code == 2
    assert "Invalid value for '--parallel': 9; use 1 to 8" in parallel.output


def test_output_paths_are_checked_before_the_run(db: str, tmp_path: Path) -> None:
    # A harvest that stored everything once ended in failure over a mistyped --report folder.
    afile = tmp_path / "afile"
    afile.write_text("")
    url = "http://127.0.0.1:9/oai"  # refuses connections: a run would fail, not these checks
    for args, said in (
        # .htm is taken too, and had not been named
        (["harvest", url, "--report", str(tmp_path / "r.csv")], "a .html, .htm, .json or .txt"),
        (["harvest", url, "--report", str(tmp_path / "no" / "r.html")], "which does not exist"),
        # ENAMETOOLONG had been a traceback (OSError) out of the check.
        (["harvest", url, "--report", "x" * 300 + ".html"], "File name too long"),
        (["reprocess", "--report", "x" * 300 + ".json"], "File name too long"),
        (["harvest", url, "--archive", str(afile)], f"{afile} is not a directory"),
        (["harvest", url, "--archive", ""], "name a directory for the raw pages"),  # not "."
        # Refused to root too (CI runs as root, to whom permission bits say yes): the run had
        # contacted the endpoint and failed at its first page, "cannot archive a raw page".
        (["harvest", url, "--archive", "/proc/x"], "/proc/x: cannot be made or written to"),
        (["demo", "--report-dir", str(afile)], "is a file"),
    ):
        result = runner.invoke(app, ["--db", db, *args])
        assert result.exit_code == 2, args
        assert said in result.output, args
    assert not (tmp_path / "cli.sqlite3").exists(), "refused before the store was opened"


@pytest.mark.parametrize(
    ("option", "args", "side"),
    [
        ("--report", ["reprocess", "--report"], ""),
        ("--report", ["harvest", "http://127.0.0.1:9/oai", "--report"], ""),
        ("--report-dir", ["demo", "--report-dir"], "-journal"),
        ("--archive", ["harvest", "http://127.0.0.1:9/oai", "--archive"], "-journal"),
    ],
)
def test_a_report_or_folder_over_the_store_is_refused_and_the_store_kept(
    tmp_path: Path, option: str, args: list[str], side: str
) -> None:
    # reprocess --report wrote its report over a store named store.json (every record lost);
    # demo --report-dir and harvest --archive made a folder where SQLite keeps its journal,
    # and every command after said "disk I/O error".
    store_file = tmp_path / "store.json"
    db = f"sqlite:///{store_file}"
    assert runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)]).exit_code == 0
    target = f"{store_file}{side}"
    result = runner.invoke(app, ["--db", db, *args, target])
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: {option} {target} is the store's own database file: writing there would "
        "destroy the store; name another file\n"
    )
    assert store_counts(db)["records"] == 1


@pytest.mark.parametrize(
    ("name", "said"),
    [("locked/new.html", "is in {folder}, which cannot be written to"),
     ("old.html", "cannot be written to")],
)  # fmt: skip
def test_a_report_that_cannot_be_written_is_refused_before_the_run(
    db: str, tmp_path: Path, name: str, said: str
) -> None:
    # A harvest stored everything, then ended as a failure: "cannot write …: Permission denied".
    report = tmp_path / name
    report.parent.mkdir(exist_ok=True)
    unwritable = report.parent if report.parent != tmp_path else report
    if unwritable == report:
        report.write_text("")
    url = "http://127.0.0.1:9/oai"  # refuses connections: a run would fail, not this check
    with read_only(unwritable):
        result = runner.invoke(app, ["--db", db, "harvest", url, "--report", str(report)])
    assert result.exit_code == 2, result.output
    assert f"{report} {said.format(folder=report.parent)}" in result.output
    assert not (tmp_path / "cli.sqlite3").exists(), "refused before the store was opened"


def test_a_value_no_run_can_take_exits_2_before_the_store_is_opened(
    db: str, tmp_path: Path
) -> None:
    # Exit 1 is a run that failed (retry it); 2 a command line to fix, as Typer's own refusals.
    url = "http://127.0.0.1:9/oai"  # refuses connections: a run would fail, not these checks
    for args, said in (
        (["--from", "2024/01/05"], "--from must be a date (YYYY-MM-DD) or a datestamp"),
        (["--until", "soon"], "--until must be a date"),
        (
            ["--from", "2024-02-30"],
            "--from '2024-02-30' is written as a date, but no such day or time exists",
        ),
        (
            ["--until", "2024-01-01T25:00:00Z"],
            "--until '2024-01-01T25:00:00Z' is written as a date, but no such",
        ),
        (["--from", "2024-02-01", "--until", "2024-01-01"], "after --until 2024-01-01"),
        (["--from", "2999-01-01"], "--from 2999-01-01 is in the future (it is "),
        (["--set", " "], "--set must name a set"),
        (["--set", " openaire "], "--set has white space around it: ' openaire '"),
        (["--prefix", ""], "--prefix must name a format, or be auto"),
        (["--prefix", " oai_dc"], "--prefix has white space around it"),
        (["--repository", ""], "--repository must not be empty"),
        # The name is kept with every record: a password in it had been stored and printed.
        (["--repository", "https://u:s3cret@h/oai"], "--repository holds credentials"),
        (["--repository", "https://h/oai?apikey=s3cret"], "'https://h/oai?apikey=***'"),
    ):
        result = runner.invoke(app, ["--db", db, "harvest", url, *args])
        assert result.exit_code == 2, args
        assert result.output.startswith("error: "), args
        assert said in result.output, args
        assert "s3cret" not in result.output, args
    config = tmp_path / "ir-ingest.toml"
    config.write_text(f'[sources.a]\nurl = "{url}"\n[sources.b]\nurl = "{url}/b"\n')
    every = runner.invoke(
        app, ["--db", db, "--config", str(config), "harvest", "--all", "--archive", str(config)]
    )
    assert every.exit_code == 2
    assert every.output.count("is not a directory") == 1, "said once, not once a source"
    assert not (tmp_path / "cli.sqlite3").exists(), "refused before the store was opened"


def _closed_port_url() -> str:
    """A URL on 127.0.0.1 that refuses connections: a port bound, then closed."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        port = held.getsockname()[1]
    return f"http://127.0.0.1:{port}/oai"


@dataclass(frozen=True)
class _NoRetries(TransportPolicy):
    """A refused connection fails at once, not after the retry budget's half minute."""

    retries: int = 0


def test_an_endpoint_that_is_down_is_said_with_the_next_step(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It had ended "failed 6 times; last problem: ConnectionError: Connection refused".
    monkeypatch.setattr(transport, "TransportPolicy", _NoRetries)
    down = _closed_port_url()
    for url, check in (
        (down, down),
        (down.replace("//", "//harvester:S3cret@"), "URL (as given, with its credentials)"),
    ):
        result = runner.invoke(app, ["--db", db, "harvest", url, "--prefix", "oai_dc"])
        assert result.exit_code == 1, result.output
        said = result.output.splitlines()
        assert said[0].endswith("failed once; last problem: ConnectionError: Connection refused")
        assert said[-1].startswith(f"  check the URL, or run: ir-ingest check {check}")
        assert "S3cret" not in result.output


def test_harvest_all_harvests_every_source_in_the_configs_order(
    db: str, demo_records: list[ProvidedRecord], tmp_path: Path
) -> None:
    config = tmp_path / "ir-ingest.toml"
    with (
        serve_in_background(fixture_endpoint_app(demo_records[:12], batch_size=5)) as first,
        serve_in_background(fixture_endpoint_app(demo_records[12:], batch_size=10)) as second,
    ):
        config.write_text(
            f'[sources.zeta]\nurl = "{first}"\nprefix = "oai_dc"\nrepository = "zeta"\n'
            f'[sources.alpha]\nurl = "{second}"\nprefix = "oai_dc"\n'
        )
        result = runner.invoke(app, ["--db", db, "--config", str(config), "harvest", "--all"])
        again = runner.invoke(app, ["--db", db, "--config", str(config), "harvest", "--all"])
    assert result.exit_code == 0, result.output
    assert result.output.index("Source zeta (1 of 2):") < result.output.index("Run 1 completed")
    assert result.output.index("Run 1 completed") < result.output.index("Source alpha (2 of 2):")
    assert "Run 2 completed: 24 records" in result.output
    assert "  zeta   run 1      completed\n  alpha  run 2      completed\n" in result.output
    assert again.exit_code == 0, again.output
    assert "  zeta   run 3      completed\n  alpha  run 4      completed\n" in again.output
    with closing(Store(db)) as store:
        assert store.counts()["records"] == len(demo_records)
        kept = {record.source.repository for record in store.iter_records()}
    assert kept == {"zeta", second}, "each source as its config says"


def test_harvest_all_goes_on_past_a_source_that_fails(
    db: str, oai_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transport, "TransportPolicy", _NoRetries)
    monkeypatch.delenv("UNSET_OAI_URL", raising=False)
    down = _closed_port_url()
    config = tmp_path / "ir-ingest.toml"
    config.write_text(
        f'[sources.down]\nurl = "{down}"\nprefix = "oai_dc"\n'
        '[sources.hidden]\nurl_env = "UNSET_OAI_URL"\n'
        f'[sources.demo]\nurl = "{oai_endpoint}"\nprefix = "oai_dc"\n'
    )
    cli = ["--db", db, "--config", str(config), "harvest", "--all"]
    result = runner.invoke(app, cli)
    assert result.exit_code == 1, result.output
    assert f"error: {down}" in result.output
    assert (
        f"error: config file {config}: [sources.hidden]: url_env names UNSET_OAI_URL, which "
        "is not set"
    ) in result.output
    assert "Run 2 completed: 36 records" in result.output, "the last source is harvested"
    lines = result.output.rsplit("Sources:\n", 1)[1].splitlines()
    assert lines == [
        "  down    run 1      failed",
        "  hidden  no run     failed",
        "  demo    run 2      completed",
    ]
    with closing(Store(db)) as store:
        outage = store.run_status(1)
    assert outage is not None
    assert outage[0] == "failed", "the outage is kept as a failed run"
    # --strict: a failure still exits 1, not 3 (the demo's invalid record gives 3).
    strict = runner.invoke(app, [*cli, "--strict", "--full"])
    assert strict.exit_code == 1, strict.output
    assert "  demo    run 4      completed (--strict)" in strict.output


def test_harvest_all_strict_exits_3_when_a_run_is_faulted(
    db: str, oai_endpoint: str, tmp_path: Path
) -> None:
    config = _demo_source(tmp_path, oai_endpoint, "")
    cli = ["--db", db, "--config", str(config), "harvest", "--all"]
    strict = runner.invoke(app, [*cli, "--strict", "--full"])
    assert strict.exit_code == 3, "the demo's one invalid record"
    assert "--strict: 1 invalid, 0 failed" in strict.output
    assert runner.invoke(app, cli).exit_code == 0, "without --strict it is a report"


def test_harvest_all_refuses_what_only_one_source_can_take(db: str, tmp_path: Path) -> None:
    config = _demo_source(tmp_path, "http://127.0.0.1:9/oai", "")
    cli = ["--db", db, "--config", str(config), "harvest", "--all"]
    with_url = runner.invoke(app, [*cli, "demo"])
    assert with_url.exit_code == 2
    assert "give no URL or source name with it" in with_url.output
    options = runner.invoke(app, [*cli, "--set", "x", "--from", "2024-01-01"])
    assert options.exit_code == 2
    assert "--set, --from cannot be given with it" in options.output
    report = runner.invoke(app, [*cli, "--report", str(tmp_path / "run.html")])
    assert report.exit_code == 2
    assert "ir-ingest report RUN_ID -o FILE" in report.output
    neither = runner.invoke(app, ["--db", db, "harvest"])
    assert neither.exit_code == 2
    assert "or --all" in neither.output
    assert not Path(db.removeprefix("sqlite:///")).exists(), "refused before any store"


def test_harvest_all_with_no_sources_names_the_config_file(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "empty.toml"
    config.write_text("crosswalk_dirs = []\n")
    result = runner.invoke(app, ["--db", db, "--config", str(config), "harvest", "--all"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"error: --all: the config file {config} names no sources ([sources.NAME] tables)"
    )
    monkeypatch.chdir(tmp_path)  # no ./ir-ingest.toml here
    missing = runner.invoke(app, ["--db", db, "harvest", "--all"])
    assert missing.exit_code == 1
    assert "there is no config file ir-ingest.toml (give --config FILE)" in missing.output


def test_a_store_that_cannot_be_written_is_said_in_one_line(
    db: str, oai_endpoint: str, tmp_path: Path
) -> None:
    """A read-only store (a file its user may not write, opened here with SQLite's
    ``mode=ro``): harvest and reprocess had ended in SQLAlchemy's traceback when they began
    their run, where import said one line."""
    assert runner.invoke(app, ["--db", db, "import", str(SEED_CHAPTER)]).exit_code == 0
    read_only = f"sqlite:///file:{tmp_path / 'cli.sqlite3'}?mode=ro&uri=true"
    for command in (["reprocess"], ["harvest", oai_endpoint]):
        result = runner.invoke(app, ["--db", read_only, *command])
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        said = result.output.strip().splitlines()
        assert said[-1].startswith("error: cannot write to the store at "), result.output
        assert "attempt to write a readonly database" in said[-1]
        assert not any(line.startswith("[SQL") for line in said), result.output


def test_a_sources_fallback_prefix_stores_a_record_mods_cannot_read_from_oai_dc(
    db: str, tmp_path: Path, demo_records: list[ProvidedRecord]
) -> None:
    from lxml import etree

    live = [r for r in demo_records if not r.deleted][:1]
    broken = etree.Element("{urn:x}other")  # a root no MODS crosswalk reads: a reject
    records = [
        *live,
        ProvidedRecord(live[0].identifier, live[0].datestamp, "mods", metadata=broken),
    ]
    config = tmp_path / "ir-ingest.toml"
    with serve_in_background(fixture_endpoint_app(records)) as url:
        config.write_text(
            f'[sources.d]\nurl = "{url}"\nprefix = "mods"\nfallback_prefix = "oai_dc"\n'
        )
        result = runner.invoke(app, ["--db", db, "--config", str(config), "harvest", "d"])
    assert result.exit_code == 0, result.output
    assert "Run 1 completed: 1 record" in result.output
    with closing(Store(db)) as store:
        (kept,) = store.iter_records()
    assert kept.source.metadata_prefix == "oai_dc"


def test_harvest_all_with_prefix_auto_taking_the_fallback_prefix_completes(
    db: str, tmp_path: Path, demo_records: list[ProvidedRecord]
) -> None:
    # The endpoint offers only oai_dc: auto takes it, and the source had failed every run.
    config = tmp_path / "ir-ingest.toml"
    with serve_in_background(fixture_endpoint_app(demo_records)) as url:
        config.write_text(
            f'[sources.d]\nurl = "{url}"\nprefix = "auto"\nfallback_prefix = "oai_dc"\n'
        )
        result = runner.invoke(app, ["--db", db, "--config", str(config), "harvest", "--all"])
    assert result.exit_code == 0, result.output
    assert "is the format harvested" not in result.output
    with closing(Store(db)) as store:
        (run,) = store.list_runs(5)
    assert (run.status, run.metadata_prefix) == ("completed", "oai_dc")


def test_fallback_prefix_is_in_the_help_and_refused_as_the_prefix_itself(db: str) -> None:
    shown = runner.invoke(app, ["harvest", "--help"], terminal_width=200)
    assert "--fallback-prefix PREFIX" in shown.output
    assert "harvest.format_fallback" in shown.output
    same = runner.invoke(
        app, ["--db", db, "harvest", "http://127.0.0.1:9/oai", "--prefix", "mods",
              "--fallback-prefix", "mods"],
    )  # fmt: skip
    assert same.exit_code == 2
    assert "the fallback prefix 'mods' is the format harvested" in same.output
    with_all = runner.invoke(app, ["--db", db, "harvest", "--all", "--fallback-prefix", "oai_dc"])
    assert with_all.exit_code == 2
    assert "--fallback-prefix" in with_all.output


def test_a_sources_fallback_prefix_no_crosswalk_reads_is_refused_naming_it(
    db: str, tmp_path: Path
) -> None:
    config = _demo_source(tmp_path, "http://127.0.0.1:9/oai", 'fallback_prefix = "oai_dcc"')
    result = runner.invoke(app, ["--db", db, "--config", str(config), "harvest", "demo"])
    assert result.exit_code == 1
    assert "[sources.demo]" in result.output
    assert "'oai_dcc'" in result.output
