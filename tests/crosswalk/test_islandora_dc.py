"""A MODS record as Islandora's OAI module serves it in oai_dc.

Islandora's stylesheet (``xslt/islandora/islandora_oai_mods_to_dc_oai.xsl`` in the shared
corpus, run by libxslt with access control denied) writes every name as a contributor with its
role's term and code glued after it ("Smith, Jane (authoraut)"), a language's code and script
glued ("engLatn"), and an identifier's type before it ("uri: https://…").  Read from that DC,
the record must say what it says read from the MODS, where DC can say it: before this test
its DC had no creator and no language, its people's given names ended "(authoraut)", its
identifiers were all in extra, and its corporate publisher was a person, family name "Press".
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from lxml import etree

from ir_ingest import xmlsafe
from ir_ingest.crosswalk import crosswalk_record

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.corpus

MODS = b"""<mods xmlns="http://www.loc.gov/mods/v3" version="3.5">
  <titleInfo><title>Weirs of the upper Kestrel</title><subTitle>a survey</subTitle></titleInfo>
  <name type="personal"><namePart>Ferreira-Lund, Ingrid</namePart>
    <role><roleTerm type="text" authority="marcrelator">author</roleTerm>
      <roleTerm type="code" authority="marcrelator">aut</roleTerm></role></name>
  <name type="personal"><namePart>Okafor, Chinedu</namePart>
    <role><roleTerm type="text" authority="marcrelator">editor</roleTerm>
      <roleTerm type="code" authority="marcrelator">edt</roleTerm></role></name>
  <name type="corporate"><namePart>Kestrel Valley Press</namePart>
    <role><roleTerm type="text" authority="marcrelator">Publisher</roleTerm></role></name>
  <typeOfResource>text</typeOfResource>
  <genre authority="marcgt">book</genre>
  <originInfo><publisher>Kestrel Valley Press</publisher></originInfo>
  <language><languageTerm type="code" authority="iso639-2b">eng</languageTerm>
    <scriptTerm type="code" authority="iso15924">Latn</scriptTerm></language>
  <abstract>Weirs were surveyed.</abstract>
  <identifier type="uri">https://hdl.handle.net/20.500.12345/77</identifier>
  <identifier type="doi">10.5555/kestrel.77</identifier>
  <identifier type="isbn">978-3-16-148410-0</identifier>
</mods>"""


def _said(root: etree._Element, fmt: str) -> dict[str, Any]:
    record = json.loads(crosswalk_record(root, fmt).record.to_json())
    subtitle = (record.get("subtitle") or {}).get("value")
    people = [(c.get("type"), c.get("family_name"), c.get("given_name"), c.get("role")) for c in
              record.get("creators", []) + record.get("contributors", [])]  # fmt: skip
    return {
        "title": record["title"]["value"] + (f": {subtitle}" if subtitle else ""),
        "creators": [c["name"].partition(" (")[0] for c in record.get("creators", [])],
        "people": people,
        "languages": record.get("languages"),
        "identifiers": record.get("identifiers"),
        "publisher": record.get("publisher"),
        "type": record["resource_type"]["uri"],
        "abstracts": record.get("abstracts"),
    }


def test_a_record_reads_alike_from_islandoras_dc_and_its_mods(corpus: Path) -> None:
    stylesheet_path = corpus / "xslt" / "islandora" / "islandora_oai_mods_to_dc_oai.xsl"
    stylesheet = etree.XSLT(
        xmlsafe.parse(stylesheet_path.read_bytes()).root,
        access_control=etree.XSLTAccessControl.DENY_ALL,  # type: ignore[attr-defined]
    )
    mods = xmlsafe.parse(MODS).root
    served = xmlsafe.parse(etree.tostring(stylesheet(mods))).root
    assert _said(served, "oai_dc") == _said(mods, "mods")
    assert _said(served, "oai_dc")["creators"] == ["Ferreira-Lund, Ingrid"]
