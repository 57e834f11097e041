"""A DSpace item as DSpace's own OAI module serves it in oai_dc, qdc and mods.

The stylesheets are DSpace's (``xslt/dspace/oai_metadataFormats_*.xsl`` in the shared corpus,
run by libxslt with access control denied); the items, in DSpace's internal XOAI form, are
written here.  Each item must crosswalk alike in the three formats wherever all three can say
a thing: before this test, every record of DSpace's qdc failed (its root's namespace was
unknown), a top-level ISSN stayed the article's own in MODS but not in DC, and DSpace's
``dc.identifier.citation`` became an identifier of scheme "citation" in MODS.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from ir_ingest import xmlsafe
from ir_ingest.crosswalk import crosswalk_record

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.corpus

FORMATS = ("oai_dc", "qdc", "mods")


def _field(value: str, lang: str = "none") -> str:
    return f'<element name="{lang}"><field name="value">{escape(value)}</field></element>'


def _element(name: str, *inner: str) -> str:
    return f'<element name="{name}">{"".join(inner)}</element>'


def _item(fields: dict[str, list[str]]) -> bytes:
    """An item's metadata in DSpace's XOAI form from ``{"dc.contributor.author": [...]}``
    (as DSpace orders it: by element, then qualifier)."""
    tree: dict[str, dict[str, list[str]]] = {}
    for name, values in sorted(fields.items()):
        _, element, *qualified_by = name.split(".")
        tree.setdefault(element, {})["".join(qualified_by)] = values
    parts = []
    for element, qualified in tree.items():
        inner = []
        for qualifier, values in qualified.items():
            held = "".join(_field(v) for v in values)
            inner.append(_element(qualifier, held) if qualifier else held)
        parts.append(_element(element, *inner))
    dc = _element("dc", *parts)
    return f'<metadata xmlns="http://www.lyncode.com/xoai">{dc}</metadata>'.encode()


ACCESSIONED = ["2023-02-14T09:12:40Z"]
ITEMS = {
    "article": {
        "dc.title": ["Tidal exchange through a restored saltmarsh breach"],
        "dc.contributor.author": ["Ferreira-Lund, Ingrid", "Okafor, Chinedu"],
        "dc.date.accessioned": ACCESSIONED,
        "dc.date.available": ACCESSIONED,
        "dc.date.issued": ["2022-11"],
        "dc.identifier.uri": ["https://hdl.handle.net/20.500.12345/4471"],
        "dc.identifier.doi": ["10.5555/estuaries.2022.0113"],
        "dc.identifier.issn": ["1559-2723"],
        "dc.identifier.citation": ["Ferreira-Lund, I. (2022) Tidal exchange. CWR, 18(4), 221-240."],
        "dc.language.iso": ["en_US"],
        "dc.subject": ["Salt marshes", "Managed realignment"],
        "dc.description.abstract": ["Flow through the breach was logged for two cycles."],
        "dc.type": ["Article"],
        "dc.rights.uri": ["http://creativecommons.org/licenses/by/4.0/"],
    },
    "book in a series": {
        "dc.title": ["Mills of the Ashgrove estate"],
        "dc.contributor.author": ["van der Berg, Anna-Lena"],
        "dc.date.accessioned": ACCESSIONED,
        "dc.date.issued": ["2019"],
        "dc.identifier.uri": ["https://hdl.handle.net/20.500.12345/90"],
        "dc.identifier.isbn": ["978-3-16-148410-0"],
        "dc.identifier.issn": ["0028-0836"],
        "dc.language.iso": ["de"],
        "dc.type": ["Book"],
    },
    "thesis": {
        "dc.title": ["Wind-driven mixing in shallow lagoons"],
        "dc.contributor.author": ["Nakashima, Reiko"],
        "dc.contributor.advisor": ["Haverkamp, Wilma"],
        "dc.date.accessioned": ACCESSIONED,
        "dc.date.issued": ["2021-06-30"],
        "dc.identifier.uri": ["https://hdl.handle.net/20.500.12345/77"],
        "dc.language.iso": ["nl"],
        "dc.type": ["Thesis"],
    },
}


@pytest.fixture
def stylesheets(corpus: Path) -> dict[str, etree.XSLT]:
    deny_all = etree.XSLTAccessControl.DENY_ALL  # type: ignore[attr-defined]  # missing in stubs
    folder = corpus / "xslt" / "dspace"
    return {
        fmt: etree.XSLT(
            xmlsafe.parse((folder / f"oai_metadataFormats_{fmt}.xsl").read_bytes()).root,
            access_control=deny_all,
        )
        for fmt in FORMATS
    }


def _said(stylesheet: etree.XSLT, item: bytes, fmt: str) -> dict[str, Any]:
    served = etree.tostring(stylesheet(xmlsafe.parse(item).root))
    record = json.loads(crosswalk_record(xmlsafe.parse(served).root, fmt).record.to_json())
    host = record.get("host") or {}
    return {
        "title": record["title"],
        # A MODS name without a role is not said to be an author's: DC's creator is.
        "creators": [{k: v for k, v in c.items() if k != "role"} for c in record["creators"]],
        "date": record.get("publication_date"),
        "languages": record.get("languages"),
        "identifiers": record.get("identifiers"),
        "host identifiers": host.get("identifiers"),
        "series": record.get("series"),
        "subjects": [s["value"] for s in record.get("subjects", [])],
        "abstracts": record.get("abstracts"),
        "type": record["resource_type"]["uri"],
        "licenses": record.get("licenses"),
    }


@pytest.mark.parametrize("name", ITEMS)
def test_an_item_crosswalks_alike_in_dspaces_three_formats(
    stylesheets: dict[str, etree.XSLT], name: str
) -> None:
    item = _item(ITEMS[name])
    said = {fmt: _said(stylesheets[fmt], item, fmt) for fmt in FORMATS}
    assert said["qdc"] == said["oai_dc"]
    assert said["mods"] == said["oai_dc"]
    assert said["mods"]["title"]["value"] == ITEMS[name]["dc.title"][0]
