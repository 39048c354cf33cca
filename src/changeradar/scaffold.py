"""`changeradar init`: a commented config and a scheduled CI workflow, written from package data."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from changeradar.errors import BadInput

WORKFLOW_PATH = Path(".github/workflows/changeradar.yml")


def write_starter_files(config_path: Path, force: bool = False) -> list[Path]:
    """Write the config at `config_path` and the workflow beside it; refuse to overwrite unless forced."""
    data = files("changeradar") / "data"
    targets = {
        config_path: (data / "changeradar.toml").read_text(encoding="utf-8"),
        config_path.parent / WORKFLOW_PATH: (data / "changeradar-workflow.yml").read_text(encoding="utf-8"),
    }
    existing = [path for path in targets if path.exists()]
    if existing and not force:
        raise BadInput(f"{existing[0]} already exists (use --force to overwrite)")
    for path, text in targets.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise BadInput(f"cannot write {path}: {error.strerror or error}") from None
    return list(targets)
