"""Full harvest speed and memory against a bare Sickle loop and pyoai's plain client.

Run:  python bench/harvest.py [--sizes 5000,50000] [--latency 0.02] [--page 100] [--rounds 1]

One local OAI-PMH endpoint per size (pyoai's server in its own process, every ListRecords answer
delayed by ``--latency`` seconds, ``--page`` records a page) is harvested, in the same run, by:

- ``sickle``: Sickle's ListRecords iterator, touching each record's identifier;
- ``pyoai``: pyoai's plain ``oaipmh.client.Client`` listRecords iterator, likewise;
- ``ours``: ``run_harvest`` into a fresh SQLite store: parse, crosswalk, validate, store
  (with its default: crosswalking in a second process once 500 records are in);
- ``ours-4w``: the same with monthly date windows, 4 fetched at once;
- ``sickle-4w``: Sickle's iterator over the same monthly windows in 4 threads: what the
  endpoint (and this machine) can serve to 4 clients that only iterate, the ceiling for
  ``ours-4w``.

Each harvester runs in a subprocess of its own so its peak RSS is its own (with that of its
crosswalk process added: the sum of the two peaks).  With ``--rounds N`` every harvester runs N
times, the rounds one after another (each round runs them all in turn), and its fastest run is
kept: on a shared machine a single run can be slowed by anything else running.  Prints
records/s, the ratio to Sickle, and peak RSS; then ours' RSS at the largest size over the
smallest.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("sickle", "pyoai", "ours", "ours-4w", "sickle-4w")
#: The synthetic records span this many days before now, so monthly windows cut them in ~4-5.
SPAN_DAYS = 120


def serve(count: int, latency: float, page: int) -> None:
    """Serve ``count`` synthetic records until killed; print the base URL first."""
    sys.path.insert(0, str(ROOT))
    from tests.oai.faults import FaultPlan, faulty_endpoint, synthetic_records

    from ir_ingest.oai.provider import serve_in_background

    start = datetime.now(UTC) - timedelta(days=SPAN_DAYS)
    records = synthetic_records(count, start, timedelta(days=SPAN_DAYS) / count)
    plan = FaultPlan(batch_size=page, latency=latency)
    with serve_in_background(faulty_endpoint(records, plan)) as url:
        print(url, flush=True)
        while True:
            time.sleep(3600)


def harvest(kind: str, url: str, workdir: str) -> None:
    """Harvest ``url`` one way; print ``{"records", "seconds", "rss_kb"}`` as JSON.

    The clock starts after the imports: interpreter and library start-up are not harvesting.
    """
    # ir-ingest imports idutils while its first pages are on their way (crosswalk.warm_up,
    # the last step); that import (0.2 s of pattern compiling) is start-up too, as it was when
    # the package imported it, and is made here before the clock, for every harvester alike.
    # The crosswalk files and the language table are not: ours reads them on the clock, and so
    # does its crosswalk process all of its warm-up.
    from ir_ingest.crosswalk.idutils_import import import_idutils

    import_idutils()
    from oaipmh.client import Client
    from oaipmh.metadata import MetadataRegistry, oai_dc_reader
    from sickle import Sickle

    from ir_ingest.oai.harvest import run_harvest

    started = time.perf_counter()
    if kind == "sickle":
        count = sum(1 for r in Sickle(url).ListRecords(metadataPrefix="oai_dc") if r.header)
    elif kind == "sickle-4w":
        count = _sickle_windows(url, parallel=4)
    elif kind == "pyoai":
        registry = MetadataRegistry()
        registry.registerReader("oai_dc", oai_dc_reader)
        listed = Client(url, registry).listRecords(metadataPrefix="oai_dc")
        count = sum(1 for header, _, _ in listed if header.identifier())
    else:
        windows = {"window": "monthly", "parallel": 4} if kind == "ours-4w" else {}
        db = f"sqlite:///{workdir}/{kind}.sqlite3"
        count = run_harvest(url, "oai_dc", db_url=db, **windows).total  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    # Ours crosswalks in a child process once a harvest proves long: its peak counts too.
    rss_kb = sum(
        resource.getrusage(who).ru_maxrss
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    print(json.dumps({"records": count, "seconds": seconds, "rss_kb": rss_kb}))


def _sickle_windows(url: str, parallel: int) -> int:
    """Sickle over the monthly windows ``run_harvest`` would make, ``parallel`` at once."""
    from concurrent.futures import ThreadPoolExecutor

    from sickle import Sickle
    from sickle.oaiexceptions import NoRecordsMatch

    from ir_ingest.oai.datestamp import parse_datestamp
    from ir_ingest.oai.windows import date_windows

    earliest = Sickle(url).Identify().earliestDatestamp
    start = parse_datestamp(earliest)
    assert start is not None, earliest
    windows = date_windows(start, datetime.now(UTC), "monthly", day_granularity=len(earliest) == 10)

    def window(bounds: tuple[str, str]) -> set[str]:
        try:
            listed = Sickle(url).ListRecords(
                metadataPrefix="oai_dc", **{"from": bounds[0], "until": bounds[1]}
            )
        except NoRecordsMatch:
            return set()
        return {r.header.identifier for r in listed}

    # Windows share their boundary second (oai.windows): a record stamped on it is listed by
    # both, and is one record (ours drops the second listing; counted twice, the run failed).
    with ThreadPoolExecutor(parallel) as pool:
        return len(set().union(*pool.map(window, windows)))


def measure(count: int, latency: float, page: int, rounds: int) -> dict[str, dict[str, float]]:
    """Start an endpoint of ``count`` records and run every harvester against it, ``rounds``
    times; each one's fastest run."""
    server = subprocess.Popen(
        [sys.executable, __file__, "_serve", str(count), str(latency), str(page)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        results: dict[str, dict[str, float]] = {}
        for _ in range(rounds):
            for kind in KINDS:
                result = _harvest_once(kind, url)
                if result["records"] != count:
                    raise SystemExit(f"{kind} harvested {result['records']} of {count}")
                if kind not in results or result["seconds"] < results[kind]["seconds"]:
                    results[kind] = result
        return results
    finally:
        server.kill()
        server.wait()


def _harvest_once(kind: str, url: str) -> dict[str, float]:
    """One harvest of ``url`` in a subprocess, into a store of its own."""
    with tempfile.TemporaryDirectory() as workdir:
        done = subprocess.run(
            [sys.executable, __file__, "_harvest", kind, url, workdir],
            check=True,
            capture_output=True,
            text=True,
        )
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,50000")
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--page", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=1, help="runs of each; the fastest counts")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"latency {args.latency * 1000:.0f} ms a page, {args.page} records a page")
    print(
        f"{'records':>8} {'harvester':<9} {'seconds':>8} {'rec/s':>8} {'x Sickle':>8} {'RSS MB':>7}"
    )
    rss = {}
    for count in sizes:
        results = measure(count, args.latency, args.page, args.rounds)
        base = results["sickle"]["seconds"]
        for kind, result in results.items():
            rate = count / result["seconds"]
            print(
                f"{count:>8} {kind:<9} {result['seconds']:>8.2f} {rate:>8.0f} "
                f"{base / result['seconds']:>8.2f} {result['rss_kb'] / 1024:>7.1f}",
                flush=True,
            )
        rss[count] = results["ours"]["rss_kb"]
    if len(sizes) > 1:
        growth = rss[sizes[-1]] / rss[sizes[0]]
        print(f"peak RSS of ours, {sizes[-1]} vs {sizes[0]} records: {growth:.2f}x")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_serve":
        serve(int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]))
    elif len(sys.argv) > 1 and sys.argv[1] == "_harvest":
        harvest(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main()
