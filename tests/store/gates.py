"""Gates for tests of two writers on PostgreSQL: a trigger makes a transaction wait, once
it has written (and so locked) its first row, until the test lets it go on; the test starts
the writers one after another, each once those before it wait."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from sqlalchemy import event, text

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy import Connection

    from ir_ingest.store import Store

__all__ = ["install_gate", "one_after_another", "wait_until_both_wait"]


#: A trigger function: the first row a transaction inserts or updates in ``records`` waits,
#: once written (and so locked), while the test holds the advisory lock ``key`` (made per
#: test: advisory locks are the whole database's, and other test runs may share it).
_GATE_FUNCTION = """
CREATE FUNCTION wait_at_gate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('gate.passed', true) IS DISTINCT FROM 'yes' THEN
        PERFORM set_config('gate.passed', 'yes', true);
        PERFORM pg_advisory_xact_lock_shared({key});
    END IF;
    RETURN NULL;
END $$
"""


def one_after_another(
    setup: Store, key: int, calls: list[tuple[Store, Callable[[], None]]]
) -> tuple[list[str | None], list[Exception]]:
    """Run each call in a thread of its own, the next once those before wait (at the gate
    ``key`` or for a row), then open the gate.  Each store must name its connections
    ``gate_{key}``.  Returns the SQLSTATEs of the errors the stores met, and what the calls
    raised (a deadlock's victim, when no retry hides it)."""
    failures: list[str | None] = []
    raised: list[Exception] = []
    for store, _ in calls:
        event.listen(
            store.engine,
            "handle_error",
            lambda context: failures.append(getattr(context.original_exception, "sqlstate", None)),
        )

    def run(call: Callable[[], None]) -> None:
        try:
            call()
        except Exception as exc:
            raised.append(exc)

    threads = [threading.Thread(target=run, args=(call,)) for _, call in calls]
    with setup.engine.connect() as gate:
        gate.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        for waiting, thread in enumerate(threads, start=1):
            thread.start()
            _wait_until_waiting(gate, f"gate_{key}", waiting)
        gate.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        gate.commit()
    for thread in threads:
        thread.join(timeout=60)
    return failures, raised


def install_gate(store: Store, key: int, on: str = "INSERT OR UPDATE ON records") -> None:
    """Make the first row each transaction writes ``on`` (events and table) wait, once
    written, at the gate ``key``: an AFTER trigger, run once its statement has written
    every row."""
    with store.engine.begin() as conn:
        conn.execute(text(_GATE_FUNCTION.format(key=key)))
        conn.execute(
            text(f"CREATE TRIGGER gate AFTER {on} FOR EACH ROW EXECUTE FUNCTION wait_at_gate()")
        )


def wait_until_both_wait(conn: Connection, name: str) -> None:
    _wait_until_waiting(conn, name, 2)


def _wait_until_waiting(conn: Connection, name: str, count: int) -> None:
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE application_name = :name AND wait_event_type = 'Lock'"
    )
    for _ in range(3000):
        if conn.execute(waiting, {"name": name}).scalar() == count:
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"{count} writers never waited at once")
