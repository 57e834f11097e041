"""The pacing the transports of one run share: pauses and spacing after overload answers."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ir_ingest.oai import pacing as pacing_module
from ir_ingest.oai.client import OAIClient
from ir_ingest.oai.pacing import FIRST_SPACING, NARROWING, Pacing


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The pacing's clock, which moves only when a test moves it (``clock[0] += seconds``):
    waits are then exact, whatever else runs on this machine."""
    now = [1000.0]
    monkeypatch.setattr(pacing_module, "time", SimpleNamespace(monotonic=lambda: now[0]))
    return now


def test_no_failure_no_wait_and_nothing_to_report() -> None:
    pacing = Pacing(max_spacing=60)
    assert [pacing.turn() for _ in range(3)] == [0.0, 0.0, 0.0]
    pacing.answered()
    assert pacing.issue() is None


def test_an_overload_pauses_every_request_and_spaces_the_next_ones(clock: list[float]) -> None:
    pacing = Pacing(max_spacing=60)
    pacing.failed("HTTP 503", 10.0, overloaded=True)

    first = pacing.turn()
    assert first == 10.0, "the pause the endpoint asked for holds for every window"
    clock[0] += 0.25
    # The time between the two calls is taken off the second wait.
    assert pacing.turn() == pytest.approx(first + FIRST_SPACING - 0.25)


def test_the_spacing_doubles_with_each_overload_up_to_its_cap_and_narrows_back_to_none() -> None:
    pacing = Pacing(max_spacing=1.5)
    for _ in range(3):
        pacing.failed("HTTP 429", 0.0, overloaded=True)
    assert pacing.spacing == 1.5  # 0.5, 1.0, then 2.0 capped
    pacing.answered()
    assert pacing.spacing == pytest.approx(1.5 * NARROWING)
    for _ in range(20):
        pacing.answered()
    assert pacing.spacing == 0.0


def test_other_failures_are_counted_but_do_not_space_requests_out() -> None:
    pacing = Pacing(max_spacing=60)
    pacing.failed("ReadTimeout: the answer took over 600 s to arrive", 1.5, overloaded=False)
    pacing.failed("ReadTimeout: read timed out", 2.0, overloaded=False)
    pacing.failed("HTTP 500", 0.25, overloaded=False)

    assert pacing.spacing == 0.0
    assert pacing.turn() == 0.0
    issue = pacing.issue()
    assert issue is not None
    assert issue.code == "harvest.retried"
    assert issue.message == (
        "requests were sent again 3 times after failing (ReadTimeout x2, HTTP 500 x1), 3.8 s waited"
    )


def test_the_clients_of_one_run_share_their_pacing() -> None:
    with OAIClient("http://127.0.0.1:9/oai") as client, client.sibling() as sibling:
        assert sibling.transport.pacing is client.transport.pacing


def test_the_overload_answers_of_windows_in_flight_widen_the_spacing_once() -> None:
    pacing = Pacing(max_spacing=60)
    for _ in range(4):  # four windows' requests refused together
        pacing.failed("HTTP 503", 5.0, overloaded=True)

    assert pacing.spacing == FIRST_SPACING
    assert pacing.overloads == 4


def test_the_delay_spaces_every_request_of_the_run_and_is_no_failure(clock: list[float]) -> None:
    pacing = Pacing(max_spacing=60, delay=2.0)
    first, second = pacing.turn(), pacing.turn()
    clock[0] += 0.5
    third = pacing.turn()

    assert (first, second, third) == (0.0, 2.0, 3.5)
    assert (pacing.waited, pacing.issue()) == (0.0, None)
