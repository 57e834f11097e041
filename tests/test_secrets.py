"""Credentials kept out of what is shown and stored: URLs, query parameters, names."""

from __future__ import annotations

import pytest

from ir_ingest.errors import ConfigError, UsageError
from ir_ingest.secrets import (
    MASK,
    is_secret_name,
    mask_query,
    masked,
    public_url,
    query_secrets,
    refuse_padded_url,
    refuse_unsendable_url,
    scrubbed,
    shown_url,
)


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


def test_names_a_third_walkthrough_found_shown_are_credentials() -> None:
    found = ("pass", "pw", "auth", "Authorization", "signature", "X-Amz-Signature", "jwt")
    assert all(map(is_secret_name, (*found, "session", "sessionid")))
    # A review: author_id and the like were masked; code, sid and sig name collections.
    harmless = ("author", "author_id", "authorName", "authorities", "authority", "passage")
    assert not any(map(is_secret_name, (*harmless, "code", "sid", "sig", "pwr", "resumption")))
    url = "https://h/oai?pass=S3&auth=S4&signature=S5&session=S9&jwt=S10&pw=S14&code=ead"
    assert query_secrets(url) == {"S3", "S4", "S5", "S9", "S10", "S14"}
    assert public_url("https://h/oai.php?code=ead&sid=lib") == "https://h/oai.php?code=ead&sid=lib"


def test_a_url_shown_for_its_credentials_shows_where_they_are() -> None:
    assert shown_url("https://u:p%40ss@h:8443/oai?apikey=k&set=a") == (
        "https://***@h:8443/oai?apikey=***&set=a"
    )
    assert shown_url("https://h/oai") == "https://h/oai"
    with pytest.raises(ConfigError, match="cannot be read"):
        shown_url("https://user:pa?ss@host/oai")  # "?" ends the authority at "user:pa"


@pytest.mark.parametrize(
    "url",
    [
        "https://user:pa?ss@host/oai",  # "?" ends the authority at "user:pa"
        "http://u:p]@[::1/oai",  # splits, but the host left after the password does not
        "https://[::1]@[x]/oai",  # "[x]" is no IP address
    ],
)
def test_a_url_whose_host_cannot_be_read_is_refused_not_a_crash(url: str) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        public_url(url)


@pytest.mark.parametrize(
    ("url", "quoted"),
    [
        ("https://h/oai?apikey=abc%3D%3D", "request apikey=abc==&verb=ListRecords"),
        ("https://h/oai?apikey=a%2Bb%2Fc", "request apikey=a+b/c"),
        ("https://h/oai?apikey=k+ey", "request apikey=k ey"),
        ("https://user:p%40ss@h/oai", "as user p@ss"),
        ("https://h/oai?token=x/y", "token x%2Fy"),
        ("https://h/oai?apikey=abc%3d%3d", "request apikey=abc%3D%3D"),
        ("https://h/oai?apikey=a/b%3D", "request apikey=a%2Fb%3D"),
        ("https://h/oai?apikey=abc+def", "request apikey=abc%20def"),
    ],
)
def test_credentials_quoted_back_decoded_or_encoded_are_masked(url: str, quoted: str) -> None:
    # An endpoint's error text quotes the request as it read it: decoded (a review).
    said = scrubbed(f"Illegal from date ({quoted})", url, public_url(url))
    assert MASK in said
    for secret in ("abc", "a+b/c", "a%2Bb", "k ey", "p@ss", "x%2Fy", "x/y", "a%2Fb", "def"):
        assert secret not in said, said


def test_a_short_secret_is_masked_as_a_value_only() -> None:
    # A password "x" and a key "5" had masked every x and 5 of a message (a review).
    url = "https://oai:x@repo.example.org/oai?collectionKey=5"
    said = scrubbed(
        f"{url}&verb=ListRecords answered HTTP 500 at 2025-05-05 (key=5, pass:x)",
        url,
        public_url(url),
    )
    assert said == (
        "https://repo.example.org/oai?collectionKey=***&verb=ListRecords answered HTTP 500 "
        "at 2025-05-05 (key=***, pass:***)"
    )


