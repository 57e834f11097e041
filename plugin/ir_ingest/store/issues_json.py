"""The JSON a record's issues are stored as, with whether they leave it valid, found again
rather than made anew: most records of a harvest have the same few issues."""

from __future__ import annotations

from functools import lru_cache

import msgspec

from ir_ingest.entry import Issue, Severity


#: Most records have the same few issues (those from the crosswalk process are even the
#: same objects): their JSON, made once, is kept, with whether the record is valid (none is
#: an error).  Made for each record, the JSON cost 4-7 µs (6 issues each: a dict each, then
#: encoded); found here, 1.2-2.
@lru_cache(maxsize=1024)
def _issues_json(issues: tuple[Issue, ...]) -> tuple[bytes, bool]:
    json = msgspec.json.encode([issue.to_dict() for issue in issues])
    return json, not any(issue.severity is Severity.ERROR for issue in issues)


#: What :func:`_issues_json` said of the issue lists met last, by the identity of their
#: issues, each list kept with it (so that no other object takes one of their ids meanwhile).
_BY_IDENTITY: dict[tuple[int, ...], tuple[tuple[Issue, ...], tuple[bytes, bool]]] = {}
_BY_IDENTITY_SIZE = 1024


def issues_json_of(issues: list[Issue]) -> tuple[bytes, bool]:
    """The JSON of ``issues`` as stored, and whether the record is valid (none is an error).

    Found by the identity of the issues where they are the same objects as a list's met
    before (a crosswalk process's are: ``worker.wire.IssueTable``): by equality, each
    issue's hash is Python code, 2.2-2.6 µs a record of six (0.5 so).
    """
    key = tuple(map(id, issues))
    known = _BY_IDENTITY.get(key)
    if known is None:
        if len(_BY_IDENTITY) >= _BY_IDENTITY_SIZE:
            _BY_IDENTITY.clear()
        kept = tuple(issues)
        known = _BY_IDENTITY[key] = (kept, _issues_json(kept))
    return known[1]
