"""Reading records out of OAI-PMH responses and documents given whole."""

from __future__ import annotations

from ir_ingest import xmlsafe
from ir_ingest.oai.records import UNIDENTIFIED, read_records, unwrap
from ir_ingest.xmlsafe import OAI_NS
from tests.conftest import SEED_CHAPTER


def test_unwrap_finds_metadata_in_every_envelope() -> None:
    root = xmlsafe.parse(SEED_CHAPTER.read_bytes()).root
    record, metadata = unwrap(root)
    assert record is not None
    assert metadata is not None
    assert metadata.tag == "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"
    assert unwrap(metadata) == (None, metadata)


def test_a_record_s_header_is_read_as_the_endpoint_sent_it() -> None:
    # The first identifier and datestamp (an endpoint that repeats one), trimmed; the sets
    # sorted; a deletion; a header without an identifier named by its XML.
    answer = (
        f'<OAI-PMH xmlns="{OAI_NS}"><ListRecords>'
        "<record><header><identifier> oai:x:1 </identifier><identifier>oai:x:other</identifier>"
        "<datestamp>2024-01-02</datestamp><datestamp>1999-01-01</datestamp>"
        "<setSpec>theses</setSpec><setSpec> articles </setSpec><about>not read</about>"
        "</header><metadata><x/></metadata></record>"
        '<record><header status="deleted"><datestamp>2024-01-03</datestamp>'
        "<identifier>oai:x:2</identifier></header></record>"
        "<record><header><datestamp>2024-01-04</datestamp></header></record>"
        "</ListRecords></OAI-PMH>"
    ).encode()
    first, deleted, unnamed = read_records(xmlsafe.parse(answer).root, "urn:r", "oai_dc")
    assert (first.identifier, first.datestamp, first.set_specs, first.deleted) == (
        "oai:x:1",
        "2024-01-02",
        ("articles", "theses"),
        False,
    )
    assert (first.repository, first.metadata_prefix, first.crosswalk) == ("urn:r", "oai_dc", None)
    assert first.tree is not None
    assert first.raw == xmlsafe.to_bytes(first.tree)
    assert (deleted.identifier, deleted.datestamp, deleted.set_specs, deleted.deleted) == (
        "oai:x:2",
        "2024-01-03",
        (),
        True,
    )
    assert unnamed.identifier.startswith(UNIDENTIFIED)
    assert unnamed.datestamp == "2024-01-04"