def test_a_padded_url_is_refused_with_its_white_space_and_without_its_credentials() -> None:
    with pytest.raises(UsageError) as caught:
        refuse_padded_url(" https://user:pw@host/oai?apikey=K3Y\n")
    assert str(caught.value) == ("URL has white space around it: ' https://host/oai?apikey=***\\n'")
    refuse_padded_url("https://host/oai")
    # White space alone had been a ValueError ("empty separator"), out of harvest(" ").
    with pytest.raises(UsageError, match=r"^URL is white space alone: ' \\t'$"):
        refuse_padded_url(" \t")


@pytest.mark.parametrize(
    ("url", "said"),
    [
        # Sent as typed (%20 by requests): another endpoint's records, under the name with it.
        ("http://127.0.0.1:1/oai pmh", "a space in it: 'http://127.0.0.1:1/oai pmh'; "),
        # urlsplit drops a tab or line break anywhere: harvested as http://h/oai, named with it.
        ("http://h/o\tai", "the character U+0009 in it: 'http://h/o\\tai'; "),
        ("http://h/oai?set=a\x85b", "the character U+0085 in it: 'http://h/oai?set=a\\x85b'; "),
        ("http://h/\u202eiao", "the character U+202E in it: 'http://h/\\u202eiao'; "),
        ("http://h/oai?apikey=s3c ret", "a space in it: 'http://h/oai?apikey=***'; "),
        # A password is not shown: the URL percent-encoded, without it.
        (
            "http://u:p w@h/oai x",
            "a space in it: 'http://h/oai%20x' (shown percent-encoded, without its user part); ",
        ),
    ],
)
def test_a_url_with_a_character_no_url_holds_is_refused_naming_it(url: str, said: str) -> None:
    with pytest.raises(UsageError) as caught:
        refuse_unsendable_url(url)
    assert str(caught.value).startswith(f"URL has {said}percent-encode it")
    assert "s3c" not in str(caught.value)
    assert "p w" not in str(caught.value)
    refuse_unsendable_url("http://h.example/oai?set=é")  # an IRI's letters: encoded when sent
    # So are the characters of an IRI that print nothing: a Persian word's zero-width
    # non-joiner, a soft hyphen (both had been refused with the controls).
    refuse_unsendable_url("https://h.example/\u0645\u06cc\u200c\u0634\u0648\u062f/oai")
    refuse_unsendable_url("https://h.example/re\u00adpository/oai")
    # The marks no IRI holds (RFC 3987 §4.1) are refused with the overrides.
    with pytest.raises(UsageError, match="U\\+200F"):
        refuse_unsendable_url("https://h.example/\u200foai")
    # A byte of an argument that was no UTF-8 (a lone surrogate): requests would have sent it
    # as three other bytes; shown as the byte it was, in a URL with a user part too.
    with pytest.raises(UsageError, match="U\\+DCE9"):
        refuse_unsendable_url("http://h/oai\udce9")
    with pytest.raises(UsageError, match="'http://h/oai%E9' \\(shown percent-encoded"):
        refuse_unsendable_url("http://u:p@h/oai\udce9")


def test_the_basic_credential_quoted_back_is_masked() -> None:
    # An endpoint quoting the request's headers quotes "Basic <user:password in base64>",
    # which is the password as much as the password is (a security review).
    url = "https://harvester:s3cret@h/oai"
    said = scrubbed("refused Authorization: Basic aGFydmVzdGVyOnMzY3JldA==", url, public_url(url))
    assert said == "refused Authorization: Basic ***"


@pytest.mark.parametrize(
    "text",
    [
        "'https://a.example/oai,https://u:s3cret@h.example/oai'",
        "Location: https://l.example/?next=https://u:s3cret@h.example/oai",
        "x;https://u:s3cret@h.example/oai",
    ],
)
def test_a_password_in_a_url_after_another_url_is_masked(text: str) -> None:
    # A review: masking read only the first URL of a run of text, so one glued to it or in
    # its query kept its password (and a --repository holding one was taken).
    assert "s3cret" not in masked(text)


def test_a_user_part_without_a_password_is_masked_wherever_it_appears() -> None:
    # A token sent as the user name (https://TOKEN@host/oai) is what Basic sends: a review
    # found it shown when a message quoted it without its "@".
    url = "https://ghp_ABCDEFsecrettoken@h.example/oai"
    said = scrubbed("401 ghp_ABCDEFsecrettoken rejected", url, public_url(url))
    assert "ghp_ABCDEFsecrettoken" not in said
