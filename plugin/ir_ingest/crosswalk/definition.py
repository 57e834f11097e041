"""Load and check crosswalk files (``crosswalks/*.yaml``) into compiled rules.

A crosswalk file is data only.  Its keys::

    format: mods                        # the metadataPrefix it reads
    root: mods:mods                     # the metadata element it expects (prefix:local), or a
                                        #   list of them (qualified DC has three in the wild)
    include: oai_dc.yaml                # run that file's rules after these (a file beside
                                        #   this one, else the shipped one of that name);
                                        #   its defaults, postprocess and limits apply too
    precedence: 30                      # how rich the format is: a record harvested in two
                                        #   formats keeps the higher one's (default: the
                                        #   shipped file's of that format, else 0)
    namespaces: {prefix: uri, ...}      # prefixes used in root and in rule paths
    value_attributes: [valueURI]        # attributes that carry values (kept in extra if unused)
    language_attributes: [xml:lang, lang]   # where `as: value` finds a value's language, first
                                        #   present wins (default: xml:lang only)
    defaults: {field: value, ...}       # set when no rule filled the field
    postprocess: [issued_date, ...]     # named steps from ir_ingest.crosswalk.post, in order
    limits:                             # what the format cannot say: an info issue each
      - {field: host.editors, types: [c_3248], message: "…"}
    rules:
      - from: dc:title                  # XPath 1.0 relative to the root (or to the element a
                                        #   `build` rule selected): elements or attributes
        to: title                       # record field (checked on load); "a.b" nests,
                                        #   "x[]" appends to a list
        ops: [edtf, {lookup: table}]    # see ir_ingest.crosswalk.ops
        as: value                       # wrap a string as {value, lang from language_attributes}
                                        #   (any other key: {key: string}, e.g. as: uri)
        set: {role: aut}                # constant keys added to the value (a string becomes value)
        build: [rules…]                 # the value is a dict made by these rules from the element
        when: {role: [aut, null]}       # use a built dict only if its keys hold these values
        requires: [date]                # use a built dict only if it has these keys
        consume: false                  # read the value but leave it for later rules too
        on_error: report                # keep | null | report | reject
        note: why this rule exists      # free text for readers; ignored

YAML anchors and aliases may share a ``build`` list between rules.  Every problem is reported
with the file name, the rule number and the bad value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

import yaml
from lxml import etree

from ir_ingest.crosswalk.ops import Operation, compile_operation
from ir_ingest.crosswalk.paths import SimplePath, compile_path, first_tags
from ir_ingest.crosswalk.post import STEPS
from ir_ingest.crosswalk.targets import check_keys, field_type, record_type
from ir_ingest.errors import ConfigError
from ir_ingest.resources import bundled

if TYPE_CHECKING:
    from pathlib import Path

    from msgspec import inspect

OnError = Literal["keep", "null", "report", "reject"]
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_RULE_KEYS = {
    "from", "to", "ops", "as", "set", "build", "when", "requires", "consume", "on_error", "note",
}  # fmt: skip
_FILE_KEYS = {
    "format", "root", "include", "namespaces", "value_attributes", "language_attributes",
    "defaults", "postprocess", "limits", "rules", "description", "precedence",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class TargetPath:
    """A record field path: ``host.identifiers[]`` is ``("host", "identifiers")`` appending."""

    parts: tuple[str, ...]
    append: bool

    def __str__(self) -> str:
        return ".".join(self.parts) + ("[]" if self.append else "")


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
    path: SimplePath | None = None
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


@dataclass(frozen=True, slots=True)
class Limit:
    """Something the format cannot carry, reported when the field is empty for these types."""

    field: str
    message: str
    types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Crosswalk:
    """A loaded crosswalk: its format, expected root element, namespaces and rules."""

    format: str
    roots: tuple[str, ...]
    namespaces: dict[str, str]
    rules: tuple[Rule, ...]
    defaults: dict[str, Any]
    path: Path
    value_attributes: frozenset[str] = frozenset()
    postprocess: tuple[str, ...] = ()
    limits: tuple[Limit, ...] = ()
    #: Of two copies of one record with the same datestamp, the store keeps the one whose
    #: format's precedence is higher (MODS says more than qualified DC, which says more than
    #: oai_dc); formats of equal precedence replace each other.  None: the file does not say.
    precedence: int | None = None
    #: ``{uri}local`` -> ``prefix:local``, as paths in ``extra`` name elements; filled as met.
    short_names: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def root(self) -> str:
        """The first (main) root element name, for messages."""
        return self.roots[0]

    @property
    def roots_clark(self) -> frozenset[str]:
        """The root elements as ``{namespace}local``, as lxml names them."""
        return frozenset(clark(root, self.namespaces) for root in self.roots)


def clark(qname: str, namespaces: dict[str, str]) -> str:
    """``prefix:local`` as lxml's ``{uri}local`` (no prefix: no namespace)."""
    prefix, sep, local = qname.partition(":")
    return f"{{{namespaces[prefix]}}}{local}" if sep else qname


