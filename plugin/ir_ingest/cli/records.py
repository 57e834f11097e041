"""The commands that read records from files and endpoints: import, crosswalk (export is
:mod:`ir_ingest.cli.records_export`)."""

from __future__ import annotations

import re
import sys
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer

from ir_ingest.cli.common import (
    Settings,
    app,
    fail_cleanly,
)
from ir_ingest.cli.runs import Where, check_given_crosswalk, refuse_blank, resolved
from ir_ingest.config import AUTO_PREFIX, is_auto
from ir_ingest.console import err, out, print_lineage, write_out
from ir_ingest.crosswalk import registry
from ir_ingest.errors import IngestError, UsageError
from ir_ingest.report.render import json_document, one_line
from ir_ingest.urls import is_http_url

if TYPE_CHECKING:
    from ir_ingest.entry import Entry
    from ir_ingest.oai.transport import TransportPolicy
    from ir_ingest.owners import Sources


RecordFile = Annotated[
    str,
    typer.Argument(
        metavar="FILE",
        help="An XML file (or its file:// URL), or - for stdin: OAI-PMH response, record, "
        "metadata or collection (gzip-compressed or not).",
    ),
]

#: What a document without records is (:func:`ir_ingest.documents.read_file`), by its name.
_NO_RECORDS_MATCH = "{} is an OAI-PMH noRecordsMatch answer, an empty result"

#: The name of stdin, as ``FILE`` and as messages call it (a file named "-" is ./-).
STDIN = "-"


def _stdin_entries(
    prefix: str | None,
    crosswalk: str | None,
    sources: Sources | None = None,
    repository: str | None = None,
) -> list[Entry]:
    """The records of the document piped to stdin, processed, as a file's are."""
    from ir_ingest.documents import process_stream

    if sys.stdin is None or sys.stdin.isatty():
        # Waiting for a document typed at the terminal is no one's wish: a pipe was meant.
        raise UsageError("- reads the document from stdin, which is a terminal: pipe it in")
    return process_stream(sys.stdin.buffer, "stdin", prefix, crosswalk, sources, repository)


FormatOption = Annotated[
    str | None,
    typer.Option(
        "--prefix",
        metavar="PREFIX",
        help="Format (a crosswalk's name); detected from the root element if omitted or auto.",
    ),
]

CrosswalkOption = Annotated[
    str | None,
    typer.Option(
        "--crosswalk",
        metavar="NAME",
        help="Read the records with this crosswalk (one of yours, say) instead of the one the "
        "format names; the record says which made it.",
    ),
]


def _known_format(prefix: str | None) -> str | None:
    """A format given to import or crosswalk names a crosswalk: a typo is an error, not a
    guess (a harvest's prefix is the endpoint's name, and may name none), said as a line to
    fix (exit 2).  ``auto``, as a harvest takes it, is the format the root element names:
    ``None``."""
    if is_auto(prefix):
        return None
    if prefix is not None and prefix not in registry():
        known = ", ".join(sorted(registry()))
        raise UsageError(f"no crosswalk for format {prefix!r}; known formats: {known}")
    return prefix


def _import_mismatch(
    file: str | None, endpoint: str | None, identifier: bool
) -> tuple[str, str] | None:
    """The option (as Typer names it) and what is wrong, when ``import`` is given neither or
    both of its two forms; one message for every case had not said which was wrong (an
    ``--endpoint`` without its ``--identifier`` was told to "give a FILE or URL")."""
    if file is not None and endpoint is not None:
        return "'--endpoint'", f"give a FILE or URL ({file!r}) or --endpoint, not both"
    if endpoint is not None:
        return None if identifier else ("'--endpoint'", "needs --identifier OAI_ID")
    if identifier:
        return "'--identifier'", "goes with --endpoint URL, not with a FILE or URL"
    if file is None:
        return "'FILE|URL'", "give a FILE or URL, or --endpoint and --identifier"
    return None


