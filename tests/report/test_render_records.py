"""What reports say of records: still invalid, errors apart from warnings, deletions, gone."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from lxml import html

from ir_ingest.entry import Entry, HarvestedRecord, Issue, Outcome, Severity
from ir_ingest.report import model, render
from ir_ingest.report.model import RunReport
from tests.report.test_render import (
    HOSTILE_ID,
    HOSTILE_TITLE,
    ODD_FIELD,
    coded_report,
    element_text,
    hostile_report,
)

if TYPE_CHECKING:
    import pytest


def test_the_html_report_says_how_many_unchanged_records_are_still_invalid() -> None:
    report = RunReport(repository="urn:test", metadata_prefix="oai_dc")
    untitled = [Issue("validate.missing_title", "no title", Severity.ERROR)]
    report.add(
        [
            Entry(HarvestedRecord("urn:test", f"oai:x:{n}", "", "oai_dc", b""), issues=i, outcome=o)
            for n, (o, i) in enumerate(
                [
                    (Outcome.UNCHANGED, untitled),
                    (Outcome.UNCHANGED, []),
                    (Outcome.INVALID, untitled),
                ]
            )
        ]
    )
    assert "2 unchanged (1 of them still invalid)" in report.summary()
    page = render.to_html(report)
    assert element_text(page, "unchanged-invalid") == "1 of them still invalid"
    unchanged = html.fromstring(page).find(".//ul[@id='counts']/li[@data-outcome='unchanged']")
    assert unchanged is not None
    assert unchanged.findtext("b") == "2"
    assert "still invalid" not in render.to_html(RunReport(repository="x", metadata_prefix="y"))


def _severities_report() -> RunReport:
    def entry(n: int, *issues: Issue) -> Entry:
        harvested = HarvestedRecord("urn:test", f"oai:x:{n}", "", "oai_dc", b"")
        return Entry(harvested, issues=list(issues), outcome=Outcome.INVALID)

    rejected = Issue("crosswalk.bad_value", "no date (the rule rejects)", Severity.ERROR)
    kept = Issue("crosswalk.bad_value", "no date", Severity.WARNING)
    report = RunReport(repository="urn:test", metadata_prefix="oai_dc")
    report.add(
        [
            entry(1, Issue("validate.missing_title", "no title", Severity.ERROR), kept),
            entry(2, rejected, Issue("validate.missing_date", "no date", Severity.WARNING)),
            entry(3, kept, Issue("crosswalk.format_limit", "DC cannot say", Severity.INFO)),
        ]
    )
    return report


def _cells(row: Any) -> list[str]:
    """The text of each cell of a table row."""
    return ["".join(map(str, cell.itertext())) for cell in row]


def test_issue_counts_say_which_are_errors_and_which_warnings() -> None:
    report = _severities_report()
    assert report.issue_counts == {
        "crosswalk.bad_value": 3,
        "crosswalk.format_limit": 1,
        "validate.missing_date": 1,
        "validate.missing_title": 1,
    }
    assert report.severity_counts["crosswalk.bad_value"] == {"error": 1, "warning": 2}
    assert RunReport.from_dict(report.to_dict()) == report
    lines = render.to_text(report).splitlines()
    assert lines[3:8] == [
        "Errors: crosswalk.bad_value ×1, validate.missing_title ×1",
        "  invalid oai:x:1: validate.missing_title: no title",
        "  invalid oai:x:2: crosswalk.bad_value: no date (the rule rejects)",
        "  invalid oai:x:3: crosswalk.bad_value: no date",
        "Warnings: crosswalk.bad_value ×2, validate.missing_date ×1",
    ]
    assert "Notes: crosswalk.format_limit ×1" in lines
    rows = html.fromstring(render.to_html(report)).findall(".//table[@id='issue-counts']//tr")
    assert [_cells(row) for row in rows] == [
        ["code", "severity", "issues"],
        ["crosswalk.bad_value", "error", "1"],
        ["validate.missing_title", "error", "1"],
        ["crosswalk.bad_value", "warning", "2"],
        ["validate.missing_date", "warning", "1"],
    ]


def test_a_report_kept_before_severities_were_counted_shows_its_codes_without() -> None:
    stored = _severities_report().to_dict()
    del stored["severity_counts"]
    old = RunReport.from_dict(stored)
    lines = render.to_text(old).splitlines()
    assert lines[3] == (
        "Issues: crosswalk.bad_value ×3, validate.missing_date ×1, validate.missing_title ×1"
    )
    assert "Notes: crosswalk.format_limit ×1" in lines
    rows = html.fromstring(render.to_html(old)).findall(".//table[@id='issue-counts']//tr")
    assert _cells(rows[1])[1:] == ["not kept (an older report)", "3"]


def _deleted(n: int, title: str | None) -> Entry:
    harvested = HarvestedRecord("urn:test", f"oai:x:{n}", "", "oai_dc", b"", deleted=True)
    return Entry(harvested, outcome=Outcome.DELETED, tombstoned_title=title)


def _listed_after(text: str, heading: str) -> list[str]:
    """The indented lines of a text report below ``heading``."""
    lines = text.splitlines()
    below = lines[lines.index(heading) + 1 :]
    return list(itertools.takewhile(lambda line: line.startswith("  "), below))


def test_the_reports_name_the_records_the_run_deleted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model, "MAX_LISTED_ENTRIES", 7)
    report = RunReport(repository="urn:test", metadata_prefix="oai_dc", run_id=12)
    report.add([_deleted(0, HOSTILE_TITLE), _deleted(1, None)])
    report.add([_deleted(n, f"Title {n}") for n in range(2, 9)])
    assert report.counts["deleted"] == 9
    assert report.deletions[:2] == [
        {"identifier": "oai:x:0", "title": HOSTILE_TITLE},
        {"identifier": "oai:x:1", "title": None},
    ]
    assert (len(report.deletions), report.deletions_not_listed) == (7, 2)
    assert RunReport.from_dict(report.to_dict()) == report
    heading = "Deleted by the source, kept as tombstones:"
    assert _listed_after(render.to_text(report), heading) == [
        f"  oai:x:0 — {HOSTILE_TITLE}",
        "  oai:x:1",
        "  oai:x:2 — Title 2",
        "  oai:x:3 — Title 3",
        "  oai:x:4 — Title 4",
        "  … 4 more: ir-ingest report 12 --format html -o run-12.html",
    ]
    page = render.to_html(report)
    assert "<script>" not in page
    rows = html.fromstring(page).findall(".//table[@id='deletions']//tr")[1:]
    assert len(rows) == 7
    assert [_cells(row) for row in rows[:2]] == [
        [HOSTILE_TITLE + "oai:x:0"],
        ["(no title)oai:x:1"],
    ]
    assert "2 more deleted records are counted above but not listed." in page
    assert "Deleted by the source" not in render.to_html(hostile_report())


def test_the_text_report_names_the_records_gone_from_the_source() -> None:
    report = RunReport(repository="urn:test", metadata_prefix="oai_dc", run_id=3, full=True)
    heading = "Gone from the source, kept for review:"
    assert heading not in render.to_text(report)
    report.gone_from_source = ["oai:x:1", "oai:x:2"]
    report.gone_titles = {"oai:x:2": "Eels"}
    assert _listed_after(render.to_text(report), heading) == ["  oai:x:1", "  oai:x:2 — Eels"]
    report.gone_from_source = [f"oai:x:{n}" for n in range(8)]
    assert _listed_after(render.to_text(report), heading)[-2:] == [
        "  oai:x:4",
        "  … 3 more: ir-ingest report 3 --format html -o run-3.html",
    ]


def test_the_reports_say_what_updated_records_changed() -> None:
    report = coded_report()
    assert report.changed_field_counts == {ODD_FIELD: 1, "creators": 1}
    page = render.to_html(report)
    assert "<img" not in page
    row = html.fromstring(page).findall(".//table[@id='changes']//tr")[1]
    assert [str(code.text) for code in row.iterfind(".//code")] == [
        HOSTILE_ID,
        "creators",
        ODD_FIELD,
    ]
    assert f"New versions changed: {ODD_FIELD} ×1, creators ×1\n" in render.to_text(report)
    assert RunReport.from_dict(report.to_dict()).changes == report.changes
