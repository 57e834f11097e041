"""MODS -> record throughput against the LoC MODS->DC stylesheet run by libxslt.

Both sides start from the serialised bytes of the same corpus MODS records and parse them with
the project's hardened parser.  Ours then crosswalks,
normalises and validates into a Record; the stylesheet transforms into simple DC.  Same process,
same records, interleaved rounds; the best round of each is reported.

    python -m bench.crosswalk [--rounds 7]
"""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

from lxml import etree

from bench.corpus import corpus_records, loc_stylesheet
from ir_ingest import xmlsafe
from ir_ingest.crosswalk import crosswalk_record
from ir_ingest.validate import validate_record

if TYPE_CHECKING:
    from collections.abc import Callable


def ours(documents: list[bytes]) -> None:
    for data in documents:
        record = crosswalk_record(xmlsafe.parse(data).root, "mods").record
        validate_record(record)


def theirs(documents: list[bytes], transform: etree.XSLT) -> None:
    for data in documents:
        transform(xmlsafe.parse(data).root)


def best_rates(works: tuple[Callable[[], None], ...], count: int, rounds: int) -> tuple[float, ...]:
    """Records a second of each of ``works``, its best round; the rounds interleaved, so that
    whatever else slows the machine for a while slows both sides."""
    best = [float("inf")] * len(works)
    for _ in range(rounds):
        for at, work in enumerate(works):
            start = time.perf_counter()
            work()
            best[at] = min(best[at], time.perf_counter() - start)
    return tuple(count / seconds for seconds in best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=20, help="copies of the corpus per round")
    args = parser.parse_args()
    records = [etree.tostring(element) for _, element, _ in corpus_records("mods")]
    documents = records * args.repeat
    transform = loc_stylesheet()
    ours(records)  # warm the crosswalk registry and lookup tables
    rate_ours, rate_theirs = best_rates(
        (lambda: ours(documents), lambda: theirs(documents, transform)), len(documents), args.rounds
    )
    size = sum(map(len, records)) / len(records)
    print(f"{len(records)} corpus MODS records (mean {size:,.0f} bytes) x {args.repeat}")
    print(f"ir-ingest MODS -> Record (parse, crosswalk, validate): {rate_ours:8,.0f} rec/s")
    print(f"LoC mods_to_dc.xsl via lxml/libxslt (parse, transform): {rate_theirs:8,.0f} rec/s")
    print(f"ratio ours/theirs: {rate_ours / rate_theirs:.2f}x")


if __name__ == "__main__":
    main()