@app.command("import")
def import_record(
    ctx: typer.Context,
    file: Annotated[
        str | None,
        typer.Argument(
            metavar="FILE|URL",
            help="An XML file, - for stdin, or an http(s) URL to fetch one from: OAI-PMH "
            "response, record, metadata or collection (or give --endpoint and --identifier).",
        ),
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint",
            metavar="URL",
            help="Fetch the record from this OAI-PMH base URL (or source of the config) by "
            "GetRecord, with --identifier.",
        ),
    ] = None,
    identifier: Annotated[
        list[str] | None,
        typer.Option(
            "--identifier",
            metavar="OAI_ID",
            help="The record's OAI identifier; give it again for more records (all are "
            "fetched before any is stored).",
        ),
    ] = None,
    repository: Annotated[
        str | None,
        typer.Option(
            "--repository",
            metavar="NAME",
            help="The name the records are kept under, as harvest --repository NAME keeps "
            "them (import a page its --archive saved with the same NAME); not for bare "
            "metadata, which has no OAI identifier.  Of a file or URL at configured sources' "
            "base URL: a name their records are kept under, else a source's name (that "
            "source's name and crosswalk).  Default: the name of the source of the "
            "config whose base URL --endpoint, the URL or the response's <request> is, else "
            "that URL.",
        ),
    ] = None,
    prefix: Annotated[
        str | None,
        typer.Option(
            "--prefix",
            metavar="PREFIX",
            help="Format (a crosswalk's name); detected from the root element if omitted or "
            "auto.  With --endpoint, the metadataPrefix (default: the source's, else the one "
            "the store holds the record in, else the richest the endpoint offers that a "
            "crosswalk reads).",
        ),
    ] = None,
    crosswalk: CrosswalkOption = None,
) -> None:
    """Import a record (or each record of a collection) from a file or a URL into the store,
    or one record from an endpoint by its OAI identifier (it keeps the id a harvest gives it).

    Example:  ir-ingest import fixtures/records/oai_dc/pure-chapter.xml

    Example:  ir-ingest import --endpoint https://research.example.ac.uk/ws/oai
    --identifier oai:research.example.ac.uk:publications/0d9312eb

    Example:  ir-ingest import --repository pure archive/…/run-00012/w0000-p000001.xml.gz
    """
    settings: Settings = ctx.obj
    if wrong := _import_mismatch(file, endpoint, bool(identifier)):
        raise typer.BadParameter(wrong[1], param_hint=wrong[0])
    with fail_cleanly():
        refuse_blank({"--prefix": prefix, "--crosswalk": crosswalk, "--repository": repository})
        # With --endpoint, --prefix is the endpoint's name for a format: it may name none.
        check_given_crosswalk(crosswalk, _known_format(prefix) if endpoint is None else prefix)
        if endpoint is not None and identifier:
            from ir_ingest.oai.getrecord import check_identifiers

            check_identifiers(identifier)  # before the store, as the name below
            # Before the store: a name that is no source's had left an empty one
            where = resolved(
                settings.config(), Where(endpoint, prefix, None, crosswalk, repository)
            )
            entries = _fetched(settings, where, identifier)
            with closing(settings.store()) as store:
                store.save_page(None, entries, None)
        else:
            assert file is not None  # said above
            sources = settings.config().sources_at
            entries = _read_document(file, _known_format(prefix), crosswalk, sources, repository)
            if not entries:
                # A saved page of a window with nothing new: the harvest's empty result.
                out.print(f"0 records imported: {_NO_RECORDS_MATCH.format(_named(file))}")
                return
            with closing(settings.store()) as store:
                store.save_page(None, entries, None)
    for entry in entries:
        record = entry.record
        title = record.title.value if record and record.title else _untitled(entry)
        assert entry.outcome is not None
        out.print(f"{entry.outcome.value}: {title} ({one_line(entry.harvested.identifier)})")
        for issue in entry.issues:
            out.print(f"  {issue.severity.value} {issue.code}: {issue.message}")
    _print_kept_under(entries)


