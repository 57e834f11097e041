"""Whose records a saved OAI-PMH response holds (owners.py), among configured sources sharing
its endpoint: what a harvest of them kept, the name and the crosswalk."""

from __future__ import annotations

import pytest
from lxml import etree

from ir_ingest.config import SourceConfig
from ir_ingest.errors import UsageError
from ir_ingest.owners import response_owner
from tests.test_pipeline import OAI

URL = "https://h.example/oai"


def _resumed() -> etree._Element:
    """A later page of a list: its ``<request>`` names the token, not the set."""
    return etree.fromstring(
        f'<OAI-PMH xmlns="{OAI}"><request verb="ListRecords" resumptionToken="t">{URL}'
        "</request></OAI-PMH>"
    )


def _owner(sources: list[SourceConfig], named: str | None = None) -> tuple[str, str | None]:
    return response_owner("page.xml", _resumed(), None, lambda url: sources, named)


def test_sources_under_one_name_but_of_two_crosswalks_are_told_apart_by_the_sources_name() -> None:
    """Both keep their records under the URL, but read them apart: the name alone cannot say
    which crosswalk reads the page, the source's name can."""
    every = SourceConfig(name="all", url=URL, prefix="mods")
    theses = SourceConfig(name="theses", url=URL, prefix="mods", set_spec="theses", crosswalk="t")

    with pytest.raises(UsageError) as unnamed:
        _owner([every, theses])
    with pytest.raises(UsageError) as by_url:
        _owner([every, theses], URL)

    listed = f"[sources.all] (kept under {URL}), [sources.theses] (kept under {URL}, crosswalk t)"
    said = str(unnamed.value)
    assert f"is the endpoint of {listed}: whose records it holds cannot be told" in said
    assert str(by_url.value) == str(unnamed.value)
    assert _owner([every, theses], "theses") == (URL, "t")
    assert _owner([every, theses], "all") == (URL, None)


def test_repository_is_first_the_name_records_are_kept_under_then_a_sources_name() -> None:
    """``[sources.all]`` keeps its records under "theses", ``[sources.theses]`` under urn:t:
    ``--repository theses`` keeps them under the name given, as harvest --repository does."""
    every = SourceConfig(name="all", url=URL, prefix="mods", repository="theses", crosswalk="a")
    theses = SourceConfig(name="theses", url=URL, prefix="mods", set_spec="t", repository="urn:t")

    assert _owner([every, theses], "theses") == ("theses", "a")
    assert _owner([every, theses], "urn:t") == ("urn:t", None)
