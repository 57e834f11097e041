"""The garbage collector's settings for a harvest's page loops, and what they leave as found."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

import pytest

from ir_ingest.collector import YOUNG_OBJECTS, collector_for_pages

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(autouse=True)
def collector_as_found() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)
    gc.unfreeze()


def test_the_pages_are_stored_with_the_startup_objects_frozen_and_fewer_young_collections() -> None:
    gc.set_threshold(700, 10, 10)
    with collector_for_pages():
        assert gc.get_threshold() == (YOUNG_OBJECTS, 10, 10)
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0, "unfrozen again"


@pytest.mark.parametrize("young", [0, YOUNG_OBJECTS * 2])
def test_a_program_that_collects_less_often_or_never_keeps_its_choice(young: int) -> None:
    gc.set_threshold(young, 10, 10)
    with collector_for_pages():
        assert gc.get_threshold() == (young, 10, 10)
    assert gc.get_threshold() == (young, 10, 10)


def test_objects_a_program_froze_stay_frozen() -> None:
    gc.freeze()
    frozen = gc.get_freeze_count()
    with collector_for_pages():
        assert gc.get_freeze_count() == frozen, "nothing more frozen"
    assert gc.get_freeze_count() == frozen, "nor unfrozen"
