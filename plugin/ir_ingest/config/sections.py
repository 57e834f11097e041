"""One ``[sources.NAME]`` or ``[targets.NAME]`` table of a config file, checked, and the
problems found, gathered to be said at once."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ir_ingest.config.model import AUTO_PREFIX, SourceConfig, TargetConfig
from ir_ingest.errors import ConfigError, UsageError
from ir_ingest.secrets import (
    CREDENTIALS_IN_A_NAME,
    holds_credentials,
    is_secret_name,
    public_url,
    refuse_unsendable_url,
    shown_url,
    shown_value,
)
from ir_ingest.urls import is_http_url

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

TARGET_TYPES = ("invenio", "dspace", "sword", "eprints", "jsonl")
_SOURCE_KEYS = {
    "url", "url_env", "prefix", "set", "schedule", "crosswalk", "profile", "repository",
    "fallback_prefix",
}  # fmt: skip
#: A target's keys: its credentials in variables these name (not used yet: no push command;
#: the keys of the coming push, so that ``tokn_env`` is not taken silently for one).
_TARGET_KEYS = {
    "type", "url", "token_env", "access_token_env", "client_secret_env", "username_env",
    "password_env",
}  # fmt: skip


class Problems:
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
        """Say every problem at once, the file named once, as each error reading it is said
        ("config file ir-ingest.toml: …")."""
        if len(self.said) == 1:
            raise ConfigError(f"config file {path}: {self.said[0]}")
        if self.said:
            listed = "".join(f"\n  - {message}" for message in self.said)
            raise ConfigError(f"config file {path}: {len(self.said)} problems:{listed}")


def read_source(name: str, spec: Any, problems: Problems, file: Path) -> SourceConfig | None:
    """The source ``[sources.NAME]`` of config ``file`` describes; ``None`` with its problems
    added."""
    where = f"[sources.{name}]"
    if not isinstance(spec, dict):
        problems.add(f"{where} must be a table, got {shown_value(spec)}")
        return None
    before = len(problems.said)
    unknown = set(spec) - _SOURCE_KEYS
    if unknown:
        problems.add(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(_SOURCE_KEYS)}")
    if "url" in spec and "url_env" in spec:
        problems.add(f"{where}: both 'url' and 'url_env' are given; give only one of them")
    elif "url" not in spec and "url_env" not in spec:
        problems.add(f"{where}: give 'url', or 'url_env' naming a variable that holds it")
    for key in sorted(_SOURCE_KEYS & set(spec)):
        problem = _setting_problem(key, spec[key])
        if problem is not None:
            problems.add(f"{where}: {problem}")
    if "url" in spec and _setting_problem("url", spec["url"]) is None:
        # Not for a url already said to be wrong: an empty one had been two problems, "must
        # be a non-empty string" and "must start with http://", and a padded one two too.
        problems.check(lambda: _check_url(where, spec["url"], _SOURCE_CREDENTIALS))
    fallback = spec.get("fallback_prefix")
    if fallback is not None and fallback == spec.get("prefix"):
        # Every record that failed would be asked for again as it came.
        problems.add(
            f"{where}: fallback_prefix {fallback!r} is the source's own prefix; name a simpler "
            'format the endpoint offers, such as fallback_prefix = "oai_dc"'
        )
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
        fallback_prefix=spec.get("fallback_prefix"),
        file=file,
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
            if not all(_cron_number(str(v), low, high) for v in values):
                return False
            if len(values) == 2 and int(values[0]) > int(values[1]):
                return False  # a range backwards (5-1)
    return True


def _cron_number(text: str, low: int, high: int) -> bool:
    """Whether ``text`` is a number from ``low`` to ``high``, leading zeros allowed.

    Its digits are counted before it is read: int() refuses a text of over 4,300 digits
    (CPython's limit on reading numbers), a ValueError that had been a traceback.
    """
    return text.isdigit() and len(text.lstrip("0")) <= len(str(high)) and low <= int(text) <= high


def _setting_problem(key: str, value: Any) -> str | None:
    """What is wrong with one source setting, or ``None``."""
    # Every source setting is one string: a list of sets reached SQL as a list.
    if not isinstance(value, str) or not value.strip():
        return f"{key!r} must be a non-empty string, got {shown_value(value)}"
    if value != value.strip():
        # " oai_dc " was asked for as such; a repository name kept its spaces in every id.
        return f"{key!r} has white space around it: {shown_value(value)}"
    if key == "url_env" and not _VARIABLE.fullmatch(value):
        return "url_env must name an environment variable (letters, digits, _), got " + shown_value(
            value
        )
    if key == "repository" and holds_credentials(value):
        return f"repository {CREDENTIALS_IN_A_NAME}, got {shown_value(value)}"
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
        raise ConfigError(f"{where}: url must be a string, got {shown_value(url)}")
    try:
        refuse_unsendable_url(url)
    except UsageError as exc:
        raise ConfigError(f"{where}: {exc}") from exc
    try:
        shown = public_url(url)
    except ConfigError as exc:
        raise ConfigError(f"{where}: url: {exc}") from exc
    if not is_http_url(shown):
        # Said is what is wrong: its scheme (ftp://), or no host after http://.
        http = urlsplit(shown).scheme.lower() in ("http", "https")
        problem = "names no host" if http else "must start with http:// or https://"
        raise ConfigError(f"{where}: url {problem}, got {shown!r}")
    if shown != url:
        raise ConfigError(
            f"{where}: credentials are not kept in the config file, and the url "
            f"{shown_url(url)!r} has some; {instead}"
        )


def read_target(name: str, spec: Any, problems: Problems) -> TargetConfig | None:
    """The target ``[targets.NAME]`` describes; ``None`` with its problems added."""
    where = f"[targets.{name}]"
    if not isinstance(spec, dict):
        problems.add(f"{where} must be a table, got {shown_value(spec)}")
        return None
    before = len(problems.said)
    if spec.get("type") not in TARGET_TYPES:
        types = ", ".join(TARGET_TYPES)
        problems.add(f"{where}: type must be one of {types}, got {shown_value(spec.get('type'))}")
    credentials = {k for k in spec if is_secret_name(k) and not k.lower().endswith("_env")}
    unknown = set(spec) - _TARGET_KEYS - credentials  # those said below, as credentials
    if unknown:
        problems.add(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(_TARGET_KEYS)}")
    for key in sorted(credentials):
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
