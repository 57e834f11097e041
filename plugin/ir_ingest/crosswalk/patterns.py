"""Regular expressions from crosswalk files, run by RE2: linear time in the value, whatever the
pattern.

A crosswalk file may be a user's own, and the values it reads come from someone else's
repository.  A backtracking engine (Python's ``re``) takes exponential time for a pattern such as
``(a+)+$`` on a long run of ``a`` not followed by the end, so one record could hang a harvest.
RE2 never backtracks; the price is that it cannot run what needs backtracking, backreferences
(``\\1``) and lookaround (``(?!…)``, ``(?<=…)``): such a pattern is refused when its crosswalk
loads.  Keeping values that do *not* match is the ``not_match`` operation's job instead.

The patterns are written in Python's syntax, where ``\\d``, ``\\s`` and ``\\w`` are Unicode
classes (a no-break space is whitespace, "٣" a digit); RE2's are ASCII only.  They are rewritten
into RE2's Unicode classes, so that a pattern means what it did under ``re``.  ``\\b`` stays
ASCII (RE2 has no other), and ``$`` is the end of the value only (values are trimmed first).
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any, Protocol

import re2

from ir_ingest.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

#: What Python's ``\s`` matches (``str.isspace``), as code point ranges.
_SPACE_RANGES = (
    (0x09, 0x0D), (0x1C, 0x20), (0x85, 0x85), (0xA0, 0xA0), (0x1680, 0x1680),
    (0x2000, 0x200A), (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000),
)  # fmt: skip


def _ranges(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(
        f"\\x{{{low:x}}}" if low == high else f"\\x{{{low:x}}}-\\x{{{high:x}}}"
        for low, high in ranges
    )


def _complement(ranges: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """The code points outside the sorted ``ranges``: the gap after each one, up to the next."""
    ends = [-1, *(bound for low, high in ranges for bound in (low, high)), sys.maxunicode + 1]
    gaps = zip(ends[::2], ends[1::2], strict=True)  # (end of a range, start of the next)
    return tuple((after + 1, before - 1) for after, before in gaps if after + 1 <= before - 1)


_SPACE = _ranges(_SPACE_RANGES)
_NOT_SPACE = _ranges(_complement(_SPACE_RANGES))
_WORD = r"\p{L}\p{N}_"

#: Python escapes RE2 reads otherwise: outside a character class, and inside one (``[^\S\n]``).
_OUTSIDE = {
    "d": r"\p{Nd}", "D": r"\P{Nd}", "s": f"[{_SPACE}]", "S": f"[{_NOT_SPACE}]",
    "w": f"[{_WORD}]", "W": f"[^{_WORD}]", "Z": r"\z",
}  # fmt: skip
_INSIDE = {"d": r"\p{Nd}", "D": r"\P{Nd}", "s": _SPACE, "S": _NOT_SPACE, "w": _WORD}
#: A repetition without its lower bound, which Python reads as from 0.
_UP_TO = re.compile(r"\{,(\d+)\}")


class Match(Protocol):
    """What is used of a match (``re2`` ships no type information)."""

    def group(self, number: int) -> str | None: ...

    def groups(self) -> tuple[str | None, ...]: ...


class Pattern(Protocol):
    """What is used of a compiled expression: ``re.Pattern``'s methods of these names."""

    def search(self, text: str) -> Match | None: ...

    def findall(self, text: str) -> list[Any]: ...

    def finditer(self, text: str) -> Iterator[Match]: ...

    def sub(self, replace: Callable[[Match], str], text: str, count: int) -> str: ...


_OPTIONS = re2.Options()
# A refused pattern is a ConfigError with the file and rule; RE2 would also log it to stderr.
_OPTIONS.log_errors = False


def compile_pattern(pattern: str) -> Pattern:
    """The pattern compiled by RE2, with Python's Unicode meaning of ``\\d``, ``\\s``, ``\\w``.

    Raises ConfigError naming the pattern when RE2 cannot run it (the caller adds the file and
    the rule).
    """
    translated = _unicode_classes(pattern)
    try:
        regexp: Pattern = re2.compile(translated, _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        raise ConfigError(
            f"bad regular expression {pattern!r}: {reason}{_why_re2(pattern)}"
        ) from exc
    return regexp


def _why_re2(pattern: str) -> str:
    """What RE2 cannot run that Python's ``re`` can, said where that is why it was refused: a
    plain slip ("(abc", a parenthesis missing) is bad under either, and the note would mislead."""
    try:
        re.compile(pattern)
    except re.error:
        return ""
    return (
        " (crosswalk expressions are run by RE2, which has no backreferences or lookaround: "
        "for a value that must not match, not_match)"
    )


def _unicode_classes(pattern: str) -> str:
    """The pattern with ``\\d``, ``\\s``, ``\\w`` (and their negations) as Unicode classes."""
    out: list[str] = []
    in_class = False
    at = 0
    while at < len(pattern):
        char = pattern[at]
        if char == "\\" and at + 1 < len(pattern):
            escape = pattern[at + 1]
            if in_class and escape == "W":
                # No class can be written for "not a word character, or …" in RE2.
                raise ConfigError(
                    f"bad regular expression {pattern!r}: \\W inside [...] is not read"
                )
            out.append((_INSIDE if in_class else _OUTSIDE).get(escape, char + escape))
            at += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            # A "]" first in the class ("[]a]", "[^]a]") is one of its characters.
            opening = "[^" if pattern.startswith("[^", at) else "["
            closing_first = pattern.startswith("]", at + len(opening))
            out.append(opening + ("]" if closing_first else ""))
            at += len(opening) + closing_first
            continue
        if char == "]" and in_class:
            in_class = False
        elif char == "[" and pattern.startswith("[:", at):
            # "[[:alpha:]]": RE2 reads a POSIX class, Python the characters "[:alph", then "]".
            raise ConfigError(
                f"bad regular expression {pattern!r}: '[:' inside [...] is read otherwise by "
                "RE2: write the characters out"
            )
        elif char == "{" and not in_class and (bound := _UP_TO.match(pattern, at)):
            out.append(f"{{0,{bound.group(1)}}}")  # Python's "{,n}" is "{0,n}"; RE2's is text
            at = bound.end()
            continue
        out.append(char)
        at += 1
    return "".join(out)
