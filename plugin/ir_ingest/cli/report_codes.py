"""The codes command: what the stable issue codes reports use mean, and what to do about them."""

from __future__ import annotations

from typing import Annotated

import typer

from ir_ingest.cli.common import app
from ir_ingest.codes import (
    CODES,
    STAGES,
    close_matches,
    code_lines,
    explain,
    listing,
    normalized,
    starting_with,
)
from ir_ingest.console import err, out


@app.command("codes")
def codes_command(
    code: Annotated[
        str | None,
        typer.Argument(
            metavar="CODE",
            help="A code (xml.malformed), the beginning of several (validate.missing) or a "
            "stage (xml), in any case; without one, every code.",
        ),
    ] = None,
) -> None:
    """List the issue codes reports use, by stage, or say what one means and what to do.

    Example:  ir-ingest codes xml.malformed

    Example:  ir-ingest codes validate.missing   (every validate.missing_… code)
    """
    if code is None:
        lines = listing(STAGES)
    elif (asked := normalized(code)) in STAGES:
        lines = listing([asked])
    elif asked in CODES:
        lines = explain(asked)
    elif family := starting_with(asked):
        # The beginning of several codes (validate.missing): all of them, not 3 guessed at.
        begin = "code begins" if len(family) == 1 else "codes begin"
        lines = [f"{len(family)} {begin} with {asked}:", *code_lines(family)]
    else:
        matches = close_matches(asked)
        hint = f"; did you mean {' or '.join(matches)}?" if matches else ""
        err.print(f"error: no issue code or stage {code!r}{hint} (ir-ingest codes lists them all)")
        raise typer.Exit(2)
    for line in lines:
        out.print(line)
