"""CPU cost of the pipeline's process() on oai_dc records as a harvest's crosswalk process has them.

Each record is the serialised OAI ``<record>`` (header and metadata) of one of the test
endpoint's synthetic records (six DC fields: title, creator, date, type, language, a DOI),
without a parsed tree, as records reach the crosswalk process: parse, crosswalk and validate.
The best of several rounds is reported, in microseconds a record.

    python -m bench.process [--records 2000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import time

from lxml import etree
from tests.oai.faults import synthetic_records

from ir_ingest.entry import HarvestedRecord
from ir_ingest.pipeline import process
from ir_ingest.xmlsafe import OAI_NS


def harvested_records(count: int) -> list[HarvestedRecord]:
    """``count`` synthetic oai_dc records, each as the bytes of its OAI ``<record>``."""
    found = []
    for provided in synthetic_records(count):
        datestamp = provided.datestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
        record = etree.Element(f"{{{OAI_NS}}}record", nsmap={None: OAI_NS})
        header = etree.SubElement(record, f"{{{OAI_NS}}}header")
        etree.SubElement(header, f"{{{OAI_NS}}}identifier").text = provided.identifier
        etree.SubElement(header, f"{{{OAI_NS}}}datestamp").text = datestamp
        etree.SubElement(record, f"{{{OAI_NS}}}metadata").append(provided.metadata)
        found.append(
            HarvestedRecord(
                repository="http://127.0.0.1/oai",
                identifier=provided.identifier,
                datestamp=datestamp,
                metadata_prefix="oai_dc",
                raw=etree.tostring(record),
            )
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    records = harvested_records(args.records)
    for harvested in records[:100]:  # warm the crosswalk registry and lookup tables
        process(harvested)
    best = float("inf")
    for _ in range(args.rounds):
        start = time.perf_counter()
        for harvested in records:
            process(harvested)
        best = min(best, time.perf_counter() - start)
    print(f"{len(records)} synthetic oai_dc records through process() (parse, crosswalk, validate)")
    print(f"{best / len(records) * 1e6:.1f} us a record (best of {args.rounds} rounds)")


if __name__ == "__main__":
    main()
