"""The shared corpus: find its records, and compare us with the LoC MODS->DC stylesheet.

Used by ``bench/crosswalk.py`` and the corpus tests; run it to print the figures::

    python -m bench.corpus            # coverage per format and the LoC comparison
"""

from __future__ import annotations

import html
import os
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from ir_ingest import xmlsafe
from ir_ingest.crosswalk import crosswalk_record
from ir_ingest.crosswalk.coverage import Tally, find_records
from ir_ingest.errors import XMLError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ir_ingest.schema import Record

ROOT = Path(__file__).resolve().parents[1]
#: The shared folder beside the checkout (``../shared``), or where ``IR_INGEST_SHARED`` says:
#: a clone made elsewhere (CI's) is pointed at it so, and its corpus tests run.
SHARED = Path(os.environ.get("IR_INGEST_SHARED") or ROOT.parent / "shared")
CORPUS = SHARED / "corpus"
LOC_XSLT = CORPUS / "xslt" / "islandora" / "mods_to_dc.xsl"
DC = "http://purl.org/dc/elements/1.1/"
#: The dc elements the acceptance criterion compares: title, subject, publisher, description.
COMPARED = ("title", "subject", "publisher", "description")
_TAGS = re.compile(r"<[^>]+>")


def corpus_files() -> list[Path]:
    """Every record file of the corpus (schemas and stylesheets left out)."""
    return sorted(
        p for p in CORPUS.rglob("*.xml") if p.parts[len(CORPUS.parts)] not in ("xsd", "xslt")
    )


def corpus_records(fmt: str | None = None) -> Iterator[tuple[Path, etree._Element, str]]:
    """(file, element, format) for every record a crosswalk reads; unparseable files skipped.

    PROVENANCE.tsv lists the corpus files that are not namespace-well-formed as stored.
    """
    for path in corpus_files():
        try:
            root = xmlsafe.parse(path.read_bytes(), source=str(path)).root
        except XMLError:
            continue
        for element, crosswalk in find_records(root):
            if fmt is None or crosswalk.format == fmt:
                yield path, element, crosswalk.format


def coverage() -> dict[str, Tally]:
    """Share of source values that reached a field, per format, over the whole corpus."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    for _, element, fmt in corpus_records():
        tallies[fmt].add(crosswalk_record(element, fmt))
    return dict(tallies)


def loc_stylesheet() -> etree.XSLT:
    """The LoC MODS->DC stylesheet, with every file and network access denied."""
    deny_all = etree.XSLTAccessControl.DENY_ALL  # type: ignore[attr-defined]  # missing in stubs
    return etree.XSLT(xmlsafe.parse(LOC_XSLT.read_bytes()).root, access_control=deny_all)


def standalone(element: etree._Element) -> etree._Element:
    """A copy of a record element as its own document (the stylesheet matches from the root)."""
    return xmlsafe.parse(etree.tostring(element)).root


@dataclass(slots=True)
class Comparison:
    """What the stylesheet derived and what of it our records hold."""

    compared: int = 0
    found: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.found / self.compared if self.compared else 1.0


def comparable(text: str) -> str:
    """``text`` as two formats' values are compared: markup and entities gone, NFC, white
    space folded, case folded."""
    text = unicodedata.normalize("NFC", html.unescape(_TAGS.sub(" ", text)))
    # The stylesheet always puts a space after nonSort, also after an elided "L'".
    return re.sub(r"\s+", " ", text).replace("' ", "'").strip().casefold()


def strings(value: Any) -> Iterator[str]:
    """Every string in a record's JSON value, however deep."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def present(value: str, record: Record) -> bool:
    """Is a stylesheet-derived value in a field of our record, whole or as the parts it was
    joined from?

    The stylesheet joins subject parts with ``--`` and title parts with ``: `` and ``. ``; each
    part must then be one of our values or inside one (abstracts, titles with subtitles).  What
    is only in ``extra`` does not count: kept is not crosswalked.
    """
    fields = record.to_dict()
    fields.pop("extra", None)
    ours = {comparable(s) for s in strings(fields)}
    everything = " | ".join(sorted(ours))
    return all(_part_present(part, ours, everything) for part in comparable(value).split("--"))


#: What a part is compared without at its ends: a full stop, and ISBD's punctuation between a
#: catalogue's parts ("E.J. Brill,", "Title /"), which our records leave out.
_ENDS = " .:;,/="


def _part_present(part: str, ours: set[str], everything: str) -> bool:
    part = part.strip(_ENDS)
    if not part or part in ours or part in everything:
        return True
    pieces = [p.strip(_ENDS) for p in re.split(r": |\. ", part)]
    return all(not p or p in everything for p in pieces)


def compare_with_loc() -> Comparison:
    """Check every title, subject, publisher and description the LoC stylesheet derives."""
    transform = loc_stylesheet()
    result = Comparison()
    for path, element, _ in corpus_records("mods"):
        record = crosswalk_record(element, "mods").record
        dc = transform(standalone(element))
        for name in COMPARED:
            for node in dc.getroot().iter(f"{{{DC}}}{name}"):
                text = "".join(map(str, node.itertext()))
                if not text.strip():
                    continue
                result.compared += 1
                if present(text, record):
                    result.found += 1
                else:
                    result.misses.append((path.name, name, text[:120]))
    return result


def main() -> None:
    for fmt, tally in sorted(coverage().items()):
        print(
            f"{fmt:7s} {tally.records:4d} records  {tally.source_values:5d} values  "
            f"{tally.share:6.1%} reached a field, the rest is in extra"
        )
    comparison = compare_with_loc()
    print(
        f"LoC MODS->DC: {comparison.found}/{comparison.compared} title, subject, publisher and "
        f"description values found in our records ({comparison.share:.2%})"
    )
    for miss in comparison.misses:
        print("  missing:", *miss)


if __name__ == "__main__":
    main()
