"""Reading records out of OAI-PMH responses and documents given whole."""

from __future__ import annotations

from ir_ingest import xmlsafe
from ir_ingest.oai.records import unwrap
from tests.conftest import SEED_CHAPTER


def test_unwrap_finds_metadata_in_every_envelope() -> None:
    root = xmlsafe.parse(SEED_CHAPTER.read_bytes()).root
    record, metadata = unwrap(root)
    assert record is not None
    assert metadata is not None
    assert metadata.tag == "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"
    assert unwrap(metadata) == (None, metadata)
