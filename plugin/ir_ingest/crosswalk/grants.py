"""OpenAIRE v3 grant agreement URIs (``info:eu-repo/grantAgreement/…``) as funding.

Pure, DSpace and EPrints write a record's grants so in ``dc:relation`` (OpenAIRE Guidelines
for Literature Repositories v3, "Project Identifier"); the record's ``funding`` takes them.
"""

from __future__ import annotations

import re
from typing import Any

from ir_ingest.crosswalk.normalise import NormaliseError, clean_text

_GRANT = re.compile(r"^info:eu-repo/grantAgreement/([^/]+)/([^/]*)/(.*)$")
# OpenAIRE's optional jurisdiction after the project number: a two-letter code (EU, PT).
_JURISDICTION = re.compile(r"^[A-Z]{2}$")
# At most a project name and an acronym follow the jurisdiction.
_AFTER_JURISDICTION = 2


def grant_agreement(value: str) -> dict[str, Any]:
    """An OpenAIRE v3 grant URI ``info:eu-repo/grantAgreement/EC/H2020/123456/EU`` as funding.

    The pattern is Funder/FundingProgram/ProjectID[/Jurisdiction[/ProjectName[/ProjectAcronym]]],
    an empty segment marking a part left out (``EC/FP7/246016//``).  The funder is the acronym
    given (``EC``); the award's title is the project's name, or where none is given the
    programme (``FP7``, which had stood for the title beside a name).  FCT (Portugal) writes project
    numbers with slashes of their own, two-letter segments included (``SFRH/BD/123456/2016/PT``,
    ``UID/BIA/04325/2013/PT``): the number runs to the first empty segment or to the
    jurisdiction, whichever comes first (see :func:`_project_id_end`).
    """
    match = _GRANT.match(clean_text(value))
    if not match:
        raise NormaliseError(f"{value!r} is not an info:eu-repo/grantAgreement URI")
    funder, programme, rest = match.groups()
    segments = rest.split("/")
    end = _project_id_end(segments)
    number = "/".join(segments[:end])
    if not number:
        raise NormaliseError(f"{value!r} has no project number")
    award: dict[str, Any] = {"number": number, "uri": clean_text(value)}
    after_jurisdiction = segments[end + 1 : end + 2] if end < len(segments) else []
    title = after_jurisdiction[0] if after_jurisdiction else ""
    if title or programme:
        award["title"] = title or programme
    return {"funder": {"name": funder}, "award": award}


def _project_id_end(segments: list[str]) -> int:
    """Where the ProjectID ends among the segments after the programme.

    At the first empty segment, or at the jurisdiction: a two-letter segment that is not the
    first and is followed only by what may follow a jurisdiction, at most a name and an
    acronym, none of them a bare number (``…/BD/123456/PT``: BD is part of the number).  Of
    several such (``123456/EU/Name/AB``, AB an acronym), the first is the jurisdiction.
    """
    end = segments.index("") if "" in segments else len(segments)
    for i in range(max(1, end - 1 - _AFTER_JURISDICTION), end):
        if _JURISDICTION.match(segments[i]) and not any(seg.isdigit() for seg in segments[i + 1 :]):
            return i
    return end
