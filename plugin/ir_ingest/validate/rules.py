"""The core validation rules and their stable issue codes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import cache

from ir_ingest.crosswalk.hosts import PART_TYPES
from ir_ingest.entry import Issue, Severity
from ir_ingest.schema import Agent, Record

#: Every code this module can emit, with its severity and what it means.
CODES: dict[str, tuple[Severity, str]] = {
    "validate.missing_title": (Severity.ERROR, "the record has no title"),
    "validate.short_title": (Severity.WARNING, "the title is shorter than 3 characters"),
    "validate.missing_creator": (Severity.ERROR, "the record names no creator"),
    # A warning: most people have a given name, and one without is most often an organisation,
    # a user name or a placeholder read as a person's name.
    "validate.person_without_given_name": (
        Severity.WARNING,
        "a person is named without a given name (often an organisation, a user name or a "
        "placeholder taken for a person)",
    ),
    "validate.missing_date": (Severity.WARNING, "the record has no publication date"),
    # targets.md §4.3's advice (OpenAIRE's "mandatory if applicable" fields, and the abstract) is
    # information: most repositories' oai_dc lacks one or the other in many records.
    "validate.missing_language": (
        Severity.INFO,
        "the record names no language (OpenAIRE: mandatory if applicable)",
    ),
    "validate.missing_abstract": (
        Severity.INFO,
        "the record has no abstract (OpenAIRE: a description is mandatory if applicable)",
    ),
    "validate.missing_subject": (
        Severity.INFO,
        "the record has no subject or keyword (OpenAIRE: mandatory if applicable)",
    ),
    "validate.missing_publisher": (
        Severity.INFO,
        "the record names no publisher (OpenAIRE: mandatory if applicable)",
    ),
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
    "validate.page_count_without_range": (
        Severity.INFO,
        "the record gives its number of pages but not its first and last page in the "
        "publication it is part of (host)",
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


def _missing(code: str, field: str) -> Rule:
    """A rule that says ``code`` of a record whose ``field`` is empty (``None`` or ``[]``).

    targets.md §4.3: the schema lets a record lack a date, a language, an abstract, subjects or
    a publisher (sources often do); these rules say which it lacks.
    """

    def rule(record: Record) -> Issue | None:
        return None if getattr(record, field) else _issue(code, field)

    return rule


#: Kana, Han and Hangul: scripts that write a whole personal name without a space.  Han
#: outside the Basic Multilingual Plane (Extension B on, U+20000-U+3134F) too: some personal
#: names use its characters (𠮷 of the Japanese family name 𠮷田, Hong Kong's HKSCS ones).
_UNSPACED_NAME = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0003134f]+"
)


def _agents(record: Record) -> Iterator[tuple[str, Agent]]:
    """Every agent of the record, with the field it is in: its own and its host's."""
    host = record.host
    for path, agents in (
        ("creators", record.creators),
        ("contributors", record.contributors),
        ("host.editors", host.editors if host else []),
        ("host.creators", host.creators if host else []),
    ):
        for agent in agents:
            yield path, agent


def _lacks_given_name(agent: Agent) -> bool:
    """A person with a name but no given name, the name not in a script written unspaced."""
    name = agent.family_name or agent.name
    if agent.type != "personal" or agent.given_name or not name:
        return False
    return not _UNSPACED_NAME.fullmatch(name)


def _given_names(record: Record) -> Issue | None:
    """targets.md §4.3: a personal agent without a given name (the first one, named).

    A type cannot say that a name a source wrote as one word ("Tripdatabase") is no person's:
    the crosswalk reads it as a family name.  A placeholder ("Anonymous", "Unknown scribe"),
    which the crosswalk reads as a family name alone, is said too: the record names no one,
    as the code's help tells.  An organisation is not a person, a nameless agent is
    :func:`_creators`' concern, and a name in a script written without spaces ("萬庚鑫") is
    whole as it stands.
    """
    for path, agent in _agents(record):
        if _lacks_given_name(agent):
            found = _issue("validate.person_without_given_name", path)
            return replace(found, message=f"{found.message}: {agent.name or agent.family_name}")
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


def _page_range(record: Record) -> Issue | None:
    """targets.md §4.3: a page count without the page range that places a part in its host.

    A record without a host has no range to give: a book's page count is all there is, and a
    part without its host already has ``validate.part_without_host``.
    """
    extent, host = record.extent, record.host
    if extent is None or extent.pages is None or host is None:
        return None
    if host.pages is not None and (host.pages.start or host.pages.end):
        return None
    return _issue("validate.page_count_without_range", "host.pages")


RULES: tuple[Rule, ...] = (
    _title,
    _creators,
    _given_names,
    _missing("validate.missing_date", "publication_date"),
    _missing("validate.missing_language", "languages"),
    _missing("validate.missing_abstract", "abstracts"),
    _missing("validate.missing_subject", "subjects"),
    _missing("validate.missing_publisher", "publisher"),
    _embargo,
    _host,
    _page_range,
)

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
