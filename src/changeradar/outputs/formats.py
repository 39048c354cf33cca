"""The report as text in the formats a file or standard output carries: Markdown or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from changeradar.model import DayReport
from changeradar.render.json_document import render_json
from changeradar.render.markdown import render_markdown
from changeradar.render.view import ReportView

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

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
    (eight months of flashinfer, a thousand commits, take half a second per format, on one core while the
    other waits). The copy inherits the report: pickling it over would cost about what rendering it does.
    """
    long_enough = len(formats) > 1 and len(report.commits) >= SIDE_BY_SIDE_FROM
    context = _fork_context() if long_enough else None
    if context is None:
        return {
            file_format: render_format(report, file_format, templates_dir, view) for file_format in formats
        }
    from concurrent.futures import ProcessPoolExecutor

    global _rendering
    _rendering = (report, templates_dir, view)
    try:
        with ProcessPoolExecutor(len(formats) - 1, mp_context=context) as pool:
            others = [pool.submit(_render_inherited, file_format) for file_format in formats[1:]]
            first = render_format(report, formats[0], templates_dir, view)
            return dict(zip(formats, [first, *(other.result() for other in others)], strict=True))
    finally:
        _rendering = None


def _fork_context() -> BaseContext | None:
    """The start method that lets the copy inherit the report, where the platform has it."""
    import multiprocessing  # here: a day's report needs no multiprocessing

    return multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


def _render_inherited(file_format: str) -> str:
    assert _rendering is not None, "set before the pool forked this process"
    return render_format(_rendering[0], file_format, *_rendering[1:])
