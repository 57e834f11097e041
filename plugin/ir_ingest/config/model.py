"""What a configuration says: its sources, its targets, and how a URL is told to be a source's.

Read from the file, and checked, by :mod:`ir_ingest.config.load`.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from ir_ingest.encodable import encodable
from ir_ingest.errors import ConfigError
from ir_ingest.oai.baseurl import repository_name
from ir_ingest.secrets import public_url
from ir_ingest.urls import is_http_url

if TYPE_CHECKING:
    from pathlib import Path

#: The prefix that asks the endpoint which formats it offers and takes the richest we read
#: (:mod:`ir_ingest.oai.harvest`): a source's default.
AUTO_PREFIX = "auto"


def is_auto(prefix: str | None) -> bool:
    """Whether ``prefix`` is the reserved word ``auto``, in any case: ``--prefix AUTO`` had
    been sent to the endpoint as a format.  A format's own prefix stays case-sensitive
    (OAI-PMH 2.0 §3.4 compares it as written): ``MODS`` is not ``mods``."""
    return prefix is not None and prefix.lower() == AUTO_PREFIX


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One OAI-PMH source to harvest: its ``url``, or the variable ``url_env`` that holds a
    URL with credentials in it (a password, an API key in the query)."""

    name: str
    url: str | None
    prefix: str
    set_spec: str | None = None
    schedule: str | None = None
    crosswalk: str | None = None
    profile: str | None = None
    repository: str | None = None
    url_env: str | None = None
    #: The simpler format a record that fails in ``prefix`` is asked for again in, one
    #: record at a time (``harvest --fallback-prefix``); None: never.
    fallback_prefix: str | None = None
    #: The config file it is written in (None: made by a program, not read from a file).
    file: Path | None = None

    @property
    def where(self) -> str:
        """What an error about the source names: ``config file x.toml: [sources.NAME]``, as
        every error of a config file names the file."""
        table = f"[sources.{self.name}]"
        return table if self.file is None else f"config file {self.file}: {table}"

    def endpoint(self) -> str:
        """The URL to harvest; read from the environment when the file names a variable
        (read when used, so that commands not harvesting the source do not need it: reprocess
        goes on without the crosswalk of a source whose variable is not set, saying so)."""
        if self.url is not None:
            return self.url
        assert self.url_env is not None  # checked on load: one of the two is given
        found = os.environ.get(self.url_env, "").strip()
        if not is_http_url(found):
            state = "is not set" if not found else "holds no http(s) URL"
            raise ConfigError(f"{self.where}: url_env names {self.url_env}, which {state}")
        if not found.isascii() and not encodable(found, "utf-8"):
            # Bytes that are not UTF-8 come as lone surrogates, which SQLite refused: a
            # traceback.  Not shown: the variable holds credentials.
            raise ConfigError(
                f"{self.where}: url_env names {self.url_env}, which is not UTF-8 text"
            )
        return found

    @property
    def named_prefix(self) -> str | None:
        """The metadata prefix the source names; ``None`` for "auto", whose format each run
        chooses (the richest the endpoint offers)."""
        return None if is_auto(self.prefix) else self.prefix

    def stored_name(self) -> str:
        """The name its records are kept under: ``repository``, else its URL without the
        credentials it may hold (as a harvest keeps them), which :meth:`endpoint` may not
        have (:class:`ConfigError`)."""
        return self.repository or repository_name(self.endpoint())


@dataclass(frozen=True, slots=True)
class TargetConfig:
    """One repository to push to; ``options`` holds the rest, e.g. ``token_env``."""

    name: str
    type: str
    url: str | None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Config:
    """The whole configuration; empty when there is no file."""

    sources: dict[str, SourceConfig] = field(default_factory=dict)
    targets: dict[str, TargetConfig] = field(default_factory=dict)
    crosswalk_dirs: tuple[Path, ...] = ()

    def source_at(self, url: str, set_spec: str | None = None) -> SourceConfig | None:
        """The source whose endpoint ``url`` is (:func:`endpoint_key`): the one harvesting
        ``set_spec`` when it is given; else the only one, or among several the one with no
        set; ``None`` when there is no one such source.

        So a source harvested by its URL, or a response saved from it imported, is that
        source, with its name and crosswalk, not a second copy of its records under the URL
        (a walkthrough's file and URL imports of one record made two).  A source whose
        ``url_env`` is not set is passed over, and so is a ``url`` that cannot be read.
        """
        found = self.sources_at(url)
        if set_spec is not None or len(found) > 1:
            found = [source for source in found if source.set_spec == set_spec]
        return found[0] if len(found) == 1 else None

    def sources_at(self, url: str) -> list[SourceConfig]:
        """The sources whose endpoint ``url`` is (:func:`endpoint_key`), whatever their set;
        none for a ``url`` that cannot be read."""
        try:
            wanted = endpoint_key(url)
        except ConfigError:
            return []
        found = []
        for source in self.sources.values():
            with contextlib.suppress(ConfigError):
                if endpoint_key(source.endpoint()) == wanted:
                    found.append(source)
        return found


#: The port each scheme has when none is written (RFC 3986 §6.2.3).
_DEFAULT_PORTS = {"http": 80, "https": 443}


def endpoint_key(url: str) -> str:
    """A base URL as compared with a source's (RFC 3986 §6.2.2-6.2.3): without credentials
    (masked), its scheme and host in lower case, without its scheme's default port or a
    trailing slash.  Raises :class:`ConfigError` for a URL whose host cannot be read."""
    parts = urlsplit(public_url(url.strip()))
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    with contextlib.suppress(ValueError):
        if parts.port is not None and parts.port == _DEFAULT_PORTS.get(scheme):
            netloc = netloc.rpartition(":")[0]
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), parts.query, ""))
