"""What is an http(s) URL: one answer for an argument, a base URL and a saved ``<request>``."""

from __future__ import annotations

import pytest

from ir_ingest.urls import is_http_url


@pytest.mark.parametrize(
    "text",
    ["http://h.example/oai", "HTTPS://h.example/oai?apikey=x", "http://[::1]:8080/oai"],
)
def test_an_http_url_naming_a_host_is_one_whatever_its_scheme_s_case(text: str) -> None:
    assert is_http_url(text)


@pytest.mark.parametrize(
    "text",
    [
        "/oai",  # DSpace's <request>: a path alone
        "",
        "ftp://h.example/oai",
        "file:///tmp/a.xml",
        "http:///oai",  # no host
        "http:notes.xml",  # a file's name with a colon
        "http://[::1/oai",  # a bracket left open: urlsplit raises ValueError
        "http://[x]/oai",  # brackets around no IP address
    ],
)
def test_what_is_no_http_url_naming_a_host_is_none_and_nothing_raises(text: str) -> None:
    assert not is_http_url(text)
