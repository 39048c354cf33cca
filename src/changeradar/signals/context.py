"""What every extractor is handed besides the commit: where to read file content, and the area rules.

A module of its own so that extractors import it without importing the package that runs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from changeradar.config import AreaRule


class BlobSource(Protocol):
    def read_blob(self, object_id: str) -> bytes | None:
        """The content of a blob, or None when it cannot be had (missing, too large)."""


@dataclass(frozen=True, slots=True)
class SignalContext:
    blobs: BlobSource | None = None
    area_rules: Sequence[AreaRule] = field(default_factory=tuple)
