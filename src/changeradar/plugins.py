"""Analysers and outputs from other packages, found by name through entry points.

A package offers an output (or an analyser) by declaring it in its own `pyproject.toml`:

    [project.entry-points."changeradar.outputs"]
    chat = "changeradar_chat:ChatOutput"

Entry points are read only when a config names a type that is not built in, never at import time: a
broken plugin costs nothing to the runs that do not use it, and costs one line naming it to those that do.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from changeradar.errors import BadInput

ANALYZERS_GROUP = "changeradar.analyzers"
OUTPUTS_GROUP = "changeradar.outputs"


def plugin_names(group: str) -> list[str]:
    """The names installed packages offer in `group`."""
    return sorted({entry.name for entry in entry_points(group=group)})


def load_plugin(group: str, name: str) -> object | None:
    """What the entry point `name` of `group` points at, or None when no installed package offers it.

    A plugin that fails to import is BadInput naming it: its traceback belongs to its author, not the user.
    """
    offered = sorted(entry_points(group=group, name=name), key=lambda entry: entry.value)
    if not offered:
        return None
    return load_entry_point(offered[0])


def load_entry_point(entry: EntryPoint) -> object:
    try:
        return entry.load()
    except Exception as error:  # an import can fail in any way; each is the plugin's, named in one line
        first_line = (str(error).strip().splitlines() or [""])[0]
        raise BadInput(
            f"cannot load plugin {entry.name!r} of {entry.group} ({entry.value}): "
            f"{type(error).__name__}: {first_line}"
        ) from None
