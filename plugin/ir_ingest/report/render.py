"""Render a :class:`~ir_ingest.report.model.RunReport` as HTML, JSON or plain text.

HTML goes through Jinja2 with autoescaping on, so every harvested string (titles, messages,
identifiers) is escaped; the page loads nothing from the network.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import re2
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ir_ingest import controls
from ir_ingest.codes import CODES, CodeHelp, in_order
from ir_ingest.controls import OBEYED
from ir_ingest.errors import IngestError
from ir_ingest.report import keeper
from ir_ingest.wording import counted

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import timedelta
    from pathlib import Path

    from ir_ingest.report.model import RunReport


def bidi_closed(value: object) -> object:
    """A harvested string with the bidirectional embeddings, overrides and isolates it opens
    closed at its end (PDF, PDI), so that they reach no further than itself.

    Escaping leaves them as they are: a right-to-left override (U+202E) in a title had shown
    the record's identifier beside it reversed in the HTML report, and one in an identifier
    showed another identifier (``oai:evil:2``, U+202E, ``1:lave:iao`` read ``…oai:eval:1``).
    Jinja's ``finalize``: every value the template shows; markup the template made is its own.
    """
    if not isinstance(value, str) or isinstance(value, Markup):
        return value
    return controls.bidi_closed(value)


#: What a terminal obeys rather than shows (:data:`ir_ingest.controls.OBEYED`).
_OBEYED = re.compile(f"[{OBEYED}]")
#: The same, to find one in a whole JSON document: Python's ``re`` scans at some 5 ns a
#: character, 14 µs for a non-ASCII record of the corpus (2.6 KB), which ``export`` writes in
#: 20 µs; RE2 at about 2.  Most records are ASCII, which ``str.isascii`` says at once.
_OBEYED_FOUND = re2.compile(f"[{OBEYED}]")


def visible(text: str) -> str:
    """``text`` with each character a terminal would obey (:data:`_OBEYED`) written as
    Python writes it in a string (``\\x9b``, ``\\u202e``): shown, not obeyed."""
    return _OBEYED.sub(lambda found: found[0].encode("unicode_escape").decode("ascii"), text)


def one_line(text: str) -> str:
    """A harvested value that names one thing (an identifier), its line breaks and tabs
    written as ``\\n`` and ``\\t``: a line break in an identifier had printed what followed
    it as a line of the tool's own (``Run 9 completed: …``; a security review)."""
    return text.replace("\n", "\\n").replace("\t", "\\t")


def json_shown(text: str) -> str:
    """JSON ``text`` with each character a terminal would obey written as a ``\\uXXXX``
    escape: the same data once parsed.

    JSON escapes the C0 controls but leaves DEL, the C1 controls (U+009B is CSI) and the bidi
    overrides as they are, and a terminal showing ``ir-ingest export`` obeyed them.  Only a
    string holds such a character, and never inside an escape, so each is replaced alone.
    """
    # DEL is ASCII and obeyed (it erases), and JSON leaves it as it is too.
    if (text.isascii() and "\x7f" not in text) or _OBEYED_FOUND.search(text) is None:
        return text
    return _OBEYED.sub(lambda found: f"\\u{ord(found[0]):04x}", text)


