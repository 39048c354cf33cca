"""How far a dependency moved between two specs: a major, minor or patch step, by its ecosystem's rules.

Go, Cargo and npm follow semver, where a 0.x version promises nothing across minor steps: Cargo's and
npm's caret treat `0.3 → 0.4` (and `0.0.3 → 0.0.4`) as incompatible, and Go's v0 modules carry no
compatibility promise either; so those steps count as major. Go's `+incompatible` suffix changes
nothing to the numbers. Python versions are read by PEP 440 (`packaging`) and promise nothing by their
shape, so only the first release number makes a major step. A spec without a readable version (a path,
a URL, `workspace`) or a Go pseudo-version of the same release has no step.
"""

from __future__ import annotations

import re
from enum import StrEnum

from packaging.version import InvalidVersion, Version


class Ecosystem(StrEnum):
    PYTHON = "python"
    CARGO = "cargo"
    GO = "go"
    NPM = "npm"


class Step(StrEnum):
    MAJOR = "major"
    MINOR = "minor"
    PATCH = "patch"


# The version a spec starts with: `^0.4`, `~1.2`, `>=2, <3`, `v1.2.3+incompatible`, `1.2.3-rc.1`.
_SEMVER = re.compile(r"[\^~=<>\s]*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?")
# PEP 508 after the name: extras, then the first clause (`[cuda]==2.7.0`, `>=1.0,<2`).
_PYTHON_VERSION = re.compile(r"(?:\[[^\]]*\])?\s*(?:===?|~=|>=|>|<=|<|!=)\s*(\d[\w.!+]*)")


def version_step(ecosystem: Ecosystem, old_spec: str, new_spec: str) -> Step | None:
    """The step from the version `old_spec` names to the one `new_spec` names; None when either has none
    or they name the same release."""
    read = _python_release if ecosystem is Ecosystem.PYTHON else _semver_release
    old, new = read(old_spec), read(new_spec)
    if old is None or new is None or old == new:
        return None
    semver = ecosystem is not Ecosystem.PYTHON
    if old[0] != new[0] or (semver and old[0] == 0 and (old[1] != new[1] or old[1] == 0)):
        return Step.MAJOR
    return Step.MINOR if old[1] != new[1] else Step.PATCH


def _semver_release(spec: str) -> tuple[int, int, int] | None:
    match = _SEMVER.match(spec)
    if match is None:
        return None
    return int(match[1]), int(match[2] or 0), int(match[3] or 0)


def _python_release(spec: str) -> tuple[int, int, int] | None:
    match = _PYTHON_VERSION.match(spec)
    if match is None:
        return None
    try:
        release = Version(match[1].rstrip(".")).release
    except InvalidVersion:
        return None
    return (*release, 0, 0)[:3]  # type: ignore[return-value]
