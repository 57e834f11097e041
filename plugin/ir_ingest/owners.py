"""Whose records an imported document holds: the repository they are kept under, and the
crosswalk that reads them, as a harvest of the same records would choose both
(:mod:`ir_ingest.documents` reads the records).

A record's id is its repository's and its OAI identifier's (:func:`ir_ingest.schema.record_id`):
a document whose records are named otherwise than a harvest named them stores each record a
second time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ir_ingest.errors import ConfigError, UsageError
from ir_ingest.oai.baseurl import without_oai_arguments
from ir_ingest.secrets import public_url
from ir_ingest.urls import is_http_url
from ir_ingest.xmlsafe import OAI_NS

if TYPE_CHECKING:
    from lxml import etree

    from ir_ingest.config import SourceConfig

#: Repository name recorded for files imported without an OAI-PMH envelope naming their endpoint.
FILE_REPOSITORY = "urn:ir-ingest:file"

#: The configured sources whose endpoint a base URL is, whatever their set;
#: :meth:`ir_ingest.config.Config.sources_at`.
Sources = Callable[[str], "list[SourceConfig]"]


def response_owner(
    name: str,
    root: etree._Element,
    endpoint: str | None,
    sources: Sources | None,
    named: str | None,
) -> tuple[str, str | None]:
    """The repository the records of the OAI-PMH response ``root`` (which messages call
    ``name``) are kept under, and the crosswalk that reads them (``None``: the format's).

    ``endpoint`` is the base URL it was fetched from; else its ``<request>`` names it.  The
    configured source whose endpoint that is (:func:`_source`) gives its name and crosswalk,
    as a harvest of it does; ``named`` (``--repository``) is the name in place of the URL's,
    as a harvest given it keeps them, or, at a configured source's endpoint, one of its
    sources' (:func:`_named`).
    """
    url = endpoint or requested_endpoint(root)
    found = sources(url) if sources is not None else []
    if named is not None and found:
        found = _named(named, url, found)
    source = _source(name, url, found, root.find(f"{{{OAI_NS}}}request"))
    if source is None:
        return named or url, None
    return source.stored_name(), source.crosswalk


def _named(named: str, url: str, found: list[SourceConfig]) -> list[SourceConfig]:
    """The sources of ``found`` (at ``url``) that ``--repository named`` names: those keeping
    their records under it, else the one of that section name (``theses`` for
    ``[sources.theses]``: stored under its own name, it had been a second copy of each of its
    records).  A name that is neither is refused: its records would be kept apart from all of
    theirs."""
    chosen = [source for source in found if source.stored_name() == named]
    chosen = chosen or [source for source in found if source.name == named]
    if not chosen:
        raise UsageError(
            f"--repository {named}: {url} is the endpoint of {_listed(found)}; give one of "
            "the names their records are kept under, or a source's name"
        )
    return chosen


def _source(
    name: str,
    url: str,
    found: list[SourceConfig],
    request: etree._Element | None,
) -> SourceConfig | None:
    """Which of the sources ``found`` at ``url`` a response answered: any, where they all keep
    their records under one name and read them with one crosswalk; else the one harvesting the
    set its ``request`` asked for (a saved page of a source with a set had been kept under the
    name of the source of the endpoint without one: a second copy of each record).  A page
    asked for by its resumptionToken names no set: among sources that differ, it is refused."""
    if len({_kept(source) for source in found}) <= 1:
        return found[0] if found else None
    set_spec = request.get("set") if request is not None else None
    resumed = request is not None and request.get("resumptionToken") is not None
    if resumed and set_spec is None:
        raise UsageError(
            f"{name}: a page asked for by its resumptionToken names no set, and {url} is the "
            f"endpoint of {_listed(found)}: whose records it holds cannot be told; give "
            "--repository and the name they are kept under, or the source's name"
        )
    found = [source for source in found if source.set_spec == set_spec]
    return found[0] if len(found) == 1 else None


def _kept(source: SourceConfig) -> tuple[str, str | None]:
    """What of a source an imported record takes: the name its records are kept under, and
    the crosswalk that reads them."""
    return source.stored_name(), source.crosswalk


def _listed(found: list[SourceConfig]) -> str:
    """``found`` as messages name them: ``[sources.theses] (kept under urn:t, crosswalk mods)``."""
    return ", ".join(
        f"[sources.{source.name}] (kept under {source.stored_name()}"
        + (f", crosswalk {source.crosswalk})" if source.crosswalk else ")")
        for source in found
    )


def file_owner(name: str, named: str | None, records: list[etree._Element]) -> str:
    """The repository of the records of a document that is no OAI-PMH response (``records``:
    its OAI ``<record>``, if it is one): ``named`` (``--repository``), else
    :data:`FILE_REPOSITORY`.  Named, bare metadata (no OAI identifier) is refused: its records
    are named by their content, as no harvest names one, and each ``--full`` harvest of that
    repository would list them as gone from it."""
    identifier = f"{{{OAI_NS}}}header/{{{OAI_NS}}}identifier"
    if named is not None and not (records and (records[0].findtext(identifier) or "").strip()):
        raise UsageError(
            f"--repository {named}: {name} is bare metadata, without an OAI header naming its "
            "records as the repository does (they are named by their content, urn:sha256:…); "
            "import it without --repository"
        )
    return named or FILE_REPOSITORY


def requested_endpoint(root: etree._Element) -> str:
    """The repository a saved OAI-PMH response names in its ``<request>``: the base URL, as a
    harvest of it keeps it (:func:`~ir_ingest.secrets.public_url`: ``?apikey=***``; the key had
    been stored whole; the OAI arguments some servers write into it too left out, as an
    import by URL leaves them), or :data:`FILE_REPOSITORY` where it names no http(s) endpoint
    (DSpace writes the path alone, ``/oai``, which had become the repository of its records)."""
    request = root.findtext(f"{{{OAI_NS}}}request", default="").strip()
    if not is_http_url(request):
        return FILE_REPOSITORY
    try:
        return public_url(without_oai_arguments(request))
    except ConfigError:  # an authority that cannot be told apart: no endpoint
        return FILE_REPOSITORY
