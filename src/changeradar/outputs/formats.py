"""The report as text in the formats a file or standard output carries: Markdown or JSON."""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from pathlib import Path

from changeradar.model import DayReport
from changeradar.render.json_document import render_json
from changeradar.render.markdown import render_markdown
from changeradar.render.view import ReportView

SIDE_BY_SIDE_FROM = 100  # commits; below this, starting a process costs more than rendering a format

# What a forked process renders: set before the fork, so the child holds the report without its being sent.
_rendering: tuple[DayReport, Path | None, ReportView | None] | None = None


def render_format(
    report: DayReport, file_format: str, templates_dir: Path | None = None, view: ReportView | None = None
) -> str:
    """`report` as `file_format` text; `view`, when the caller has built it already, is not built again."""
    if file_format == "json":
        return render_json(report, view)
    return render_markdown(report, templates_dir, view)


def render_formats(
    report: DayReport,
    formats: Sequence[str],
    templates_dir: Path | None = None,
    view: ReportView | None = None,
) -> dict[str, str]:
    """Each of `formats` as text, in their order.

    A long window's formats are rendered side by side, each but the first in a forked copy of this process
    (a year of a busy upstream takes over a second per format, on one core while the others wait). The copy
    inherits the report: pickling it over would cost about what rendering it does.
    """
    if len(formats) < 2 or len(report.commits) < SIDE_BY_SIDE_FROM or not _can_fork():
        return {
            file_format: render_format(report, file_format, templates_dir, view) for file_format in formats
        }
    from concurrent.futures import ProcessPoolExecutor  # here: a day's report needs no multiprocessing

    global _rendering
    _rendering = (report, templates_dir, view)
    try:
        with ProcessPoolExecutor(len(formats) - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            others = [pool.submit(_render_inherited, file_format) for file_format in formats[1:]]
            first = render_format(report, formats[0], templates_dir, view)
            return dict(zip(formats, [first, *(other.result() for other in others)], strict=True))
    finally:
        _rendering = None


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _render_inherited(file_format: str) -> str:
    assert _rendering is not None, "set before the pool forked this process"
    return render_format(_rendering[0], file_format, *_rendering[1:])
