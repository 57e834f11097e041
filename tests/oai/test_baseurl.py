"""What an OAI-PMH base URL may be (§3.1.1), and what a request URL pasted whole must lose."""

from __future__ import annotations

import pytest

from ir_ingest.errors import ConfigError, UsageError
from ir_ingest.oai.baseurl import check_base_url, repository_name, without_oai_arguments
from ir_ingest.oai.client import OAIClient


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (
            "http://h.example/oai?verb=ListRecords&metadataPrefix=oai_dc",
            "http://h.example/oai?verb=ListRecords&metadataPrefix=oai_dc is an OAI-PMH request, "
            "not a base URL: give http://h.example/oai (ir-ingest adds verb, metadataPrefix "
            "itself; the format goes in --prefix)",
        ),
        (
            "https://h.example/oai?apikey=s3cret&verb=Identify#top",
            "https://h.example/oai?apikey=***&verb=Identify#top is an OAI-PMH request, not a base "
            "URL: give https://h.example/oai?apikey=*** (ir-ingest adds verb itself",
        ),
        (
            "ftp://h.example/oai",
            "ftp://h.example/oai is no OAI-PMH base URL: it must begin with http:// or https://",
        ),
        # No host: requests had said "InvalidURL: … No host supplied" on the first request.
        ("http:///oai", "http:///oai is no OAI-PMH base URL: it must begin with http:// or "),
    ],
)
def test_what_is_no_base_url_is_refused_with_what_to_give(url: str, said: str) -> None:
    with pytest.raises(ConfigError) as refused:
        check_base_url(url)
    assert str(refused.value).startswith(said)


def test_a_client_refuses_what_is_no_base_url() -> None:
    with pytest.raises(ConfigError, match="is an OAI-PMH request, not a base URL"):
        OAIClient("http://h.example/oai?verb=Identify")
    # The library's own callers too (the API's harvest(), a config's url_env), not the CLI's.
    with pytest.raises(UsageError, match=r"^URL has the character U\+001B in it: "):
        OAIClient("http://h.example/oai\x1b[2J")


def test_the_oai_arguments_go_and_the_endpoints_own_query_stays() -> None:
    url = "https://h.example/oai?apikey=k&verb=GetRecord&identifier=oai:x:1&metadataPrefix=mods#r"
    assert without_oai_arguments(url) == "https://h.example/oai?apikey=k"
    assert without_oai_arguments("http://h.example/oai") == "http://h.example/oai"
    # A value named like an argument is no argument: only the name before "=" counts.
    kept = "http://h.example/oai?x=verb&from2=1"
    assert without_oai_arguments(kept) == kept
    # As written, the case of its scheme too: a GetRecord URL's records are kept under the
    # name a harvest of its base URL gives them (urlunsplit had written "https://": new ids).
    pasted = "HTTPS://H.example/oai?verb=GetRecord&identifier=oai:x:1&metadataPrefix=oai_dc"
    assert without_oai_arguments(pasted) == repository_name("HTTPS://H.example/oai")
    # And so are the empty pieces of its own query: one normaliser, not two.
    for base in ("http://h/oai?apikey=1&", "http://h/oai?a=1&&b=2", "http://h/oai?&"):
        assert without_oai_arguments(f"{base}&verb=Identify") == without_oai_arguments(base)
        assert repository_name(without_oai_arguments(base)) == repository_name(base)
    # What follows the first OAI argument is the client's: its empty pieces are none of the
    # base URL's (a pasted GetRecord URL, or a <request>, ending in "&").
    pasted = "http://h/oai?verb=GetRecord&identifier=x&apikey=1&"
    assert without_oai_arguments(pasted) == "http://h/oai?apikey=1"


def test_a_base_urls_name_is_without_fragment_empty_query_or_credentials() -> None:
    """The fragment is never sent, and a "?" alone asks nothing: each had named a second
    source of the same endpoint."""
    for url in ("http://h/oai?", "http://h/oai#x", "http://h/oai?&", "http://u:p@h/oai?#"):
        assert repository_name(url) == "http://h/oai"
    assert repository_name("http://h/oai?apikey=k#x") == "http://h/oai?apikey=***"
    assert OAIClient("http://h/oai?#x").repository == "http://h/oai"
