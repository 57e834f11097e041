"""What the command line prints: the progress bar, run summaries, lineage explanations.

Results go to stdout (``out``); progress, issues and errors go to stderr (``err``), so stdout
can be piped (``ir-ingest crosswalk FILE > record.json``).  Lines never wrap.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import signal
import sys
import time
from contextlib import contextmanager
from datetime import UTC
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ir_ingest.report import render
from ir_ingest.wording import counted

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ir_ingest.entry import Entry
    from ir_ingest.jobs.checked import Checked, Finding
    from ir_ingest.oai.harvest import ProgressCallback
    from ir_ingest.report.model import RunReport
    from ir_ingest.store.run_reports import RunListed


class _Terminal(Console):
    """A console whose text is shown as text (:func:`~ir_ingest.report.render.visible`):
    what it prints quotes harvested values (identifiers, titles, issue messages), which may
    hold what a terminal obeys.  Rich's own control sequences (a progress bar's) are not
    printed text."""

    def print(self, *objects: Any, **options: Any) -> None:
        """:meth:`Console.print`, each text made visible first."""
        shown = (render.visible(o) if isinstance(o, str) else o for o in objects)
        super().print(*shown, **options)


class _Output(_Terminal):
    """The console of stdout, which a reader may leave (see :func:`reader_gone`)."""

    def on_broken_pipe(self) -> None:
        reader_gone()


def output_lost(exc: OSError, what: str = "the output") -> NoReturn:
    """End the process as one whose output could not be written (``export > records.jsonl``
    on a full disk): one line on stderr and status 1, as a run that failed, not a traceback.
    Stdout goes nowhere first, as for :func:`reader_gone`, so that the interpreter's last
    flush says nothing more."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    with contextlib.suppress(OSError):  # stderr on the full disk too: nothing is left to say
        err.print(f"error: cannot write {exc.filename or what}: {exc.strerror}")
    raise SystemExit(1)


def refuse_unwritable_stdout() -> None:
    """End the process before any work, as :func:`output_lost` does, when stdout cannot be
    written: closed (``>&-``) or open for reading only (``1<file``).  Closed, Python makes
    ``sys.stdout`` None: the console wrote nothing without a word (``codes >&-`` exited 0),
    export ended in a traceback (AttributeError), and the first file opened would have
    been descriptor 1.  Read-only, the first line was a traceback (EBADF).

    A write of nothing tells without writing: a pipe whose reader has gone is not refused
    here (it is said, quietly, once there is something to write: :func:`reader_gone`).
    """
    try:
        os.write(1, b"")
    except OSError as exc:
        if exc.errno == errno.EBADF:  # not /dev/full's ENOSPC: said when something is written
            output_lost(exc, "to stdout (closed, or open for reading only)")


def reader_gone() -> NoReturn:
    """End the process as the reader of stdout has (``export | head``): quietly, with 128 +
    SIGPIPE's number, as a tool the signal ends; not 1, "a run failed", as Rich and Click
    exit.  Stdout goes nowhere first, so that the interpreter's last flush is no traceback."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    raise SystemExit(128 + signal.SIGPIPE)


@contextmanager
def stdout_for_output() -> Iterator[TextIO]:
    """Stdout, for output a command writes itself (JSON, JSON Lines, a report): the reader
    leaving ends the process as :func:`reader_gone` says, as for the console's output."""
    try:
        yield sys.stdout
        sys.stdout.flush()
    except BrokenPipeError:
        reader_gone()


def write_out(text: str) -> None:
    """Write ``text`` to stdout (see :func:`stdout_for_output`)."""
    with stdout_for_output() as stdout:
        stdout.write(text)


# No emoji codes: ":x:" inside an identifier or a token must print as written.
# Printed text is harvested text: "[/i]" in a title is not Rich markup (it raised MarkupError)
# and "[link=…]" must not become a terminal hyperlink (security audit).
out = _Output(soft_wrap=True, emoji=False, markup=False, highlight=False)
err = _Terminal(stderr=True, soft_wrap=True, emoji=False, markup=False, highlight=False)


class _ShownWarnings(logging.Handler):
    """The library's warnings (a retry, a page salvaged, a list that goes on), a line each
    on stderr as Python's last-resort handler had said them, but through :data:`err`: their
    endpoint's words made visible (an OAI-PMH error's message, a resumption token quoted),
    and put above a progress bar instead of through it."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            err.print(self.format(record))
        except Exception:  # as logging's own handlers: said, never raised
            self.handleError(record)


def show_library_warnings() -> None:
    """Say the ``ir_ingest`` loggers' warnings through :class:`_ShownWarnings` (once)."""
    library = logging.getLogger("ir_ingest")
    if not any(isinstance(handler, _ShownWarnings) for handler in library.handlers):
        library.addHandler(_ShownWarnings(logging.WARNING))


