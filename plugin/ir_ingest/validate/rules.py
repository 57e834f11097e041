"""The core validation rules and their stable issue codes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ir_ingest.entry import Issue, Severity
from ir_ingest.schema import Record

#: Every code this module can emit, with its severity and what it means.
CODES: dict[str, tuple[Severity, str]] = {
    "validate.missing_title": (Severity.ERROR, "the record has no title"),
    "validate.short_title": (Severity.WARNING, "the title is shorter than 3 characters"),
    "validate.missing_creator": (Severity.ERROR, "the record names no creator"),
    "validate.missing_date": (Severity.WARNING, "the record has no publication date"),
    "validate.missing_language": (Severity.INFO, "the record names no language"),
    "validate.not_an_output": (
        Severity.ERROR,
        "the record describes a person, not a research output (Pure names it persons/ in its "
        "OAI identifier): harvest a set of outputs instead, such as Pure's publications:all",
    ),
}

Rule = Callable[[Record], Iterator[Issue]]


def _issue(code: str, path: str) -> Issue:
    severity, message = CODES[code]
    return Issue(code=code, message=message, severity=severity, path=path)


def _title(record: Record) -> Iterator[Issue]:
    if record.title is None or not record.title.value.strip():
        yield _issue("validate.missing_title", "title")
    elif len(record.title.value.strip()) < 3:
        yield _issue("validate.short_title", "title")


def _creators(record: Record) -> Iterator[Issue]:
    if not any(agent.name or agent.family_name for agent in record.creators):
        yield _issue("validate.missing_creator", "creators")


def _date(record: Record) -> Iterator[Issue]:
    if not record.publication_date:
        yield _issue("validate.missing_date", "publication_date")


def _language(record: Record) -> Iterator[Issue]:
    if not record.languages:
        yield _issue("validate.missing_language", "languages")


RULES: tuple[Rule, ...] = (_title, _creators, _date, _language)

#: Pure names each record by its kind and UUID (``oai:pure.atira.dk:persons/<uuid>``, beside
#: ``…:publications/<uuid>``; the part before the kind is usually ``pure.atira.dk``, whatever
#: the institution); its OAI interface offers persons beside research outputs and student
#: theses.  Other repositories give no such sign: their records are checked as outputs.
_PURE_PERSON = re.compile(r"^oai:[^:/]+:persons/[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$")


def validate_record(record: Record) -> list[Issue]:
    """Run every core rule; tombstones are not validated (they only say the record is gone).

    A record that describes a person (a Pure persons set harvested) gets one issue saying so,
    not the missing creator, date and language of an output.
    """
    if record.source.deleted:
        return []
    if _PURE_PERSON.match(record.source.oai_identifier):
        return [_issue("validate.not_an_output", "source.oai_identifier")]
    return [issue for rule in RULES for issue in rule(record)]
