"""The ListIdentifiers sweep of a ``full`` run: records gone from the source, for review."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ir_ingest.entry import Issue, Severity
from ir_ingest.oai.pages import Window, iter_pages

if TYPE_CHECKING:
    from ir_ingest.oai.client import OAIClient
    from ir_ingest.oai.plan import HarvestOptions
    from ir_ingest.report.model import RunReport
    from ir_ingest.store import Store


def sweep(store: Store, client: OAIClient, report: RunReport, options: HarvestOptions) -> None:
    """ListIdentifiers over the whole source; stored live records it misses go on a review list.

    Nothing is deleted: a record gone without a deletion notice (``deletedRecord=no`` endpoints,
    or a transient failure: DOAJ/doaj#1408) is for a person to look at.  A sweep a guard cut
    short, or one that had to ask again after an expired token (§3.5: a recovery from the
    newest datestamp misses older records an endpoint listing by identifier sends later), has
    not seen every live record: it lists none as gone.
    """
    assert report.run_id is not None
    window = Window(report.metadata_prefix, options.set_spec)
    complete = True
    for page in iter_pages(client, window, verb="ListIdentifiers", guards=options.guards):
        live = [h.identifier for h in page.records if not h.deleted]
        store.mark_swept(report.run_id, client.repository, live)
        for cut in (page.stop_issue, page.recovery):
            if cut is not None:
                report.add_run_issue(cut, "ListIdentifiers sweep")
                complete = False
    if not complete:
        return
    gone = store.not_swept(
        report.run_id, client.repository, report.metadata_prefix, options.set_spec
    )
    report.gone_from_source = [identifier for identifier, _ in gone]
    report.gone_titles = {identifier: title for identifier, title in gone if title}
    if gone:
        report.add_run_issue(
            Issue(
                "harvest.gone_from_source",
                f"{len(gone)} stored records are no longer listed by the source and it sent no "
                "deletion for them; they are kept, listed for review",
                Severity.WARNING,
            ),
            "ListIdentifiers sweep",
        )