@contextmanager
def harvest_progress(description: str) -> Iterator[ProgressCallback]:
    """A progress bar over records: records/s, and an ETA once the endpoint sent completeListSize.

    Resumed runs count from zero; the total is what the endpoint announced for this run.
    """
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("records · {task.fields[rate]:,.0f}/s · page {task.fields[page]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task(description, total=None, page=0, rate=0.0)
        started = time.monotonic()

        def update(report: RunReport) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            progress.update(
                task,
                completed=report.total,
                total=report.complete_list_size,
                page=report.pages,
                rate=report.total / elapsed,
            )

        yield update


def print_run(report: RunReport, again: str = "ir-ingest") -> None:
    """The run's outcome counts, issue codes, run issues and sweep findings (``again``: see
    :func:`~ir_ingest.report.render.to_text`)."""
    out.print(render.to_text(report, again), end="")


def print_runs(runs: list[RunListed]) -> None:
    """One line a run, newest first: id, status, start, records, what it asked for, and how
    a failed one ended."""
    if not runs:
        out.print("no run yet")
        return
    out.print(f"{'run':>5}  {'status':<10}  {'started (UTC)':<16}  {'records':>7}  source")
    for run in runs:
        records = "" if run.records is None else str(run.records)
        started = run.started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
        asked = render.asked_line(run.repository, run.metadata_prefix, run.asked)
        out.print(f"{run.id:>5}  {run.status:<10}  {started:<16}  {records:>7}  {asked}")
        if run.error:
            out.print(f"{'':>5}  {run.error}")


#: How each level of a check's finding is shown (markup is off: styles are given, not written).
_LEVEL_STYLES = {"ok": "green", "info": "blue", "warning": "yellow", "error": "bold red"}


def print_finding(checked: Checked, finding: Finding) -> None:
    """A finding a line (level, topic, what), as the check makes it; the URL before the first."""
    if finding is checked.findings[0]:
        out.print(f"Checked {checked.url}:")
    out.print(f"  {finding.level:<8}", style=_LEVEL_STYLES[finding.level], end="")
    out.print(f"{finding.topic:<9} {finding.message}")


def print_verdict(checked: Checked) -> None:
    """After the findings, the verdict: a harvest would work, or not."""
    warnings = checked.count("warning")
    if checked.count("error"):
        out.print("Not ready to harvest: see the error above.")
    elif warnings:
        out.print(
            f"A harvest in {checked.prefix} should run, with the {counted(warnings, 'warning')} "
            "above."
        )
    else:
        out.print(f"A harvest in {checked.prefix} should work.")


#: Characters of a field's value shown beside its sources.
_SHOWN = 70


def print_lineage(entry: Entry, full_values: bool = False) -> None:
    """Field by field, where the values came from and what they became (shortened unless
    ``full_values``); then what no rule used."""
    assert entry.record is not None
    identifier = render.one_line(entry.harvested.identifier)
    out.print(f"# {identifier} ({entry.harvested.metadata_prefix})")
    data = entry.record.to_dict()
    width = max((len(name) for name in entry.lineage), default=10)
    for name, sources in sorted(entry.lineage.items()):
        paths = ", ".join(dict.fromkeys(_path(source, full_values) for source in sources))
        out.print(f"{name:<{width}}  <-  {paths}")
        out.print(f"{'':<{width}}      = {_field(data, name, full_values)}")
    if entry.record.extra:
        # A guess (a host read from dc:source) keeps its source here too: not all is said.
        out.print(
            "extra (kept as written: no rule took these, or a field holds a guess from them):"
        )
        for path, values in entry.record.extra.items():
            shown = "; ".join(values)
            out.print(f"  {path}: {shown}")
    else:
        out.print("extra: nothing; every source value reached a field")


def _path(path: str, full: bool) -> str:
    """A rule's source path with each long test cut short unless ``full``: a MODS host's
    ``relatedItem[…]`` test alone is 600 characters, and every host field repeated it."""
    if full:
        return path
    shown, test, depth = [], [], 0
    for char in path:
        if char == "[":
            depth += 1
        if depth:
            test.append(char)
        else:
            shown.append(char)
        if char == "]":
            depth -= 1
            if not depth:
                whole = "".join(test)
                shown.append(whole if len(whole) <= _SHOWN else whole[: _SHOWN - 2] + "…]")
                test = []
    return "".join(shown) + "".join(test)


def _field(data: dict[str, Any], name: str, full: bool) -> str:
    """The value at a dotted field path (``host.identifiers``) as JSON, cut short unless
    ``full``; a path through a list (``subjects.value``, made by a build rule) gives each
    item's value."""
    text = json.dumps(_at(data, name.split(".")), ensure_ascii=False)
    return text if full or len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _at(value: Any, parts: list[str]) -> Any:
    for index, part in enumerate(parts):
        if isinstance(value, list):
            return [_at(item, parts[index:]) for item in value]
        value = value.get(part) if isinstance(value, dict) else None
    return value
