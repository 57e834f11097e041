"""Run reports: counts, and every harvested string escaped (checked in headless Chromium)."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest
from lxml import html

from ir_ingest.codes import CODES
from ir_ingest.entry import Entry, HarvestedRecord, Issue, Outcome, Severity
from ir_ingest.report import render
from ir_ingest.report.model import RunReport
from ir_ingest.schema import Record, Source, Text
from ir_ingest.store.changes import ABSENT
from tests.conftest import unavailable

if TYPE_CHECKING:
    from pathlib import Path

HOSTILE_TITLE = "<script>document.title='pwned'</script>Eels & <b>eelgrass</b>"
HOSTILE_ID = 'oai:x:"><img src=x onerror="document.title=\'pwned\'">'


def _report_record() -> Record:
    return Record(
        id="1",
        source=Source(
            repository="urn:test", oai_identifier=HOSTILE_ID, datestamp="", metadata_prefix="oai_dc"
        ),
        title=Text(value=HOSTILE_TITLE),
    )


def hostile_report() -> RunReport:
    harvested = HarvestedRecord("urn:test", HOSTILE_ID, "2024-01-01", "oai_dc", b"<r/>")
    entry = Entry(
        harvested,
        _report_record(),
        [Issue("validate.missing_creator", "<i>no</i> creator", Severity.ERROR)],
    )
    entry.outcome = Outcome.INVALID
    clean = Entry(
        HarvestedRecord("urn:test", "oai:x:2", "", "oai_dc", b""), outcome=Outcome.CREATED
    )
    report = RunReport(
        repository="https://repo.example/oai?verb=<x>", metadata_prefix="oai_dc", run_id=7
    )
    report.add([entry, clean])
    report.finish("completed")
    return report


def test_counts_and_round_trip() -> None:
    report = hostile_report()
    assert report.counts["invalid"] == 1
    assert report.counts["created"] == 1
    assert report.issue_counts == {"validate.missing_creator": 1}
    assert RunReport.from_dict(report.to_dict()) == report
    assert report.summary().startswith("2 records: 1 created")


def test_the_summary_of_one_record_says_record() -> None:
    report = RunReport("urn:test", "oai_dc", run_id=1)
    report.add(
        [
            Entry(
                HarvestedRecord("urn:test", "oai:x:1", "", "oai_dc", b""), outcome=Outcome.UNCHANGED
            )
        ]
    )
    assert report.summary().startswith("1 record: 0 created, 0 updated, 1 unchanged")


def test_the_summary_names_skipped_records_and_reads_reports_from_before_them() -> None:
    report = hostile_report()
    assert "skipped" not in report.summary()
    report.counts["skipped"] = 2
    assert report.summary().endswith(", 2 skipped (a newer or better copy is stored)")
    stored = report.to_dict()
    del stored["counts"]["skipped"]  # a report stored before the outcome existed
    assert "skipped" not in RunReport.from_dict(stored).summary()


def test_tombstones_of_records_never_held_are_not_counted_as_deleted() -> None:
    """A first harvest said "4 deleted" of the source's old deletions: nothing was removed."""
    report = hostile_report()
    never_held = Entry(
        HarvestedRecord("urn:test", "oai:x:3", "", "oai_dc", b"", deleted=True),
        outcome=Outcome.TOMBSTONE_ONLY,
    )
    report.add([never_held])
    assert (report.counts["tombstone_only"], report.counts["deleted"]) == (1, 0)
    assert report.deletions == [], "not listed as deleted by the run"
    assert ", 0 deleted, 1 deleted at the source but never held (tombstone kept), 1 invalid" in (
        report.summary()
    )
    assert "never held" in element_text(render.to_html(report), "tombstone-only")
    counts = html.fromstring(render.to_html(report)).find(".//ul[@id='counts']")
    assert counts is not None
    outcome = counts.find("li[@data-outcome='tombstone_only']")
    assert outcome is not None
    assert str(outcome.findtext("b")) == "1"
    assert str(outcome.find("b").tail).split() == ["tombstone", "only"], "in words"  # type: ignore[union-attr]
    stored = report.to_dict()
    del stored["counts"]["tombstone_only"]  # a report stored before the outcome existed
    assert "never held" not in RunReport.from_dict(stored).summary()
    assert "never held" not in render.to_html(RunReport.from_dict(stored))


