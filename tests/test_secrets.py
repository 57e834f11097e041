"""Credentials kept out of what is shown and stored: URLs, query parameters, names."""

from __future__ import annotations

import pytest

from ir_ingest.secrets import is_secret_name, mask_query, public_url, query_secrets


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://u:p@host.example:8443/oai?x=1", "https://host.example:8443/oai?x=1"),
        ("http://u:p@[::1]:8080/oai", "http://[::1]:8080/oai"),
        ("http://host/oai?x=a@b", "http://host/oai?x=a@b"),
        ("http://host/oai", "http://host/oai"),
        ("http://host/oai?apikey=s3cret&set=a", "http://host/oai?apikey=***&set=a"),
    ],
)
def test_public_url(url: str, public: str) -> None:
    assert public_url(url) == public


def test_credential_names_and_query_values() -> None:
    secret = ("access_token", "client_secret", "passwd", "pwd", "API_KEY", "apikey", "accessKey")
    assert all(map(is_secret_name, secret))
    # Every name ending in "key" is taken for one (a second review found accessKey shown);
    # one that only holds "key" elsewhere is not.
    assert not any(map(is_secret_name, ("url", "set", "metadataPrefix", "keyword")))
    assert mask_query("https://h/oai?%74oken=s&keyword=a") == "https://h/oai?%74oken=***&keyword=a"
    url = "https://h/oai?apikey=k1&token=t2&set=a"
    assert mask_query(url) == "https://h/oai?apikey=***&token=***&set=a"
    assert query_secrets(url) == {"k1", "t2"}
