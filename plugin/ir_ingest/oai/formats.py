"""Which metadata format to ask an endpoint for (OAI-PMH 2.0 §4.4): the richest it offers that
a crosswalk reads, for ``--prefix auto``; and, where the endpoint refuses a format, the ones it
does offer, as a manager asks next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ir_ingest.crosswalk import richest_format
from ir_ingest.errors import HarvestError, MalformedResponseError, OAIProtocolError

if TYPE_CHECKING:
    from ir_ingest.oai.client import OAIClient

#: What to do where the format cannot be chosen: under ``harvest --all``, which refuses
#: --prefix, it is the source's setting.
_NAME_IT = "name the format (--prefix, or prefix = in the source's config)"
_AUTO_FAILED = (
    "{}: asking which formats it offers (ListMetadataFormats, for --prefix auto) failed: {}; "
    + _NAME_IT
)


def richest_offered(client: OAIClient, reader: str | None) -> str:
    """The prefix ``auto`` stands for: the richest format the endpoint offers that we read
    (that the crosswalk ``reader`` reads, when the run has one)."""
    try:
        offered = client.metadata_formats()
    except OAIProtocolError as exc:
        if exc.code != "noMetadataFormats":
            raise HarvestError(_AUTO_FAILED.format(client.repository, exc)) from exc
        offered = []
    except MalformedResponseError as exc:
        if exc.code in ("oai.not_oai_pmh", "xml.not_xml"):
            raise  # no OAI-PMH endpoint at all: --prefix would not help
        raise HarvestError(_AUTO_FAILED.format(client.repository, exc)) from exc
    chosen = richest_format(((prefix, namespace) for prefix, _, namespace in offered), reader)
    if chosen is None:
        names = ", ".join(prefix for prefix, _, _ in offered) or "none"
        by = "a crosswalk reads" if reader is None else f"the crosswalk {reader!r} reads"
        raise HarvestError(
            f"{client.repository} offers no format {by} (it offers: {names}); "
            f"{_NAME_IT}, and add a crosswalk of your own for it"
        )
    return chosen


def with_formats_offered(client: OAIClient, prefix: str, exc: BaseException) -> BaseException:
    """``cannotDisseminateFormat`` (§3.6) with the formats the endpoint does offer, as a
    manager asks next; any other failure as it is."""
    if not isinstance(exc, OAIProtocolError) or exc.code != "cannotDisseminateFormat":
        return exc
    try:
        offered = ", ".join(name for name, _, _ in client.metadata_formats()) or "none"
    except HarvestError:
        return exc  # the endpoint cannot say: its own answer stands
    return OAIProtocolError(
        exc.code, f"the endpoint does not offer {prefix!r}; it offers: {offered}"
    )
