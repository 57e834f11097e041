"""The app's click group: what it notes before the global options are read, and how it says
a command line it refuses."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from typer._click.exceptions import NoArgsIsHelpError
from typer._click.exceptions import UsageError as UsageError_
from typer.core import TyperGroup

from ir_ingest.console import err

if TYPE_CHECKING:
    from collections.abc import Iterator

    from typer import _click as click

__all__ = ["NO_CONFIG", "Group"]


class Group(TyperGroup):
    """The app's group: notes, before the global options are read, whether the command is
    only asked for its help, or is ``codes``, which read no config (see
    :func:`ir_ingest.cli.common.main_options`); and says a command line it refuses in one
    ``error:`` line."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        own = rest[: rest.index("--")] if "--" in rest else rest
        ctx.meta[NO_CONFIG] = name == "codes" or any(arg in ("-h", "--help") for arg in own)
        return name, command, rest

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        with _one_line_usage_errors():  # the app's own options: "--db" without its value
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _one_line_usage_errors():  # a command's options and arguments, and its refusals
            return super().invoke(ctx)


class _UsageLine(UsageError_):
    """A command line refused, said as every other error is: one ``error:`` line on stderr
    (exit status 2).  Click's own said four lines, the usage and a help hint before a
    capitalised ``Error:``, which a script reading ``error:`` lines missed."""

    def show(self, file: Any = None) -> None:
        err.print(f"error: {self.format_message()}")


@contextmanager
def _one_line_usage_errors() -> Iterator[None]:
    try:
        yield
    except (NoArgsIsHelpError, _UsageLine):  # the help itself; one already made a line
        raise
    except UsageError_ as exc:
        raise _UsageLine(exc.format_message(), exc.ctx) from exc


#: ``ctx.meta`` key: the command reads no config (its help, ``codes``).
NO_CONFIG = "ir_ingest.no_config"
