"""Steps that read a record's series from the record as a whole (crosswalk/series.py)."""

from __future__ import annotations

import pytest

from ir_ingest.crosswalk.engine import Applied
from ir_ingest.crosswalk.series import series_from_relation, series_issn, series_statement

COAR = "http://purl.org/coar/resource_type/"


def test_a_books_issn_is_its_series() -> None:
    # DSpace (Helda) gives a series volume's ISSN as the book's own dc:identifier.
    book = "http://purl.org/coar/resource_type/c_2f33"
    applied = Applied(
        {
            "resource_type": {"uri": book},
            "identifiers": [
                {"scheme": "issn", "value": "17966361"},
                {"scheme": "url", "value": "u"},
            ],
        }
    )
    series_issn(applied)
    assert applied.data["series"] == {"issn": "17966361"}
    assert applied.data["identifiers"] == [{"scheme": "url", "value": "u"}]
    assert [i.code for i in applied.issues] == ["crosswalk.inferred_series"]
    # An article's ISSN is its journal's, which host_from_part reads: not a series'.
    article = Applied(
        {
            "resource_type": {"uri": "http://purl.org/coar/resource_type/c_6501"},
            "identifiers": [{"scheme": "issn", "value": "17966361"}],
        }
    )
    series_issn(article)
    assert "series" not in article.data


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Flore de Buitenzorg ; pt. 5.", {"title": "Flore de Buitenzorg", "number": "pt. 5"}),
        # The number is after the last ";": a subseries stays in the title (a review).
        ("Reports ; Memoirs ; no. 3", {"title": "Reports ; Memoirs", "number": "no. 3"}),
    ],
)
def test_a_series_statement_is_its_title_and_number(title: str, expected: dict[str, str]) -> None:
    applied = Applied(
        {
            "series": {"title": title},
            "host": {"series": {"title": "Fact sheets ; HLA-6222", "number": "9"}},
        }
    )
    series_statement(applied)
    assert applied.data["series"] == expected
    assert applied.data["host"]["series"]["title"] == "Fact sheets ; HLA-6222", "a number given"


def test_dspaces_series_in_a_relation_is_the_series() -> None:
    # DSpace's dc.relation.ispartofseries ("Series;number") had stayed in extra alone.
    applied = Applied({"extra": {"dc:relation": ["Econometric Institute Reports;EI 2000-26/A"]}})
    series_from_relation(applied)
    assert applied.data["series"] == {
        "title": "Econometric Institute Reports",
        "number": "EI 2000-26/A",
    }
    assert [i.code for i in applied.issues] == ["crosswalk.inferred_series"]
    # A series without numbers, "Series;" (ARNO's), had stayed in extra.
    unnumbered = Applied({"extra": {"dc:relation": ["Harbour Studies series;"]}})
    series_from_relation(unnumbered)
    assert unnumbered.data["series"] == {"title": "Harbour Studies series"}
    # Two such, or one whose number has no digit, say nothing of the record's own series.
    # Nor does a labelled one, NSDL's cited paper (its series had been "Citation of a
    # publication:T.Kagawa, R.Kawai", number "Acta Crystallogr.,Sect.B, 32, (1976), 3171").
    cited = (
        "Citation of a publication:T.Kagawa, R.Kawai; Acta Crystallogr.,Sect.B, 32, (1976), 3171"
    )
    for relations in (["A;1", "B;2"], ["Related work; see the data"], [cited]):
        untouched = Applied({"extra": {"dc:relation": relations}})
        series_from_relation(untouched)
        assert "series" not in untouched.data
