"""Version steps by each ecosystem's rules: semver with 0.x caveats for Go, Cargo, npm; PEP 440 for Python."""

from __future__ import annotations

import pytest

from changeradar.signals.dependency_versions import Ecosystem, Step, version_step


@pytest.mark.parametrize(
    ("ecosystem", "old", "new", "step"),
    [
        (Ecosystem.GO, "v1.20.5", "v1.20.6", Step.PATCH),
        (Ecosystem.GO, "v1.20.5", "v1.21.0", Step.MINOR),
        (Ecosystem.GO, "v0.31.2", "v0.32.0", Step.MAJOR),  # v0: no compatibility promise
        (Ecosystem.GO, "v2.0.0+incompatible", "v2.1.0+incompatible", Step.MINOR),
        (Ecosystem.GO, "v0.0.0-20240101000000-abcdefabcdef", "v0.0.0-20240201000000-abcdefabcdef", None),
        (Ecosystem.CARGO, "0.11", "0.12", Step.MAJOR),  # caret: 0.x minor is breaking
        (Ecosystem.CARGO, "0.11.3", "0.11.4", Step.PATCH),
        (Ecosystem.CARGO, "0.0.3", "0.0.4", Step.MAJOR),  # caret: 0.0.x is exact
        (Ecosystem.CARGO, "1.42.0", "1.44.0", Step.MINOR),
        (Ecosystem.CARGO, "path ../mesh", "1.0", None),
        (Ecosystem.NPM, "^18.2.0", "^19.0.0", Step.MAJOR),
        (Ecosystem.NPM, "~5.4.2", "~5.4.5", Step.PATCH),
        (Ecosystem.PYTHON, "==4.57.1", "==4.58.0", Step.MINOR),
        (Ecosystem.PYTHON, "==2.8.0", "==2.8.0.post1", None),  # same release: no step
        (Ecosystem.PYTHON, "[cuda12]~=0.7.1", "[cuda12]~=0.8.0", Step.MINOR),  # no caret in PEP 440
        (Ecosystem.PYTHON, ">=1.26,<2", ">=2.0", Step.MAJOR),
        (Ecosystem.PYTHON, "@https://example.com/kernels-0.2.0.whl", "==0.3.0", None),
        (Ecosystem.PYTHON, "", "==1.0", None),
    ],
)
def test_version_steps(ecosystem, old, new, step):
    assert version_step(ecosystem, old, new) is step
