"""One record written as oai_dc, qualified DC and MODS crosswalks to the same fields.

Each format says the record its own way (a name whole or in parts, a language as a code or a
name, a date in the forms repositories write, a host as a citation or as a relatedItem); what
all three can say must come out alike.  A differential fuzz of this kind found dates written
``30.11.2019`` and citations written ``Journal, vol. 12, no. 3, pp. 45-67`` read in MODS and
lost in DC.
"""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from ir_ingest import xmlsafe
from ir_ingest.crosswalk import crosswalk_record

_FAMILIES = ("Smith", "van der Berg", "O'Neil", "Müller", "García Márquez", "de Souza", "Ng")
_GIVENS = ("John", "Anna-Lena", "J.", "J. A.", "María José", "Wei", "Hans Peter")
_TITLES = ("Nitrogen uptake in saltmarsh grasses", "Über die Elektrodynamik", "Data & society")
#: A date and the ways DC writes it; MODS writes the first (W3CDTF).
_DATES = (
    ("2020", "[2020]", "c2020"),
    ("2021-05", "May 2021", "mai 2021"),
    ("2019-11-30", "2019-11-30T10:00:00Z", "30 November 2019", "30.11.2019"),
)
#: A language: MODS's ISO 639-2/B code, then what DC writes (639-1, 639-2/B, its name).
_LANGUAGES = (("ger", "de", "German"), ("fre", "fr", "French"), ("dut", "nl", "Dutch"))
#: A type: its info:eu-repo term, the words DC and MODS genre write.
_TYPES = (
    ("article", "Journal article", "article"),
    ("doctoralThesis", "Doctoral thesis", "doctoral thesis"),
    ("conferenceObject", "Conference object", "conference object"),
)
_ACCESS = (("openAccess", "open access"), ("embargoedAccess", "embargoed access"))
#: A journal: title, volume, issue, first and last page, and how DC cites it.
_CITATIONS = (
    "{t}, {v}({i}), {a}-{b}",
    "{t} {v}({i}):{a}-{b}",
    "{t}; Vol {v} No {i}; {a}-{b}",
    "{t}, vol. {v}, no. {i}, pp. {a}-{b}",
    "{t}, Vol. {v}, Issue {i}, {a}-{b}",
)


@st.composite
def _records(draw: st.DrawFn) -> dict[str, Any]:
    people = st.tuples(st.sampled_from(_FAMILIES), st.sampled_from(_GIVENS))
    return {
        "title": draw(st.sampled_from(_TITLES)),
        "subtitle": draw(st.sampled_from((None, "a review"))),
        "creators": draw(st.lists(people, min_size=1, max_size=3, unique=True)),
        "date": draw(st.sampled_from(_DATES)),
        "language": draw(st.sampled_from(_LANGUAGES)),
        "doi": f"10.{draw(st.integers(1000, 9999))}/j.x.{draw(st.integers(1, 99))}",
        "subjects": draw(st.lists(st.sampled_from(("Ecology", "History, Modern")), unique=True)),
        "publisher": draw(st.sampled_from((None, "Leiden University Press"))),
        "type": draw(st.sampled_from(_TYPES)),
        "access": draw(st.sampled_from(_ACCESS)),
        "journal": draw(st.sampled_from((None, ("Journal of Ecology", "12", "3", "45", "67")))),
        # How each DC record writes what it may write more than one way.
        "dc_forms": draw(st.lists(st.integers(0, 3), min_size=6, max_size=6)),
    }


