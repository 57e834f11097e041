"""Render a :class:`~ir_ingest.report.model.RunReport` as HTML, JSON or plain text.

HTML goes through Jinja2 with autoescaping on, so every harvested string (titles, messages,
identifiers) is escaped; the page loads nothing from the network.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, select_autoescape

if TYPE_CHECKING:
    from pathlib import Path

    from ir_ingest.report.model import RunReport

_ENV = Environment(
    loader=PackageLoader("ir_ingest.report", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def to_html(report: RunReport) -> str:
    """A standalone HTML page (inline CSS, no scripts)."""
    return _ENV.get_template("run.html.j2").render(report=report)


def to_json(report: RunReport) -> str:
    """The report as indented JSON."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def write(report: RunReport, path: Path, fmt: str = "html") -> Path:
    """Write the report in ``fmt`` (``html`` or ``json``) to ``path``; return the path."""
    text = to_html(report) if fmt == "html" else to_json(report)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
