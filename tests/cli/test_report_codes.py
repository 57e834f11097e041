"""The codes command: every code by stage, one code with what to do, and a misspelt one."""

from __future__ import annotations

from ir_ingest.cli import app
from ir_ingest.codes import CODES, STAGES
from tests.cli.conftest import runner


def test_codes_lists_every_code_once_under_its_stage() -> None:
    result = runner.invoke(app, ["codes"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    headings = [line for line in lines if line and not line.startswith(" ")]
    assert headings == [f"{stage}: {title}" for stage, title in STAGES.items()]
    stage = ""
    listed = []
    for line in lines:
        if line and not line.startswith(" "):
            stage = line.partition(":")[0]
        elif line:
            code, meaning = line.split(maxsplit=1)
            assert code.startswith(f"{stage}."), line
            assert meaning == CODES[code].meaning
            listed.append(code)
    assert listed == list(CODES)


def test_codes_code_says_what_it_means_and_what_to_do() -> None:
    result = runner.invoke(app, ["codes", "xml.malformed"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "xml.malformed (reading the XML)",
        f"  What it means: {CODES['xml.malformed'].meaning}",
        f"  What to do: {CODES['xml.malformed'].action}",
    ]


def test_codes_of_a_stage_lists_that_stage_only() -> None:
    result = runner.invoke(app, ["codes", "store"])
    assert result.exit_code == 0, result.output
    listed = [line.split()[0] for line in result.output.splitlines()[1:]]
    assert listed == [
        "store.older_than_stored",
        "store.valid_copy_stored",
        "store.richer_format_stored",
    ]


def test_an_unknown_code_is_a_usage_error_naming_the_codes_it_is_close_to() -> None:
    result = runner.invoke(app, ["codes", "xml.malformd"])
    assert result.exit_code == 2
    assert result.output.strip() == (
        "error: no issue code or stage 'xml.malformd'; did you mean xml.malformed? "
        "(ir-ingest codes lists them all)"
    )
    several = runner.invoke(app, ["codes", "xml.malfromed"])
    assert several.exit_code == 2
    assert "did you mean xml.malformed" in several.output


def test_the_beginning_of_several_codes_lists_every_one_of_them() -> None:
    result = runner.invoke(app, ["codes", "Validate.Missing"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    family = [code for code in CODES if code.startswith("validate.missing")]
    assert len(family) > 3  # more than "did you mean" had named
    assert lines[0] == f"{len(family)} codes begin with validate.missing:"
    assert [line.split()[0] for line in lines[1:]] == family
    assert lines[1].split(maxsplit=1)[1] == CODES[family[0]].meaning
    far = runner.invoke(app, ["codes", "nothing-like-it"])
    assert far.exit_code == 2
    assert far.output.strip() == (
        "error: no issue code or stage 'nothing-like-it' (ir-ingest codes lists them all)"
    )


def test_codes_and_stages_are_found_in_any_case_with_spaces_or_a_trailing_dot() -> None:
    """As a reader copies them out of a sentence or a table."""
    exact = runner.invoke(app, ["codes", "xml.malformed"]).output
    for asked in ("XML.MALFORMED", " xml.malformed ", "Xml.Malformed."):
        result = runner.invoke(app, ["codes", asked])
        assert result.exit_code == 0, (asked, result.output)
        assert result.output == exact
    stage = runner.invoke(app, ["codes", "harvest"]).output
    for asked in ("Harvest", "HARVEST ", "harvest."):
        result = runner.invoke(app, ["codes", asked])
        assert result.exit_code == 0, (asked, result.output)
        assert result.output == stage
    assert runner.invoke(app, ["codes", "xml."]).output.splitlines()[0] == (f"xml: {STAGES['xml']}")


def test_a_misspelt_stage_is_answered_with_the_stage_it_is_close_to() -> None:
    result = runner.invoke(app, ["codes", "valid"])
    assert result.exit_code == 2
    assert "did you mean validate?" in result.output
    upper = runner.invoke(app, ["codes", "HARVST"])
    assert upper.exit_code == 2
    assert "did you mean harvest" in upper.output
