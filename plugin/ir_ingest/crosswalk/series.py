"""Post-processing steps that read a record's series from the record as a whole (see
:mod:`ir_ingest.crosswalk.post`, which names every step): a monograph's ISSN, DSpace's series
in ``dc:relation``, and a catalogue's series statement.  What is read so is said as an info
issue, ``crosswalk.inferred_series``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ir_ingest.crosswalk.hosts import COAR, inferred

if TYPE_CHECKING:
    from ir_ingest.crosswalk.engine import Applied


#: Outputs published on their own (a book, a report, a thesis): an ISSN on one is its series'.
MONOGRAPH_TYPES = frozenset(
    COAR + suffix
    for suffix in (
        "c_2f33", "c_93fc", "c_18ws", "c_18gh", "c_8042", "c_46ec", "c_db06", "c_bdcc",
        "c_7a1f", "c_f744",
    )
)  # fmt: skip


def series_issn(applied: Applied) -> None:
    """A book's (report's, thesis's) ISSN is its series': a monograph has none of its own.

    DSpace writes a series volume's ISSN into its ``dc:identifier`` (Helda's "Julkaisuja"
    books), where it had stood as the book's own identifier.
    """
    data = applied.data
    if (data.get("resource_type") or {}).get("uri") not in MONOGRAPH_TYPES:
        return
    series = data.get("series") or {}
    issns = [i for i in data.get("identifiers", []) if i.get("scheme") == "issn"]
    if len(issns) != 1 or series.get("issn"):
        return  # several: which is the series' cannot be told
    (issn,) = issns
    data["identifiers"] = [i for i in data["identifiers"] if i is not issn]
    data["series"] = {**series, "issn": issn["value"]}
    applied.lineage.setdefault("series.issn", []).append("identifiers[issn]")
    said = f"the ISSN {issn['value']} of a monograph was taken as its series' ISSN"
    applied.issues.append(inferred(said, "series.issn", code="crosswalk.inferred_series"))


#: DSpace's dc.relation.ispartofseries as its oai_dc writes it: "Series;number", the number
#: with a digit ("ERS; ERS-2001-73-ORG", "Econometric Institute Reports;EI 2000-26/A"), or
#: "Series;" for a series without numbers ("TRAIL Proceedings series;").
_SERIES_RELATION = re.compile(r"^([^;]*[^;\s])\s*;\s*([^;]*\d[^;]*)?$")
#: A relation that says what it is before a colon, with no space after it: NSDL's
#: "Citation of a publication:T.Kagawa, R.Kawai; Acta Crystallogr.,Sect.B, 32, (1976), 3171"
#: (a paper on the same crystal structure, its authors before the semicolon) is no series.
_LABELLED = re.compile(r"^\w[\w #]*:\S")


def series_from_relation(applied: Applied) -> None:
    """A ``dc:relation`` that is DSpace's series and number gives the series' title and number,
    where no series title is known; the value stays in ``extra``, and an info issue says so."""
    data = applied.data
    if (data.get("series") or {}).get("title"):
        return
    found = [
        match
        for text in data.get("extra", {}).get("dc:relation", [])
        if (match := _SERIES_RELATION.match(text)) and not _LABELLED.match(text)
    ]
    if len(found) != 1:
        return  # several: which is the output's own series cannot be told
    title, number = found[0].groups()
    data["series"] = {**(data.get("series") or {}), "title": title}
    applied.lineage.setdefault("series.title", []).append("dc:relation")
    if number:
        data["series"]["number"] = number.strip()
        applied.lineage.setdefault("series.number", []).append("dc:relation")
    said = f"the series was read from dc:relation {found[0].string!r}"
    applied.issues.append(inferred(said, "dc:relation", code="crosswalk.inferred_series"))


def series_statement(applied: Applied) -> None:
    """A series statement as a catalogue writes it, ``Title ; number`` (ISBD), is the series'
    title and its number, where no number is given apart: "Flore de Buitenzorg ; pt. 5." had
    been a series title whole."""
    data = applied.data
    for field, series in (
        ("series", data.get("series")),
        ("host.series", (data.get("host") or {}).get("series")),
    ):
        if not isinstance(series, dict) or series.get("number"):
            continue
        title, separator, number = (series.get("title") or "").rpartition(" ; ")
        if separator and title.strip() and number.strip(" ."):
            series["title"], series["number"] = title.strip(), number.strip().removesuffix(".")
            paths = applied.lineage.get(f"{field}.title", [])
            applied.lineage.setdefault(f"{field}.number", []).extend(paths)
