"""ir-ingest: harvest OAI-PMH, crosswalk DC and MODS into one record schema, validate, store, push.

The Python API is small and stable::

    from ir_ingest import crosswalk, harvest
    record = crosswalk(xml_bytes, "oai_dc")      # -> Record; record.to_dict() is the JSON
    report = harvest("https://host/oai", "oai_dc")  # -> RunReport
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "crosswalk", "harvest"]

# The subpackage ir_ingest.crosswalk shares its name with the crosswalk() function below.  Load
# it first: the import system sets the package attribute only when it first loads a submodule,
# so the function defined afterwards stays ``ir_ingest.crosswalk``; the subpackage is still
# imported by ``from ir_ingest.crosswalk import …`` through sys.modules.
import ir_ingest.crosswalk  # noqa: F401

if TYPE_CHECKING:
    from lxml import etree

    from ir_ingest.report.model import RunReport
    from ir_ingest.schema import Record


def crosswalk(xml: bytes | etree._Element, prefix: str | None = None) -> Record:
    """Crosswalk one metadata record (bytes or a parsed element) into a :class:`Record`.

    ``prefix`` names the format (``oai_dc``); when ``None`` it is detected from the root namespace.
    Raises :class:`~ir_ingest.errors.XMLError` or :class:`~ir_ingest.errors.CrosswalkError` when
    the input cannot be read at all; use :func:`ir_ingest.pipeline.process` for the issues.
    """
    return sys.modules["ir_ingest.crosswalk"].crosswalk_record(xml, prefix).record  # type: ignore[no-any-return]


def harvest(url: str, prefix: str, **options: Any) -> RunReport:
    """Harvest one endpoint into the store and return the run report.

    ``options`` are those of :func:`ir_ingest.oai.harvest.run_harvest` (``set_spec``,
    ``from_date``, ``until_date``, ``db_url``).
    """
    from ir_ingest.oai.harvest import run_harvest

    return run_harvest(url, prefix, **options)
