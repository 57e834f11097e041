"""The catalogue of issue codes holds every code the package emits, and only those.

The package's source is read with ``ast``.  A code is *emitted* where it is a constant in a
place that makes an issue or an error of it: the first argument of ``Issue(…)`` or of a helper
named ``…_issue(…)``, a ``code=`` keyword, the default of a parameter named ``code``, or a key
of a dict literal of codes (a table a function looks codes up in, as the validation rules do).
Any other constant that looks like a code of a known stage (``exc.code == "oai.not_oai_pmh"``)
must be catalogued too: a reader of the code should be able to look it up.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import ir_ingest
from ir_ingest import codes
from ir_ingest.codes import CODES, STAGES, close_matches, in_order, stage_codes
from ir_ingest.oai.pages import PageGuards

PACKAGE = Path(ir_ingest.__file__).parent
#: What a code looks like: ``stage.words_with_underscores``.
CODE = re.compile(r"[a-z]+\.[a-z][a-z_]*")


def _constant_code(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if CODE.fullmatch(node.value) else None
    return None


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _emitting_nodes(tree: ast.AST) -> list[ast.AST | None]:
    """The nodes of ``tree`` whose constant, if any, is a code made into an issue or error."""
    found: list[ast.AST | None] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _callee(node)
            if (name == "Issue" or name.endswith("_issue")) and node.args:
                found.append(node.args[0])
            found += [k.value for k in node.keywords if k.arg == "code"]
        elif isinstance(node, ast.arguments):
            positional = [*node.posonlyargs, *node.args]
            defaults = zip(
                positional[len(positional) - len(node.defaults) :], node.defaults, strict=True
            )
            found += [value for arg, value in defaults if arg.arg == "code"]
            found += [
                value
                for arg, value in zip(node.kwonlyargs, node.kw_defaults, strict=True)
                if arg.arg == "code"
            ]
        elif isinstance(node, ast.Dict):
            found += node.keys
    return found


def emitted_codes(source: str) -> set[str]:
    """The codes a module's source emits (see the module docstring)."""
    return {code for node in _emitting_nodes(ast.parse(source)) if (code := _constant_code(node))}


def code_like_constants(source: str, stages: set[str]) -> set[str]:
    """Every string constant of a module that looks like a code of one of ``stages``."""
    return {
        code
        for node in ast.walk(ast.parse(source))
        if (code := _constant_code(node)) and code.partition(".")[0] in stages
    }


def package_codes(package: Path, stages: set[str]) -> tuple[set[str], set[str]]:
    """``(emitted, mentioned)`` over every module of ``package`` but the catalogue itself."""
    emitted: set[str] = set()
    mentioned: set[str] = set()
    for path in sorted(package.rglob("*.py")):
        if path == Path(codes.__file__):
            continue
        source = path.read_text(encoding="utf-8")
        emitted |= emitted_codes(source)
        mentioned |= code_like_constants(source, stages)
    return emitted, mentioned


def catalogue_gaps(
    package: Path, catalogue: set[str], stages: set[str]
) -> tuple[set[str], set[str]]:
    """``(missing, unused)``: codes the package emits or mentions that ``catalogue`` lacks, and
    codes ``catalogue`` has that the package emits nowhere."""
    emitted, mentioned = package_codes(package, stages)
    return (emitted | mentioned) - catalogue, catalogue - emitted


def test_the_catalogue_holds_every_code_the_package_emits_and_no_other() -> None:
    missing, unused = catalogue_gaps(PACKAGE, set(CODES), set(STAGES))
    assert missing == set(), "emitted but not in ir_ingest/codes.py"
    assert unused == set(), "in ir_ingest/codes.py but emitted nowhere"


def test_the_walk_finds_a_code_planted_in_any_way_the_package_emits_codes(tmp_path: Path) -> None:
    (tmp_path / "planted.py").write_text(
        "from ir_ingest.entry import Issue, Severity\n"
        "from ir_ingest.errors import XMLError\n"
        "TABLE = {'validate.planted_key': (Severity.ERROR, 'x')}\n"
        "def make(code: str = 'oai.planted_default') -> Issue:\n"
        "    if code == 'store.planted_compared':\n"
        "        raise XMLError('x', code='xml.planted_keyword')\n"
        "    _issue('harvest.planted_helper', 'x')\n"
        "    return Issue('crosswalk.planted_issue', 'x', Severity.ERROR)\n"
        "NOT_A_CODE = 'host.title'\n",
        encoding="utf-8",
    )
    catalogue = {"xml.planted_keyword", "xml.never_emitted"}
    missing, unused = catalogue_gaps(tmp_path, catalogue, set(STAGES))
    assert missing == {
        "validate.planted_key",
        "oai.planted_default",
        "store.planted_compared",
        "harvest.planted_helper",
        "crosswalk.planted_issue",
    }
    assert unused == {"xml.never_emitted"}
    # A code only compared with is mentioned, not emitted: the catalogue may not keep it alone.
    emitted, mentioned = package_codes(tmp_path, set(STAGES))
    assert "store.planted_compared" in mentioned - emitted


def test_every_entry_is_one_line_of_meaning_and_one_of_what_to_do() -> None:
    for code, help_ in CODES.items():
        assert CODE.fullmatch(code), code
        assert code.partition(".")[0] in STAGES, code
        for text in (help_.meaning, help_.action):
            assert text.strip() == text, code
            assert text, code
            assert "\n" not in text, code
            assert text.count("`") % 2 == 0, f"{code}: a command's backticks do not pair"
    assert all(stage_codes(stage) for stage in STAGES), "a stage with no code"


def test_codes_are_put_in_catalogue_order_and_misspellings_find_their_code() -> None:
    assert in_order({"oai.no_metadata", "xml.malformed", "zz.old", "aa.old"}) == [
        "xml.malformed",
        "oai.no_metadata",
        "aa.old",
        "zz.old",
    ]
    assert close_matches("xml.malformd")[0] == "xml.malformed"
    assert close_matches("XML.Malformed")[0] == "xml.malformed"
    assert close_matches("nothing like it") == []


def test_the_limits_the_catalogue_names_are_the_guards_defaults() -> None:
    """The texts name the guards' defaults as numbers (the catalogue is read by ``--help``,
    which must not import the harvester); a changed default must change the text."""
    guards = PageGuards()
    assert f"({guards.max_empty_pages} by default)" in CODES["harvest.empty_pages"].meaning
    assert f"({guards.max_requests:,} by default)" in CODES["harvest.request_cap"].meaning