def test_the_text_report_shows_a_few_records_that_failed_and_why() -> None:
    report = hostile_report()
    lines = render.to_text(report).splitlines()
    assert f"  invalid {HOSTILE_ID}: validate.missing_creator: <i>no</i> creator" in lines
    failed = [
        Entry(
            HarvestedRecord("urn:test", f"oai:x:{n}", "", "oai_dc", b""),
            issues=[Issue("xml.malformed", f"bad {n}", Severity.ERROR)],
            outcome=Outcome.FAILED,
        )
        for n in range(4)
    ]
    report.add(failed)
    lines = render.to_text(report).splitlines()
    examples = lines[: lines.index("What the codes mean (ir-ingest codes CODE says what to do):")]
    assert [line for line in examples if line.startswith("  ")] == [
        "  failed oai:x:0: xml.malformed: bad 0",
        "  failed oai:x:1: xml.malformed: bad 1",
        "  failed oai:x:2: xml.malformed: bad 2",
        "  … 2 more: ir-ingest report 7 --format html -o run-7.html",
    ]
    # Run as printed, without the store it was given, it had shown another store's run 7.
    again = "ir-ingest --db 'postgresql+psycopg://u:***@127.0.0.1/x'"
    assert f"  … 2 more: {again} report 7 --format html -o run-7.html" in (
        render.to_text(report, again).splitlines()
    )


def test_an_invalid_record_is_shown_with_its_error_not_a_warning_before_it() -> None:
    warned = Entry(
        HarvestedRecord("urn:test", "oai:x:9", "", "oai_dc", b"<r/>"),
        issues=[
            Issue("crosswalk.format_limit", "no editors", Severity.INFO),
            Issue("crosswalk.bad_value", "publication_date: '[' is no date", Severity.WARNING),
            Issue("validate.missing_creator", "the record names no creator", Severity.ERROR),
        ],
        outcome=Outcome.INVALID,
    )
    report = RunReport(repository="urn:test", metadata_prefix="oai_dc")
    report.add([warned])
    assert "  invalid oai:x:9: validate.missing_creator: the record names no creator" in (
        render.to_text(report).splitlines()
    )


def test_records_named_follow_the_errors_and_say_how_many_more_errors_they_have() -> None:
    """Under ``Warnings:`` they read as the warnings' records; without the count a record
    with two errors leaves a reader looking for a second invalid record."""
    untitled = Issue("validate.missing_title", "the record has no title", Severity.ERROR)
    undated = Issue("validate.missing_date", "the record has no date", Severity.WARNING)
    nobody = Issue("validate.missing_creator", "the record names no creator", Severity.ERROR)
    bad = Issue("crosswalk.bad_value", "isbn: '1' is no ISBN", Severity.ERROR)

    def entry(n: int, outcome: Outcome, *issues: Issue) -> Entry:
        harvested = HarvestedRecord("urn:test", f"oai:x:{n}", "", "oai_dc", b"<r/>")
        return Entry(harvested, issues=list(issues), outcome=outcome)

    report = RunReport(repository="urn:test", metadata_prefix="oai_dc")
    report.add(
        [
            entry(1, Outcome.INVALID, untitled, undated, nobody),
            entry(2, Outcome.INVALID, untitled, nobody, bad),
            entry(3, Outcome.CREATED, undated),
        ]
    )
    lines = render.to_text(report).splitlines()
    assert lines[3:7] == [
        "Errors: crosswalk.bad_value ×1, validate.missing_creator ×2, validate.missing_title ×2",
        "  invalid oai:x:1: validate.missing_title: the record has no title (+1 more error)",
        "  invalid oai:x:2: validate.missing_title: the record has no title (+2 more errors)",
        "Warnings: validate.missing_date ×2",
    ]


