"""OAI-PMH client: pyoai's protocol handling over our transport and our hardened parser.

pyoai (the ``oaipmh`` 4.x distribution) supplies argument validation, the error-code handling of
OAI-PMH 2.0 §3.6, ListSets and ListMetadataFormats.  We replace its transport (no timeouts, no
connection reuse) and its parser (``etree.XML`` with entity expansion), and read record pages
ourselves: pyoai's reader throws away the raw XML, rejects odd datestamps and hides page
boundaries, and a harvest must checkpoint after every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lxml import etree
from oaipmh import error as oai_error
from oaipmh.client import BaseClient
from oaipmh.metadata import MetadataRegistry

from ir_ingest import xmlsafe
from ir_ingest.entry import HarvestedRecord, Issue
from ir_ingest.errors import HarvestError, OAIProtocolError, XMLError
from ir_ingest.oai.transport import Transport, TransportPolicy

if TYPE_CHECKING:
    from collections.abc import Iterator

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
_NS = {"oai": OAI_NS}
_RECORDS = etree.XPath("/oai:OAI-PMH/*/oai:record | /oai:OAI-PMH/oai:record", namespaces=_NS)
_TOKEN = etree.XPath("/oai:OAI-PMH/*/oai:resumptionToken", namespaces=_NS)
_HEADER = etree.XPath("oai:header", namespaces=_NS)
_IDENTIFY = etree.XPath("/oai:OAI-PMH/oai:Identify", namespaces=_NS)

# pyoai raises one class per OAI-PMH error code; name them explicitly (aesthetics.md lesson 3).
_OAI_ERRORS: dict[type[Exception], str] = {
    oai_error.BadArgumentError: "badArgument",
    oai_error.BadResumptionTokenError: "badResumptionToken",
    oai_error.BadVerbError: "badVerb",
    oai_error.CannotDisseminateFormatError: "cannotDisseminateFormat",
    oai_error.IdDoesNotExistError: "idDoesNotExist",
    oai_error.NoRecordsMatchError: "noRecordsMatch",
    oai_error.NoMetadataFormatsError: "noMetadataFormats",
    oai_error.NoSetHierarchyError: "noSetHierarchy",
}


@dataclass(frozen=True, slots=True)
class Identify:
    """The parts of an Identify response (OAI-PMH 2.0 §4.2) a harvest uses."""

    repository_name: str
    base_url: str
    earliest_datestamp: str
    deleted_record: str
    granularity: str

    @property
    def day_granularity(self) -> bool:
        """True when the endpoint only understands ``YYYY-MM-DD`` in ``from``/``until``."""
        return self.granularity.strip() == "YYYY-MM-DD"


@dataclass(slots=True)
class Page:
    """One ListRecords response: its records, the token for the next page, and repairs made."""

    records: list[HarvestedRecord]
    token: str | None
    cursor: int | None = None
    complete_list_size: int | None = None
    issues_by_identifier: dict[str, list[Issue]] = field(default_factory=dict)


class OAIClient(BaseClient):  # type: ignore[misc]  # pyoai ships no type hints
    """An OAI-PMH client bound to one base URL."""

    def __init__(
        self, base_url: str, policy: TransportPolicy | None = None, repository: str | None = None
    ) -> None:
        """``repository`` names the source in stored records (default: ``base_url``)."""
        super().__init__(metadata_registry=MetadataRegistry())
        self.base_url = base_url
        self.repository = repository or base_url
        self.transport = Transport(base_url, policy)
        self._last_parsed: xmlsafe.Parsed | None = None

    def close(self) -> None:
        """Release the HTTP connections."""
        self.transport.close()

    def __enter__(self) -> OAIClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- pyoai hooks ------------------------------------------------------------------------

    def makeRequest(self, **kw: Any) -> bytes:
        """Send one request through our transport (pyoai calls this for every verb)."""
        return self.transport.get({key: str(value) for key, value in kw.items()})

    def parse(self, xml: bytes) -> etree._Element:
        """Parse a response with the hardened parser (pyoai calls this for every response)."""
        try:
            self._last_parsed = xmlsafe.parse(xml, source=self.base_url)
        except XMLError as exc:
            # pyoai turns SyntaxError into its XMLSyntaxError; keep our message and code instead.
            raise HarvestError(str(exc)) from exc
        return self._last_parsed.root

    # -- verbs ------------------------------------------------------------------------------

    def request(self, **kw: str) -> etree._Element:
        """Send a verb, return the parsed response; OAI errors raise :class:`OAIProtocolError`."""
        try:
            tree: etree._Element = self.makeRequestErrorHandling(**kw)
        except tuple(_OAI_ERRORS) as exc:
            raise OAIProtocolError(_OAI_ERRORS[type(exc)], str(exc)) from exc
        except oai_error.UnknownError as exc:
            raise OAIProtocolError("unknown", str(exc)) from exc
        return tree

    def identify_endpoint(self) -> Identify:
        """Identify (§4.2), read tolerantly: odd ``earliestDatestamp`` values are kept as text."""
        root = self.request(verb="Identify")
        found = xmlsafe.elements(_IDENTIFY(root))
        if not found:
            raise HarvestError(f"{self.base_url}: the Identify response has no Identify element")
        node = found[0]

        def text(name: str) -> str:
            return str(node.findtext(f"{{{OAI_NS}}}{name}", default="")).strip()

        return Identify(
            repository_name=text("repositoryName"),
            base_url=text("baseURL"),
            earliest_datestamp=text("earliestDatestamp"),
            deleted_record=text("deletedRecord"),
            granularity=text("granularity") or "YYYY-MM-DD",
        )

    def metadata_formats(self) -> list[tuple[str, str, str]]:
        """ListMetadataFormats (§4.4): ``(prefix, schema, namespace)`` triples, via pyoai."""
        return [(str(p), str(s), str(n)) for p, s, n in self.listMetadataFormats()]

    def sets(self) -> list[tuple[str, str]]:
        """ListSets (§4.6): ``(setSpec, setName)`` pairs, via pyoai; empty without set hierarchy."""
        try:
            return [(str(spec), str(name)) for spec, name, _ in self.listSets()]
        except oai_error.NoSetHierarchyError:
            return []

    def list_records_page(self, prefix: str, params: dict[str, str]) -> Page:
        """Fetch one ListRecords page (§4.5): first page from ``params``, later ones by token.

        ``noRecordsMatch`` is an empty page, not an error.
        """
        try:
            root = self.request(verb="ListRecords", **params)
        except OAIProtocolError as exc:
            if exc.code == "noRecordsMatch":
                return Page(records=[], token=None, cursor=0, complete_list_size=0)
            raise
        return self._read_page(root, prefix)

    def iter_pages(
        self,
        prefix: str,
        *,
        set_spec: str | None = None,
        from_date: str | None = None,
        until_date: str | None = None,
        token: str | None = None,
    ) -> Iterator[Page]:
        """Yield ListRecords pages until the endpoint gives no resumption token."""
        params = first_page_params(prefix, set_spec, from_date, until_date)
        seen: set[str] = set()
        while True:
            page = self.list_records_page(prefix, {"resumptionToken": token} if token else params)
            yield page
            if page.token is None or not page.records:
                return
            if page.token in seen:
                raise HarvestError(
                    f"{self.base_url} sent resumption token {page.token!r} twice; stopping "
                    "rather than looping"
                )
            seen.add(page.token)
            token = page.token

    def get_record(self, identifier: str, prefix: str) -> HarvestedRecord:
        """GetRecord (§4.1) for one identifier."""
        root = self.request(verb="GetRecord", identifier=identifier, metadataPrefix=prefix)
        page = self._read_page(root, prefix)
        if not page.records:
            raise HarvestError(f"{self.base_url}: GetRecord {identifier!r} returned no record")
        return page.records[0]

    def _read_page(self, root: etree._Element, prefix: str) -> Page:
        parsed = self._last_parsed
        removed = parsed.removed_lines if parsed and parsed.root is root else ()
        records = read_records(root, self.repository, prefix)
        page = Page(records=records, token=None)
        token_nodes = xmlsafe.elements(_TOKEN(root))
        if token_nodes:
            node = token_nodes[0]
            page.token = (node.text or "").strip() or None
            page.cursor = _int_or_none(node.get("cursor"))
            page.complete_list_size = _int_or_none(node.get("completeListSize"))
        if removed and parsed is not None:
            page.issues_by_identifier = _attribute_repairs(root, parsed)
        return page


def first_page_params(
    prefix: str, set_spec: str | None, from_date: str | None, until_date: str | None
) -> dict[str, str]:
    """Arguments of the first ListRecords request of a harvest window."""
    params = {"metadataPrefix": prefix}
    if set_spec:
        params["set"] = set_spec
    if from_date:
        params["from"] = from_date
    if until_date:
        params["until"] = until_date
    return params


def read_records(root: etree._Element, repository: str, prefix: str) -> list[HarvestedRecord]:
    """Read every ``<record>`` of a response into :class:`HarvestedRecord` objects.

    A record without a header or identifier cannot be tracked and is skipped; the harvest loop
    counts what the page said against what was read.
    """
    records = []
    for node in xmlsafe.elements(_RECORDS(root)):
        headers = xmlsafe.elements(_HEADER(node))
        if not headers:
            continue
        header = headers[0]
        identifier = str(header.findtext(f"{{{OAI_NS}}}identifier", default="")).strip()
        if not identifier:
            continue
        records.append(
            HarvestedRecord(
                repository=repository,
                identifier=identifier,
                datestamp=str(header.findtext(f"{{{OAI_NS}}}datestamp", default="")).strip(),
                metadata_prefix=prefix,
                raw=xmlsafe.to_bytes(node),
                set_specs=tuple(
                    (spec.text or "").strip() for spec in header.iterfind(f"{{{OAI_NS}}}setSpec")
                ),
                deleted=header.get("status") == "deleted",
                tree=node,
            )
        )
    return records


def unwrap(root: etree._Element) -> tuple[etree._Element | None, etree._Element | None]:
    """Find the OAI ``<record>`` and the metadata element in a document.

    Accepts a whole OAI-PMH response (GetRecord or ListRecords: its first record), a bare
    ``<record>``, or a bare metadata element (then there is no record element).
    """
    record: etree._Element | None = root
    if root.tag == f"{{{OAI_NS}}}OAI-PMH":
        found = xmlsafe.elements(_RECORDS(root))
        record = found[0] if found else None
    elif root.tag != f"{{{OAI_NS}}}record":
        return None, root
    if record is None:
        return None, None
    metadata = record.find(f"{{{OAI_NS}}}metadata")
    if metadata is None or not len(metadata):
        return record, None
    return record, metadata[0]


def _attribute_repairs(root: etree._Element, parsed: xmlsafe.Parsed) -> dict[str, list[Issue]]:
    """Give each record an issue naming the lines inside it where the parser removed characters."""
    starts: list[tuple[int, str]] = []
    for node in xmlsafe.elements(_RECORDS(root)):
        identifier = node.findtext(f"{{{OAI_NS}}}header/{{{OAI_NS}}}identifier", default="")
        line: Any = node.sourceline  # lxml-stubs mistype it; libxml2 gives an int or None
        starts.append((int(line or 0), str(identifier).strip()))
    lines_by_owner: dict[str, list[int]] = {}
    for line in parsed.removed_lines:
        owners = [identifier for start, identifier in starts if start <= line]
        if owners and owners[-1]:
            lines_by_owner.setdefault(owners[-1], []).append(line)
    return {
        owner: [
            Issue(
                code="xml.illegal_characters",
                message="removed characters XML 1.0 does not allow (response line "
                + ", ".join(map(str, lines))
                + ")",
            )
        ]
        for owner, lines in lines_by_owner.items()
    }


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
