"""The configuration file (TOML): harvest sources and push targets, validated on load.

::

    crosswalk_dirs = ["my-crosswalks"]   # optional: own *.yaml crosswalks, lookups/ beside them;
                                         # relative to the config file; they win over shipped ones

    [sources.pure]
    url = "https://research.example.ac.uk/ws/oai"   # or url_env = "PURE_OAI_URL": a variable
                                  # holding a URL with a password or an API key in it
    prefix = "oai_dc"             # optional: "auto" (the default) takes the richest format
                                  # offered that a crosswalk reads
    set = "openaire"              # optional
    schedule = "0 3 * * *"        # optional, cron
    crosswalk = "oai_dc"          # optional: the crosswalk to read records with (default: the
                                  # one the prefix names, else the one the root element names)
    profile = "core"              # optional
    repository = "pure"           # optional: the name records are kept under (default: url),
                                  # so a changed URL spelling does not make new records

    [targets.repo]
    type = "invenio"              # invenio | dspace | sword | eprints | jsonl
    url = "https://repo.example.org"
    token_env = "REPO_TOKEN"      # credentials come from environment variables it names

Targets, ``schedule`` and ``profile`` are validated but not used yet (no push command, no
scheduler, one validation profile): the features that will read them are still to come.

Credentials are never read from the file itself: a key that looks like one (``token``,
``password``, ``secret``), or a url with a password or an API key in it, is refused with a
message saying which variable to use instead.
"""

from __future__ import annotations

import contextlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from ir_ingest.errors import ConfigError
from ir_ingest.secrets import is_secret_name, public_url, shown_url

if TYPE_CHECKING:
    from collections.abc import Callable

DEFAULT_CONFIG = Path("ir-ingest.toml")
TARGET_TYPES = ("invenio", "dspace", "sword", "eprints", "jsonl")
_SOURCE_KEYS = {
    "url", "url_env", "prefix", "set", "schedule", "crosswalk", "profile", "repository",
}  # fmt: skip


#: The prefix that asks the endpoint which formats it offers and takes the richest we read
#: (:mod:`ir_ingest.oai.harvest`): a source's default.
AUTO_PREFIX = "auto"


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

    def endpoint(self) -> str:
        """The URL to harvest; read from the environment when the file names a variable
        (read when used, so that commands not harvesting the source do not need it: reprocess
        goes on without the crosswalk of a source whose variable is not set, saying so)."""
        if self.url is not None:
            return self.url
        assert self.url_env is not None  # checked on load: one of the two is given
        found = os.environ.get(self.url_env, "").strip()
        if not found.startswith(("http://", "https://")):
            state = "is not set" if not found else "holds no http(s) URL"
            raise ConfigError(f"[sources.{self.name}]: url_env names {self.url_env}, which {state}")
        return found

    @property
    def named_prefix(self) -> str | None:
        """The metadata prefix the source names; ``None`` for "auto", whose format each run
        chooses (the richest the endpoint offers)."""
        return None if self.prefix == AUTO_PREFIX else self.prefix

    def stored_name(self) -> str:
        """The name its records are kept under: ``repository``, else its URL without the
        credentials it may hold (as a harvest keeps them), which :meth:`endpoint` may not
        have (:class:`ConfigError`)."""
        return self.repository or public_url(self.endpoint())


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


def load_config(path: Path | None) -> Config:
    """Load ``path``, or ``./ir-ingest.toml`` when it exists; no file at all is an empty config.

    Every problem of the file is said in one :class:`ConfigError`, one a line: a manager had
    fixed a config one error a try (a walkthrough).
    """
    if path is None:
        if not DEFAULT_CONFIG.exists():
            return Config()
        path = DEFAULT_CONFIG
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist") from exc
    except UnicodeDecodeError as exc:  # TOML is UTF-8 (a Windows editor's Latin-1)
        raise ConfigError(f"config file {path} is not UTF-8: save it as UTF-8") from exc
    except OSError as exc:  # a folder: "[Errno 21] Is a directory: '…'" had been said
        raise ConfigError(f"config file {path}: cannot read it: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path}: {exc}") from exc
    problems = _Problems()
    unknown = set(data) - {"sources", "targets", "crosswalk_dirs"}
    if unknown:
        known = "use crosswalk_dirs, [sources.*], [targets.*]"
        # The store is the command line's: a manager had written db = "…" here in vain.
        store = [key for key in ("db", "database", "db_url", "store") if key in unknown]
        if store:
            known += (
                f" (the store is not the config's: give --db URL or IR_INGEST_DB, not {store[0]})"
            )
        problems.add(f"{path}: unknown keys {sorted(unknown)}; {known}")
    sources = {
        name: source
        for name, spec in _named(path, data, "sources", problems)
        if (source := _source(path, name, spec, problems)) is not None
    }
    targets = {
        name: target
        for name, spec in _named(path, data, "targets", problems)
        if (target := _target(path, name, spec, problems)) is not None
    }
    folders = _crosswalk_dirs(path, data.get("crosswalk_dirs", []), problems)
    problems.raise_any(path)
    return Config(sources, targets, folders)


