"""Helpers of the differential tests: a platform's stylesheet from the shared corpus, run as
the platform runs it, and a record's values per field, to compare one record read from two
formats."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import pycountry
from bench.corpus import comparable, strings
from lxml import etree

from ir_ingest import xmlsafe
from ir_ingest.crosswalk import crosswalk_record

if TYPE_CHECKING:
    from pathlib import Path

XSL = "http://www.w3.org/1999/XSL/Transform"
#: LoC's DC-to-MODS stylesheets include six vocabularies the corpus does not hold: DCMI's
#: types, the media types' top level and ISO 639-2's codes (pycountry's) stand in; the forms,
#: projections and ISO 3166 lists are empty, so the stylesheet takes no value for one of those.
ISO_639_2 = {language.alpha_3 for language in pycountry.languages} | {
    getattr(language, "bibliographic", language.alpha_3) for language in pycountry.languages
}
LOC_STAND_INS = {
    "dcmiType.xsl": {"types": "Collection Dataset Event Image InteractiveResource MovingImage "
                     "PhysicalObject Service Software Sound StillImage Text"},
    "mimeType.xsl": {"mimeTypeDirectories": "application audio font image model text video"},
    "iso639-2.xsl": {"iso639-2": " ".join(sorted(ISO_639_2))},
    "forms.xsl": {"forms": ""},
    "csdgm.xsl": {"projections": ""},
    "iso3166-1.xsl": {"iso3166-1": ""},
}  # fmt: skip
#: What a record says about its own making, or only in the words of one format.
UNCOMPARED = ("id", "source", "extra")
#: Labels a format may have no way to say (a date's or a link's type): not values.
LABELS = ("type", "relation")


def stylesheet(path: Path, stand_ins: dict[str, dict[str, str]] | None = None) -> etree.XSLT:
    """The stylesheet at ``path``, run by libxslt with every file and network access denied.

    ``stand_ins`` answers the files it includes, by name, with global variables of the given
    values (``{"iso639-2.xsl": {"iso639-2": "eng fre ..."}}``): LoC's DC-to-MODS stylesheets
    include vocabularies the corpus does not hold.
    """
    deny_all = etree.XSLTAccessControl.DENY_ALL  # type: ignore[attr-defined]  # missing in stubs
    if not stand_ins:
        return etree.XSLT(xmlsafe.parse(path.read_bytes()).root, access_control=deny_all)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    parser.resolvers.add(_StandIns(stand_ins))
    root = etree.fromstring(path.read_bytes(), parser, base_url=str(path))
    return etree.XSLT(root.getroottree(), access_control=deny_all)


class _StandIns(etree.Resolver):
    """Answers an included file by its name with variables; any other load with nothing."""

    def __init__(self, stand_ins: dict[str, dict[str, str]]) -> None:
        self.stand_ins = stand_ins

    def resolve(self, system_url: str, public_id: str, context: object) -> Any:  # type: ignore[override]
        variables = self.stand_ins.get(system_url.rsplit("/", 1)[-1])
        if variables is None:
            return self.resolve_string("", context, base_url=system_url)
        held = "".join(
            f'<xsl:variable name="{name}">{escape(value)}</xsl:variable>'
            for name, value in variables.items()
        )
        xsl = f'<xsl:stylesheet version="1.0" xmlns:xsl="{XSL}">{held}</xsl:stylesheet>'
        return self.resolve_string(xsl, context, base_url=system_url)


def converted(transform: etree.XSLT, element: etree._Element) -> etree._Element:
    """``element`` (as its own document) in the stylesheet's format, parsed as we parse a
    harvested record."""
    source = xmlsafe.parse(etree.tostring(element)).root
    return xmlsafe.parse(etree.tostring(transform(source))).root


def record(element: etree._Element, fmt: str) -> dict[str, Any]:
    """The record ``fmt``'s crosswalk makes of ``element``, as JSON gives it."""
    result: dict[str, Any] = json.loads(crosswalk_record(element, fmt).record.to_json())
    return result


def values(made: dict[str, Any], merged: dict[str, str] | None = None) -> dict[str, set[str]]:
    """Each field's values, normalised as ``bench.corpus`` compares them, labels left out.

    ``merged`` names fields counted as another (``{"publication_date": "dates"}``: a format
    that cannot say which date is the issue date still says the date).
    """
    found: dict[str, set[str]] = {}
    fields = {n: v for n, v in made.items() if n not in UNCOMPARED and not isinstance(v, dict)}
    # A field of fields (coverage's spatial and temporal, a host's title) is each of them.
    for name, value in made.items():
        if name not in UNCOMPARED and isinstance(value, dict):
            fields.update({f"{name}.{part}": held for part, held in value.items()})
    for name, value in fields.items():
        held = found.setdefault((merged or {}).get(name, name), set())
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                item = {k: v for k, v in item.items() if k not in LABELS}
            held.update(comparable(text) for text in strings(item))
    return found


def not_in(poorer: dict[str, set[str]], richer: dict[str, set[str]]) -> dict[str, set[str]]:
    """What ``poorer`` has in a field that ``richer`` has not in that field."""
    missing = {name: held - richer.get(name, set()) for name, held in poorer.items()}
    return {name: held for name, held in missing.items() if held}
