"""Where the data files shipped with ir-ingest live, in a checkout and in an installed wheel.

The wheel carries ``crosswalks/`` and ``fixtures/demo/`` under ``ir_ingest/_bundled/``; a checkout
(or an editable install) reads them from the repository's top level.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """Return the path of a shipped data folder (``crosswalks`` or ``fixtures/demo``)."""
    installed = _PACKAGE / "_bundled" / name
    if installed.exists():
        return installed
    checkout = _PACKAGE.parents[1] / name
    if checkout.exists():
        return checkout
    raise FileNotFoundError(f"ir-ingest data folder {name!r} is missing from {installed}")
