"""Outputs: where a day's report goes — files, standard output, and outputs that other packages ship.

An output is a class with a `name` (its `type` in an `[[outputs]]` table), a pydantic `settings_model`,
`checks()` for `changeradar doctor`, `render(day, view)` giving what it would deliver, and
`deliver(day, rendered, store)` delivering it. Delivering is split in two so that `deliver_report`, not
each output, knows whether a delivery is new: it records every delivery in the store (repository, window,
output, content hash, where it went) and skips an output that already delivered the same content for the
same repository and window, so a re-run posts once. Outputs that always write (`files`, `stdout`) opt out
of the skip with `redelivers` and are still recorded.

Types are found by an entry point's address: the built-in ones by a fixed one, the others through the
`changeradar.outputs` entry-point group (see `changeradar.plugins`), only when a config names them.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from pydantic import ValidationError

from changeradar.checks import Check
from changeradar.config import OutputSettings, PluginOutputSettings, describe_validation_error
from changeradar.errors import BadInput
from changeradar.model import DayReport, Window
from changeradar.plugins import OUTPUTS_GROUP, load_entry_point, load_plugin, plugin_names

if TYPE_CHECKING:
    from changeradar.render.view import ReportView
    from changeradar.store import Store

Rendered = Mapping[str, str]
"""What an output delivers, part by part: `{"md": …, "json": …}` for files, one message for a chat."""

_BUILTIN = {
    "files": "changeradar.outputs.files:FilesOutput",
    "stdout": "changeradar.outputs.stdout:StdoutOutput",
}
_LOADED: dict[str, type[Output]] = {}
_OUTPUT_ATTRIBUTES = ("name", "settings_model", "redelivers", "checks", "render", "deliver")
_HASHED_PIECE = 1 << 20  # characters of a rendered text encoded and hashed at a time


@dataclass(frozen=True, slots=True)
class OutputContext:
    """What a run lends its outputs: where terminal text goes (above any progress bars), user templates."""

    echo: Callable[[str], object] = field(default=sys.stdout.write)
    templates_dir: Path | None = None


class Output(Protocol):
    name: ClassVar[str]
    settings_model: ClassVar[type[OutputSettings]]
    redelivers: ClassVar[bool]
    """True: deliver on every run even when the same content went already (the delivery is still recorded)."""

    @property
    def settings(self) -> OutputSettings:
        """Its `[[outputs]]` table, checked."""
        ...

    def __init__(self, settings: OutputSettings, context: OutputContext) -> None: ...

    def checks(self) -> list[Check]:
        """What `doctor` says about this output: is it configured so that a run can deliver?"""
        ...

    def render(self, day: DayReport, view: ReportView) -> Rendered:
        """What `deliver` would send for `day`; the same day renders the same every time."""
        ...

    def deliver(self, day: DayReport, rendered: Rendered, store: Store) -> tuple[str, ...]:
        """Send `rendered`; where it went (paths, message addresses). Failures are ChangeradarError."""
        ...


@dataclass(frozen=True, slots=True)
class Delivery:
    output: str  # the output's key: its `name`, else its type
    references: tuple[str, ...]  # where it went: now, or — when skipped — the first time
    skipped: bool = False  # the same content had been delivered already: nothing was sent again


def available_outputs() -> list[str]:
    return sorted({*_BUILTIN, *plugin_names(OUTPUTS_GROUP)})


def output_class(type_name: str) -> type[Output]:
    """The output class for an `[[outputs]]` type, loaded the first time it is asked for."""
    if type_name not in _LOADED:
        if type_name in _BUILTIN:
            loaded = load_entry_point(EntryPoint(type_name, _BUILTIN[type_name], OUTPUTS_GROUP))
        else:
            loaded = load_plugin(OUTPUTS_GROUP, type_name)
        if loaded is None:
            raise BadInput(
                f"unknown output type {type_name!r} (choose from: {', '.join(available_outputs())})"
            )
        missing = [attribute for attribute in _OUTPUT_ATTRIBUTES if not hasattr(loaded, attribute)]
        if missing or not isinstance(loaded, type):
            raise BadInput(f"plugin {type_name!r} of {OUTPUTS_GROUP} is not an output (it lacks {missing})")
        _LOADED[type_name] = loaded
    return _LOADED[type_name]


def create_outputs(tables: Sequence[OutputSettings], context: OutputContext) -> list[Output]:
    """Every configured output, ready to deliver; any problem is BadInput before a report is built."""
    keys = [table.key for table in tables]
    repeated = next((key for key in keys if keys.count(key) > 1), None)
    if repeated is not None:
        raise BadInput(f"two [[outputs]] are known as {repeated!r} (give each a distinct `name`)")
    return [create_output(table, position, context) for position, table in enumerate(tables)]


def create_output(table: OutputSettings, position: int, context: OutputContext) -> Output:
    cls = output_class(table.type)
    return cls(_settings_for(cls, table, position), context)


def _settings_for(cls: type[Output], table: OutputSettings, position: int) -> OutputSettings:
    """A plugin's table checked by the plugin's own model (the config could not know its keys)."""
    if not isinstance(table, PluginOutputSettings):
        return table
    try:
        return cls.settings_model.model_validate(table.model_dump(exclude_unset=True))
    except ValidationError as error:
        raise BadInput(f"config: {describe_validation_error(error, f'outputs.{position}')}") from None


def deliver_report(
    outputs: Sequence[Output], day: DayReport, view: ReportView, store: Store
) -> list[Delivery]:
    """Deliver `day` to each output, once per content: what each did, in order."""
    deliveries = []
    for output in outputs:
        key = output.settings.key
        rendered = output.render(day, view)
        digest = content_hash(rendered)
        earlier = store.delivered(day.repo.name, window_key(day.window), key, digest)
        if earlier is not None and not output.redelivers:
            deliveries.append(Delivery(key, earlier, skipped=True))
            continue
        references = output.deliver(day, rendered, store)
        store.record_delivery(day.repo.name, window_key(day.window), key, digest, references)
        deliveries.append(Delivery(key, references))
    return deliveries


def content_hash(rendered: Rendered) -> str:
    """The content's identity, whatever order its parts come in: `sha256:` and the hex digest of each part's
    format and digest, in the formats' order. Each text is hashed as it is encoded, a piece at a time: a
    year's JSON report is tens of megabytes, and escaping it into one canonical document first took longer
    than hashing it (a piece of a `str` always encodes as that part of the whole)."""
    digest = hashlib.sha256()
    for file_format, text in sorted(rendered.items()):
        part = hashlib.sha256()
        for start in range(0, len(text), _HASHED_PIECE):
            part.update(text[start : start + _HASHED_PIECE].encode("utf-8", "surrogatepass"))
        digest.update(f"{file_format}\0{part.hexdigest()}\n".encode("utf-8", "surrogatepass"))
    return "sha256:" + digest.hexdigest()


def window_key(window: Window) -> str:
    """The window exactly, as an ISO 8601 interval: two `--last 24h` runs a second apart are two windows."""
    return f"{window.start.isoformat()}/{window.end.isoformat()}"
