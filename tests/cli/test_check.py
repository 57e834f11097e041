"""``ir-ingest check``: a line a finding, a verdict, and an exit status a script can use."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest

from ir_ingest.cli import app
from ir_ingest.jobs.check import _Check
from ir_ingest.oai import pacing as pacing_module
from ir_ingest.oai import transport as transport_module
from ir_ingest.oai.provider import fixture_endpoint_app, serve_in_background
from ir_ingest.oai.transport import Transport
from tests.cli.conftest import runner
from tests.oai.faults import FaultPlan, faulty_endpoint

if TYPE_CHECKING:
    from pathlib import Path

    from ir_ingest.oai.provider import ProvidedRecord


def test_a_sound_endpoint_exits_0_and_stores_nothing(
    db: str, oai_endpoint: str, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["--db", db, "check", oai_endpoint])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Checked {oai_endpoint}:"
    assert lines[2].split()[:4] == ["ok", "formats", "it", "offers"]
    assert lines[-1] == "A harvest in oai_dc should work."
    assert not (tmp_path / "cli.sqlite3").exists(), "no store is opened"


def test_a_source_name_is_checked_with_its_settings(
    db: str, oai_endpoint: str, tmp_path: Path
) -> None:
    config = tmp_path / "ir-ingest.toml"
    config.write_text(f'[sources.demo]\nurl = "{oai_endpoint}"\nset = "elsewhere"\n')
    result = runner.invoke(app, ["--db", db, "--config", str(config), "check", "demo"])
    assert result.exit_code == 1, "a harvest of that set keeps nothing"
    assert "warning sets      the endpoint lists no set 'elsewhere'" in result.output
    assert "error   records   the list holds no record: a harvest of this" in result.output
    assert result.output.splitlines()[-1] == "Not ready to harvest: see the error above."
    plain = runner.invoke(app, ["--db", db, "check", oai_endpoint, "--set", "openaire"])
    assert plain.exit_code == 0, plain.output
    assert plain.output.splitlines()[-1].startswith("A harvest in oai_dc should ")


def test_an_endpoint_a_harvest_would_fail_on_exits_1(
    db: str, demo_records: list[ProvidedRecord]
) -> None:
    plan = FaultPlan(faults={0: ["html-page"] * 6})
    with serve_in_background(faulty_endpoint(demo_records, plan)) as url:
        result = runner.invoke(app, ["--db", db, "check", url])
    assert result.exit_code == 1
    assert "  error   records   " in result.output
    assert result.output.splitlines()[-1] == "Not ready to harvest: see the error above."


def test_a_value_no_check_can_take_is_refused_before_any_request(db: str) -> None:
    # Port 9 answers nothing: each is refused before any request.
    for args, said, status in (
        (["--prefix", ""], "error: --prefix must name a format, or be auto", 2),
        (["--set", ""], "error: --set must name a set", 2),
        (["--crosswalk", "nope"], "error: no crosswalk is named 'nope'", 2),
        (
            ["--prefix", "mods", "--crosswalk", "oai_dc"],
            "error: the crosswalk 'oai_dc' does not read mods records",
            2,
        ),
    ):
        result = runner.invoke(app, ["--db", db, "check", "http://127.0.0.1:9/oai", *args])
        assert result.exit_code == status, args
        assert result.output.startswith(said), args


def test_the_check_asks_at_the_pace_a_harvest_is_given(
    db: str, demo_records: list[ProvidedRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    # --delay and --user-agent reach the transport as harvest's do; a delay no run can take
    # is refused as harvest refuses it.  The check is a real one, of a real endpoint; only
    # the transport's waits are noted instead of waited out.
    agents: list[str] = []
    waits: list[float] = []

    def factory(base_url: str) -> Any:
        served = fixture_endpoint_app(demo_records)(base_url)

        def noting(environ: dict[str, Any], start_response: Any) -> Any:
            agents.append(environ.get("HTTP_USER_AGENT", ""))
            return served(environ, start_response)

        return noting

    # The transport's and the pacing's clock moves only while the transport waits: the
    # waits are then exact, whatever else this machine runs.
    clock = [1000.0]
    frozen = SimpleNamespace(monotonic=lambda: clock[0])
    monkeypatch.setattr(transport_module, "time", frozen)
    monkeypatch.setattr(pacing_module, "time", frozen)

    def wait(_: Transport, seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    monkeypatch.setattr(Transport, "_sleep", wait)
    with serve_in_background(factory) as url:
        result = runner.invoke(
            app, ["--db", db, "check", url, "--delay", "2.5", "--user-agent", "x"]
        )
    assert result.exit_code == 0, result.output
    assert len(agents) > 1
    assert set(agents) == {"x"}
    assert waits == [2.5] * (len(agents) - 1), "every request after the first waits its turn"
    refused = runner.invoke(app, ["--db", db, "check", url, "--delay", "-1"])
    assert refused.exit_code == 2
    assert "Invalid value for '--delay': -1; use 0 to 86,400 seconds" in refused.output


def test_json_is_for_a_monitoring_script(db: str, oai_endpoint: str) -> None:
    result = runner.invoke(app, ["--db", db, "check", oai_endpoint, "--json"])
    assert result.exit_code == 0, result.output
    said = json.loads(result.stdout)
    assert (said["url"], said["prefix"], said["ready"]) == (oai_endpoint, "oai_dc", True)
    assert said["findings"][0] == {
        "level": "ok",
        "topic": "Identify",
        "message": said["findings"][0]["message"],
    }
    assert {f["topic"] for f in said["findings"]} >= {"Identify", "formats", "records", "paging"}


def test_json_is_printed_when_the_check_cannot_begin(db: str, tmp_path: Path) -> None:
    # A monitoring script got nothing on stdout for an unknown source (a walkthrough).
    result = runner.invoke(app, ["--db", db, "check", "nosuch", "--json"])
    assert result.exit_code == 1
    said = json.loads(result.stdout)
    assert (said["url"], said["ready"]) == ("nosuch", False)
    (finding,) = said["findings"]
    assert finding["topic"] == "setup"
    assert "'nosuch' is neither an http(s) URL nor a source in the config" in finding["message"]


def test_json_carries_what_a_terminal_obeys_escaped(db: str) -> None:
    # A C1 control (U+009B, CSI) and a right-to-left override in what the JSON quotes had
    # reached a terminal raw: JSON escapes the C0 controls only.
    given = "nosuch\x9b2J\u202e"
    result = runner.invoke(app, ["--db", db, "check", given, "--json"])
    assert result.exit_code == 1
    assert b"\xc2\x9b" not in result.stdout_bytes
    assert b"\xe2\x80\xae" not in result.stdout_bytes
    assert "nosuch\\u009b2J\\u202e" in result.stdout
    assert json.loads(result.stdout)["url"] == given


@pytest.mark.parametrize("step", ["identify", "paging"])
def test_json_says_what_a_stopped_check_had_found(
    db: str, oai_endpoint: str, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    # A monitoring script's timeout (SIGTERM, or Ctrl-C) had left it nothing on stdout.
    def stop(*_: object) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(_Check, step, stop)
    result = runner.invoke(app, ["--db", db, "check", oai_endpoint, "--json"])
    assert result.exit_code == 130
    said = json.loads(result.stdout)
    assert (said["url"], said["ready"]) == (oai_endpoint, False)
    topics = [f["topic"] for f in said["findings"]]
    assert topics[-1] == "stopped"
    assert ("records" in topics) == (step == "paging"), "found before the stop, and kept"
    assert "stopped before it ended" in said["findings"][-1]["message"]