class _Problems:
    """What is wrong with a config file, gathered to be said at once."""

    def __init__(self) -> None:
        self.said: list[str] = []

    def add(self, message: str) -> None:
        self.said.append(message)

    def check(self, check: Callable[[], None]) -> None:
        """Run ``check``, keeping the :class:`ConfigError` it raises."""
        try:
            check()
        except ConfigError as exc:
            self.add(str(exc))

    def raise_any(self, path: Path) -> None:
        if len(self.said) == 1:
            raise ConfigError(self.said[0])
        if self.said:
            listed = "".join(f"\n  - {message}" for message in self.said)
            raise ConfigError(f"config file {path}: {len(self.said)} problems:{listed}")


def _named(
    path: Path, data: dict[str, Any], key: str, problems: _Problems
) -> list[tuple[str, Any]]:
    """The ``[key.NAME]`` tables of the file, by name."""
    tables = data.get(key, {})
    if isinstance(tables, dict):
        return list(tables.items())
    # [[sources]] (an array of tables) is the likeliest slip: each needs a name.
    problems.add(f"{path}: {key} are tables with a name each, written [{key}.NAME], got {tables!r}")
    return []


def _crosswalk_dirs(path: Path, value: Any, problems: _Problems) -> tuple[Path, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.add(f"{path}: crosswalk_dirs is a list of folders, got {value!r}")
        return ()
    folders = tuple((path.parent / item).resolve() for item in value)
    for folder in folders:
        if folder.is_file():
            problems.add(f"{path}: crosswalk folder {str(folder)!r} is a file, not a folder")
        elif not folder.is_dir():
            problems.add(f"{path}: crosswalk folder {str(folder)!r} does not exist")
    return folders


def _source(path: Path, name: str, spec: Any, problems: _Problems) -> SourceConfig | None:
    """The source ``[sources.NAME]`` describes; ``None`` with its problems added."""
    where = f"{path}: [sources.{name}]"
    if not isinstance(spec, dict):
        problems.add(f"{where} must be a table, got {spec!r}")
        return None
    before = len(problems.said)
    unknown = set(spec) - _SOURCE_KEYS
    if unknown:
        problems.add(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(_SOURCE_KEYS)}")
    if ("url" in spec) == ("url_env" in spec):
        problems.add(f"{where}: give 'url', or 'url_env' naming a variable that holds it")
    for key in sorted(_SOURCE_KEYS & set(spec)):
        problem = _setting_problem(key, spec[key])
        if problem is not None:
            problems.add(f"{where}: {problem}")
    if isinstance(spec.get("url"), str):
        problems.check(lambda: _check_url(where, spec["url"], _SOURCE_CREDENTIALS))
    if len(problems.said) > before:
        return None
    return SourceConfig(
        name=name,
        url=spec.get("url"),
        url_env=spec.get("url_env"),
        prefix=spec.get("prefix", AUTO_PREFIX),
        set_spec=spec.get("set"),
        schedule=spec.get("schedule"),
        crosswalk=spec.get("crosswalk"),
        profile=spec.get("profile"),
        repository=spec.get("repository"),
    )


#: A variable name as a shell writes one (POSIX.1-2017 §8.1): ``url_env = "MY VAR"`` could
#: never be set.
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: A cron line's five fields, with the range of their numbers and the names they take.
_CRON_FIELDS: tuple[tuple[int, int, tuple[str, ...]], ...] = (
    (0, 59, ()),
    (0, 23, ()),
    (1, 31, ()),
    (1, 12, ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
    (0, 7, ("sun", "mon", "tue", "wed", "thu", "fri", "sat")),
)
_CRON_WORDS = (
    "@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly",
)  # fmt: skip
#: One item of a field: ``*``, a value or a range, perhaps with a step (``1-5``, ``*/15``).
_CRON_ITEM = re.compile(r"(?:\*|([0-9A-Za-z]+)(?:-([0-9A-Za-z]+))?)(?:/[1-9][0-9]*)?")


def _is_cron(line: str) -> bool:
    """Whether ``line`` is a cron schedule (crontab(5)): five fields of values in range, or
    one of cron's ``@daily`` words ("every day at three", "99 99 99 99 99" are not)."""
    if line.startswith("@"):
        return line in _CRON_WORDS
    fields = line.split()
    if len(fields) != len(_CRON_FIELDS):
        return False
    for (low, high, names), column in zip(_CRON_FIELDS, fields, strict=True):
        for item in column.split(","):
            found = _CRON_ITEM.fullmatch(item)
            if found is None:
                return False
            values = [
                low + names.index(part.lower()) if part.lower() in names else part
                for part in filter(None, found.groups())
            ]
            if not all(str(v).isdigit() and low <= int(v) <= high for v in values):
                return False
            if len(values) == 2 and int(values[0]) > int(values[1]):
                return False  # a range backwards (5-1)
    return True


def _setting_problem(key: str, value: Any) -> str | None:
    """What is wrong with one source setting, or ``None``."""
    # Every source setting is one string: a list of sets reached SQL as a list.
    if not isinstance(value, str) or not value.strip():
        return f"{key!r} must be a non-empty string, got {value!r}"
    if value != value.strip():
        # " oai_dc " was asked for as such; a repository name kept its spaces in every id.
        return f"{key!r} has white space around it: {value!r}"
    if key == "url_env" and not _VARIABLE.fullmatch(value):
        return f"url_env must name an environment variable (letters, digits, _), got {value!r}"
    if key == "schedule" and not _is_cron(value):
        return (
            f"schedule must be a cron line of five fields (minute hour day month weekday, "
            f'such as "0 3 * * *"), got {value!r}'
        )
    return None


#: Where a source's or a target's credentials go instead of its url.
_SOURCE_CREDENTIALS = 'give url_env = "NAME_OF_ENVIRONMENT_VARIABLE" instead, holding the URL'
_TARGET_CREDENTIALS = 'give them in keys such as token_env = "NAME_OF_ENVIRONMENT_VARIABLE"'


def _check_url(where: str, url: Any, instead: str) -> None:
    """An http(s) URL with no credentials in it (they come from the environment); shown in
    messages without them."""
    if not isinstance(url, str):
        raise ConfigError(f"{where}: url must be a string, got {url!r}")
    try:
        shown = public_url(url)
    except ConfigError as exc:
        raise ConfigError(f"{where}: url: {exc}") from exc
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{where}: url must start with http:// or https://, got {shown!r}")
    if not urlsplit(shown).hostname:
        raise ConfigError(f"{where}: url names no host, got {shown!r}")
    if shown != url:
        raise ConfigError(
            f"{where}: credentials are not kept in the config file, and the url "
            f"{shown_url(url)!r} has some; {instead}"
        )


def _target(path: Path, name: str, spec: Any, problems: _Problems) -> TargetConfig | None:
    """The target ``[targets.NAME]`` describes; ``None`` with its problems added."""
    where = f"{path}: [targets.{name}]"
    if not isinstance(spec, dict):
        problems.add(f"{where} must be a table, got {spec!r}")
        return None
    before = len(problems.said)
    if spec.get("type") not in TARGET_TYPES:
        types = ", ".join(TARGET_TYPES)
        problems.add(f"{where}: type must be one of {types}, got {spec.get('type')!r}")
    for key in sorted(k for k in spec if is_secret_name(k) and not k.lower().endswith("_env")):
        problems.add(
            f"{where}: credentials are not kept in the config file; replace {key!r} with "
            f"'{key}_env = \"NAME_OF_ENVIRONMENT_VARIABLE\"'"
        )
    if "url" in spec:
        problems.check(lambda: _check_url(where, spec["url"], _TARGET_CREDENTIALS))
    if len(problems.said) > before:
        return None
    options = {k: v for k, v in spec.items() if k not in ("type", "url")}
    return TargetConfig(name=name, type=spec["type"], url=spec.get("url"), options=options)
