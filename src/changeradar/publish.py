"""Writing rendered reports where readers (and the site builder) expect them.

Layout: `{output}/{year}/{owner}/{name}/{date}.md` and `.json` — the reference tool's layout, with the
owner so two repositories named alike never collide.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from changeradar.errors import BadInput
from changeradar.model import DayReport, Window
from changeradar.render.json_document import render_json
from changeradar.render.markdown import render_markdown


def report_stem(window: Window) -> str:
    """`2026-01-29` for a day; `2026-01-01_2026-01-07` for a longer window (last day inclusive)."""
    first = window.start.date()
    last = (window.end - timedelta(microseconds=1)).date()
    return first.isoformat() if first == last else f"{first.isoformat()}_{last.isoformat()}"


def report_folder(output: Path, report: DayReport) -> Path:
    owner, _, name = report.repo.name.partition("/")
    return output / f"{report.window.start.year:04d}" / owner / (name or owner)


def write_report(
    report: DayReport, output: Path, formats: Sequence[str], templates_dir: Path | None = None
) -> list[Path]:
    """Render `report` in each format and write the files atomically; returns the paths written."""
    folder = report_folder(output, report)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BadInput(f"cannot write to output folder {output}: {error.strerror or error}") from None
    written = []
    for file_format in formats:
        path = folder / f"{report_stem(report.window)}.{file_format}"
        _write_atomically(path, render(report, file_format, templates_dir))
        written.append(path)
    return written


def render(report: DayReport, file_format: str, templates_dir: Path | None = None) -> str:
    if file_format == "json":
        return render_json(report)
    return render_markdown(report, templates_dir)


def _write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a report."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except OSError as error:
        raise BadInput(f"cannot write {path}: {error.strerror or error}") from None
