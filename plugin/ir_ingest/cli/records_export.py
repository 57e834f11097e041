"""``ir-ingest export``: the stored records as JSON Lines or a JSON array, to stdout or a file
written whole."""

from __future__ import annotations

import gzip
from contextlib import closing
from typing import TYPE_CHECKING, Annotated, TextIO

import msgspec
import typer

from ir_ingest.cli.common import Settings, app, fail_cleanly, whole_number
from ir_ingest.cli.output import OutputOption, chosen_format, written_whole
from ir_ingest.console import err, stdout_for_output
from ir_ingest.errors import IngestError
from ir_ingest.report.render import json_shown
from ir_ingest.wording import counted

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from ir_ingest.store import Store
    from ir_ingest.store.records import Held


#: The format an export file's suffix names, as ``report -o`` follows its own; any other
#: suffix writes ``--format``'s, by default jsonl (as ``report -o x.log`` writes text).
_SUFFIXES = {".jsonl": "jsonl", ".json": "json"}
_GZIP_SUFFIXES = (".gz", ".gzip")


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="jsonl|json",
            help="jsonl (one record a line) or json (default: the one -o's suffix names, "
            ".jsonl or .json; else jsonl).",
        ),
    ] = None,
    output: OutputOption = None,
    valid_only: Annotated[
        bool,
        typer.Option("--valid-only", help="Leave out records that failed validation."),
    ] = False,
    run_id: Annotated[
        int | None,
        typer.Option(
            "--run",
            metavar="RUN_ID",
            parser=whole_number(1),
            help="Only the records whose current version this run wrote: those it created, "
            "updated, restored, deleted or stored invalid, and the tombstones of records it "
            "never held (not those it found unchanged, nor those a later run changed again, "
            "which are in that run's export).",
        ),
    ] = None,
    with_issues: Annotated[
        bool,
        typer.Option(
            "--with-issues",
            help='Write each record as {"record": …, "valid": …, "issues": […]}: whether its '
            "last check found it valid, and the issues it found (a title guessed, a DOI that "
            "is none), for a consumer that must tell.",
        ),
    ] = False,
) -> None:
    """Write every stored record; deleted ones are tombstones with source.deleted true.

    Records that failed validation (no title, say) are included unless --valid-only is given;
    the run reports list them, and --with-issues says it of each.  With --run, only what one
    run changed: to pass a run's changes and deletions on downstream (ir-ingest report --list
    shows the runs).

    Example:  ir-ingest export --format jsonl --valid-only -o records.jsonl
    """
    # records.jsonl.gz: JSON Lines, gzip-compressed (it had written plain text under the name;
    # so had .gzip, a suffix some tools write).
    packed = output is not None and output.suffix.lower() in _GZIP_SUFFIXES
    named = output.with_suffix("") if output is not None and packed else output
    written_as = chosen_format(fmt, named, ("jsonl", "json"), _SUFFIXES, given_as=output)
    settings: Settings = ctx.obj
    with fail_cleanly():
        settings.refuse_store_as_output(output)
    with fail_cleanly(), closing(settings.store(existing=True)) as store:
        records = _records(settings, store, run_id, valid_only)
        lines = map(_with_issues if with_issues else _record_only, records)
        if output is None:
            with stdout_for_output() as stdout:
                written = _write_records(lines, stdout, written_as)
        else:
            try:
                with written_whole(output) as part, _text_file(part, packed) as handle:
                    written = _write_records(lines, handle, written_as)
            except OSError as exc:
                raise IngestError(f"cannot write {output}: {exc.strerror}") from exc
    # On stderr: stdout is the records.  An empty store said nothing at all.
    of_run = f" of run {run_id}" if run_id is not None else ""
    to = f" to {output}" if output else ""
    err.print(f"Exported {counted(written, 'record')}{of_run}{to}")


def _records(
    settings: Settings, store: Store, run_id: int | None, valid_only: bool
) -> Iterator[Held]:
    """The records to export: those run ``run_id`` wrote (None: all); :class:`IngestError`
    when the store holds no such run."""
    if run_id is not None and store.run_status(run_id) is None:
        raise settings.no_run(run_id)
    return store.iter_held(valid_only=valid_only, run_id=run_id)


def _text_file(path: Path, packed: bool) -> TextIO:
    """``path`` opened to write text, gzip-compressed when ``packed``."""
    if packed:
        return gzip.open(path, "wt", encoding="utf-8")
    return path.open("w", encoding="utf-8")


def _record_only(held: Held) -> bytes:
    return held.record.to_json()


def _with_issues(held: Held) -> bytes:
    issues = msgspec.json.encode([issue.to_dict() for issue in held.issues])
    valid = b"true" if held.valid else b"false"
    return (
        b'{"record":' + held.record.to_json() + b',"valid":' + valid + b',"issues":' + issues + b"}"
    )


def _write_records(lines: Iterator[bytes], handle: TextIO, fmt: str) -> int:
    """Write the records, each given as its JSON; return how many."""
    written = 0
    if fmt == "json":
        handle.write("[")
    for line in lines:
        separator = ("\n" if written == 0 else ",\n") if fmt == "json" else ""
        handle.write(separator + json_shown(line.decode()) + ("\n" if fmt == "jsonl" else ""))
        written += 1
    if fmt == "json":
        handle.write("\n]\n" if written else "]\n")
    return written
