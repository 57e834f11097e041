"""The one exception tree of ir-ingest.

Run-level failures are exceptions (bad configuration, an endpoint that cannot be reached after
its retries, a file that cannot be read).  Per-record problems are never raised past the pipeline:
they become :class:`ir_ingest.entry.Issue` objects on the entry and show up in the report.
"""

from __future__ import annotations


class IngestError(Exception):
    """Base class of every error ir-ingest raises on purpose."""


class ConfigError(IngestError):
    """A configuration value, crosswalk file or lookup table is invalid; the message names it."""


class UsageError(ConfigError):
    """A value given on the command line (or to the call that stands for it) cannot work: a
    ``--from`` that is no date, an empty ``--set``.  The CLI exits 2 for it, as for an option
    Typer refuses, so that a cron job's wrapper can tell a line to fix from a run to retry."""


class CrosswalkChoiceError(ConfigError):
    """A crosswalk or format chosen by name cannot be had: no crosswalk has the name, or the
    crosswalk named does not read the format named beside it.  Raised alike whoever chose:
    the config's choice is a configuration error (exit 1), the command line's a line to fix,
    which the CLI turns into a :class:`UsageError` (exit 2).  A crosswalk *file* that cannot
    be read is a plain :class:`ConfigError`, whoever named it."""


class XMLError(IngestError):
    """XML could not be read safely.

    ``code`` is the stable issue code the pipeline records when it turns this error into data
    (``xml.malformed``, ``xml.forbidden_dtd``, ``xml.too_large``, ``xml.empty``).
    """

    def __init__(self, message: str, *, code: str, source: str | None = None) -> None:
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{message}")
        self.code = code
        self.source = source


class CrosswalkError(IngestError):
    """A record cannot be crosswalked at all (unknown format, wrong root element)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class HarvestError(IngestError):
    """A harvest cannot go on: the endpoint is unreachable, answers garbage, or refuses us."""


class MalformedResponseError(HarvestError):
    """A response arrived but is not readable XML (cut short by a proxy, garbage from a CMS),
    or not the OAI-PMH answer asked for.

    ``code`` is the parser's issue code, or ``oai.…`` for XML that is not the answer: only
    ``xml.malformed`` pages may be salvaged record by record; a DOCTYPE or an oversized page is
    refused whole.
    """

    def __init__(self, message: str, *, code: str = "xml.malformed") -> None:
        super().__init__(message)
        self.code = code


class UnreachableError(HarvestError):
    """An endpoint gave no usable answer to a request, retried as often as allowed: down,
    refusing connections, timing out, or overloaded (503s).  ``check_with`` is what
    ``ir-ingest check`` is to be given to find out more: the endpoint's URL, or None when
    that holds credentials, which are never shown."""

    def __init__(self, message: str, *, check_with: str | None) -> None:
        super().__init__(message)
        self.check_with = check_with


class OAIProtocolError(HarvestError):
    """The endpoint answered with an OAI-PMH ``<error code="…">`` (OAI-PMH 2.0 §3.6)."""

    def __init__(self, code: str, message: str) -> None:
        # The endpoint's text in one line, as every error is said (LoC's spans three).
        super().__init__(f"OAI-PMH error {code}: {' '.join(message.split())}")
        self.code = code


class StoreError(IngestError):
    """The store cannot be opened or written."""


class WriteConflict(StoreError):
    """Another writer changed a record between a page's read of the store and its write.

    The store rolls the page back and writes it again on the fresh state; this escapes only
    when that keeps failing.
    """


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, systemd stopping a service, a job runner's timeout): handled as
    Ctrl-C is, so the run is closed as failed and the next one continues it.  A second signal
    during that ends the process at once (:func:`ir_ingest.cli.common.stop_on_signals`)."""


def failure_said(exc: BaseException) -> str:
    """Why a run ended, as the report and ``report --list`` say it to a repository manager:
    an error of ours or a stop by its message alone ("interrupted (Ctrl-C)"); anything else,
    a bug or the system's own error, with its class too (a KeyError's message is the key)."""
    if isinstance(exc, Terminated):
        return "stopped (SIGTERM)"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted (Ctrl-C)"
    if isinstance(exc, IngestError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def without_class_name(failure: str) -> str:
    """``failure`` as :func:`failure_said` says it: a run's error kept by an older ir-ingest
    reads "HarvestError: …" or "KeyboardInterrupt: interrupted (Ctrl-C)"."""
    named, colon, said = failure.partition(": ")
    return said if colon and named in _SAID_WITHOUT_NAME else failure


#: The classes whose names an older ir-ingest put before a run's error: ours (crosswalk.rules
#: has RulesInError) and the two stops.
_SAID_WITHOUT_NAME = frozenset(
    {
        *("IngestError", "ConfigError", "UsageError", "CrosswalkChoiceError", "RulesInError"),
        *("XMLError", "CrosswalkError", "HarvestError", "MalformedResponseError"),
        *("OAIProtocolError", "StoreError", "WriteConflict", "KeyboardInterrupt", "Terminated"),
    }
)
