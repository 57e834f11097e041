"""Which format to ask an endpoint for, against scripted endpoints on 127.0.0.1."""

from __future__ import annotations

import functools

import pytest

from ir_ingest.errors import HarvestError, OAIProtocolError
from ir_ingest.oai.client import OAIClient
from ir_ingest.oai.formats import richest_offered, with_formats_offered
from ir_ingest.oai.provider import serve_in_background
from tests.oai.scripted import error, page, scripted

#: What a DSpace 7 answers to ListMetadataFormats, in part.
DSPACE_FORMATS = (
    ("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc/"),
    ("mods", "http://www.loc.gov/mods/v3"),
    ("qdc", "http://dspace.org/qualifieddc/"),
    ("xoai", "http://www.lyncode.com/xoai"),
)


def _answer(body: bytes, _params: dict[str, str]) -> bytes:
    return body


def _formats(offered: tuple[tuple[str, str], ...]) -> bytes:
    return page(
        "ListMetadataFormats",
        (
            f"<metadataFormat><metadataPrefix>{prefix}</metadataPrefix>"
            f"<schema>{namespace}x.xsd</schema><metadataNamespace>{namespace}"
            "</metadataNamespace></metadataFormat>"
            for prefix, namespace in offered
        ),
    )


def test_auto_takes_a_dspaces_qdc_and_another_endpoints_mods() -> None:
    for offered, chosen in ((DSPACE_FORMATS, "qdc"), (DSPACE_FORMATS[:2], "mods")):
        endpoint = scripted(functools.partial(_answer, _formats(offered)))
        with serve_in_background(endpoint) as url, OAIClient(url) as client:
            assert richest_offered(client, None) == chosen
            assert richest_offered(client, "oai_dc") == "oai_dc"


def test_an_endpoint_offering_nothing_read_is_told_what_to_do() -> None:
    endpoint = scripted(lambda _params: _formats((("marc21", "http://www.loc.gov/MARC21/slim"),)))
    with (
        serve_in_background(endpoint) as url,
        OAIClient(url) as client,
        pytest.raises(HarvestError, match=r"offers no format a crosswalk reads \(it offers"),
    ):
        richest_offered(client, None)


def test_a_refused_format_is_said_with_the_ones_offered() -> None:
    refused = OAIProtocolError("cannotDisseminateFormat", "no marc21 here")
    with (
        serve_in_background(scripted(lambda _params: _formats(DSPACE_FORMATS))) as url,
        OAIClient(url) as client,
    ):
        said = with_formats_offered(client, "marc21", refused)
        other = OAIProtocolError("badArgument", "x")
        assert with_formats_offered(client, "marc21", other) is other
    assert str(said).endswith(
        "the endpoint does not offer 'marc21'; it offers: oai_dc, mods, qdc, xoai"
    )
    # An endpoint that cannot say which formats it has: its own answer stands.
    with (
        serve_in_background(scripted(lambda _params: error("badVerb"))) as url,
        OAIClient(url) as client,
    ):
        assert with_formats_offered(client, "marc21", refused) is refused
