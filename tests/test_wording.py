from __future__ import annotations

import pytest

from ir_ingest.wording import counted


@pytest.mark.parametrize(
    ("count", "noun", "said"),
    [
        (1, "record", "1 record"),
        (0, "record", "0 records"),
        (2, "page", "2 pages"),
        (1204, "record", "1,204 records"),
        (3, "more error", "3 more errors"),
    ],
)
def test_counted(count: int, noun: str, said: str) -> None:
    assert counted(count, noun) == said
