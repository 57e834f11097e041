"""Load and check crosswalk files (``crosswalks/*.yaml``) into compiled rules.

A crosswalk file is data only.  Its keys::

    format: oai_dc                      # the metadataPrefix it reads
    root: oai_dc:dc                     # the metadata element it expects (prefix:local)
    namespaces: {prefix: uri, ...}      # prefixes used in root and in rule paths
    defaults: {field: value, ...}       # set when no rule filled the field
    rules:
      - from: dc:title                  # XPath 1.0, relative to the root, selecting elements
        to: title                       # record field; "a.b" nests, "x[]" appends to a list
        ops: [edtf, {lookup: table}]    # see ir_ingest.crosswalk.ops
        as: value                       # wrap a string as {value, lang from xml:lang}
                                        #   (any other key: {key: string}, e.g. as: uri)
        set: {role: aut}                # constant keys added to the value (a string becomes value)
        on_error: report                # keep | null | report | reject
        note: why this rule exists      # free text for readers; ignored

Every problem is reported with the file name, the rule number and the bad value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

import yaml
from lxml import etree

from ir_ingest.crosswalk.ops import Operation, compile_operation
from ir_ingest.errors import ConfigError

if TYPE_CHECKING:
    from pathlib import Path

OnError = Literal["keep", "null", "report", "reject"]
_RULE_KEYS = {"from", "to", "ops", "as", "set", "on_error", "note"}
_FILE_KEYS = {"format", "root", "namespaces", "defaults", "rules", "description"}


@dataclass(frozen=True, slots=True)
class TargetPath:
    """A record field path: ``host.identifiers[]`` is ``("host", "identifiers")`` appending."""

    parts: tuple[str, ...]
    append: bool

    def __str__(self) -> str:
        return ".".join(self.parts) + ("[]" if self.append else "")


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled rule: where values come from, what is done to them, where they go."""

    number: int
    source: str
    select: etree.XPath
    target: TargetPath
    ops: tuple[Operation, ...] = ()
    wrap: str | None = None
    constants: dict[str, Any] = field(default_factory=dict)
    on_error: OnError = "report"


@dataclass(frozen=True, slots=True)
class Crosswalk:
    """A loaded crosswalk: its format, expected root element, namespaces and rules."""

    format: str
    root: str
    namespaces: dict[str, str]
    rules: tuple[Rule, ...]
    defaults: dict[str, Any]
    path: Path

    @property
    def root_clark(self) -> str:
        """The root element as ``{namespace}local``, as lxml names it."""
        prefix, _, local = self.root.partition(":")
        return f"{{{self.namespaces[prefix]}}}{local}"


def load_crosswalk(path: Path) -> Crosswalk:
    """Read and check one crosswalk file; raises :class:`ConfigError` naming file and rule."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read crosswalk: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a crosswalk file is a mapping, got {type(data).__name__}")
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown keys {sorted(unknown)}; allowed: {sorted(_FILE_KEYS)}")
    for key in ("format", "root", "namespaces", "rules"):
        if key not in data:
            raise ConfigError(f"{path}: missing required key {key!r}")
    namespaces = data["namespaces"]
    if not isinstance(namespaces, dict) or not all(isinstance(v, str) for v in namespaces.values()):
        raise ConfigError(f"{path}: namespaces must map prefixes to URIs, got {namespaces!r}")
    root = str(data["root"])
    if root.partition(":")[0] not in namespaces:
        raise ConfigError(f"{path}: root {root!r} uses a prefix not declared in namespaces")
    rules = tuple(
        _compile_rule(path, number, spec, namespaces)
        for number, spec in enumerate(data["rules"] or [], start=1)
    )
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise ConfigError(f"{path}: defaults must be a mapping, got {defaults!r}")
    return Crosswalk(str(data["format"]), root, dict(namespaces), rules, defaults, path)


def _compile_rule(path: Path, number: int, spec: Any, namespaces: dict[str, str]) -> Rule:
    where = f"{path.name} rule {number}"
    if not isinstance(spec, dict):
        raise ConfigError(f"{where}: a rule is a mapping, got {spec!r}")
    unknown = set(spec) - _RULE_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(_RULE_KEYS)}")
    if "from" not in spec or "to" not in spec:
        raise ConfigError(f"{where}: a rule needs 'from' and 'to', got {sorted(spec)}")
    try:
        select = etree.XPath(str(spec["from"]), namespaces=namespaces)
    except etree.XPathSyntaxError as exc:
        raise ConfigError(f"{where}: bad XPath {spec['from']!r}: {exc}") from exc
    try:
        ops = tuple(compile_operation(op) for op in spec.get("ops") or [])
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from exc
    # `on_error: null` unquoted is YAML's null; it can only mean the "null" policy.
    on_error = (
        "null"
        if "on_error" in spec and spec["on_error"] is None
        else spec.get("on_error", "report")
    )
    if on_error not in ("keep", "null", "report", "reject"):
        raise ConfigError(
            f"{where}: on_error must be keep, null, report or reject, got {on_error!r}"
        )
    wrap = spec.get("as")
    if wrap is not None and not (isinstance(wrap, str) and wrap.isidentifier()):
        raise ConfigError(f"{where}: 'as' names the key to wrap a string in, got {wrap!r}")
    constants = spec.get("set") or {}
    if not isinstance(constants, dict):
        raise ConfigError(f"{where}: 'set' must be a mapping, got {constants!r}")
    return Rule(
        number=number,
        source=str(spec["from"]),
        select=select,
        target=_target(where, str(spec["to"])),
        ops=ops,
        wrap=wrap,
        constants=constants,
        on_error=cast("OnError", on_error),
    )


def _target(where: str, text: str) -> TargetPath:
    append = text.endswith("[]")
    parts = tuple(text.removesuffix("[]").split("."))
    if not all(part.isidentifier() for part in parts):
        raise ConfigError(f"{where}: bad target field path {text!r}")
    return TargetPath(parts, append)
