"""Compile a crosswalk file's rules (its ``rules:`` entries) into :class:`Rule` objects.

Each entry of ``rules`` (and of a rule's ``build``) is a mapping of the keys documented in
:mod:`ir_ingest.crosswalk.definition`.  It becomes a frozen :class:`Rule`: its ``from`` path
compiled as an XPath and checked (:mod:`ir_ingest.crosswalk.xpaths`) and, where it can be,
into a Python function (:mod:`ir_ingest.crosswalk.paths`; with the child names it starts
with), its ``ops`` compiled, its ``to`` a :class:`TargetPath` checked against the record
schema, and its ``build`` rules compiled in turn.  Every problem is a :class:`ConfigError`
naming the file, the rule number and the bad value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

from ir_ingest.crosswalk.ops import Operation, check_columns, compile_operation
from ir_ingest.crosswalk.pathparse import compile_path, first_tags, one_step
from ir_ingest.crosswalk.targets import (
    check_keys,
    check_plain,
    field_type,
    item_keys,
    takes_key,
)
from ir_ingest.crosswalk.xpaths import compile_xpath
from ir_ingest.errors import ConfigError

if TYPE_CHECKING:
    from pathlib import Path

    from lxml import etree
    from msgspec import inspect

    from ir_ingest.crosswalk.paths import CompiledPath

OnError = Literal["keep", "null", "report", "reject"]
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_RULE_KEYS = {
    "from", "to", "ops", "as", "set", "build", "when", "requires", "consume", "on_error", "note",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class TargetPath:
    """A record field path: ``host.identifiers[]`` is ``("host", "identifiers")`` appending."""

    parts: tuple[str, ...]
    append: bool
    #: ``parts`` joined, and those above the last: the engine needs them for every value.
    dotted: str = field(init=False, compare=False, repr=False)
    parents: tuple[str, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dotted", ".".join(self.parts))  # frozen: set once, here
        object.__setattr__(self, "parents", self.parts[:-1])

    def __str__(self) -> str:
        return self.dotted + ("[]" if self.append else "")


# Compared and hashed by identity: the engine caches, per tuple of rules, which of them can
# select anything under a node (and constants hold dicts, which cannot be hashed).
@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    """One compiled rule: where values come from, what is done to them, where they go."""

    number: int
    source: str
    select: etree.XPath
    target: TargetPath
    #: Child element names the path starts with (``None``: it may select anything).  The
    #: engine skips the XPath when a node has none of them: most rules match nothing in a
    #: given record, and this test costs far less than evaluating the XPath.
    first_tags: frozenset[str] | None = None
    #: The path compiled for selection in Python (:mod:`ir_ingest.crosswalk.paths`); ``None``
    #: when it is outside that subset and lxml evaluates ``select``.
    path: CompiledPath | None = None
    #: The path is one child step (perhaps a union of them), so it selects only children named
    #: in ``first_tags``: once earlier rules consumed all of those, lxml need not be asked.
    one_step: bool = False
    ops: tuple[Operation, ...] = ()
    wrap: str | None = None
    constants: dict[str, Any] = field(default_factory=dict)
    build: tuple[Rule, ...] = ()
    when: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    requires: tuple[str, ...] = ()
    consume: bool = True
    on_error: OnError = "report"
    #: Attributes (``{uri}local``) giving the language of a value wrapped ``as: value``, in order.
    lang_attributes: tuple[str, ...] = (XML_LANG,)
    #: The keys the target's items hold, when they are a struct's (None: any, or no mapping):
    #: what an operation's mapping may bring.
    keys: frozenset[str] | None = None
    #: The record field the values go to and the source path they come from, each with those
    #: of the ``build`` rules around this one (``host.identifiers``,
    #: ``mods:relatedItem[@type='host'][1]/mods:identifier``): what lineage and issues name.
    field_path: str = ""
    source_path: str = ""


@dataclass(frozen=True, slots=True)
class RuleContext:
    """File-level settings every rule of a file is compiled with."""

    namespaces: dict[str, str]
    lang_attributes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Build:
    """The rule whose ``build`` rules are being compiled: its label, its target (as written,
    after those of the builds around it), and its :attr:`Rule.field_path` and
    :attr:`Rule.source_path`."""

    label: str
    target: str
    field_path: str
    source_path: str
    #: The type of the value the build makes when its operations assemble it from parts of
    #: their own naming (an Agent, by agent_parts); None otherwise.
    assembled: inspect.Type | None = None


def compile_rules(
    path: Path,
    specs: Any,
    context: RuleContext,
    within: inspect.Type | None,
    build: _Build | None = None,
) -> tuple[Rule, ...]:
    """Compile a file's rules, or a rule's ``build`` rules: their targets are fields of
    ``within`` (the record, or the value the build makes; None: not checked)."""
    if not isinstance(specs, list):
        where = f"{path} rule {build.label} build" if build is not None else str(path)
        raise ConfigError(f"{where}: rules must be a list, got {specs!r}")
    prefix = f"{build.label}." if build is not None else ""
    rules: list[Rule] = []
    problems: list[str] = []
    for number, spec in enumerate(specs, start=1):
        try:
            rules.append(
                _compile_rule(path, f"{prefix}{number}", number, spec, context, within, build)
            )
        except RulesInError as exc:  # a build's rules, each said on its own
            problems += exc.problems
        except ConfigError as exc:
            problems.append(str(exc))
    if len(problems) == 1:
        raise ConfigError(problems[0])
    if problems:
        raise RulesInError(path, problems)
    return tuple(rules)


class RulesInError(ConfigError):
    """Every rule's mistake at once, one a line (at most :data:`_MAX_SAID`): a file had
    been fixed one error a try.  ``problems`` holds them all, for a build's to join its
    file's."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        shown = problems[:_MAX_SAID]
        if len(problems) > _MAX_SAID:
            shown.append(f"and {len(problems) - _MAX_SAID} more")
        super().__init__(
            f"{path}: {len(problems)} rules in error:" + "".join(_LISTED + p for p in shown)
        )
        self.problems = problems


