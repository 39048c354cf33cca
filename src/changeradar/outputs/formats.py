"""The report as text in one of the formats a file or standard output carries: Markdown or JSON."""

from __future__ import annotations

from pathlib import Path

from changeradar.model import DayReport
from changeradar.render.json_document import render_json
from changeradar.render.markdown import render_markdown


def render_format(report: DayReport, file_format: str, templates_dir: Path | None = None) -> str:
    if file_format == "json":
        return render_json(report)
    return render_markdown(report, templates_dir)