def load_crosswalk(path: Path, including: tuple[Path, ...] = ()) -> Crosswalk:
    """Read and check one crosswalk file; raises :class:`ConfigError` naming file and rule.

    ``including`` are the files whose ``include`` led here (to refuse a loop).
    """
    data = _read_mapping(path)
    base = _included(path, data.get("include"), including)
    # A file that includes another may leave out its root and namespaces: it reads the same
    # format, and its rules may use the included file's prefixes.
    namespaces = data.get("namespaces", {})
    if not isinstance(namespaces, dict) or not all(isinstance(v, str) for v in namespaces.values()):
        raise ConfigError(f"{path}: namespaces must map prefixes to URIs, got {namespaces!r}")
    if base is not None:
        namespaces = {**base.namespaces, **namespaces}
    root = data.get("root", list(base.roots) if base else None)
    roots = tuple(map(str, root if isinstance(root, list) else [root]))
    for name in roots:
        if name.partition(":")[0] not in namespaces:
            raise ConfigError(f"{path}: root {name!r} uses a prefix not declared in namespaces")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise ConfigError(f"{path}: defaults must be a mapping, got {defaults!r}")
    precedence = data.get("precedence")
    if precedence is not None and (not isinstance(precedence, int) or isinstance(precedence, bool)):
        raise ConfigError(f"{path}: precedence must be a whole number, got {precedence!r}")
    languages = _language_attributes(path, data.get("language_attributes"), namespaces)
    return Crosswalk(
        format=str(data["format"]),
        roots=roots,
        namespaces=dict(namespaces),
        rules=_compile_rules(path, data["rules"], _Context(namespaces, languages), record_type())
        + (base.rules if base else ()),
        defaults={**(base.defaults if base else {}), **defaults},
        path=path,
        value_attributes=_value_attributes(path, data.get("value_attributes"), namespaces)
        | (base.value_attributes if base else frozenset()),
        postprocess=_postprocess(path, data.get("postprocess"))
        or (base.postprocess if base else ()),
        limits=_limits(path, data.get("limits")) or (base.limits if base else ()),
        precedence=precedence,
    )


def _included(path: Path, name: Any, including: tuple[Path, ...]) -> Crosswalk | None:
    """The crosswalk ``include`` names: a file beside this one, else the shipped file of
    that name, so that a folder of one's own can extend a shipped crosswalk (a file of its
    own name, ``oai_dc.yaml`` including ``oai_dc.yaml``, includes the shipped one)."""
    if name is None:
        return None
    if not isinstance(name, str) or "/" in name or not name.endswith(".yaml"):
        raise ConfigError(f"{path}: include names a crosswalk file by name, got {name!r}")
    beside = path.parent / name
    itself = beside.resolve() == path.resolve()
    found = beside if beside.exists() and not itself else bundled("crosswalks") / name
    if not found.exists():
        why = (
            "includes itself, and no crosswalk of that name is shipped"
            if itself
            else ("is neither beside it nor shipped")
        )
        raise ConfigError(f"{path}: include {name!r} {why}")
    chain = (*including, path.resolve())
    if found.resolve() in chain:
        raise ConfigError(f"{path}: include {name!r} comes back to a file that includes it")
    return load_crosswalk(found, chain)


#: libyaml's safe loader where PyYAML was built with it: the three bundled crosswalks load in
#: 17 ms instead of 150 ms, which every command that crosswalks paid before its first record.
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read crosswalk: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a crosswalk file is a mapping, got {type(data).__name__}")
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown keys {sorted(unknown)}; allowed: {sorted(_FILE_KEYS)}")
    # An including file has the included one's root and namespaces (see load_crosswalk).
    required = (
        ("format", "rules") if "include" in data else ("format", "root", "namespaces", "rules")
    )
    for key in required:
        if key not in data:
            raise ConfigError(f"{path}: missing required key {key!r}")
    return data


@dataclass(frozen=True, slots=True)
class _Context:
    """File-level settings every rule of a file is compiled with."""

    namespaces: dict[str, str]
    lang_attributes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Build:
    """The rule whose ``build`` rules are being compiled: its label and its target."""

    label: str
    target: str


