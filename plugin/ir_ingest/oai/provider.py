"""OAI-PMH provider: pyoai's ``BatchingServer`` over records we hold, behind a small WSGI adapter.

Used by ``ir-ingest demo`` (the bundled fixtures as an endpoint), by the integration tests (a real
OAI-PMH server on 127.0.0.1 with an ephemeral port), and later by ``ir-ingest serve``.
"""

from __future__ import annotations

import bisect
import copy
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from oaipmh import common
from oaipmh import error as oai_error
from oaipmh.metadata import MetadataRegistry
from oaipmh.server import BatchingServer

from ir_ingest import xmlsafe
from ir_ingest.oai.datestamp import parse_datestamp
from ir_ingest.xmlsafe import OAI_NS

if TYPE_CHECKING:
    from pathlib import Path

    from lxml import etree

#: Known formats: prefix -> (schema, namespace), as ListMetadataFormats announces them.
FORMATS = {
    "oai_dc": (
        "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        "http://www.openarchives.org/OAI/2.0/oai_dc/",
    ),
    "mods": ("http://www.loc.gov/standards/mods/v3/mods-3-8.xsd", "http://www.loc.gov/mods/v3"),
}

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True, slots=True)
class ProvidedRecord:
    """A record the provider serves: header fields and, unless deleted, its metadata element."""

    identifier: str
    datestamp: datetime
    prefix: str
    set_specs: tuple[str, ...] = ()
    deleted: bool = False
    metadata: etree._Element | None = None


def load_records_file(path: Path, prefix: str = "oai_dc") -> list[ProvidedRecord]:
    """Read a ``<records>`` file of OAI ``<record>`` elements (the demo fixture format)."""
    root = xmlsafe.parse(xmlsafe.read_bounded(path), source=str(path)).root
    records = []
    for node in root.iterfind(f"{{{OAI_NS}}}record"):
        header = node.find(f"{{{OAI_NS}}}header")
        if header is None:
            raise ValueError(f"{path}: a record has no header")
        stamp = str(header.findtext(f"{{{OAI_NS}}}datestamp", default=""))
        moment = parse_datestamp(stamp)
        if moment is None:
            raise ValueError(f"{path}: bad datestamp {stamp!r}")
        metadata = node.find(f"{{{OAI_NS}}}metadata")
        records.append(
            ProvidedRecord(
                identifier=str(header.findtext(f"{{{OAI_NS}}}identifier", default="")).strip(),
                datestamp=moment,
                prefix=prefix,
                set_specs=tuple(s.text or "" for s in header.iterfind(f"{{{OAI_NS}}}setSpec")),
                deleted=header.get("status") == "deleted",
                metadata=metadata[0] if metadata is not None and len(metadata) else None,
            )
        )
    return records


class RecordRepository:
    """pyoai's ``IBatchingOAI`` over an in-memory list of records, ordered by datestamp."""

    def __init__(
        self,
        records: Iterable[ProvidedRecord],
        name: str = "ir-ingest provider",
        *,
        sub_second: bool = False,
    ) -> None:
        self.records = sorted(records, key=lambda r: (r.datestamp, r.identifier))
        # Sorted naive datestamps: from/until become two bisections instead of a scan, which
        # matters when a harvester pages through tens of thousands of records in date windows.
        # At the granularity Identify announces (seconds), as they are served; ``sub_second``
        # (for tests) compares them to the microsecond instead, as endpoints that keep finer
        # datestamps than they serve may: then a record at 23:59:59.5 is after
        # until=23:59:59 and before from=00:00:00.
        self._moments = [
            _naive(r.datestamp).replace(microsecond=r.datestamp.microsecond if sub_second else 0)
            for r in self.records
        ]
        self._prefixes = {r.prefix for r in self.records}
        self.name = name
        self.base_url = "http://127.0.0.1/oai"

    def identify(self) -> common.Identify:
        earliest = self.records[0].datestamp if self.records else datetime(1970, 1, 1, tzinfo=UTC)
        return common.Identify(
            self.name,
            self.base_url,
            "2.0",
            ["nobody@example.invalid"],
            _naive(earliest),
            "persistent",
            "YYYY-MM-DDThh:mm:ssZ",
            ["identity"],
        )

    def listMetadataFormats(self, identifier: str | None = None) -> list[tuple[str, str, str]]:
        prefixes = {r.prefix for r in self.records if identifier in (None, r.identifier)}
        if identifier is not None and not prefixes:
            raise oai_error.IdDoesNotExistError(identifier)
        return [(p, *FORMATS.get(p, ("", ""))) for p in sorted(prefixes)]

    def listSets(self, cursor: int = 0, batch_size: int = 10) -> list[tuple[str, str, None]]:
        specs = sorted({spec for r in self.records for spec in r.set_specs})
        if not specs:
            raise oai_error.NoSetHierarchyError("this repository has no sets")
        return [(spec, spec, None) for spec in specs[cursor : cursor + batch_size]]

    def listRecords(
        self,
        metadataPrefix: str,
        set: str | None = None,
        from_: datetime | None = None,
        until: datetime | None = None,
        cursor: int = 0,
        batch_size: int = 10,
    ) -> list[tuple[common.Header, common.Metadata | None, None]]:
        chosen = self._select(metadataPrefix, set, from_, until)
        return [_as_pyoai(r) for r in chosen[cursor : cursor + batch_size]]

    def listIdentifiers(
        self,
        metadataPrefix: str,
        set: str | None = None,
        from_: datetime | None = None,
        until: datetime | None = None,
        cursor: int = 0,
        batch_size: int = 10,
    ) -> list[common.Header]:
        chosen = self._select(metadataPrefix, set, from_, until)
        return [_as_pyoai(r)[0] for r in chosen[cursor : cursor + batch_size]]

    def getRecord(
        self,
        metadataPrefix: str,
        identifier: str,
    ) -> tuple[common.Header, common.Metadata | None, None]:
        formats = [record for record in self.records if record.identifier == identifier]
        for record in formats:
            if record.prefix == metadataPrefix:
                return _as_pyoai(record)
        if formats:
            raise oai_error.CannotDisseminateFormatError(metadataPrefix)
        raise oai_error.IdDoesNotExistError(identifier)

    def _select(
        self,
        prefix: str,
        set_spec: str | None,
        from_: datetime | None,
        until: datetime | None,
    ) -> list[ProvidedRecord]:
        if prefix not in self._prefixes:
            raise oai_error.CannotDisseminateFormatError(prefix)
        lower = 0 if from_ is None else bisect.bisect_left(self._moments, from_)
        upper = len(self.records) if until is None else bisect.bisect_right(self._moments, until)
        in_range = self.records[lower:upper]
        if set_spec is None and len(self._prefixes) == 1:
            return in_range
        return [
            r
            for r in in_range
            if r.prefix == prefix and (set_spec is None or set_spec in r.set_specs)
        ]


