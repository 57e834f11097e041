"""Post-processing steps about a record's dates as a whole (see :mod:`ir_ingest.crosswalk.post`,
which names every step): the publication date as an ``issued`` date, what stands for a
publication date the source does not give, and the qualifiers EDTF level 0 cannot say.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ir_ingest.crosswalk.dates import approximate_year
from ir_ingest.crosswalk.hosts import inferred
from ir_ingest.entry import Issue, Severity

if TYPE_CHECKING:
    from ir_ingest.crosswalk.engine import Applied


def issued_date(applied: Applied) -> None:
    """The publication date is also the ``issued`` event in ``dates`` (DataCite dateType Issued)."""
    data = applied.data
    date = data.get("publication_date")
    dates = data.setdefault("dates", [])
    if date and not any(d.get("type") == "issued" for d in dates):
        dates.insert(0, {"date": date, "type": "issued"})
        applied.lineage.setdefault("dates", []).append("publication_date")


#: The dates that stand for the publication date where the source gives none, in order: when
#: the work was made, copyrighted, accepted, submitted.  Not when it was digitised (collected)
#: or its record changed (updated).
_STAND_IN_DATES = ("created", "copyrighted", "accepted", "submitted")


def date_from_other_dates(applied: Applied) -> None:
    """No publication date: the first of another kind stands for it (OpenAIRE's advice,
    targets.md §4.2 note 3), said by ``crosswalk.inferred_date``.  Run after
    :func:`issued_date`: the date stands for the publication's, but was no issue date.

    A photograph's or a manuscript's MODS gives only ``dateCreated``: it had no date at all.
    """
    data = applied.data
    if data.get("publication_date"):
        return
    dates = {d.get("type"): d.get("date") for d in reversed(data.get("dates", []))}
    kind = next((kind for kind in _STAND_IN_DATES if dates.get(kind)), None)
    if kind is None:
        _approximate_date(applied)
        return
    _stands_for_it(applied, dates[kind], f"dates[{kind}]", f"the {kind} date {dates[kind]}")


#: Where the rules leave a date they could not read, in ``extra``.
_DATE_PATHS = (
    "dc:date", "dcterms:issued", "dcterms:created", "mods:originInfo/mods:dateIssued",
    "mods:originInfo/mods:dateCreated",
)  # fmt: skip


def _approximate_date(applied: Applied) -> None:
    """No date at all but an approximate one ("ca. 1850", "[1891?]"): its year stands for the
    publication date, said by ``crosswalk.inferred_date``, as a MODS date qualified
    approximate is kept as its year.  The source's wording stays in ``extra``."""
    extra = applied.data.get("extra", {})
    for path in _DATE_PATHS:
        for written in extra.get(path, []):
            year = approximate_year(written)
            if year is not None:
                said = f"the approximate date {written!r}"
                _stands_for_it(applied, year, path, said, f" as {year}", issue_path=path)
                return


def date_of_no_kind(applied: Applied) -> None:
    """No publication date, nor one to stand for it (:func:`date_from_other_dates`): the first
    date the source gives no kind (MODS ``dateOther`` without a ``type``) stands for it, said
    by ``crosswalk.inferred_date``.

    LoC's DC to MODS stylesheet writes every ``dc:date`` as such a ``dateOther``: a record it
    made had no publication date, where its DC gave one.  Not for DC itself, whose dates of no
    kind are DSpace's accession timestamps; nor a ``dateOther`` that says its kind (a thesis's
    defence).
    """
    data = applied.data
    if data.get("publication_date"):
        return
    date = next(
        (
            d["date"]
            for d in data.get("dates", [])
            if d.get("type") == "other" and "description" not in d
        ),
        None,
    )
    if date is None:
        return
    _stands_for_it(applied, date, "dates[other]", f"the date {date}, of no stated kind,")


def _stands_for_it(
    applied: Applied,
    date: str,
    source: str,
    said: str,
    how: str = "",
    issue_path: str = "publication_date",
) -> None:
    """Make ``date`` the publication date the source does not give, from ``source`` (its
    lineage), said by ``crosswalk.inferred_date``: "no publication date: {said} stands for
    it{how}"."""
    applied.data["publication_date"] = date
    applied.lineage.setdefault("publication_date", []).append(source)
    message = f"no publication date: {said} stands for it{how}"
    applied.issues.append(inferred(message, issue_path, code="crosswalk.inferred_date"))


def date_qualifiers(applied: Applied) -> None:
    """Say which dates the source qualified: EDTF level 0 cannot, so the date reads as exact.

    MODS ``<dateIssued qualifier="approximate">1850</dateIssued>`` gives 1850 as the date; the
    qualifier (a value attribute no rule takes) is in ``extra`` and an info issue names it.
    """
    for path, values in applied.data.get("extra", {}).items():
        if not path.endswith("/@qualifier"):
            continue
        element = path.removesuffix("/@qualifier")
        for qualifier in values:
            applied.issues.append(
                Issue(
                    code="crosswalk.date_qualifier",
                    message=f"{element} is {qualifier}: the date is kept as written (EDTF "
                    "level 0 cannot qualify it) and the qualifier is in extra",
                    severity=Severity.INFO,
                    path=path,
                )
            )
