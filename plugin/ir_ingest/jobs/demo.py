"""``ir-ingest demo``: the bundled fixtures as a local OAI-PMH endpoint, harvested end to end.

Nothing leaves 127.0.0.1: the endpoint is pyoai's server on an ephemeral port, the store is the
default one (a SQLite file in the working directory unless ``--db`` says otherwise).
"""

from __future__ import annotations

from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ir_ingest.errors import UsageError
from ir_ingest.oai.harvest import ProgressCallback, run_harvest
from ir_ingest.oai.provider import fixture_endpoint_app, load_records_file, serve_in_background
from ir_ingest.report import render
from ir_ingest.resources import bundled

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from ir_ingest.report.model import RunReport
    from ir_ingest.store import Store

#: Records per ListRecords page of the demo endpoint (36 records: 4 pages).
DEMO_PAGE_SIZE = 10
#: The name the demo records are stored under.  The endpoint gets a new ephemeral port on every
#: run; naming the repository keeps record ids stable, so a second demo run finds them unchanged.
DEMO_REPOSITORY = "urn:ir-ingest:demo"


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What the demo did and where its report is."""

    endpoint: str
    report: RunReport
    report_path: Path


@contextmanager
def demo_endpoint(port: int = 0) -> Iterator[str]:
    """The demo records served on 127.0.0.1 (``port``, or an ephemeral one for 0) while the
    context lasts; yields the base URL.  A port that cannot be had (in use, or a privileged
    one) is a :class:`UsageError`: the command line's number to change."""
    records = load_records_file(bundled("fixtures/demo") / "records.xml")
    app = fixture_endpoint_app(records, DEMO_PAGE_SIZE)
    with ExitStack() as serving:
        try:
            url = serving.enter_context(serve_in_background(app, port=port))
        except OSError as exc:  # only the binding: an error of the caller's is its own
            raise UsageError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror}") from exc
        yield url


def run_demo(store: Store, report_dir: Path, on_page: ProgressCallback | None = None) -> DemoResult:
    """Serve the demo records, harvest them into ``store``, write the HTML report."""
    with demo_endpoint() as url:
        # Full, not incremental: the fixtures' datestamps never change, and the demo shows every
        # record going through the pipeline (unchanged ones the second time).
        report = run_harvest(
            url, "oai_dc", store=store, on_page=on_page, repository=DEMO_REPOSITORY, full=True
        )
    path = render.write(report, report_dir / f"run-{report.run_id}.html")
    return DemoResult(url, report, path)
