"""A package installed the way pip leaves one, without pip: modules and a `*.dist-info` folder with METADATA
and entry_points.txt, on sys.path, where `importlib.metadata` finds it as it finds any installed plugin."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest


def install_distribution(
    root: Path,
    name: str,
    modules: Mapping[str, str],
    entry_points: Mapping[str, Mapping[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """Make the distribution `name` under `root` and put it on sys.path for the test; its folder."""
    folder = root / f"site-{name}"
    info = folder / f"{name}-0.1.dist-info"
    info.mkdir(parents=True)
    for module, source in modules.items():
        (folder / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8")
    sections = [
        f"[{group}]\n" + "".join(f"{entry} = {target}\n" for entry, target in targets.items())
        for group, targets in entry_points.items()
    ]
    (info / "entry_points.txt").write_text("\n".join(sections), encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))  # also clears the import system's caches
    return folder