def test_a_copy_not_stored_is_counted_by_why_not_and_not_by_its_own_problems() -> None:
    report = RunReport(repository="urn:test", metadata_prefix="mods")
    harvested = HarvestedRecord("urn:test", "oai:x:1", "2024-01-01", "mods", b"<r/>")

    def skipped(why: str, severity: Severity) -> Entry:
        untitled = Issue("validate.missing_title", "no title", Severity.ERROR)
        return Entry(
            harvested, issues=[untitled, Issue(why, "x", severity)], outcome=Outcome.SKIPPED
        )

    report.add(
        [
            skipped("store.richer_format_stored", Severity.INFO),
            skipped("store.older_than_stored", Severity.WARNING),
        ]
    )
    assert report.issue_counts == {"store.older_than_stored": 1, "store.richer_format_stored": 1}
    assert [[i["code"] for i in e.issues] for e in report.entries] == [["store.older_than_stored"]]


def test_the_text_report_says_what_was_asked_and_why_a_run_failed() -> None:
    report = RunReport(
        repository="https://repo.example/oai",
        metadata_prefix="mods",
        run_id=4,
        set_spec="openaire",
        from_date="2024-01-01T00:00:00Z",
        window="monthly",
        full=True,
        resumed_run_id=3,
    )
    report.finish("failed", "HTTP 503 after 6 tries")
    lines = render.to_text(report).splitlines()
    assert lines[0].startswith("Run 4 failed: 0 records")
    assert lines[1] == (
        "Source: https://repo.example/oai · mods · set openaire · from 2024-01-01T00:00:00Z"
        " · windows monthly · full · continuing run 3"
    )
    assert lines[3] == "Error: HTTP 503 after 6 tries"


def element_text(page: str, element_id: str) -> str:
    """The text of the element of ``page`` with this id."""
    found = html.fromstring(page).find(f".//*[@id='{element_id}']")
    assert found is not None, element_id
    return "".join(map(str, found.itertext()))


def _timed(status: str, finished_at: str | None) -> RunReport:
    return RunReport(
        repository="urn:test",
        metadata_prefix="oai_dc",
        status=status,
        started_at="2024-05-01T10:00:00+00:00",
        finished_at=finished_at,
    )


@pytest.mark.parametrize(
    ("status", "finished_at", "said"),
    [
        ("completed", "2024-05-01T10:02:05+00:00", "took 2 min 5 s"),
        ("incomplete", "2024-05-01T11:02:05+00:00", "took 1 h 2 min"),
        ("failed", "2024-05-01T10:00:40+00:00", "took 40 s"),
        ("completed", "2024-05-01T10:00:00+00:00", "took under a second"),
    ],
)
def test_reports_say_how_long_a_run_took(status: str, finished_at: str, said: str) -> None:
    report = _timed(status, finished_at)
    assert render.to_text(report).splitlines()[2] == (
        f"Time: started 2024-05-01T10:00:00+00:00, {said}"
    )
    assert element_text(render.to_html(report), "run-time") == (
        f"started 2024-05-01T10:00:00+00:00, {said}"
    )


def test_reports_say_since_when_a_run_is_running_and_when_its_end_is_unknown() -> None:
    running = _timed("running", None)
    assert "Time: running since 2024-05-01T10:00:00+00:00" in render.to_text(running)
    assert element_text(render.to_html(running), "run-time") == (
        "running since 2024-05-01T10:00:00+00:00"
    )
    # A killed run the next harvest marked failed: its report kept no end.
    killed = _timed("failed", None)
    assert (
        "Time: started 2024-05-01T10:00:00+00:00; its end was not recorded: its counts are "
        "those of the pages it stored, and the records it lists those kept up to 5 s before it "
        "stopped\n"
    ) in render.to_text(killed)


