"""Why the record model is msgspec: build + serialise a record, against dataclasses + json.

Run:  python bench/schema.py
Prints microseconds per record for each and the ratio (dataclasses time / msgspec time).
Both build the same nested record (the seed chapter's shape) and encode it to JSON bytes.
"""

from __future__ import annotations

import dataclasses
import json
import timeit
from dataclasses import dataclass, field

from ir_ingest.schema import Agent, Host, HostIdentifier, Record, Source, Subject, Text


@dataclass
class DText:
    value: str
    lang: str | None = None


@dataclass
class DAgent:
    family_name: str
    given_name: str
    role: str
    type: str = "personal"


@dataclass
class DHostIdentifier:
    scheme: str
    value: str
    qualifier: str | None = None


@dataclass
class DHost:
    title: str
    editors: list[DAgent] = field(default_factory=list)
    identifiers: list[DHostIdentifier] = field(default_factory=list)


@dataclass
class DSubject:
    value: str
    scheme: str = "keyword"


@dataclass
class DSource:
    repository: str
    oai_identifier: str
    datestamp: str
    metadata_prefix: str


@dataclass
class DRecord:
    id: str
    source: DSource
    title: DText
    creators: list[DAgent]
    subjects: list[DSubject]
    host: DHost
    languages: list[str]
    publication_date: str


PEOPLE = [("Schlappa", "Hans", "aut"), ("Imani", "Yassaman", "aut")]
EDITORS = [("Brandsen", "Taco", "edt"), ("Verschuere", "Bram", "edt"), ("Steen", "Trui", "edt")]
ISBNS = [("9781315204956", "electronic"), ("9780367735012", "print"), ("9781138700116", "print")]


def build_msgspec() -> bytes:
    record = Record(
        id="x",
        source=Source(repository="r", oai_identifier="o", datestamp="d", metadata_prefix="oai_dc"),
        title=Text(value="Who is in the lead?", lang="eng"),
        creators=[Agent(family_name=f, given_name=g, role=r) for f, g, r in PEOPLE],
        subjects=[Subject(value="Public Services"), Subject(value="leadership")],
        host=Host(
            title="Co-production and co-creation",
            editors=[Agent(family_name=f, given_name=g, role=r) for f, g, r in EDITORS],
            identifiers=[HostIdentifier(scheme="isbn", value=v, qualifier=q) for v, q in ISBNS],
        ),
        languages=["eng"],
        publication_date="2020-12-18",
    )
    return record.to_json()


def build_dataclasses() -> bytes:
    record = DRecord(
        id="x",
        source=DSource("r", "o", "d", "oai_dc"),
        title=DText("Who is in the lead?", "eng"),
        creators=[DAgent(f, g, r) for f, g, r in PEOPLE],
        subjects=[DSubject("Public Services"), DSubject("leadership")],
        host=DHost(
            "Co-production and co-creation",
            [DAgent(f, g, r) for f, g, r in EDITORS],
            [DHostIdentifier("isbn", v, q) for v, q in ISBNS],
        ),
        languages=["eng"],
        publication_date="2020-12-18",
    )
    return json.dumps(dataclasses.asdict(record)).encode()


def main() -> None:
    number = 20_000
    timings = {}
    for name, func in (("msgspec", build_msgspec), ("dataclasses+json", build_dataclasses)):
        best = min(timeit.repeat(func, number=number, repeat=5))
        timings[name] = best / number * 1e6
        print(f"{name:18s} {timings[name]:7.2f} µs/record")
    print(f"ratio dataclasses/msgspec: {timings['dataclasses+json'] / timings['msgspec']:.1f}x")


if __name__ == "__main__":
    main()
