"""The core validation rules and their stable issue codes."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from ir_ingest.crosswalk.hosts import PART_TYPES
from ir_ingest.entry import Issue, Severity
from ir_ingest.schema import Record

#: Every code this module can emit, with its severity and what it means.
CODES: dict[str, tuple[Severity, str]] = {
    "validate.missing_title": (Severity.ERROR, "the record has no title"),
    "validate.short_title": (Severity.WARNING, "the title is shorter than 3 characters"),
    "validate.missing_creator": (Severity.ERROR, "the record names no creator"),
    "validate.missing_date": (Severity.WARNING, "the record has no publication date"),
    "validate.missing_language": (Severity.INFO, "the record names no language"),
    "validate.embargo_without_end": (
        Severity.ERROR,
        "the access right is embargoed, but no embargo end date says when it opens",
    ),
    "validate.host_without_title": (
        Severity.WARNING,
        "the containing publication (host) has no title: its volume or pages say where, not what",
    ),
    # Advice, as no language is: most repositories' oai_dc names no journal for its articles.
    "validate.part_without_host": (
        Severity.INFO,
        "a chapter, article, review or conference paper or poster names no publication it is "
        "part of (host)",
    ),
    "validate.not_an_output": (
        Severity.ERROR,
        "the record describes a person, not a research output (Pure names it persons/ in its "
        "OAI identifier): harvest a set of outputs instead, such as Pure's publications:all",
    ),
}

#: A rule says at most one thing about a record.
Rule = Callable[[Record], Issue | None]


@cache  # an issue is immutable: each is made once (every record is validated)
def _issue(code: str, path: str) -> Issue:
    severity, message = CODES[code]
    return Issue(code=code, message=message, severity=severity, path=path)


def _title(record: Record) -> Issue | None:
    if record.title is None or not record.title.value.strip():
        return _issue("validate.missing_title", "title")
    if len(record.title.value.strip()) < 3:
        return _issue("validate.short_title", "title")
    return None


def _creators(record: Record) -> Issue | None:
    if not any(agent.name or agent.family_name for agent in record.creators):
        return _issue("validate.missing_creator", "creators")
    return None


def _date(record: Record) -> Issue | None:
    if not record.publication_date:
        return _issue("validate.missing_date", "publication_date")
    return None


def _language(record: Record) -> Issue | None:
    if not record.languages:
        return _issue("validate.missing_language", "languages")
    return None


_EMBARGOED = "http://purl.org/coar/access_right/c_f1cf"


def _embargo(record: Record) -> Issue | None:
    # targets.md §4.3: core-valid needs embargo_end where the access right is embargoed.
    if record.access_right == _EMBARGOED and not record.embargo_end:
        return _issue("validate.embargo_without_end", "embargo_end")
    return None


def _host(record: Record) -> Issue | None:
    if record.host is not None and not record.host.title:
        return _issue("validate.host_without_title", "host.title")
    type_uri = record.resource_type.uri if record.resource_type else None
    if record.host is None and type_uri in PART_TYPES:
        return _issue("validate.part_without_host", "host")
    return None


RULES: tuple[Rule, ...] = (_title, _creators, _date, _language, _embargo, _host)

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
    identifier = record.source.oai_identifier
    if ":persons/" in identifier and _PURE_PERSON.match(identifier):  # the test first: cheaper
        return [_issue("validate.not_an_output", "source.oai_identifier")]
    return [issue for rule in RULES if (issue := rule(record)) is not None]
