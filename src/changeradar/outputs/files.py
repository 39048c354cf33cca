"""The `files` output: rendered reports written where readers (and the site builder) expect them.

Layout: `{output}/{year}/{owner}/{name}/{date}.md` and `.json` — the reference tool's layout, with the
owner so two repositories named alike never collide. A window that is not made of whole days is named by
its start and end, so it never overwrites the report of the day it lies in; no name, however written,
puts a file outside the output folder.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from changeradar.checks import Check
from changeradar.config import FilesOutputSettings
from changeradar.errors import BadInput
from changeradar.model import DayReport, Window
from changeradar.outputs import OutputContext, Rendered
from changeradar.outputs.formats import render_formats

if TYPE_CHECKING:
    from changeradar.render.view import ReportView
    from changeradar.store import Store


class FilesOutput:
    name: ClassVar[str] = "files"
    settings_model: ClassVar[type[FilesOutputSettings]] = FilesOutputSettings
    redelivers: ClassVar[bool] = True  # rewriting a file is harmless, and puts back one deleted or edited

    def __init__(self, settings: FilesOutputSettings, context: OutputContext) -> None:
        self.settings = settings
        self._templates_dir = context.templates_dir

    def checks(self) -> list[Check]:
        folder = self.settings.folder
        formats = ", ".join(self.settings.formats)
        problem = _unwritable(folder)
        if problem:
            return [Check(f"output {self.settings.key}", False, f"{folder}: {problem}")]
        return [Check(f"output {self.settings.key}", True, f"{folder} ({formats})")]

    def render(self, day: DayReport, view: ReportView) -> Rendered:
        return render_formats(day, self.settings.formats, self._templates_dir, view)

    def deliver(self, day: DayReport, rendered: Rendered, store: Store) -> tuple[str, ...]:
        return tuple(str(path) for path in write_report(day, self.settings.folder, rendered))


def report_stem(window: Window) -> str:
    """`2026-01-29` for a day; `2026-01-01_2026-01-07` for whole days (last day inclusive); otherwise
    start and end with their offset, `2026-01-05T1000+0800_2026-01-05T1100+0800`."""
    if not (_is_midnight(window.start) and _is_midnight(window.end)):
        return f"{_moment_stem(window.start)}_{_moment_stem(window.end)}"
    first = window.start.date()
    last = (window.end - timedelta(microseconds=1)).date()
    return first.isoformat() if first == last else f"{first.isoformat()}_{last.isoformat()}"


def report_folder(output: Path, report: DayReport) -> Path:
    """The report's folder, which must lie inside `output` whatever the repository's name holds."""
    owner, _, name = report.repo.name.partition("/")
    folder = output / f"{report.window.start.year:04d}" / owner / (name or owner)
    escapes = any(part in ("", ".", "..") for part in report.repo.name.split("/"))
    if escapes or not Path(os.path.abspath(folder)).is_relative_to(os.path.abspath(output)):
        raise BadInput(f"repository name {report.repo.name!r} would write outside the output folder {output}")
    return folder


def write_report(report: DayReport, output: Path, rendered: Mapping[str, str]) -> list[Path]:
    """Write each format's text to its file atomically; returns the paths written."""
    folder = report_folder(output, report)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BadInput(f"cannot write to output folder {output}: {error.strerror or error}") from None
    written = []
    for file_format, text in rendered.items():
        path = folder / f"{report_stem(report.window)}.{file_format}"
        _write_atomically(path, text)
        written.append(path)
    return written


def _unwritable(folder: Path) -> str | None:
    """Why a run could not write below `folder` (created if need be), or None if it could."""
    existing = next((path for path in (folder, *folder.parents) if path.exists()), None)
    if existing is None:
        return None
    if not existing.is_dir():
        return f"{existing} is not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{existing} is not writable"
    return None


def _is_midnight(moment: datetime) -> bool:
    return moment.timetz().replace(tzinfo=None) == time(0)


def _moment_stem(moment: datetime) -> str:
    """A moment in a file name: no colons, seconds only when there are some, the offset always."""
    stem = moment.strftime("%Y-%m-%dT%H%M")
    if moment.second or moment.microsecond:
        stem += moment.strftime("%S")
    if moment.microsecond:
        stem += moment.strftime(".%f")
    return stem + moment.strftime("%z")


def _write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a report.

    The file is created with mode 0666 less the umask, as any other file the user writes would be.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    except OSError as error:
        raise BadInput(f"cannot write {path}: {error.strerror or error}") from None
