"""The internal record model (``Record``) and its JSON Schema.

The model follows DESIGN.md's table, which is modelled on DataCite relatedItem, MODS and the
OpenAIRE v4 profile (reference/targets.md §4.2).  It is built from ``msgspec.Struct`` because a
record must be cheap to build and serialise (the crosswalk budget is tens of microseconds per
record; ``bench/schema.py`` measures the choice against dataclasses).  Empty and ``None`` fields
are left out of ``to_dict()`` so that a record's JSON shows only what the source said.

The checked-in ``record.schema.json`` is generated from these classes and a test fails when the
two drift apart (``IR_INGEST_UPDATE_GOLDEN=1`` makes that test write it anew).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import uuid
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import msgspec

AgentType = Literal["personal", "organizational"]
PublicationStatus = Literal[
    "published",
    "epub_ahead_of_print",
    "accepted_in_press",
    "submitted",
    "in_preparation",
    "unpublished",
]

#: Namespace of the stable record ids (uuid5 over repository + OAI identifier).
RECORD_ID_NAMESPACE = uuid.UUID("6d1f3b52-2c0e-4c55-9a43-0e5f3c1b7a21")


class _Struct(msgspec.Struct, kw_only=True, omit_defaults=True, forbid_unknown_fields=True):
    """Common options: keyword-only, defaults left out of the JSON, unknown keys refused."""


class Text(_Struct):
    """A string in a language (ISO 639-3, or ``None`` when unknown)."""

    value: str
    lang: str | None = None


class TypedText(_Struct):
    """A string with a language and a type (DataCite titleType or description type)."""

    value: str
    lang: str | None = None
    type: str | None = None


class Identifier(_Struct):
    """A persistent or local identifier; ``scheme`` is an idutils scheme (``doi``, ``isbn``).

    ``note``: what the source wrote after the value, which the value cannot carry (MARC's
    "0801486394 (pbk. : acid-free paper)"); kept, as nothing the source said is dropped.
    """

    scheme: str
    value: str
    note: str | None = None


class HostIdentifier(_Struct):
    """A host publication's identifier; ``qualifier``: ``print``, ``electronic`` or ``online``;
    ``note`` as for :class:`Identifier`."""

    scheme: str
    value: str
    qualifier: str | None = None
    note: str | None = None


class Affiliation(_Struct):
    """An organisation an agent was affiliated with, with its ROR id when known."""

    name: str
    ror: str | None = None


class Agent(_Struct):
    """A person or organisation; ``role`` is a MARC relator code (``aut``, ``edt``, ``ths``)."""

    type: AgentType = "personal"
    name: str | None = None
    family_name: str | None = None
    given_name: str | None = None
    identifiers: list[Identifier] = []
    affiliations: list[Affiliation] = []
    role: str | None = None
    role_source: str | None = None


class ResourceTypeSource(_Struct):
    """The type strings the source used, kept verbatim next to the COAR type."""

    label: str | None = None
    sublabel: str | None = None
    uri: str | None = None


class ResourceType(_Struct):
    """A COAR resource type (``uri``, ``label``) and OpenAIRE resourceTypeGeneral (``general``)."""

    uri: str
    label: str | None = None
    general: str | None = None
    source: ResourceTypeSource | None = None


# kw_only again: msgspec applies a base's only to the base's own fields, and datestamp
# (optional) comes before metadata_prefix (required).
class Source(_Struct, kw_only=True):
    """Provenance: where the record came from, as the endpoint said it.

    ``datestamp`` is the endpoint's string, untouched; none (left out of the JSON) for a record
    read without an OAI header (a file of bare metadata), which has no datestamp to say.
    ``deleted`` marks a tombstone.
    """

    repository: str
    oai_identifier: str
    datestamp: str | None = None
    metadata_prefix: str
    set_specs: list[str] = []
    deleted: bool = False
    raw_sha256: str | None = None
    landing_page: str | None = None
    local_id: str | None = None
    #: The crosswalk the record was made with when it is not the one ``metadata_prefix`` names
    #: (a source's ``crosswalk`` setting, or the one a prefix such as ``swepub_mods`` was told
    #: to be by its root element); ``reprocess`` uses it again.
    crosswalk: str | None = None

    def __post_init__(self) -> None:
        # "" is how a header-less record reaches here (HarvestedRecord, the store's column) and
        # how records stored before said none: a record says none by leaving it out.
        if self.datestamp == "":
            self.datestamp = None


class SourceStats(_Struct):
    """Usage figures shown by the source portal: informational, never deposited."""

    downloads: int | None = None
    views: int | None = None
    as_of: str | None = None


class DateEntry(_Struct):
    """A dated event; ``date`` is EDTF level 0, ``type`` a lower-case DataCite dateType."""

    date: str
    type: str
    description: str | None = None


class Subject(_Struct):
    """A subject term; ``scheme`` is ``keyword`` for free keywords, else ``ddc``, ``lcsh``, …"""

    value: str
    scheme: str = "keyword"
    uri: str | None = None
    lang: str | None = None


class Extent(_Struct):
    """The size of the output itself: a page count and any other size strings."""

    pages: int | None = None
    other: list[str] = []


class PageRange(_Struct):
    """First and last page inside the host; strings because pages are often roman or ``e123``."""

    start: str | None = None
    end: str | None = None


class Series(_Struct):
    """A series the output or its host belongs to."""

    title: str | None = None
    number: str | None = None
    issn: str | None = None


class Host(_Struct):
    """The containing book, journal or proceedings (DataCite relatedItem, MODS relatedItem host)."""

    resource_type: str | None = None
    title: str | None = None
    subtitle: str | None = None
    editors: list[Agent] = []
    creators: list[Agent] = []
    identifiers: list[HostIdentifier] = []
    publisher: str | None = None
    place: str | None = None
    publication_date: str | None = None
    edition: str | None = None
    volume: str | None = None
    issue: str | None = None
    number: str | None = None
    number_type: str | None = None
    pages: PageRange | None = None
    series: Series | None = None


class Conference(_Struct):
    """The event an output was presented at; ``dates`` is an EDTF date or interval."""

    name: str | None = None
    acronym: str | None = None
    place: str | None = None
    dates: str | None = None
    identifiers: list[Identifier] = []


class Related(_Struct):
    """A related resource; ``relation`` is a DataCite relationType (``IsVersionOf``, …)."""

    scheme: str
    value: str
    relation: str | None = None
    resource_type_uri: str | None = None


class Funder(_Struct):
    """A funding organisation; ``id_scheme`` is ``ror``, ``crossreffunderid``, …"""

    name: str | None = None
    id: str | None = None
    id_scheme: str | None = None


class Award(_Struct):
    """A grant: its number, title and URI."""

    number: str | None = None
    title: str | None = None
    uri: str | None = None


class Funding(_Struct):
    """One funder and award pair."""

    funder: Funder | None = None
    award: Award | None = None


class License(_Struct):
    """A licence: SPDX id (lower case), URI and label."""

    id: str | None = None
    uri: str | None = None
    label: str | None = None


class Checksum(_Struct):
    """File checksums, hex encoded."""

    md5: str | None = None
    sha256: str | None = None


class File(_Struct):
    """A file of the output as the source describes it (never downloaded by the crosswalk)."""

    filename: str | None = None
    source_url: str | None = None
    mimetype: str | None = None
    size: int | None = None
    checksum: Checksum | None = None
    access_right: str | None = None
    embargo_end: str | None = None
    version_type: str | None = None
    license: str | None = None
    description: str | None = None
    is_main: bool | None = None


class Coverage(_Struct):
    """Spatial and temporal coverage strings."""

    spatial: list[str] = []
    temporal: list[str] = []


class Record(_Struct):
    """One normalised record: every field of DESIGN.md's internal-schema table.

    ``extra`` maps a source path to the values no crosswalk rule consumed, so that nothing the
    source carried is silently lost.
    """

    id: str
    source: Source
    resource_type: ResourceType | None = None
    title: Text | None = None
    subtitle: Text | None = None
    additional_titles: list[TypedText] = []
    creators: list[Agent] = []
    contributors: list[Agent] = []
    abstracts: list[Text] = []
    descriptions: list[TypedText] = []
    notes: list[str] = []
    publication_date: str | None = None
    dates: list[DateEntry] = []
    publication_status: PublicationStatus | None = None
    peer_reviewed: bool | None = None
    languages: list[str] = []
    subjects: list[Subject] = []
    publisher: str | None = None
    place_of_publication: str | None = None
    edition: str | None = None
    extent: Extent | None = None
    formats: list[str] = []
    identifiers: list[Identifier] = []
    host: Host | None = None
    series: Series | None = None
    conference: Conference | None = None
    related: list[Related] = []
    funding: list[Funding] = []
    access_right: str | None = None
    embargo_end: str | None = None
    licenses: list[License] = []
    rights_statements: list[str] = []
    copyright_holders: list[str] = []
    version_type: str | None = None
    files: list[File] = []
    coverage: Coverage | None = None
    source_stats: SourceStats | None = None
    extra: dict[str, list[str]] = {}

    def to_dict(self) -> dict[str, Any]:
        """Return the record as plain JSON-ready data (the shape of ``record.schema.json``)."""
        data: dict[str, Any] = msgspec.to_builtins(self)
        return data

    def to_json(self) -> bytes:
        """Return the record as compact UTF-8 JSON."""
        return _ENCODER.encode(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        """Build a record from ``to_dict()`` output; ``msgspec.ValidationError`` if invalid."""
        return msgspec.convert(data, cls)

    @classmethod
    def from_json(cls, data: bytes | str) -> Record:
        """Build a record from JSON produced by ``to_json()``."""
        return _DECODER.decode(data)


_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(Record)


@lru_cache(maxsize=4096)  # the crosswalk, the store's checks and its write each ask, per record
def record_id(repository: str, oai_identifier: str) -> str:
    """Return the stable id of a record: the same source record always gets the same id.

    It is ``uuid.uuid5(RECORD_ID_NAMESPACE, f"{repository}\\n{oai_identifier}")``, made here
    without the ``UUID`` objects that cost ``uuid5`` two thirds of its time: each process
    of a harvest makes one per record.
    """
    name = f"{repository}\n{oai_identifier}".encode()
    digest = bytearray(hashlib.sha1(_ID_NAMESPACE_BYTES + name, usedforsecurity=False).digest())
    digest[6] = digest[6] & 0x0F | 0x50  # version 5 (RFC 9562 §5.5)
    digest[8] = digest[8] & 0x3F | 0x80  # the RFC's variant
    h = digest[:16].hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_ID_NAMESPACE_BYTES = RECORD_ID_NAMESPACE.bytes


def json_schema() -> dict[str, Any]:
    """Generate the JSON Schema (draft 2020-12) of :class:`Record` from the model."""
    schema: dict[str, Any] = msgspec.json.schema(Record)
    for definition in schema.get("$defs", {}).values():
        # msgspec 0.23 dedents docstrings (as inspect.cleandoc does) and 0.22 did not: the
        # schema must not change with the version a fresh install gets.
        if "description" in definition:
            definition["description"] = inspect.cleandoc(definition["description"])
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ir-ingest record"
    return schema


def checked_in_schema() -> dict[str, Any]:
    """Return the JSON Schema shipped with the package (``record.schema.json``)."""
    text = resources.files("ir_ingest").joinpath("record.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def dump_schema() -> str:
    """Return the generated schema as the exact text ``record.schema.json`` must hold."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
