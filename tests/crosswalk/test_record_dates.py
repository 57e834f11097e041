"""Post-processing steps about a record's dates (crosswalk/record_dates.py)."""

from __future__ import annotations

import pytest

from ir_ingest import xmlsafe
from ir_ingest.crosswalk import crosswalk_record
from ir_ingest.crosswalk.engine import Applied
from ir_ingest.crosswalk.record_dates import date_from_other_dates, date_of_no_kind


def test_a_created_date_stands_for_a_publication_date_not_given() -> None:
    # A photograph's MODS gives only dateCreated: it had no date at all.
    applied = Applied(
        {"dates": [{"date": "2001", "type": "collected"}, {"date": "1958", "type": "created"}]}
    )
    date_from_other_dates(applied)
    assert applied.data["publication_date"] == "1958"
    assert [i.code for i in applied.issues] == ["crosswalk.inferred_date"]
    # A digitisation date is no publication date; a given publication date stays.
    for data in ({"dates": [{"date": "2001", "type": "collected"}]}, {"publication_date": "1990"}):
        untouched = Applied(dict(data))
        date_from_other_dates(untouched)
        assert untouched.data == data


def test_an_approximate_date_stands_for_a_publication_date_not_given() -> None:
    # DPLA's photograph with only dateCreated "1891?" had no date at all.
    applied = Applied({"extra": {"mods:originInfo/mods:dateCreated": ["1891?"]}})
    date_from_other_dates(applied)
    assert applied.data["publication_date"] == "1891"
    assert [i.code for i in applied.issues] == ["crosswalk.inferred_date"]
    assert applied.data["extra"] == {"mods:originInfo/mods:dateCreated": ["1891?"]}, "kept"


def test_a_date_of_no_kind_stands_for_a_publication_date_not_given() -> None:
    # LoC's DC to MODS stylesheet writes dc:date as dateOther: such a record had no date.
    applied = Applied({"dates": [{"date": "1997", "type": "other"}]})
    date_of_no_kind(applied)
    assert applied.data["publication_date"] == "1997"
    assert [i.code for i in applied.issues] == ["crosswalk.inferred_date"]
    assert applied.lineage == {"publication_date": ["dates[other]"]}


@pytest.mark.parametrize(
    "data",
    [
        {"dates": [{"date": "2022-06-14", "type": "other", "description": "defence"}]},
        {"dates": [{"date": "2001", "type": "collected"}]},
        {"publication_date": "1990", "dates": [{"date": "1997", "type": "other"}]},
    ],
)
def test_a_date_of_a_stated_kind_or_a_given_publication_date_is_left(
    data: dict[str, object],
) -> None:
    applied = Applied(dict(data))
    date_of_no_kind(applied)
    assert applied.data == data
    assert applied.issues == []


def test_a_mods_date_of_no_kind_is_the_publication_date_a_dc_date_is() -> None:
    # As LoC's simpleDC2MODS writes the one dc:date of an EPrints record.
    mods = (
        '<mods xmlns="http://www.loc.gov/mods/v3"><titleInfo><title>T</title></titleInfo>'
        "<originInfo><dateOther>1997</dateOther></originInfo></mods>"
    )
    record = crosswalk_record(xmlsafe.parse(mods.encode()).root, "mods").record
    assert record.publication_date == "1997"
