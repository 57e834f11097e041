"""Crosswalk regular expressions run by RE2: linear time, Python's Unicode classes, and the
patterns RE2 cannot run refused when the crosswalk file loads."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from typing import TYPE_CHECKING

import pytest
from lxml import etree

from ir_ingest.crosswalk import add_crosswalk_dir
from ir_ingest.crosswalk.definition import load_crosswalk
from ir_ingest.crosswalk.engine import apply_crosswalk
from ir_ingest.crosswalk.patterns import _SPACE_RANGES, compile_pattern
from ir_ingest.entry import HarvestedRecord, Outcome, Severity
from ir_ingest.errors import ConfigError
from ir_ingest.pipeline import process

if TYPE_CHECKING:
    from pathlib import Path

    from ir_ingest.store import Store

CROSSWALK = """format: test
root: t:rec
namespaces: {t: "urn:test"}
rules:
  - {from: 't:p', to: publisher, ops: [{match: "PATTERN"}]}
"""

# The same expression in the rule's XPath, as EXSLT's re:test.
EXSLT_CROSSWALK = """format: test
root: t:rec
namespaces: {t: "urn:test", re: "http://exslt.org/regular-expressions"}
rules:
  - {from: "t:p[re:test(., 'PATTERN')]", to: publisher}
"""

# Loads the crosswalk and crosswalks one record whose value Python's re would backtrack on for
# longer than the universe lasts: (a+)+$ against 40,000 a's and a b.
APPLY = """
import json, sys
from pathlib import Path
from lxml import etree
from ir_ingest.crosswalk.definition import load_crosswalk
from ir_ingest.crosswalk.engine import apply_crosswalk
from ir_ingest.crosswalk.engine import apply_crosswalk
value = "a" * 40_000 + "b"
doc = etree.fromstring(f'<t:rec xmlns:t="urn:test"><t:p>{value}</t:p><t:p>aaa</t:p></t:rec>')
applied = apply_crosswalk(load_crosswalk(Path(sys.argv[1])), doc)
extra = len(applied.data["extra"]["t:p"][0])
print(json.dumps({"publisher": applied.data["publisher"], "extra": extra}))
"""


@pytest.mark.parametrize("crosswalk", [CROSSWALK, EXSLT_CROSSWALK], ids=["match", "re:test"])
def test_a_pathological_pattern_on_a_long_value_does_not_backtrack(
    tmp_path: Path, crosswalk: str
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(crosswalk.replace("PATTERN", "^(a+)+$"), "utf-8")
    # Generous: RE2 takes milliseconds; backtracking would take ~2^40,000 steps, and trip it.
    done = subprocess.run(
        [sys.executable, "-c", APPLY, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    # The long value is not all a's, so it goes to extra; the short one matches.
    assert json.loads(done.stdout) == {"publisher": "aaa", "extra": 40_001}


def test_an_exslt_pattern_re2_cannot_run_is_refused_naming_file_rule_and_pattern(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(EXSLT_CROSSWALK.replace("PATTERN", "^(?!x)"), "utf-8")
    crosswalk = load_crosswalk(path)
    doc = etree.fromstring('<t:rec xmlns:t="urn:test"><t:p>y</t:p></t:rec>')
    with pytest.raises(ConfigError) as raised:
        apply_crosswalk(crosswalk, doc)
    assert str(raised.value).startswith(f"{path} rule 1: bad regular expression '^(?!x)': ")


@pytest.mark.usefixtures("isolated_crosswalks")
def test_an_exslt_pattern_from_the_record_re2_cannot_run_fails_only_that_record(
    tmp_path: Path, store: Store
) -> None:
    """It stopped the run, as a pattern the file spells out does (a ConfigError)."""
    from_data = EXSLT_CROSSWALK.replace("t:p[re:test(., 'PATTERN')]", "t:q[re:test(., @p)]")
    (tmp_path / "mine.yaml").write_text(from_data, "utf-8")
    add_crosswalk_dir(tmp_path)

    def harvested(identifier: str, pattern: str) -> HarvestedRecord:
        raw = f'<t:rec xmlns:t="urn:test"><t:q p="{pattern}">abc</t:q></t:rec>'
        return HarvestedRecord("urn:r", identifier, "2024-01-01", "test", raw.encode())

    bad, good = process(harvested("oai:r:1", "(b)\\1")), process(harvested("oai:r:2", "^a"))
    store.save_page(None, [bad, good], None)
    # The good one is stored (invalid: the crosswalk gives it no title).
    assert (bad.outcome, good.outcome) == (Outcome.FAILED, Outcome.INVALID)
    (issue,) = bad.issues
    assert (issue.code, issue.severity) == ("crosswalk.bad_pattern", Severity.ERROR)
    assert issue.message.startswith(
        f"{tmp_path / 'mine.yaml'} rule 1: a pattern from the record's data: bad regular "
        "expression '(b)\\\\1': invalid escape sequence: \\1"
    ), issue.message
    assert good.record is not None
    assert good.record.publisher == "abc"


def test_exslt_match_replace_and_test_select_as_exslt_says(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    rules = (
        "  - {from: \"t:p[re:match(., '([a-z]+)([0-9]+)')[3] = '12']\", to: publisher,"
        " consume: false}\n"
        "  - {from: \"t:p[re:replace(., '\\\\d', 'g', '#') = 'ab##cd##']\", to: edition}\n"
        "  - {from: \"t:q[re:test(., 'ZZ', 'i')]\", to: place_of_publication}\n"
    )
    path.write_text(EXSLT_CROSSWALK.split("rules:")[0] + "rules:\n" + rules, "utf-8")
    doc = etree.fromstring(
        '<t:rec xmlns:t="urn:test"><t:p>ab12cd34</t:p><t:q>a</t:q><t:q>zz</t:q></t:rec>'
    )
    data = apply_crosswalk(load_crosswalk(path), doc).data
    assert (data["publisher"], data["edition"], data["place_of_publication"]) == (
        "ab12cd34",
        "ab12cd34",
        "zz",
    )


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("^(?!info:eu-repo/)", "invalid perl operator: (?!"),
        ("(?<=doi:)10\\\\.", "invalid perl operator: (?<"),
        ("(\\\\w)\\\\1", "invalid escape sequence: \\\\1"),
    ],
)
def test_a_pattern_re2_cannot_run_is_refused_naming_file_rule_and_pattern(
    tmp_path: Path, pattern: str, reason: str
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(CROSSWALK.replace("PATTERN", pattern), "utf-8")
    with pytest.raises(ConfigError) as raised:
        load_crosswalk(path)
    message = str(raised.value)
    shown = pattern.replace("\\\\", "\\")
    assert message.startswith(f"{path} rule 1: bad regular expression {shown!r}: "), message
    assert reason.replace("\\\\", "\\") in message
    assert "not_match" in message


def test_python_s_unicode_classes_keep_their_meaning() -> None:
    assert compile_pattern(r"^\s+$").search("\u00a0\u2003\t")
    assert compile_pattern(r"^\d+$").search("٣٤")
    assert compile_pattern(r"^\w+$").search("Ångström_1")
    assert not compile_pattern(r"\S").search("\u00a0\u3000")
    assert not compile_pattern(r"\W").search("é")
    # Inside a class too: "whitespace but not a newline".
    assert compile_pattern(r"^[^\S\n]+$").search("\u00a0 ")
    assert not compile_pattern(r"[^\S\n]").search("\n")
    assert compile_pattern(r"^[\d.]+$").search("٣.٤")
    # The licence rule's URL stops before a no-break space, as it did under Python's re.
    licence = compile_pattern(r"https?://[^\s()]*[^\s().,;:]")
    assert licence.findall("see https://cc.example/by/4.0/\u00a0(CC BY)") == [
        "https://cc.example/by/4.0/"
    ]


def test_a_closing_bracket_first_in_a_class_is_one_of_its_characters() -> None:
    assert compile_pattern(r"^[]\d]+$").search("]٣")
    assert compile_pattern(r"^[^]\s]+$").search("ab")
    assert not compile_pattern(r"[^]\s]").search("]\u00a0")


def test_the_whitespace_class_is_python_s() -> None:
    listed = {c for low, high in _SPACE_RANGES for c in range(low, high + 1)}
    assert listed == {c for c in range(sys.maxunicode + 1) if chr(c).isspace()}


#: Every character a pattern may meet, that Python's Unicode database knows: RE2's tables are of
#: a later Unicode, which assigned some more digits and letters.
_EVERY = "".join(
    chr(c)
    for c in range(sys.maxunicode + 1)
    if not 0xD800 <= c <= 0xDFFF and unicodedata.category(chr(c)) != "Cn"
)


@pytest.mark.parametrize("pattern", [r"\s", r"\S", r"\d", r"\W", r"[^\S\n]", r"[^\w]"])
def test_a_class_matches_every_character_python_s_matches_and_no_other(pattern: str) -> None:
    runs = f"(?:{pattern})+"  # runs: far fewer matches to compare than characters
    matched = set("".join(compile_pattern(runs).findall(_EVERY)))
    assert matched == set("".join(re.findall(runs, _EVERY)))


def test_a_not_word_class_inside_brackets_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"bad regular expression '\[\\\\W\\\\d\]': \\W inside"):
        compile_pattern(r"[\W\d]")


def test_a_repetition_without_a_lower_bound_is_python_s() -> None:
    assert compile_pattern(r"^\d{,3}$").search("12")
    assert not compile_pattern(r"^\d{,3}$").search("1234")
    assert compile_pattern(r"^[{,3}]+$").search("{,3}"), "in a class, the characters"


def test_a_posix_class_is_refused_as_python_reads_it_otherwise() -> None:
    with pytest.raises(ConfigError, match=r"'\[:' inside \[\.\.\.\] is read otherwise by RE2"):
        compile_pattern(r"[[:alpha:]]")