def _named(place: str) -> str:
    """The document ``place`` names, as messages call it: stdin, a URL with its credentials
    masked (as the fetch names it), or the file."""
    from ir_ingest.secrets import public_url

    if place == STDIN:
        return "stdin"
    return public_url(place.strip()) if is_http_url(place.strip()) else place


def _untitled(entry: Entry) -> str:
    """What names a record without a title: a deletion's last title, as a harvest's report
    names it (it had been "(no title)"), or what it is."""
    if entry.tombstoned_title:
        return entry.tombstoned_title
    return "(deleted at the source)" if entry.harvested.deleted else "(no title)"


def _print_kept_under(entries: list[Entry]) -> None:
    """Where the records are kept, as a harvest's summary says it: a URL that is a configured
    source's gives that source's name and crosswalk, which the command line did not say."""
    for repository, crosswalk in dict.fromkeys(
        (entry.harvested.repository, entry.harvested.crosswalk) for entry in entries
    ):
        out.print(f"Source: {repository}" + (f" · crosswalk {crosswalk}" if crosswalk else ""))


def _interactive() -> TransportPolicy:
    """How long a manual import waits for an answer: less than a harvest (someone waits)."""
    from ir_ingest.oai.transport import TransportPolicy

    return TransportPolicy(retries=2, read_timeout=30.0, total_wait=30.0)


def _read_document(
    place: str, prefix: str | None, crosswalk: str | None, sources: Sources, repository: str | None
) -> list[Entry]:
    """The records of a file or of what a URL answers, processed; all of them, or an error
    (nothing is stored).  An OAI-PMH response from a configured source's endpoint gives
    that source's records (``sources``: its name, its crosswalk); ``repository``
    (``--repository``) names their repository whatever the document says (there, one of the
    names of the sources of that endpoint)."""
    from ir_ingest.documents import all_read, process_file
    from ir_ingest.oai.getrecord import fetch_url

    if is_http_url(place.strip()):
        return fetch_url(place.strip(), prefix, crosswalk, _interactive(), sources, repository)
    if place == STDIN:
        return all_read(_stdin_entries(prefix, crosswalk, sources, repository), "stdin")
    if _scheme(place) in ("http", "https"):
        # "http:///x", "http://[::1/x": they had been told import reads an http(s) URL, "not
        # http://".
        raise IngestError(f"{place}: no URL import can fetch: it names no host, or cannot be read")
    path = _local_file(place, "import reads a file or an http(s) URL")
    return all_read(process_file(path, prefix, crosswalk, sources, repository), str(path))


def _scheme(place: str) -> str:
    """The scheme of ``place`` when it is written as a URL's (``file://``, lowercase), else
    ``""``: read as written, so that a URL that cannot be parsed (``http://[::1``) is refused
    as a URL, not raised."""
    found = _SCHEME.match(place.strip())
    return found[1].lower() if found else ""


#: A URL's scheme and the ``//`` of its authority (RFC 3986 §3.1, §3.2).
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")


def _local_file(place: str, reads: str) -> Path:
    """The file ``place`` names: a path, or a file:// URL as a browser's address bar shows
    it; a URL of another scheme is refused, the message beginning with what the command
    ``reads``."""
    scheme = _scheme(place)
    if scheme == "file":
        from urllib.request import url2pathname

        try:
            url = urlsplit(place.strip())
            host = url.hostname
        except ValueError as exc:  # "file://[::1/a.xml": a bracket left open
            raise IngestError(f"{place}: {reads}; a file:// URL that cannot be read") from exc
        if host not in (None, "", "localhost"):  # a share's file is not this one's
            raise IngestError(f"{place}: {reads}; a file:// URL names a file of this machine")
        return Path(url2pathname(url.path))
    if scheme:
        raise IngestError(f"{place}: {reads}, not {scheme}://")
    return Path(place)


