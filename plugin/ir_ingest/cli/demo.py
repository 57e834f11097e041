"""The demo command: the bundled fixtures served on 127.0.0.1 and harvested end to end, or
only served (``--serve``) to try check and harvest on."""

from __future__ import annotations

import time
from contextlib import closing
from pathlib import Path
from typing import Annotated

import typer
from typer._click.core import ParameterSource

from ir_ingest.cli.common import RESUMES, Settings, app, fail_cleanly, whole_number
from ir_ingest.console import err, harvest_progress, out, print_run


@app.command()
def demo(
    ctx: typer.Context,
    report_dir: Annotated[
        Path,
        typer.Option(
            "--report-dir", metavar="DIR", file_okay=False, help="Where to write the HTML report."
        ),
    ] = Path("ir-ingest-report"),
    serve: Annotated[
        bool,
        typer.Option(
            "--serve",
            help="Only serve the demo records as an OAI-PMH endpoint on 127.0.0.1, until "
            "Ctrl-C, to try check and harvest on: nothing is harvested or stored.",
        ),
    ] = False,
    port: Annotated[
        int | None,
        typer.Option(
            "--port",
            metavar="N",
            parser=whole_number(0, 65_535),
            help="With --serve: the port to serve on (default, or 0: one free port).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Harvest the bundled demo records from a local OAI-PMH endpoint into the store.

    Serves 36 fixture records (4 pages, 4 deletions) with pyoai's server on 127.0.0.1,
    harvests them end to end, and writes the run's HTML report.  Nothing leaves this machine.
    With --serve, only serves them, until Ctrl-C, and prints the base URL to try check and
    harvest on.

    Example:  ir-ingest demo   (run it twice: the second run finds every record unchanged)

    Example:  ir-ingest demo --serve --port 8080   (then, in another terminal: ir-ingest check
    http://127.0.0.1:8080/oai)
    """
    from ir_ingest.jobs.demo import run_demo
    from ir_ingest.oai.archive import check_archive
    from ir_ingest.store import redact_url

    settings: Settings = ctx.obj
    if port is not None and not serve:  # a usage error, said as Typer says its own
        raise typer.BadParameter("needs --serve", param_hint="'--port'")
    if serve and ctx.get_parameter_source("report_dir") is not ParameterSource.DEFAULT:
        # It had been taken and ignored: --serve writes no report.
        raise typer.BadParameter(
            "goes without --serve, which harvests nothing and writes no report",
            param_hint="'--report-dir'",
        )
    if serve:
        _serve_demo(port or 0, settings.again)
        return
    with fail_cleanly():
        settings.refuse_store_as_output(report_dir, "--report-dir")
        # Before the harvest: a folder that cannot be written had failed the demo after it
        # stored every record.
        check_archive(report_dir, "--report-dir")
    with (
        fail_cleanly(RESUMES),
        closing(settings.store()) as store,
        harvest_progress("demo harvest") as on_page,
    ):
        result = run_demo(store, report_dir, on_page)
    out.print(f"Harvested the demo endpoint, {result.endpoint} (served for this run only)")
    print_run(result.report, settings.again)
    out.print(f"Store: {redact_url(settings.db_url)}")
    out.print(f"Report: {result.report_path}")
    out.print(f"Next: {settings.again} export --format jsonl")


def _serve_demo(port: int, again: str) -> None:
    """Serve the demo endpoint until Ctrl-C or SIGTERM, which end it cleanly (exit 0: to stop
    is how it is meant to end), saying its base URL and what to try on it."""
    from ir_ingest.jobs.demo import DEMO_REPOSITORY, demo_endpoint

    with fail_cleanly(), demo_endpoint(port) as url:
        try:
            out.print(f"Serving the demo records (36, 4 of them deleted) at {url}")
            out.print("Try, in another terminal:")
            out.print(f"  ir-ingest check {url}")
            # Under the demo's name: its port changes from one --serve to the next.
            out.print(f"  {again} harvest {url} --repository {DEMO_REPOSITORY}")
            out.print("Ctrl-C stops serving.")
            while True:  # the server answers on its own thread; this one waits for a signal
                time.sleep(3600)
        except KeyboardInterrupt:  # SIGTERM too (Terminated)
            err.print(f"Stopped serving {url}")
