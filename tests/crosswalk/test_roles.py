"""A role as written after a name (crosswalk/roles.py)."""

from __future__ import annotations

import pytest

from ir_ingest.crosswalk.roles import role_after_comma, without_role


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Taco Brandsen (ed.)", ("Taco Brandsen", ("edt", "ed."))),
        ("Brandsen, Taco (Hrsg.)", ("Brandsen, Taco", ("edt", "Hrsg."))),
        # Islandora's MODS to DC stylesheet glues the role's term and code together.
        ("Alterman, Eric. (authoraut)", ("Alterman, Eric.", ("aut", "authoraut"))),
        # A term and a code of two roles, or words that are no role: part of the name.
        ("Smith, John (editoraut)", ("Smith, John (editoraut)", None)),
        ("Ng, Mary (Molly)", ("Ng, Mary (Molly)", None)),
        ("Ng, Mary", ("Ng, Mary", None)),
    ],
)
def test_a_role_in_parentheses_after_the_name(
    name: str, expected: tuple[str, tuple[str, str] | None]
) -> None:
    assert without_role(name) == expected


def test_a_role_after_the_names_comma() -> None:
    assert role_after_comma("Jones, Mary, editor", 2) == ("edt", "editor")
    assert role_after_comma("Mary Jones, editor.", 1) == ("edt", "editor.")
    assert role_after_comma("Jones, Mary, Jr.", 2) is None


def test_a_long_run_of_spaces_before_parentheses_is_read_in_one_pass() -> None:
    # "\s*" had been tried from each space of the run to its end: 20,000 spaces before "x(y)"
    # took 1.6 s, four times that for twice as many; these 200,000 some minutes.  Names reach
    # it with their runs of spaces collapsed; the expression must not rely on that.
    run = " " * 200_000
    assert without_role("a" + run + "x(ed.)") == ("a" + run + "x", ("edt", "ed."))
    assert without_role("a" + run + "(ed.)") == ("a", ("edt", "ed."))
    hostile = "a" + " \t" * 100_000 + "x(y)"
    assert without_role(hostile) == (hostile, None)
