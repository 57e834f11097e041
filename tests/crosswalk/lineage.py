"""What a record's lineage (``crosswalk --explain``) leaves unexplained."""

from __future__ import annotations

from typing import Any

#: Fields the crosswalk does not fill from the metadata: the record's id, the OAI header's
#: provenance, and extra (the source's own paths).
_NOT_CROSSWALKED = frozenset({"id", "source", "extra"})


def unexplained(record: dict[str, Any], lineage: dict[str, list[str]]) -> list[str]:
    """The record's fields, and the parts of its one-object fields (``host.volume``), that no
    lineage entry names: a field is explained by its own entry or one of its parts'
    (``publication_date``, ``coverage.spatial``); a part, by its field's, its own, or one of
    its own parts' (``host.pages.start``)."""
    named = set(lineage)
    missing = []
    for field, value in record.items():
        if field in _NOT_CROSSWALKED:
            continue
        if isinstance(value, dict):
            if field not in named:
                missing += [
                    f"{field}.{part}" for part in value if not _named(f"{field}.{part}", named)
                ]
        elif not _named(field, named):
            missing.append(field)
    return missing


def _named(field: str, named: set[str]) -> bool:
    """Is ``field`` named, or one of its parts (``host.pages`` by ``host.pages.start``)?"""
    return field in named or any(name.startswith(f"{field}.") for name in named)
