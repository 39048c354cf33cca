"""The report as text in one of the formats a file or standard output carries: Markdown or JSON."""

from __future__ import annotations

from pathlib import Path

from changeradar.model import DayReport
from changeradar.render.json_document import render_json
from changeradar.render.markdown import render_markdown
from changeradar.render.view import ReportView


def render_format(
    report: DayReport, file_format: str, templates_dir: Path | None = None, view: ReportView | None = None
) -> str:
    """`report` as `file_format` text; `view`, when the caller has built it already, is not built again."""
    if file_format == "json":
        return render_json(report, view)
    return render_markdown(report, templates_dir, view)