def json_document(data: object) -> str:
    """``data`` as indented JSON ending in a new line, as the commands print it
    (:func:`json_shown`)."""
    return json_shown(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


_ENV = Environment(
    loader=PackageLoader("ir_ingest.report", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    finalize=bidi_closed,
)


#: The order records with issues are listed in: those not stored, then those stored invalid.
_FIRST = {"failed": 0, "invalid": 1}


def to_html(report: RunReport) -> str:
    """A standalone HTML page (inline CSS, no scripts)."""
    # Stable: within each outcome the records keep their harvest order.
    entries = sorted(report.entries, key=lambda entry: _FIRST.get(entry.outcome, 2))
    return _ENV.get_template("run.html.j2").render(
        report=report,
        entries=entries,
        when=when(report),
        glossary=glossary(report),
        unknown=_UNKNOWN,
    )


def to_json(report: RunReport) -> str:
    """The report as indented JSON."""
    return json_document(report.to_dict())


def to_text(report: RunReport, again: str = "ir-ingest") -> str:
    """The lines a terminal shows: outcome counts, issue codes, run issues, sweep findings.

    ``again`` begins a command on the same store (``ir-ingest --db …``): the one a list
    cut short names, to show it whole.
    """
    kind = "Reprocess run" if report.kind == "reprocess" else "Run"
    name = f"{kind} {report.run_id}" if report.run_id is not None else kind
    lines = [
        f"{name} {report.status}: {report.summary()}",
        f"Source: {_asked(report)}",
        f"Time: {when(report)}",
    ]
    if report.error:
        lines.append(f"Error: {report.error}")
    lines.extend(_problem_lines(report, again))
    notes = ", ".join(f"{code} ×{n}" for code, n in report.notes())
    if notes:
        lines.append(f"Notes: {notes}")
    lines.extend(
        f"Run issue {issue['code']} ({issue['where']}): {issue['message']}"
        for issue in report.run_issues
    )
    if report.changed_field_counts:
        changed = ", ".join(f"{name} ×{n}" for name, n in report.changed_field_counts.items())
        lines.append(f"New versions changed: {changed}")
    deleted = [_named(d["identifier"], d["title"]) for d in report.deletions]
    total = len(deleted) + report.deletions_not_listed
    lines.extend(
        _a_few("Deleted by the source, kept as tombstones:", deleted, total, again, report)
    )
    restored = [_named(r["identifier"], r["title"]) for r in report.restorations]
    total = len(restored) + report.restorations_not_listed
    heading = "Restored by the source (deleted before), live again:"
    lines.extend(_a_few(heading, restored, total, again, report))
    gone = [_named(i, report.gone_titles.get(i)) for i in report.gone_from_source]
    lines.extend(_a_few("Gone from the source, kept for review:", gone, len(gone), again, report))
    explained = glossary(report)
    if explained:
        lines.append("What the codes mean (ir-ingest codes CODE says what to do):")
        lines.extend(
            f"  {code}: {help_.meaning if help_ else _UNKNOWN}" for code, help_ in explained
        )
    return visible("\n".join(lines) + "\n")  # a report file is read in a terminal too


#: What a report says of a code the catalogue does not hold (one an older version emitted).
_UNKNOWN = "not in this version's catalogue of codes"


def glossary(report: RunReport) -> list[tuple[str, CodeHelp | None]]:
    """The codes the run met, in catalogue order, each with what it means and what to do
    (None for a code the catalogue does not hold, in a report an older version kept)."""
    return [(code, CODES.get(code)) for code in in_order(report.codes())]


def when(report: RunReport) -> str:
    """When the run ran: since when it is running, or when it started and how long it took."""
    if report.status == "running":
        return f"running since {report.started_at}"
    took = report.duration()
    if took is None:
        # A killed run: its report is the one kept while it ran (see report.keeper), its counts
        # those committed with its pages (exact since the store has kept them).
        return (
            f"started {report.started_at}; its end was not recorded: its counts are those of "
            f"the pages it stored, and the records it lists those kept up to "
            f"{keeper.EVERY:.0f} s before it stopped"
        )
    return f"started {report.started_at}, took {_length(took)}"


def _length(took: timedelta) -> str:
    """``2 h 5 min``, ``3 min 12 s``, ``40 s``: seconds only where they still matter."""
    total = int(took.total_seconds())
    if total < 1:
        return "under a second"
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [(hours, "h"), (minutes, "min"), (0 if hours else seconds, "s")]
    return " ".join(f"{number} {unit}" for number, unit in parts if number)


#: The text report's line for each severity's codes: ``Issues`` holds those of a report kept
#: before severities were counted.
_SEVERITY_LINES = {"error": "Errors", "warning": "Warnings"}


def _problem_lines(report: RunReport, again: str) -> list[str]:
    """``Errors: code ×n, …`` then ``Warnings: …``; a code met with both is on both.  The
    records that failed or are invalid follow ``Errors:`` (``Issues:`` in an older report),
    whose codes say why: under ``Warnings:`` they read as the warnings' records."""
    grouped: dict[str | None, list[str]] = {}
    for code, severity, count in report.problems():
        grouped.setdefault(severity, []).append(f"{code} ×{count}")
    examples = _examples(report, again)
    lines = []
    for severity, shown in grouped.items():
        lines.append(f"{_SEVERITY_LINES.get(severity or '', 'Issues')}: {', '.join(shown)}")
        if severity in ("error", None):
            lines += examples
            examples = []
    return lines + examples


#: Which of a record's issues says why it failed or is invalid: an error, else a warning.
_WHY = {"error": 0, "warning": 1}
#: Records not stored, or stored invalid, shown by the text report as examples.
_EXAMPLES = 3


def _examples(report: RunReport, again: str) -> list[str]:
    """A few records that failed or are invalid, each with the problem that made it so (its
    first error; a warning before it is not why), so that a terminal shows why without opening
    the HTML report."""
    lines = []
    for entry in sorted(report.entries, key=lambda e: _FIRST.get(e.outcome, 2))[:_EXAMPLES]:
        if entry.outcome not in _FIRST:
            break
        problem = min(entry.issues, key=lambda i: _WHY.get(i["severity"], len(_WHY)))
        lines.append(
            f"  {entry.outcome} {one_line(entry.identifier)}: {problem['code']}: "
            f"{problem['message']}" + _more_errors(entry.issues, problem)
        )
    listed = sum(1 for entry in report.entries if entry.outcome in _FIRST)
    if listed > len(lines) and lines:
        lines.append(_more(listed - len(lines), again, report))
    return lines


def _more_errors(issues: list[dict[str, str]], shown: dict[str, str]) -> str:
    """`` (+2 more errors)``: a record's errors besides the ``shown`` one, which the counts
    by code include (else a reader looks for another record that has them)."""
    others = sum(1 for issue in issues if issue["severity"] == "error" and issue is not shown)
    if not others:
        return ""
    return f" (+{counted(others, 'more error')})"


#: Records the text report names of those a run deleted, or found gone from the source.
_A_FEW = 5


def _a_few(heading: str, items: list[str], total: int, again: str, report: RunReport) -> list[str]:
    """``heading``, a few of ``items`` (of ``total``) indented, and how many more (none at
    all when ``total`` is 0)."""
    if not total:
        return []
    shown = [f"  {item}" for item in items[:_A_FEW]]
    more = [_more(total - len(shown), again, report)] if total > len(shown) else []
    return [heading, *shown, *more]


def _named(identifier: str, title: str | None) -> str:
    """A record as a list names it: its identifier, and its title if it has one."""
    return f"{one_line(identifier)} — {title}" if title else one_line(identifier)


def _more(count: int, again: str, report: RunReport) -> str:
    """The line after a few of a list: how many more, and the command that shows them all."""
    if report.run_id is None:
        return f"  … {count} more in the HTML or JSON report"
    run = report.run_id
    return f"  … {count} more: {again} report {run} --format html -o run-{run}.html"


def _asked(report: RunReport) -> str:
    """What the run asked for, in one line: endpoint, format, set, dates, windows."""
    if report.kind == "reprocess":
        return f"{report.repository}, from the raw XML stored"
    return asked_line(
        report.repository,
        report.metadata_prefix,
        (
            ("set", report.set_spec),
            ("from", report.from_date),
            ("until", report.until_date),
            ("windows", report.window),
            ("crosswalk", report.crosswalk),
            ("full", report.full),
            ("continuing run", report.resumed_run_id),
        ),
    )


def asked_line(repository: str, prefix: str, given: Iterable[tuple[str, object]]) -> str:
    """``repository · prefix · label value …`` for the options given (True: the label alone)."""
    shown = [
        label if value is True else f"{label} {value}"
        for label, value in given
        if value not in (None, "", False)
    ]
    return " · ".join([repository, prefix, *shown])


#: The report's formats by name, as ``report --format`` and a file's suffix choose them.
RENDERERS: dict[str, Callable[[RunReport], str]] = {
    "html": to_html,
    "json": to_json,
    "text": to_text,
}
#: The format a report file's suffix names: ``--report`` needs one, ``report -o`` follows it.
SUFFIXES = {".html": "html", ".htm": "html", ".json": "json", ".txt": "text"}


def write(report: RunReport, path: Path, fmt: str = "html") -> Path:
    """Write the report in ``fmt`` (a :data:`RENDERERS` name) to ``path``; return the path."""
    text = RENDERERS[fmt](report)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise IngestError(f"cannot write the report to {path}: {exc.strerror}") from exc
    return path
