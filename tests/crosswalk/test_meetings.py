"""Reading a meeting's acronym, name, place and dates from Zenodo's dc:source."""

from __future__ import annotations

import pytest

from ir_ingest.crosswalk.meetings import meeting


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "KSW2025, Kestrel Summit on Water 2025 and 3rd Annual Sessions of the Tidal Society"
            ", Sri Lanka, 13-16 July 2025",
            {"acronym": "KSW2025", "place": "Sri Lanka", "dates": "2025-07-13/2025-07-16",
             "name": "Kestrel Summit on Water 2025 and 3rd Annual Sessions of the Tidal Society"},
        ),
        (
            "TIDE 2024, Tidal Conference, Rio de Janeiro, Brazil, 30 June - 2 July 2024",
            {"acronym": "TIDE 2024", "name": "Tidal Conference", "place": "Rio de Janeiro, Brazil",
             "dates": "2024-06-30/2024-07-02"},
        ),
        (  # an abbreviated title is no acronym: it stays in the name
            "Int. Conf. Tid. Eng., International Conference on Tidal Engineering, Kadapa, AP"
            ", 2024-11-06",
            {"name": "Int. Conf. Tid. Eng., International Conference on Tidal Engineering",
             "place": "Kadapa, AP", "dates": "2024-11-06"},
        ),
        ("Tidal Summit, Kestrelford, July 13, 2025",
         {"name": "Tidal Summit", "place": "Kestrelford", "dates": "2025-07-13"}),
        ("Tidal Summit, 2025", {"name": "Tidal Summit", "dates": "2025"}),
        ("Tidal Summit, Kestrelford, July 13-16, 2025",
         {"name": "Tidal Summit", "place": "Kestrelford", "dates": "2025-07-13/2025-07-16"}),
        # American days across a year end are three parts: only two were tried, and the dates
        # and place had stayed in the name.
        ("Tidal Summit, Kestrelford, December 30, 2024 - January 2, 2025",
         {"name": "Tidal Summit", "place": "Kestrelford", "dates": "2024-12-30/2025-01-02"}),
        # Dates in Portuguese; a title with commas in it, and no place that reads as one.
        ("I Seminário de Marés - Ondas, Correntes e Costas ao Longo do Século XXI, Universidade "
         "de Kestrel, Iuperj, 05- 07 novembro de 2025",
         {"name": "I Seminário de Marés - Ondas, Correntes e Costas ao Longo do Século XXI, "
                  "Universidade de Kestrel, Iuperj",
          "dates": "2025-11-05/2025-11-07"}),
        ("\u0422\u0410\u041a-2025, Tidal Conference, Drohobych, Ukraine, 18-19 November 2025",
         {"acronym": "\u0422\u0410\u041a-2025", "name": "Tidal Conference",
          "place": "Drohobych, Ukraine", "dates": "2025-11-18/2025-11-19"}),
        ("TIDE, Tidal Summit", {"acronym": "TIDE", "name": "Tidal Summit"}),
        # What follows the name and reads as no place is the name's ("Networks and Systems").
        ("Conference on Tides, Waves and Currents, Kestrelford, 2025",
         {"name": "Conference on Tides, Waves and Currents, Kestrelford", "dates": "2025"}),
    ],
)  # fmt: skip
def test_a_meeting_as_zenodo_writes_it(source: str, expected: dict[str, str]) -> None:
    # Zenodo joins a meeting's acronym, title, place and dates with ", " into dc:source.
    assert meeting(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "Tidal Summit 2025",
        "Annual Meeting of the Tidal Society",
        # Days in a form not read: the year alone would leave "Jul. 13-16" in the name.
        "Tidal Summit, Kestrelford, Jul. 13-16, 2025",
        # A day and month, or a month, a comma parts from the year: they are no name or place.
        "Tidal Summit, Kestrelford, 13 July, 2025",
        "Tidal Summit, Kestrelford, March, 2025",
        "Tidal Lectures, Kestrelford, 13-16 July 2025",  # no part names a meeting
    ],
)
def test_a_meeting_of_no_clear_shape_is_its_name_whole(source: str) -> None:
    assert meeting(source) == {"name": source}
