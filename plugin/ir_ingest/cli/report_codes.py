"""The codes command: what the stable issue codes reports use mean, and what to do about them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ir_ingest.cli.common import app
from ir_ingest.codes import CODES, STAGES, close_matches, stage_codes
from ir_ingest.console import err, out

if TYPE_CHECKING:
    from collections.abc import Iterable


@app.command("codes")
def codes_command(
    code: Annotated[
        str | None,
        typer.Argument(
            metavar="[CODE]",
            help="A code (xml.malformed) or a stage (xml); without one, every code.",
        ),
    ] = None,
) -> None:
    """List the issue codes reports use, by stage, or say what one means and what to do.

    Example:  ir-ingest codes xml.malformed
    """
    if code is None:
        _list(STAGES)
    elif code in CODES:
        help_ = CODES[code]
        out.print(f"{code} ({STAGES[code.partition('.')[0]]})")
        out.print(f"  What it means: {help_.meaning}")
        out.print(f"  What to do: {help_.action}")
    elif code in STAGES:
        _list([code])
    else:
        matches = close_matches(code)
        hint = f"; did you mean {' or '.join(matches)}?" if matches else ""
        err.print(f"error: no issue code {code!r}{hint} (ir-ingest codes lists them all)")
        raise typer.Exit(2)


def _list(stages: Iterable[str]) -> None:
    """Each stage's codes with what they mean, a line a code; a blank line between stages."""
    width = max(map(len, CODES))
    for number, stage in enumerate(stages):
        if number:
            out.print()
        out.print(f"{stage}: {STAGES[stage]}")
        for code in stage_codes(stage):
            out.print(f"  {code:<{width}}  {CODES[code].meaning}")