def _naive(moment: datetime) -> datetime:
    """pyoai compares and formats naive UTC datetimes only."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def _as_pyoai(record: ProvidedRecord) -> tuple[common.Header, common.Metadata | None, None]:
    header = common.Header(
        None, record.identifier, _naive(record.datestamp), list(record.set_specs), record.deleted
    )
    metadata = None if record.metadata is None else common.Metadata(record.metadata, {})
    return header, metadata, None


def _copy_element(element: etree._Element, metadata: common.Metadata) -> None:
    """pyoai metadata writer: put the stored metadata element under ``<metadata>`` unchanged."""
    element.append(copy.deepcopy(metadata.element()))


def make_oai_server(repository: RecordRepository, batch_size: int = 10) -> BatchingServer:
    """Wrap a repository in pyoai's batching server with a writer for each known prefix."""
    registry = MetadataRegistry()
    for prefix in {r.prefix for r in repository.records} | set(FORMATS):
        registry.registerWriter(prefix, _copy_element)
    return BatchingServer(repository, metadata_registry=registry, resumption_batch_size=batch_size)


def wsgi_app(server: BatchingServer, path: str = "/oai") -> WSGIApp:
    """A WSGI application answering OAI-PMH GET and POST requests at ``path``."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "") != path:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [f"OAI-PMH is served at {path}\n".encode()]
        query = environ.get("QUERY_STRING", "")
        if environ.get("REQUEST_METHOD") == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            query = environ["wsgi.input"].read(length).decode("utf-8", "replace")
        params = parse_qs(query, keep_blank_values=True)
        # OAI-PMH §3.1.1.2: a repeated argument is a badArgument; pyoai sees the list and says so.
        kw = {key: values[0] if len(values) == 1 else values for key, values in params.items()}
        body: bytes = server.handleRequest(kw)
        start_response(
            "200 OK",
            [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]

    return app


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep request logs off the terminal; the harvester reports progress itself."""


@contextmanager
def serve_in_background(
    app_factory: Callable[[str], WSGIApp], host: str = "127.0.0.1", port: int = 0
) -> Iterator[str]:
    """Serve a WSGI app on ``host`` (an ephemeral port by default); yield the ``/oai`` base URL.

    ``app_factory`` receives the base URL, so the repository can announce it in Identify.
    """
    holder: dict[str, WSGIApp] = {}

    def dispatch(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        return holder["app"](environ, start_response)

    httpd = make_server(
        host, port, dispatch, server_class=_ThreadingServer, handler_class=_QuietHandler
    )
    base_url = f"http://{host}:{httpd.server_port}/oai"
    holder["app"] = app_factory(base_url)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="oai-provider", daemon=True
    )
    thread.start()
    try:
        yield base_url
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def fixture_endpoint_app(
    records: list[ProvidedRecord], batch_size: int = 10
) -> Callable[[str], WSGIApp]:
    """App factory for :func:`serve_in_background` over a fixed list of records."""

    def factory(base_url: str) -> WSGIApp:
        repository = RecordRepository(records)
        repository.base_url = base_url
        return wsgi_app(make_oai_server(repository, batch_size))

    return factory