def test_html_escapes_every_harvested_string() -> None:
    page = render.to_html(hostile_report())
    assert "<script>" not in page
    assert "<img" not in page
    assert "<b>eelgrass" not in page
    cell = html.fromstring(page).find(".//table[@id='entries']//td")
    assert cell is not None
    assert HOSTILE_TITLE in "".join(map(str, cell.itertext()))
    assert HOSTILE_ID in "".join(map(str, cell.itertext()))


def test_bidi_overrides_in_harvested_strings_reach_no_further_than_themselves() -> None:
    # A right-to-left override in a title had shown the identifier beside it reversed, and one
    # in an identifier made it read as another record's.
    override, pdf = "\u202e", "\u202c"
    harvested = HarvestedRecord("urn:test", f"oai:evil:2{override}1:lave:iao", "", "oai_dc", b"")
    record = Record(
        id="1",
        source=Source(
            repository="urn:test",
            oai_identifier=harvested.identifier,
            datestamp="",
            metadata_prefix="oai_dc",
        ),
        title=Text(value=f"{override}gnp.exe"),
    )
    entry = Entry(harvested, record, [Issue("validate.missing_creator", "x", Severity.ERROR)])
    entry.outcome = Outcome.INVALID
    report = RunReport(repository=f"urn:{override}x", metadata_prefix="oai_dc", run_id=1)
    report.add([entry])
    report.finish("completed")
    page = html.fromstring(render.to_html(report))
    cell = page.find(".//table[@id='entries']//td")
    assert cell is not None
    assert cell.text == f"{override}gnp.exe{pdf}"
    assert cell.findtext("code") == f"oai:evil:2{override}1:lave:iao{pdf}"
    assert str(page.findtext(".//title")).endswith(f"urn:{override}x{pdf}")


@pytest.mark.parametrize(
    ("text", "closed"),
    [
        ("plain", "plain"),
        ("a\u202eb", "a\u202eb\u202c"),
        ("a\u202eb\u202c", "a\u202eb\u202c"),  # closed already
        ("\u2067a\u202bb", "\u2067a\u202bb\u202c\u2069"),  # innermost first
        ("\u2067a\u202bb\u2069", "\u2067a\u202bb\u2069"),  # PDI closes what opened in it
        ("\u202c\u2069a", "\u202c\u2069a"),  # stray closers close nothing
    ],
)
def test_bidi_closed_closes_what_a_string_opens(text: str, closed: str) -> None:
    assert render.bidi_closed(text) == closed


def test_html_report_keeps_notes_apart_from_problems() -> None:
    report = hostile_report()
    note = Issue("crosswalk.format_limit", "simple DC cannot say", Severity.INFO)
    harvested = HarvestedRecord("urn:test", "oai:x:3", "", "oai_dc", b"")
    report.add([Entry(harvested, issues=[note], outcome=Outcome.CREATED)])
    page = html.fromstring(render.to_html(report))
    problems = [c.text for c in page.findall(".//table[@id='issue-counts']//code")]
    notes = [c.text for c in page.findall(".//table[@id='note-counts']//code")]
    assert (problems, notes) == (["validate.missing_creator"], ["crosswalk.format_limit"])


def test_html_report_lists_unstored_and_invalid_records_first() -> None:
    report = RunReport(repository="urn:test", metadata_prefix="oai_dc")
    warning = [Issue("validate.missing_date", "no date", Severity.WARNING)]
    error = [Issue("validate.missing_title", "no title", Severity.ERROR)]
    outcomes = [
        ("oai:x:1", Outcome.CREATED, warning),
        ("oai:x:2", Outcome.INVALID, error),
        ("oai:x:3", Outcome.UPDATED, warning),
        ("oai:x:4", Outcome.FAILED, error),
    ]
    report.add(
        [
            Entry(HarvestedRecord("urn:test", rid, "", "oai_dc", b""), issues=i, outcome=o)
            for rid, o, i in outcomes
        ]
    )
    page = html.fromstring(render.to_html(report))
    listed = [c.text for c in page.findall(".//table[@id='entries']//td/code")]
    assert listed == ["oai:x:4", "oai:x:2", "oai:x:1", "oai:x:3"]