def _fetched(settings: Settings, where: Where, identifiers: list[str]) -> list[Entry]:
    """GetRecord as ``where`` (:func:`resolved`) says: from its URL, or from a source of the
    config with the source's settings.  Without a prefix (given, or the source's), in the
    format the store holds the first record in, if it does: the richest offered (``auto``)
    could be another, whose copy the next harvest in the first would skip
    (``store.richer_format_stored``).  The store is not made for the look: a fetch that
    fails has nothing to put in it."""
    from ir_ingest.oai.getrecord import fetch_by_identifiers

    return fetch_by_identifiers(
        where.url,
        identifiers,
        prefix=where.prefix or _held_format(settings, where, identifiers[0]) or AUTO_PREFIX,
        repository=where.repository,
        crosswalk=where.crosswalk,
        policy=_interactive(),
    )


def _held_format(settings: Settings, where: Where, identifier: str) -> str | None:
    """The format the store holds the record ``identifier`` of ``where`` in, if it does."""
    from ir_ingest.oai.baseurl import repository_name
    from ir_ingest.schema import record_id

    store = settings.store_if_any()
    if store is None:
        return None
    with closing(store):
        held = store.get(record_id(where.repository or repository_name(where.url), identifier))
    return held.source.metadata_prefix if held else None


@app.command("crosswalk")
def crosswalk_command(
    file: RecordFile,
    prefix: FormatOption = None,
    crosswalk: CrosswalkOption = None,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Show where each field came from and what went to extra."),
    ] = False,
    full_values: Annotated[
        bool,
        typer.Option(
            "--full-values",
            help="With --explain: show each field's value, and each test of its source "
            "path, whole, not cut at 70 characters.",
        ),
    ] = False,
) -> None:
    """Print the record JSON a file crosswalks to (offline: no network, no store).

    Issues go to stderr, so stdout is the JSON alone: one object, or an array for a file that
    holds a collection of records.  With --explain, print each field's source paths instead,
    and its value (each, and each long test of a path, cut at 70 characters, unless
    --full-values).

    Example:  ir-ingest crosswalk fixtures/records/mods/seed-chapter.xml --explain

    Example:  zcat page.xml.gz | ir-ingest crosswalk -   (- reads stdin)
    """
    from ir_ingest.documents import process_file

    with fail_cleanly():
        if full_values and not explain:
            raise UsageError("--full-values goes with --explain (the JSON is never cut)")
        # Deletions in a saved ListRecords page have no record to show; they are passed over.
        refuse_blank({"--prefix": prefix, "--crosswalk": crosswalk})
        check_given_crosswalk(crosswalk, _known_format(prefix))
        if file == STDIN:
            path, read = "stdin", _stdin_entries(_known_format(prefix), crosswalk)
        else:
            # A Path of "http://host/x" was "http:/host/x", a file not found.
            local = _local_file(
                file,
                "crosswalk reads a file, offline (ir-ingest import fetches a URL and stores it)",
            )
            path, read = str(local), process_file(local, _known_format(prefix), crosswalk)
        if not read:
            raise IngestError(f"no record to crosswalk: {_NO_RECORDS_MATCH.format(path)}")
        entries = [e for e in read if not e.harvested.deleted]
        if not entries:
            raise IngestError(f"{path}: the file holds only deleted records")
        for entry in entries:
            if entry.record is None:
                problems = "; ".join(i.message for i in entry.issues)
                raise IngestError(f"{path}: {one_line(entry.harvested.identifier)}: {problems}")
    if explain:
        for entry in entries:
            print_lineage(entry, full_values)
    else:
        records = [entry.record.to_dict() for entry in entries if entry.record]
        document = records[0] if len(records) == 1 else records
        write_out(json_document(document))
    for entry in entries:
        if len(entries) > 1 and entry.issues:  # a collection: say whose issues follow
            err.print(f"# {one_line(entry.harvested.identifier)}")
        for issue in entry.issues:
            err.print(f"{issue.severity.value} {issue.code}: {issue.message}")