def _dc(record: dict[str, Any], qualified: bool) -> str:
    forms = record["dc_forms"]
    date_forms, language, kind = record["date"], record["language"], record["type"]
    title = record["title"] + (f": {record['subtitle']}" if record["subtitle"] else "")
    parts = [("title", title)]
    parts += [("creator", f"{family}, {first}") for family, first in record["creators"]]
    parts.append(("date", date_forms[forms[0] % len(date_forms)]))
    parts.append(("language", language[forms[1] % 3] if forms[1] % 3 else language[1]))
    parts.append(("identifier", ("doi:", "https://doi.org/", "info:doi/")[forms[2] % 3]))
    parts[-1] = ("identifier", parts[-1][1] + record["doi"])
    parts += [("subject", subject) for subject in record["subjects"]]
    if record["publisher"]:
        parts.append(("publisher", record["publisher"]))
    parts.append(("type", f"info:eu-repo/semantics/{kind[0]}" if forms[3] % 2 else kind[1]))
    parts.append(("rights", f"info:eu-repo/semantics/{record['access'][0]}"))
    if record["journal"] and kind[0] == "article":
        title, volume, issue, first, last = record["journal"]
        cited = _CITATIONS[forms[4] % len(_CITATIONS)]
        parts.append(("source", cited.format(t=title, v=volume, i=issue, a=first, b=last)))
    body = "".join(f"<dc:{name}>{escape(value)}</dc:{name}>" for name, value in parts)
    if qualified:
        return (
            '<q:qualifieddc xmlns:q="http://worldcat.org/xmlschemas/qdc-1.0/" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/">{body}</q:qualifieddc>'
        )
    return (
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/">{body}</oai_dc:dc>'
    )


def _mods(record: dict[str, Any]) -> str:
    subtitle = record["subtitle"]
    parts = [
        f"<titleInfo><title>{escape(record['title'])}</title>"
        + (f"<subTitle>{subtitle}</subTitle>" if subtitle else "")
        + "</titleInfo>"
    ]
    for at, (family, first) in enumerate(record["creators"]):
        named = (
            f'<namePart type="family">{escape(family)}</namePart>'
            f'<namePart type="given">{escape(first)}</namePart>'
            if at % 2
            else f"<namePart>{escape(family)}, {escape(first)}</namePart>"
        )
        parts.append(f'<name type="personal">{named}</name>')
    publisher = f"<publisher>{record['publisher']}</publisher>" if record["publisher"] else ""
    parts.append(
        f'<originInfo>{publisher}<dateIssued encoding="w3cdtf">{record["date"][0]}</dateIssued>'
        "</originInfo>"
    )
    parts.append(
        '<language><languageTerm type="code" authority="iso639-2b">'
        f"{record['language'][0]}</languageTerm></language>"
    )
    parts.append(f'<identifier type="doi">{record["doi"]}</identifier>')
    parts += [f"<subject><topic>{subject}</topic></subject>" for subject in record["subjects"]]
    parts.append(f"<genre>{record['type'][2]}</genre>")
    parts.append(
        f'<accessCondition type="restriction on access">{record["access"][1]}</accessCondition>'
    )
    if record["journal"] and record["type"][0] == "article":
        title, volume, issue, first, last = record["journal"]
        parts.append(
            f'<relatedItem type="host"><titleInfo><title>{title}</title></titleInfo><part>'
            f'<detail type="volume"><number>{volume}</number></detail>'
            f'<detail type="issue"><number>{issue}</number></detail>'
            f'<extent unit="pages"><start>{first}</start><end>{last}</end></extent>'
            "</part></relatedItem>"
        )
    return f'<mods xmlns="http://www.loc.gov/mods/v3">{"".join(parts)}</mods>'


def _what_all_can_say(xml: str, crosswalk: str) -> dict[str, Any]:
    result = crosswalk_record(xmlsafe.parse(xml.encode()).root, crosswalk)
    record = json.loads(result.record.to_json())
    subtitle = (record.get("subtitle") or {}).get("value")
    host = record.get("host") or {}
    return {
        "title": record["title"]["value"] + (f": {subtitle}" if subtitle else ""),
        "creators": [(c.get("family_name"), c.get("given_name")) for c in record["creators"]],
        "date": record.get("publication_date"),
        "languages": record.get("languages"),
        "identifiers": record.get("identifiers"),
        "subjects": sorted(s["value"] for s in record.get("subjects", [])),
        "publisher": record.get("publisher"),
        "type": record["resource_type"]["uri"],
        "access": record.get("access_right"),
        "host": {k: host.get(k) for k in ("title", "volume", "issue", "pages")},
    }


@settings(max_examples=150, deadline=None)
@given(_records())
def test_one_record_in_three_formats_crosswalks_alike(record: dict[str, Any]) -> None:
    ours = _what_all_can_say(_mods(record), "mods")
    assert _what_all_can_say(_dc(record, qualified=False), "oai_dc") == ours
    assert _what_all_can_say(_dc(record, qualified=True), "qdc") == ours