#: How the problems of several rules are listed, and at most how many.
_LISTED = "\n  - "
_MAX_SAID = 20


def _compile_rule(
    path: Path,
    label: str,
    number: int,
    spec: Any,
    context: RuleContext,
    within: inspect.Type | None,
    parent: _Build | None,
) -> Rule:
    # The whole path: a folder of one's own may hold a file named as a shipped one (oai_dc.yaml).
    where = f"{path} rule {label}"
    _check_rule_keys(where, spec)
    namespaces = context.namespaces
    select, ops = _compile_from(where, spec, namespaces)
    build = spec.get("build")
    target = _target(where, str(spec["to"]))
    built = parent.target if parent is not None else ""
    field = field_type(where, within, target, built)
    # The field the values end in, where a build's operations assemble them and only they know:
    # a part that is also a field of the value made (an Agent's identifiers) is its.
    shape = field
    if field is None and parent is not None and parent.assembled is not None:
        shape = _part(parent, target)
    wrap = _wrap(where, spec.get("as"))
    constants = _mapping(where, "set", spec.get("set"))
    check_keys(where, field, target, [*([wrap] if wrap else []), *constants])
    if not (build or ops or wrap or constants):
        check_plain(where, field, target)
    when, requires = _when(where, spec.get("when")), _requires(where, spec.get("requires"))
    if not (build or ops) and (when or requires):
        # Tested before as: wraps the text: a string has no keys, and the rule never fired.
        raise ConfigError(
            f"{where}: when: and requires: test the keys of a mapping a build: or ops: make; "
            "this rule reads text"
        )
    here = _Build(
        label,
        ".".join(filter(None, [built, str(target)])),
        f"{parent.field_path}.{target.dotted}" if parent is not None else target.dotted,
        _below(parent.source_path, spec["from"]) if parent is not None else str(spec["from"]),
        # The value its own build rules make, where they are not checked against it.
        shape if ops or field is None else None,
    )
    return Rule(
        number=number,
        source=str(spec["from"]),
        select=select,
        target=target,
        first_tags=first_tags(str(spec["from"]), namespaces),
        path=compile_path(str(spec["from"]), namespaces),
        one_step=one_step(str(spec["from"]), namespaces),
        ops=ops,
        wrap=wrap,
        constants=constants,
        # A build's operations make the value from parts of their own naming.
        build=_compile_build(path, build, context, None if ops else field, here),
        when=when,
        requires=requires,
        consume=_flag(where, "consume", spec.get("consume", True)),
        on_error=_on_error(where, spec),
        # A value wrapped into a field without a language (an identifier) takes none: its
        # element's xml:lang (a MODS name's lang, for its valueURI) had made the record one the
        # schema refuses.
        lang_attributes=context.lang_attributes if takes_key(shape, "lang") else (),
        keys=item_keys(shape),
        field_path=here.field_path,
        source_path=here.source_path,
    )


