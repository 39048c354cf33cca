"""Print pip constraints that pin every dependency of pyproject.toml to the lowest version it allows.

The runtime dependencies and every optional extra are read; each must state a lower bound (`name>=X`),
which becomes `name==X`, so that CI can prove the declared ranges true at their old end. A dependency
without a lower bound is an error: its oldest allowed version is whatever PyPI first had.

Usage: python3 .ci/lowest-constraints.py [pyproject.toml] > constraints.txt
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

_LOWER_BOUND = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;]*)")


def lowest_pins(pyproject: dict) -> list[str]:
    project = pyproject["project"]
    requirements = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    return [_pin(requirement) for requirement in requirements]


def _pin(requirement: str) -> str:
    match = _LOWER_BOUND.match(requirement)
    specifiers = [part.strip() for part in match.group(2).split(",")] if match else []
    lower = [spec[2:].strip() for spec in specifiers if spec.startswith(">=")]
    if not match or len(lower) != 1:
        raise SystemExit(f"lowest-constraints: {requirement!r} needs exactly one lower bound (name>=X)")
    return f"{match.group(1)}=={lower[0]}"


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml")
    print("\n".join(lowest_pins(tomllib.loads(path.read_text(encoding="utf-8")))))


if __name__ == "__main__":
    main()
