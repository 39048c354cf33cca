"""The `stdout` output: the report in one format on standard output, for a pipe or a quick look."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from changeradar.checks import Check
from changeradar.config import StdoutOutputSettings
from changeradar.model import DayReport
from changeradar.outputs import OutputContext, Rendered
from changeradar.outputs.formats import render_format

if TYPE_CHECKING:
    from changeradar.render.view import ReportView
    from changeradar.store import Store


class StdoutOutput:
    name: ClassVar[str] = "stdout"
    settings_model: ClassVar[type[StdoutOutputSettings]] = StdoutOutputSettings
    redelivers: ClassVar[bool] = True  # whoever reads standard output reads this run, not an earlier one

    def __init__(self, settings: StdoutOutputSettings, context: OutputContext) -> None:
        self.settings = settings
        self._context = context

    def checks(self) -> list[Check]:
        return [Check(f"output {self.settings.key}", True, f"{self.settings.format} on standard output")]

    def render(self, day: DayReport, view: ReportView) -> Rendered:
        file_format = self.settings.format
        return {file_format: render_format(day, file_format, self._context.templates_dir, view)}

    def deliver(self, day: DayReport, rendered: Rendered, store: Store) -> tuple[str, ...]:
        self._context.echo(rendered[self.settings.format])
        return ()
