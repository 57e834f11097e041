"""Whether an endpoint applies ``from`` (OAI-PMH 2.0 §3.3.1), one step of ``ir-ingest check``
(:mod:`ir_ingest.jobs.check`); and how the check passes over a list's empty first pages.

Asked for what changed from the first page's newest datestamp, an endpoint that applies
``from`` lists that record and nothing stamped before it.  One that ignores it
(IQSS/dataverse.harvard.edu#243) sends everything to every incremental run; one that reads it
late (local time as UTC) misses what changed in between.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ir_ingest.jobs.checked import size
from ir_ingest.oai.datestamp import format_datestamp, parse_datestamp
from ir_ingest.oai.pages import Window, iter_pages

if TYPE_CHECKING:
    from collections.abc import Callable

    from ir_ingest.jobs.checked import Checked
    from ir_ingest.oai.client import OAIClient
    from ir_ingest.oai.responses import Identify, Page

__all__ = ["EMPTY_PAGES", "from_applied", "past_empty"]

#: Empty pages with a token read, at most, looking for the first records (DSpace sends them).
EMPTY_PAGES = 5


def past_empty(page: Page, following: Callable[[], Page]) -> tuple[Page, int]:
    """The first page of a list that holds records, empty pages with a token passed over
    (DSpace sends them), :data:`EMPTY_PAGES` fetched at most; and how many were."""
    fetched = 1
    while not size(page) and page.token is not None and fetched < EMPTY_PAGES:
        page, fetched = following(), fetched + 1
    return page, fetched


def from_applied(
    client: OAIClient,
    checked: Checked,
    first: Page,
    identify: Identify | None,
    set_spec: str | None,
) -> None:
    """Say in ``checked`` whether the endpoint applies ``from``, asked from the newest
    datestamp of ``first``, the first page that held records (of ``set_spec``).  Without
    Identify's granularity (``identify`` None: said under Identify), nothing is asked."""
    prefix = checked.prefix
    assert prefix is not None  # the check stops before without one
    oldest = parse_datestamp(first.oldest_datestamp or "")
    newest = parse_datestamp(first.newest_datestamp or "")
    if identify is None or oldest is None or newest is None:
        return  # no granularity, or no datestamp to ask from
    day = identify.day_granularity
    since = newest.replace(microsecond=0)
    since = since.replace(hour=0, minute=0, second=0) if day else since
    if since <= oldest:
        one = "day" if day else "second"
        said = f"from not tried: the first page's records were all stamped in one {one}"
        checked.add("info", "from", said)
        return
    if since > datetime.now(UTC):
        # Never a date to come: some endpoints refuse one, and no incremental run asks it.
        said = "from not tried: the first page's records are stamped in the future (a clock?)"
        checked.add("info", "from", said)
        return
    asked = format_datestamp(since, day)
    pages = iter_pages(client, Window(prefix, set_spec, from_date=asked))
    listed, fetched = past_empty(next(pages), lambda: next(pages))
    if not size(listed) and listed.token is not None:
        said = f"from not judged: the first {fetched} pages it listed for it hold no record"
        checked.add("info", "from", said)
        return
    _said_from(checked, asked, since, oldest, listed)


def _said_from(
    checked: Checked, asked: str, since: datetime, oldest: datetime, listed: Page
) -> None:
    reached = parse_datestamp(listed.oldest_datestamp or "")
    said = f"asked for what changed from {asked}, it listed "
    if reached is None:
        said += "nothing, not even the record stamped then: it reads from late (local time?)"
        checked.add("warning", "from", f"{said}, and incremental runs miss records")
    elif reached >= since:
        count = size(listed)
        listed_now = f"{count} record{'s' * (count != 1)} on its first page"
        checked.add("ok", "from", f"from is applied: {said}{listed_now}, none older")
    elif reached <= oldest:
        said += f"records of {listed.oldest_datestamp}, as old as the first page's oldest"
        again = "every incremental run fetches every record again (and finds them unchanged)"
        checked.add("warning", "from", f"it ignores from: {said}, so {again}")
    else:
        said += f"records of {listed.oldest_datestamp}, before it (a clock or time zone off?)"
        checked.add("warning", "from", f"it applies from loosely: {said}")
