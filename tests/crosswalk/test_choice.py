"""Which crosswalk reads what an endpoint offers (:mod:`ir_ingest.crosswalk.choice`)."""

from __future__ import annotations

import pytest

from ir_ingest.crosswalk.choice import richest_format


@pytest.mark.parametrize(
    ("offered", "chosen"),
    [
        # LibreCat (sickle's sample): MODS under two names, the one named after it wins.
        (
            [
                ("epicur", "urn:nbn:de:1111-2004033116"),
                ("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc/"),
                ("swepub_mods", "http://www.loc.gov/mods/v3"),
                ("mods", "http://www.loc.gov/mods/v3"),
            ],
            "mods",
        ),
        # EPrints: oai_bibl is oai_dc by its namespace.
        (
            [
                ("oai_bibl", "http://www.openarchives.org/OAI/2.0/oai_dc/"),
                ("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc/"),
            ],
            "oai_dc",
        ),
        ([("MODS3", "http://www.loc.gov/mods/v3")], "MODS3"),
        # DSpace: its MODS is made from its DC and says less than its qdc.
        (
            [
                ("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc/"),
                ("mods", "http://www.loc.gov/mods/v3"),
                ("qdc", "http://dspace.org/qualifieddc/"),
                ("xoai", "http://www.lyncode.com/xoai"),
            ],
            "qdc",
        ),
        ([("marcxml", "https://www.loc.gov/standards/marcxml/")], None),
    ],
)
def test_the_richest_format_is_told_by_name_or_namespace(
    offered: list[tuple[str, str]], chosen: str | None
) -> None:
    assert richest_format(offered) == chosen