def test_the_html_report_may_load_nothing() -> None:
    # Should a harvested value ever get past the escaping, the browser still fetches and runs
    # nothing: the page's policy allows its own inline style only.
    page = html.fromstring(render.to_html(hostile_report()))
    (policy,) = page.findall(".//head/meta[@http-equiv='Content-Security-Policy']")
    assert policy.get("content") == "default-src 'none'; style-src 'unsafe-inline'"


def test_html_report_in_headless_chromium(tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        unavailable("chromium is not installed (.ci/run installs Debian's chromium)")
    path = render.write(coded_report(), tmp_path / "report.html")
    result = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    dom = html.fromstring(result.stdout)
    assert str(dom.findtext(".//title")).startswith("ir-ingest run 7")  # no script renamed it
    assert dom.find(".//script") is None
    assert dom.find(".//img") is None
    items = dom.iterfind(".//ul[@id='counts']/li")
    counts = {li.get("data-outcome"): li.findtext("b") for li in items}
    assert counts["invalid"] == "1"
    assert counts["created"] == "2"
    table = dom.find(".//table[@id='entries']")
    assert table is not None
    assert HOSTILE_TITLE in "".join(map(str, table.itertext()))
    # The glossary, the hostile code in it as text, and the links to it.
    terms = [dt.findtext("code") for dt in dom.iterfind(".//dl[@id='codes']/dt")]
    assert terms[0] == "xml.malformed"
    assert terms[-1] == ODD_CODE
    changes = dom.find(".//table[@id='changes']")
    assert changes is not None
    assert HOSTILE_TITLE in "".join(map(str, changes.itertext()))
    assert ODD_FIELD in "".join(map(str, changes.itertext()))
    # Before and after, the value harvested shown as text.
    assert [str(d.text) for d in changes.iterfind(".//del")] == ["Doe, J.", ABSENT]
    assert [str(i.text) for i in changes.iterfind(".//ins")] == [HOSTILE_TITLE, "x"]
    deletions = dom.find(".//table[@id='deletions']")
    assert deletions is not None
    assert HOSTILE_TITLE in "".join(map(str, deletions.itertext()))
    link = dom.find(".//table[@id='entries']//a")
    assert link is not None
    assert dom.find(f".//dt[@id='{str(link.get('href'))[1:]}']") is not None


#: A code no catalogue holds, as a report kept by another version might carry, made hostile.
ODD_CODE = 'zz.old"><img src=x onerror="document.title=1">'
ODD_FIELD = '<img src=x onerror="document.title=2">'


def coded_report() -> RunReport:
    report = hostile_report()  # validate.missing_creator on a record
    failed = Entry(
        HarvestedRecord("urn:test", "oai:x:5", "", "oai_dc", b"<r"),
        issues=[Issue("xml.malformed", "not well-formed", Severity.ERROR)],
        outcome=Outcome.FAILED,
    )
    noted = Entry(
        HarvestedRecord("urn:test", "oai:x:6", "", "oai_dc", b"<r/>"),
        issues=[Issue("crosswalk.format_limit", "simple DC cannot say", Severity.INFO)],
        outcome=Outcome.CREATED,
    )
    updated = Entry(
        HarvestedRecord("urn:test", HOSTILE_ID, "", "oai_dc", b"<r/>"),
        _report_record(),
        outcome=Outcome.UPDATED,
        changed_fields=["creators", ODD_FIELD],  # a name a report kept elsewhere might hold
        changed_values={"creators": ("Doe, J.", HOSTILE_TITLE), ODD_FIELD: (ABSENT, "x")},
    )
    deleted = Entry(
        HarvestedRecord("urn:test", HOSTILE_ID, "", "oai_dc", b"", deleted=True),
        outcome=Outcome.DELETED,
        tombstoned_title=HOSTILE_TITLE,
    )
    report.add([failed, noted, updated, deleted])
    report.add_run_issue(Issue("harvest.repeated_token", "token 'a' twice"), "whole list")
    report.add_run_issue(Issue(ODD_CODE, "<b>old</b>"), "plan")
    return report


def test_the_html_report_explains_the_codes_of_the_run_and_links_them() -> None:
    page = render.to_html(coded_report())
    assert "<img" not in page
    tree = html.fromstring(page)
    glossary = tree.find(".//dl[@id='codes']")
    assert glossary is not None
    # Only the codes of this run, in the catalogue's order; an unknown one last, escaped.
    assert [dt.get("id") for dt in glossary.iterfind("dt")] == [
        "code-xml.malformed",
        "code-crosswalk.format_limit",
        "code-validate.missing_creator",
        "code-harvest.repeated_token",
        f"code-{ODD_CODE}",
    ]
    said: dict[str, list[html.HtmlElement]] = {}
    for item in glossary:  # each dt, then the dd that say what it means
        if item.tag == "dt":
            said[str(item.findtext("code"))] = []
        else:
            said[list(said)[-1]].append(item)
    malformed = CODES["xml.malformed"]
    meaning, action = ("".join(map(str, dd.itertext())) for dd in said["xml.malformed"])
    # Catalogue text is escaped as any other (it says "&nbsp;"), its commands shown as code.
    assert "&nbsp;" in malformed.meaning
    assert meaning == malformed.meaning
    assert action == "What to do: " + malformed.action.replace("`", "")
    commands = [c.text for c in said["xml.malformed"][1].iterfind("code")]
    assert commands == ["--full", "ir-ingest reprocess"]
    unknown = "".join(map(str, said[ODD_CODE][0].itertext()))
    assert unknown.startswith("not in this version's catalogue of codes")
    # Every code shown in a table links to its entry.
    anchors = {str(dt.get("id")) for dt in glossary.iterfind("dt")}
    for table in ("entries", "issue-counts", "note-counts", "run-issues"):
        links = tree.findall(f".//table[@id='{table}']//a")
        assert links, table
        for link in links:
            assert link.get("href") == f"#code-{link.findtext('code')}"
            assert str(link.get("href"))[1:] in anchors


def test_the_text_report_ends_with_what_the_codes_of_the_run_mean() -> None:
    lines = render.to_text(coded_report()).splitlines()
    start = lines.index("What the codes mean (ir-ingest codes CODE says what to do):")
    assert lines[start + 1 :] == [
        f"  xml.malformed: {CODES['xml.malformed'].meaning}",
        f"  crosswalk.format_limit: {CODES['crosswalk.format_limit'].meaning}",
        f"  validate.missing_creator: {CODES['validate.missing_creator'].meaning}",
        f"  harvest.repeated_token: {CODES['harvest.repeated_token'].meaning}",
        f"  {ODD_CODE}: not in this version's catalogue of codes",
    ]
    quiet = RunReport(repository="urn:test", metadata_prefix="oai_dc")
    assert "What the codes mean" not in render.to_text(quiet)
    assert "What the codes mean" not in render.to_html(quiet)


@pytest.mark.parametrize("text", ["a\x7fb", "a\x7fb é", "a\x9bb", "a\u202eb", "plain é"])
def test_json_writes_what_a_terminal_obeys_as_escapes(text: str) -> None:
    # DEL is ASCII: a document all ASCII had kept it raw where one with an accent escaped it.
    written = render.json_document({"t": text})
    assert not set(written) & set("\x7f\x9b\u202e")
    assert json.loads(written) == {"t": text}
