"""The `changeradar` a benchmark runs: the one installed beside the interpreter running the benchmark.

Another on PATH may be another version (a baseline venv measured against the current tree), and timing or
comparing the wrong one reports the other code's figures.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def changeradar_executable() -> str:
    beside = Path(sys.executable).with_name("changeradar")
    return str(beside) if beside.exists() else shutil.which("changeradar") or "changeradar"
