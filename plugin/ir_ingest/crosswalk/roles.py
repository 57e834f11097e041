"""A person's or a body's role as written after the name: in parentheses ("Taco Brandsen
(ed.)", "(Hrsg.)", Islandora's glued "(authoraut)") or after a comma ("Jones, Mary, editor"),
read by the MARC relator table (``crosswalks/lookups/relators.csv``).
"""

from __future__ import annotations

import re

from ir_ingest.crosswalk.lookups import lookup_row

# A role in parentheses after the name: "Taco Brandsen (ed.)", "(eds.)", "(Hrsg.)".  It begins
# only where a run of spaces begins, and takes the run whole (possessive), as the leftmost
# match did: "\s*" had been tried from each space of a run before "x(", to its end.
_TRAILING_ROLE = re.compile(r"(?<!\s)\s*+\(([^()]++)\)$")


def role_after_comma(name: str, first: int) -> tuple[str, str] | None:
    """(code, text) of a relator term after a person's name and its ``first`` comma (the
    second of ``Family, Given``), as catalogues write a role: "Jones, Mary, editor" (it had
    been dropped from the parts unread), "Mary Jones, editor"."""
    for piece in name.split(",")[first:]:
        text = piece.strip()
        row = lookup_row("relators", text.rstrip("."))
        if row is not None:
            return row["code"], text
    return None


def without_role(name: str) -> tuple[str, tuple[str, str] | None]:
    """The name without a trailing relator in parentheses, and (code, text) of that relator."""
    # Searched only when a ")" ends the name (or stands before a last newline, as ``$`` allows):
    # the pattern is tried from every character, and most names have no role.
    match = _TRAILING_ROLE.search(name) if ")" in name[-2:] else None
    row = (lookup_row("relators", match[1]) or _glued_role(match[1])) if match else None
    if match is None or row is None:
        return name, None  # "Ng, Mary (Molly)": the parentheses are part of the name
    return name[: match.start()], (row["code"], match.group(1))


def _glued_role(text: str) -> dict[str, str] | None:
    """The relator of a role's term and code glued together, "authoraut": Islandora's MODS to
    DC stylesheet writes a roleTerm's text and code so (the role, and the name's given name,
    had been "Eric. (authoraut)")."""
    term, code = text[:-3], text[-3:]
    row = lookup_row("relators", code) if term else None
    if row is None or row["code"] != code.lower():
        return None
    named = lookup_row("relators", term)
    return row if named is not None and named["code"] == row["code"] else None
