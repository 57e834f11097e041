"""``ir-ingest check``: what a first harvest of an endpoint would meet, before it is run."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from ir_ingest.cli.common import (
    DelayOption,
    Settings,
    UserAgentOption,
    app,
    fail_cleanly,
)
from ir_ingest.cli.runs import Where, check_given_crosswalk, refuse_blank, resolved
from ir_ingest.console import print_finding, print_verdict, write_out
from ir_ingest.errors import IngestError
from ir_ingest.report.render import json_document

if TYPE_CHECKING:
    from ir_ingest.jobs.checked import Checked, Finding
    from ir_ingest.oai.transport import TransportPolicy


@app.command()
def check(
    ctx: typer.Context,
    url: Annotated[
        str,
        typer.Argument(metavar="URL", help="OAI-PMH base URL, or a source name from the config."),
    ],
    prefix: Annotated[
        str | None,
        typer.Option(
            "--prefix", metavar="PREFIX", help="metadataPrefix (default: the one a harvest takes)."
        ),
    ] = None,
    set_spec: Annotated[
        str | None, typer.Option("--set", metavar="SET", help="Check this set.")
    ] = None,
    crosswalk: Annotated[
        str | None,
        typer.Option("--crosswalk", metavar="NAME", help="Read the records with this crosswalk."),
    ] = None,
    user_agent: UserAgentOption = None,
    delay: DelayOption = 0.0,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help='Print {"url", "prefix", "ready", "findings": [{"level", "topic", "message"}]} '
            "instead, for a monitoring script (also when stopped by SIGTERM or Ctrl-C).",
        ),
    ] = False,
) -> None:
    """Ask an endpoint what a first harvest asks, and say what a harvest would meet.

    Identify (granularity, how deletions are kept, the endpoint's clock), the formats offered
    and the one a harvest takes, the set (--set), the first ListRecords page, its records
    crosswalked and validated as a harvest would, whether its resumption token leads on (up to
    five pages, where a token loop would end every harvest), and whether the endpoint applies
    from: each a line, ok, info, warning or error.  Nothing is
    stored.  Exit status 1 when a harvest would fail or keep nothing, else 0.

    Example:  ir-ingest check https://research.example.ac.uk/ws/oai --set openaire

    Example:  ir-ingest check pure --json   (a source of the config, for a monitoring script)
    """
    from ir_ingest.config import AUTO_PREFIX
    from ir_ingest.jobs.check import check_endpoint
    from ir_ingest.jobs.checked import stopped, unstarted
    from ir_ingest.oai.harvest import check_options
    from ir_ingest.oai.plan import HarvestOptions

    settings: Settings = ctx.obj
    under_way: list[Checked] = []  # the check, once it has found something

    def keep(checked: Checked, _: Finding) -> None:
        under_way[:] = [checked]

    with fail_cleanly():
        try:
            refuse_blank({"--prefix": prefix, "--crosswalk": crosswalk})
            check_options(HarvestOptions(set_spec=set_spec))
            check_given_crosswalk(crosswalk, prefix)
            where = resolved(settings.config(), Where(url, prefix, set_spec, crosswalk, None))
            checked = check_endpoint(
                where.url,
                where.prefix or AUTO_PREFIX,
                set_spec=where.set_spec,
                crosswalk=where.crosswalk,
                repository=where.repository,
                policy=_policy(user_agent, delay),
                as_found=keep if as_json else print_finding,
            )
        except IngestError as exc:
            if as_json:  # a monitoring script reads stdout: it gets JSON, not nothing
                _print_json(unstarted(url, str(exc)))
            raise
        except KeyboardInterrupt:
            # A monitoring script's timeout (SIGTERM) or Ctrl-C: what was found by then, and
            # that the check did not end (a line said as found is said already).
            if as_json:
                _print_json(stopped(url, under_way[0] if under_way else None))
            raise
    if as_json:
        _print_json(checked)
    else:
        print_verdict(checked)
    if checked.count("error"):
        raise typer.Exit(1)


def _policy(user_agent: str | None, delay: float) -> TransportPolicy:
    """The transport's settings: the harvest's, with this user agent and delay."""
    from ir_ingest.oai.transport import TransportPolicy

    policy = TransportPolicy(delay=delay)
    return replace(policy, user_agent=user_agent) if user_agent else policy


def _print_json(checked: Checked) -> None:
    write_out(json_document(checked.to_dict()))
