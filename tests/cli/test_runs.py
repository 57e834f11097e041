"""Where a run harvests: a source by its name or its URL, or a URL that is no source's."""

from __future__ import annotations

from ir_ingest.cli.runs import Where, resolved
from ir_ingest.config import Config, SourceConfig

_CONFIG = Config(
    sources={
        "s": SourceConfig(
            name="s", url="https://h.example/oai", prefix="mods", repository="r", crosswalk="qdc"
        )
    }
)


def _asked(url: str, **given: str) -> Where:
    return Where(url, given.get("prefix"), given.get("set_spec"), None, given.get("repository"))


def test_a_sources_url_is_the_source_with_the_command_lines_settings_first() -> None:
    by_url = resolved(_CONFIG, _asked("HTTPS://h.example:443/oai/"))
    assert by_url == resolved(_CONFIG, _asked("s"))
    assert by_url == Where("https://h.example/oai", "mods", None, "qdc", "r")
    given = resolved(_CONFIG, _asked("https://h.example/oai", prefix="oai_dc", repository="n"))
    assert (given.prefix, given.repository, given.crosswalk) == ("oai_dc", "n", "qdc")


def test_credentials_typed_are_the_ones_sent() -> None:
    typed = "https://bob:pw@h.example/oai?apikey=b"
    assert resolved(_CONFIG, _asked(typed)).url == typed
    assert resolved(_CONFIG, _asked("https://h.example/oai")).url == "https://h.example/oai"


def test_a_url_that_is_no_sources_is_as_given() -> None:
    other = _asked("https://h.example/other")
    assert resolved(_CONFIG, other) == other
    another_set = _asked("https://h.example/oai", set_spec="eels")
    assert resolved(_CONFIG, another_set) == another_set