def _compile_rules(
    path: Path,
    specs: Any,
    context: _Context,
    within: inspect.Type | None,
    build: _Build | None = None,
) -> tuple[Rule, ...]:
    """Compile a file's rules, or a rule's ``build`` rules: their targets are fields of
    ``within`` (the record, or the value the build makes; None: not checked)."""
    if not isinstance(specs, list):
        where = f"{path.name} rule {build.label} build" if build is not None else str(path)
        raise ConfigError(f"{where}: rules must be a list, got {specs!r}")
    prefix = f"{build.label}." if build is not None else ""
    return tuple(
        _compile_rule(path, f"{prefix}{number}", number, spec, context, within, build)
        for number, spec in enumerate(specs, start=1)
    )


def _compile_rule(
    path: Path,
    label: str,
    number: int,
    spec: Any,
    context: _Context,
    within: inspect.Type | None,
    parent: _Build | None,
) -> Rule:
    where = f"{path.name} rule {label}"
    if not isinstance(spec, dict):
        raise ConfigError(f"{where}: a rule is a mapping, got {spec!r}")
    unknown = set(spec) - _RULE_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(_RULE_KEYS)}")
    if "from" not in spec or "to" not in spec:
        raise ConfigError(f"{where}: a rule needs 'from' and 'to', got {sorted(spec)}")
    namespaces = context.namespaces
    try:
        select = etree.XPath(str(spec["from"]), namespaces=namespaces)
        ops = tuple(compile_operation(op) for op in spec.get("ops") or [])
    except etree.XPathSyntaxError as exc:
        raise ConfigError(f"{where}: bad XPath {spec['from']!r}: {exc}") from exc
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from exc
    build = spec.get("build")
    target = _target(where, str(spec["to"]))
    built = parent.target if parent is not None else ""
    field = field_type(where, within, target, built)
    wrap = _wrap(where, spec.get("as"))
    constants = _mapping(where, "set", spec.get("set"))
    check_keys(where, field, target, [*([wrap] if wrap else []), *constants])
    return Rule(
        number=number,
        source=str(spec["from"]),
        select=select,
        target=target,
        first_tags=first_tags(str(spec["from"]), namespaces),
        path=compile_path(str(spec["from"]), namespaces),
        ops=ops,
        wrap=wrap,
        constants=constants,
        # A build's operations make the value from parts of their own naming.
        build=_compile_rules(
            path,
            build,
            context,
            None if ops else field,
            _Build(label, ".".join(filter(None, [built, str(target)]))),
        )
        if build is not None
        else (),
        when=_when(where, spec.get("when")),
        requires=_requires(where, spec.get("requires")),
        consume=_flag(where, "consume", spec.get("consume", True)),
        on_error=_on_error(where, spec),
        lang_attributes=context.lang_attributes,
    )


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


def _value_attributes(path: Path, names: Any, namespaces: dict[str, str]) -> frozenset[str]:
    if names is None:
        return frozenset()
    if not isinstance(names, list):
        raise ConfigError(f"{path}: value_attributes must be a list, got {names!r}")
    try:
        return frozenset(clark(str(name), namespaces) for name in names)
    except KeyError as exc:
        raise ConfigError(f"{path}: value_attributes uses an undeclared prefix {exc}") from exc


def _language_attributes(path: Path, names: Any, namespaces: dict[str, str]) -> tuple[str, ...]:
    """The language attributes as ``{uri}local``; ``xml:lang`` needs no declared prefix."""
    if names is None:
        return (XML_LANG,)
    if not isinstance(names, list) or not names:
        raise ConfigError(f"{path}: language_attributes must be a non-empty list, got {names!r}")
    try:
        return tuple(
            XML_LANG if name == "xml:lang" else clark(str(name), namespaces) for name in names
        )
    except KeyError as exc:
        raise ConfigError(f"{path}: language_attributes uses an undeclared prefix {exc}") from exc


def _postprocess(path: Path, names: Any) -> tuple[str, ...]:
    if names is None:
        return ()
    unknown = [name for name in names if name not in STEPS] if isinstance(names, list) else names
    if unknown:
        raise ConfigError(
            f"{path}: unknown postprocess steps {unknown!r}; known: {', '.join(sorted(STEPS))}"
        )
    return tuple(names)


def _limits(path: Path, specs: Any) -> tuple[Limit, ...]:
    if specs is None:
        return ()
    limits = []
    for spec in specs if isinstance(specs, list) else [specs]:
        if not isinstance(spec, dict) or not {"field", "message"} <= set(spec):
            raise ConfigError(f"{path}: a limit needs 'field' and 'message', got {spec!r}")
        limits.append(Limit(str(spec["field"]), str(spec["message"]), tuple(spec.get("types", ()))))
    return tuple(limits)
