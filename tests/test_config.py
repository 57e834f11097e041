"""The configuration file: validated on load, messages with the bad value, no secrets."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from ir_ingest.config import load_config
from ir_ingest.config.load import MAX_CONFIG_BYTES
from ir_ingest.errors import ConfigError

if TYPE_CHECKING:
    from pathlib import Path


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ir-ingest.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sources_and_targets_load(tmp_path: Path) -> None:
    config = load_config(
        _write(
            tmp_path,
            """
[sources.pure]
url = "https://research.example.ac.uk/ws/oai"
prefix = "oai_dc"
set = "openaire"
schedule = "0 3 * * *"

[targets.repo]
type = "invenio"
url = "https://repo.example.org"
token_env = "REPO_TOKEN"
""",
        )
    )
    assert config.sources["pure"].set_spec == "openaire"
    assert config.targets["repo"].options == {"token_env": "REPO_TOKEN"}


def test_a_source_without_a_prefix_takes_the_richest_format(tmp_path: Path) -> None:
    path = tmp_path / "ir-ingest.toml"
    path.write_text('[sources.pure]\nurl = "https://pure.example/oai"\n', encoding="utf-8")
    assert load_config(path).sources["pure"].prefix == "auto"
    # The reserved word in any case ("AUTO" had been sent to the endpoint as a format).
    path.write_text('[sources.pure]\nurl = "https://p.example/oai"\nprefix = "AUTO"\n', "utf-8")
    assert load_config(path).sources["pure"].named_prefix is None


def test_no_default_file_is_an_empty_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config(None).sources == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[sources.a]\nprefix = "oai_dc"\n', "give 'url', or 'url_env'"),
        (
            '[sources.a]\nurl = "http://x"\nurl_env = "X"\n',
            "both 'url' and 'url_env' are given; give only one of them",
        ),
        # Credentials are never read from the file, and never echoed from it.
        (
            '[sources.a]\nurl = "https://u:abc123@h/oai"\n',
            r"credentials are not kept in the config file, "
            r"and the url 'https://\*\*\*@h/oai' has some",
        ),
        ('[sources.a]\nurl = "https://h/oai?apikey=abc123"\n', r"'https://h/oai\?apikey=\*\*\*'"),
        ('[sources.a]\nurl = "ftp://u:abc123@h/oai"\n', "must start with http:// or https://"),
        ('[targets.t]\ntype = "invenio"\nurl = "https://u:abc123@h"\n', "token_env"),
        (
            '[sources.a]\nurl = "http://x"\nprefix = 5\n',
            "'prefix' must be a non-empty string, got 5",
        ),
        (
            '[sources.a]\nurl = "http://x"\nprefix = "oai_dc"\nset = ["a", "b"]\n',
            "'set' must be a non-empty string, got \\['a', 'b'\\]",
        ),
        ('[sources.a]\nurl = "ftp://x"\nprefix = "oai_dc"\n', "must start with http"),
        (
            '[sources.a]\nurl = "http://x"\nprefix = "oai_dc"\ncolour = 1\n',
            "unknown keys \\['colour'\\]",
        ),
        (
            '[sources.a]\nurl = "http://x"\nprefix = "oai_dc"\nrepository = ""\n',
            "'repository' must be a non-empty string, got ''",
        ),
        ('[targets.t]\ntype = "fedora"\n', "got 'fedora'"),
        # A misspelt key had been taken silently, as an option of the coming push.
        (
            '[targets.t]\ntype = "invenio"\ntokn_env = "X"\n',
            r"\[targets.t\]: unknown keys \['tokn_env'\]; allowed: \['access_token_env', .*'url', ",
        ),
        ('[targets.t]\ntype = "invenio"\ntoken = "abc123"\n', "token_env"),
        ('[targets.t]\ntype = "dspace"\nclient_secret = "abc123"\n', "client_secret_env"),
        ('[targets.t]\ntype = "sword"\naccess_token = "abc123"\n', "access_token_env"),
        ("[oops]\n", "unknown keys"),
        (
            'db = "sqlite:///x.db"\n',
            r"unknown keys \['db'\]; use crosswalk_dirs, \[sources.\*\], \[targets.\*\] "
            r"\(the store is not the config's: give --db URL or IR_INGEST_DB, not db\)",
        ),
        ('crosswalk_dirs = "one"\n', "list of folders"),
        ("sources = 3\n", r"sources are tables with a name each, written \[sources.NAME\], got 3"),
        ('targets = "pure"\n', r"written \[targets.NAME\], got 'pure'"),
        ('[[sources]]\nurl = "http://x"\n', r"written \[sources.NAME\], got \[\{'url'"),
        ("not toml = = =\n", r"ir-ingest.toml: not valid TOML: Expected '=' after a key"),
        ('[sources.a]\nurl = "http://x"\nprefix = " oai_dc "\n', "'prefix' has white space"),
        ('[sources.a]\nurl_env = "MY VAR"\n', "url_env must name an environment variable"),
        ('[sources.a]\nurl = "http://"\n', "url names no host, got 'http://'"),
        # Sent as written, or (a tab, a line break) dropped by urlsplit: another endpoint.
        (
            '[sources.a]\nurl = "http://x/oai pmh"\n',
            r"\[sources.a\]: URL has a space in it: 'http://x/oai pmh'; percent-encode it \(%20\)",
        ),
        ('[sources.a]\nurl = "http://x/o\\tai"\n', r"URL has the character U\+0009 in it"),
        (
            '[sources.a]\nurl = "http://x"\nschedule = "every tuesday"\n',
            "schedule must be a cron line of five fields .*, got 'every tuesday'",
        ),
        ('[sources.a]\nurl = "http://x"\nschedule = "every day at three am"\n', "cron line"),
        ('[sources.a]\nurl = "http://x"\nschedule = "99 99 99 99 99"\n', "cron line"),
        ('[sources.a]\nurl = "http://x"\nschedule = "0 24 * * *"\n', "cron line"),
        # int() refuses over 4,300 digits: a ValueError traceback had come out.
        ('[sources.a]\nurl = "http://x"\nschedule = "' + "9" * 5000 + ' * * * *"\n', "cron line"),
        # The port was said to be a password's fault (a walkthrough).
        (
            '[sources.a]\nurl = "http://127.0.0.1:99999/oai"\n',
            "url: the endpoint URL 'http://127.0.0.1:99999/oai' cannot be read: Port out of range",
        ),
        # A "/" in a password ends the authority early: the URL is not shown.
        ('[sources.a]\nurl = "https://u:abc123/x@h/oai"\n', "host cannot be read \\(not shown"),
    ],
)
def test_bad_config_names_the_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(_write(tmp_path, text))
    assert "abc123" not in str(caught.value)


def test_a_config_error_names_its_file_as_every_config_error_does(tmp_path: Path) -> None:
    # One problem had been said "x.toml: …" and a file TOML cannot read "config file x.toml: …".
    for text in ("[sources.a]\nurl = 5\n", "[sources.a\n"):
        path = _write(tmp_path, text)
        with pytest.raises(ConfigError, match=f"^config file {re.escape(str(path))}: "):
            load_config(path)


def test_every_problem_of_a_file_is_said_at_once(tmp_path: Path) -> None:
    # A manager had fixed a config one error a try (a walkthrough).
    (tmp_path / "afile").write_text("")
    text = (
        'crosswalk_dirs = ["nope1", "afile"]\n'
        '[sources.b]\nurl = "ftp://x/oai"\ncolour = 1\n'
        '[sources.c]\nurl = "https://u:abc123@h/oai"\nprefix = 5\nset = ["a", "b"]\n'
        '[sources.good]\nurl = "http://x/oai"\n'
        '[targets.r]\ntype = "foo"\ntoken = "abc123"\npassword = "abc123"\n'
    )
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    head, *listed = str(caught.value).split("\n")
    assert head == f"config file {path}: 10 problems:"
    said = [line.removeprefix("  - ") for line in listed]  # the file named once, above
    assert said == [
        "[sources.b]: unknown keys ['colour']; allowed: ['crosswalk', 'fallback_prefix', "
        "'prefix', 'profile', 'repository', 'schedule', 'set', 'url', 'url_env']",
        "[sources.b]: url must start with http:// or https://, got 'ftp://x/oai'",
        "[sources.c]: 'prefix' must be a non-empty string, got 5",
        "[sources.c]: 'set' must be a non-empty string, got ['a', 'b']",
        "[sources.c]: credentials are not kept in the config file, and the url "
        "'https://***@h/oai' has some; give url_env = \"NAME_OF_ENVIRONMENT_VARIABLE\" "
        "instead, holding the URL",
        "[targets.r]: type must be one of invenio, dspace, sword, eprints, jsonl, got 'foo'",
        "[targets.r]: credentials are not kept in the config file; replace 'password' with "
        "'password_env = \"NAME_OF_ENVIRONMENT_VARIABLE\"'",
        "[targets.r]: credentials are not kept in the config file; replace 'token' with "
        "'token_env = \"NAME_OF_ENVIRONMENT_VARIABLE\"'",
        f"crosswalk folder {str(tmp_path / 'nope1')!r} does not exist",
        f"crosswalk folder {str(tmp_path / 'afile')!r} is a file, not a folder",
    ]
    assert "abc123" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("", "[sources.a]: 'url' must be a non-empty string, got ''"),
        (" http://x/oai", "[sources.a]: 'url' has white space around it: ' http://x/oai'"),
    ],
)
def test_a_url_in_error_is_one_problem(tmp_path: Path, url: str, said: str) -> None:
    # Each had been said twice, the second time as "must start with http://" or "URL has
    # white space around it", and counted as "2 problems".
    path = _write(tmp_path, f'[sources.a]\nurl = "{url}"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == f"config file {path}: {said}"


@pytest.mark.parametrize(
    "schedule", ["0 3 * * *", "*/15 0-6 * * mon-fri", "0 3 1 jan *", "5,10 * * * sun", "@daily"]
)
def test_cron_lines_load(tmp_path: Path, schedule: str) -> None:
    text = f'[sources.a]\nurl = "http://x/oai"\nschedule = "{schedule}"\n'
    assert load_config(_write(tmp_path, text)).sources["a"].schedule == schedule


def test_a_file_that_is_not_utf8_is_said_so(tmp_path: Path) -> None:
    path = tmp_path / "ir-ingest.toml"
    path.write_bytes(b'[sources.caf\xe9]\nurl = "http://x/oai"\n')
    with pytest.raises(ConfigError, match="is not UTF-8: save it as UTF-8"):
        load_config(path)


def test_a_file_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    # "Invalid statement (at line 1, column 1)" had been said of it.
    path = tmp_path / "ir-ingest.toml"
    path.write_text('[sources.a]\nurl = "http://x/oai"\n', encoding="utf-8-sig")
    assert load_config(path).sources["a"].url == "http://x/oai"


def test_a_file_too_big_to_be_a_config_is_not_read_whole(tmp_path: Path) -> None:
    # /dev/zero had been read until memory ran out (MemoryError).
    path = tmp_path / "huge.toml"
    path.write_bytes(b"# " + b"x" * MAX_CONFIG_BYTES)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == (
        f"config file {path} is over {MAX_CONFIG_BYTES:,} bytes: is it the TOML config file?"
    )


def test_missing_named_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


def test_a_folder_named_as_the_config_file_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value) == f"config file {tmp_path}: cannot read it: Is a directory"


@pytest.mark.parametrize(
    ("folder", "said"),
    [
        ("a\\u0000b", r"crosswalk folder 'a\\x00b' cannot be a folder's name: it holds a NUL"),
        ("x" * 300, r"crosswalk folder 'x{300}' cannot be read: File name too long"),
    ],
)
def test_a_crosswalk_folder_no_file_system_takes_is_said(
    tmp_path: Path, folder: str, said: str
) -> None:
    # Each had been a traceback: ValueError "embedded null byte", OSError ENAMETOOLONG.
    with pytest.raises(ConfigError, match=f"^config file .*: {said}$"):
        load_config(_write(tmp_path, f'crosswalk_dirs = ["{folder}"]\n'))


@pytest.mark.parametrize("nested", ["[" * 5000 + "]" * 5000, "{b = " * 5000 + "1" + "}" * 5000])
def test_a_file_nested_too_deeply_is_said(tmp_path: Path, nested: str) -> None:
    # tomllib's RecursionError had been a traceback.
    path = _write(tmp_path, f"a = {nested}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == (
        f"config file {path}: its arrays or inline tables are nested too deeply to be read"
    )


def test_a_url_s_scheme_is_read_in_any_case(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, '[sources.a]\nurl = "HTTPS://h.example/oai"\n'))
    assert config.sources["a"].endpoint() == "HTTPS://h.example/oai"  # had been refused


def test_a_source_url_with_credentials_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(_write(tmp_path, '[sources.a]\nurl_env = "A_OAI_URL"\n'))
    source = config.sources["a"]
    monkeypatch.delenv("A_OAI_URL", raising=False)
    with pytest.raises(ConfigError, match="url_env names A_OAI_URL, which is not set"):
        source.endpoint()  # only when harvested: other commands need not have it
    monkeypatch.setenv("A_OAI_URL", "https://")
    with pytest.raises(ConfigError, match="url_env names A_OAI_URL, which holds no http"):
        source.endpoint()  # a URL naming no host is none
    monkeypatch.setenv("A_OAI_URL", "https://u:s3cret@h/caf\udce9")  # a Latin-1 byte
    with pytest.raises(ConfigError, match=r"url_env names A_OAI_URL, which is not UTF-8 text$"):
        source.endpoint()  # a lone surrogate, which SQLite refused (a traceback)
    monkeypatch.setenv("A_OAI_URL", "https://u:s3cret@h/oai")
    assert source.endpoint() == "https://u:s3cret@h/oai"


def test_a_url_is_known_as_the_source_whose_endpoint_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(
        _write(
            tmp_path,
            '[sources.pure]\nurl = "https://Research.example.ac.uk/ws/oai"\nrepository = "pure"\n'
            '[sources.hidden]\nurl_env = "HIDDEN_OAI_URL"\nrepository = "hidden"\n'
            '[sources.oa]\nurl = "http://ir.example.org/oai"\nset = "openaire"\n'
            '[sources.y2020]\nurl = "http://ir.example.org:80/oai"\nset = "year:2020"\n',
        )
    )

    def named(url: str, set_spec: str | None = None) -> str | None:
        found = config.source_at(url, set_spec)
        return found.name if found else None

    monkeypatch.delenv("HIDDEN_OAI_URL", raising=False)
    assert named("HTTPS://research.example.ac.uk:443/ws/oai/") == "pure"
    assert named("https://research.example.ac.uk/ws/OAI") is None  # another path
    assert named("http://research.example.ac.uk/ws/oai") is None  # another scheme
    assert named("https://research.example.ac.uk:99999/ws/oai") is None  # unreadable: no error
    # A source whose variable is not set is passed over, not an error; once set, its
    # credentials are no part of the comparison.
    assert named("https://h.example/oai") is None
    monkeypatch.setenv("HIDDEN_OAI_URL", "https://u:s3cret@h.example/oai?apikey=k")
    assert named("https://other:pw@h.example/oai?apikey=x") == "hidden"
    assert named("https://h.example/oai") is None  # not without its key
    # Two sources at one endpoint: the set tells them apart, or no source is meant.
    assert named("http://ir.example.org/oai") is None
    assert named("http://ir.example.org/oai", "year:2020") == "y2020"
    assert named("http://ir.example.org/oai", "other") is None
    # One source at an endpoint is not another set's: that would depend on the sources beside.
    assert named("HTTPS://research.example.ac.uk/ws/oai/", "physics") is None


@pytest.mark.parametrize(
    "text",
    [
        '[sources]\na = "https://u:s3cret@h/oai"\n',  # a source written as its URL
        '[targets]\na = "https://u:s3cret@h/api"\n',
        'sources = "https://u:s3cret@h/oai"\n',
        '[sources.a]\nurl_env = "https://u:s3cret@h/oai"\n',  # the URL for its variable
        '[sources.a]\nurl = ["https://u:s3/cret@h/oai"]\n',
        '[sources.a]\nurl = "https://h/oai"\nprefix = ["https://h/oai?apikey=s3cret"]\n',
        '[targets.a]\ntype = "https://u:s3cret@h/api"\n',
        '[targets.a]\ntype = "jsonl"\nurl = ["https://u:s3cret@h/api"]\n',
        'crosswalk_dirs = "https://u:s3cret@h/x"\n',
        # A name records are kept under: stored with each, printed in every report.
        '[sources.a]\nurl = "https://h/oai"\nrepository = "https://u:s3cret@h/oai"\n',
    ],
)
def test_a_value_in_the_wrong_place_is_quoted_without_its_credentials(
    tmp_path: Path, text: str
) -> None:
    # A security review: each had been quoted whole in the error ("got 'https://u:s3cret@…").
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, text))
    assert "s3" not in str(caught.value)
    assert "***" in str(caught.value)


def test_a_sources_fallback_prefix_is_read_and_its_own_prefix_refused(tmp_path: Path) -> None:
    url = 'url = "https://pure.example/oai"\n'
    path = _write(tmp_path, f'[sources.a]\n{url}prefix = "mods"\nfallback_prefix = "oai_dc"\n')
    assert load_config(path).sources["a"].fallback_prefix == "oai_dc"
    same = _write(tmp_path, f'[sources.a]\n{url}prefix = "mods"\nfallback_prefix = "mods"\n')
    with pytest.raises(ConfigError, match="fallback_prefix 'mods' is the source's own prefix"):
        load_config(same)
    empty = _write(tmp_path, f'[sources.a]\n{url}fallback_prefix = ""\n')
    with pytest.raises(ConfigError, match="'fallback_prefix' must be a non-empty string, got"):
        load_config(empty)