def _check_rule_keys(where: str, spec: Any) -> None:
    """Refuse a rule that is not a mapping, has unknown keys, or lacks ``from`` or ``to``."""
    if not isinstance(spec, dict):
        raise ConfigError(f"{where}: a rule is a mapping, got {spec!r}")
    unknown = set(spec) - _RULE_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(_RULE_KEYS)}")
    if "from" not in spec or "to" not in spec:
        raise ConfigError(f"{where}: a rule needs 'from' and 'to', got {sorted(spec)}")


def _compile_from(
    where: str, spec: dict[str, Any], namespaces: dict[str, str]
) -> tuple[etree.XPath, tuple[Operation, ...]]:
    """The rule's ``from`` path as an XPath (checked: :mod:`.xpaths`), and its ``ops`` compiled."""
    select = compile_xpath(where, str(spec["from"]), namespaces)
    listed = spec.get("ops") or []
    if not isinstance(listed, list):  # "ops: true" had been a TypeError's traceback (a fuzz)
        raise ConfigError(f"{where}: ops is a list of operations, got {listed!r}")
    try:
        ops = tuple(compile_operation(op) for op in listed)
        check_columns(ops)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from exc
    return select, ops


def _part(parent: _Build, target: TargetPath) -> inspect.Type | None:
    """The field of the value ``parent`` assembles that ``target`` names; None for a part of
    the build's own naming (an Agent's ``display_form``) or one the value has not."""
    try:
        return field_type("", parent.assembled, target, parent.target)
    except ConfigError:
        return None


def _compile_build(
    path: Path, build: Any, context: RuleContext, within: inspect.Type | None, rule: _Build
) -> tuple[Rule, ...]:
    """A rule's ``build`` rules (none without ``build``): their targets are fields of
    ``within``, the value the build makes (None: not checked)."""
    if build is None:
        return ()
    return compile_rules(path, build, context, within, rule)


def _on_error(where: str, spec: dict[str, Any]) -> OnError:
    # `on_error: null` unquoted is YAML's null; it can only mean the "null" policy.
    value = spec.get("on_error", "report")
    if "on_error" in spec and value is None:
        value = "null"
    if value not in ("keep", "null", "report", "reject"):
        raise ConfigError(f"{where}: on_error must be keep, null, report or reject, got {value!r}")
    return cast("OnError", value)


def _wrap(where: str, wrap: Any) -> str | None:
    if wrap is not None and not (isinstance(wrap, str) and wrap.isidentifier()):
        raise ConfigError(f"{where}: 'as' names the key to wrap a string in, got {wrap!r}")
    return wrap


def _mapping(where: str, key: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {key!r} must be a mapping, got {value!r}")
    return value


def _when(where: str, value: Any) -> dict[str, tuple[Any, ...]]:
    conditions = _mapping(where, "when", value)
    if not all(isinstance(allowed, list) for allowed in conditions.values()):
        raise ConfigError(f"{where}: 'when' maps keys to lists of values, got {value!r}")
    return {key: tuple(allowed) for key, allowed in conditions.items()}


def _requires(where: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(key, str) for key in value):
        raise ConfigError(f"{where}: 'requires' is a list of keys, got {value!r}")
    return tuple(value)


def _flag(where: str, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key!r} must be true or false, got {value!r}")
    return value


def _target(where: str, text: str) -> TargetPath:
    append = text.endswith("[]")
    parts = tuple(text.removesuffix("[]").split("."))
    if not all(part.isidentifier() for part in parts):
        raise ConfigError(f"{where}: bad target field path {text!r}")
    return TargetPath(parts, append)


def _below(path: str, step: str) -> str:
    """The path of ``step`` read from the nodes ``path`` selects, as --explain shows it: a
    union in brackets (``(mods:topic | mods:genre)/@authority``), where ``a | b/@authority``
    would say the authority of ``b`` alone."""
    return f"({path})/{step}" if " | " in path else f"{path}/{step}"
