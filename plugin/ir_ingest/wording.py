"""Pieces of English that messages, summaries and reports share."""

from __future__ import annotations


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, plural unless the count is one: "1 record", "1,204 records".

    The noun must take a plain -s ("record", "page", "more error"); "1 records" had been said
    in several messages, each with its own test of the count.
    """
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
