"""What every extractor is handed besides the commit: where to read file content, and the area rules.

A module of its own so that extractors import it without importing the package that runs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from changeradar.config import AreaRule


class BlobSource(Protocol):
    def read_blob(self, object_id: str) -> bytes | None:
        """The content of a blob, or None when it cannot be had (missing, too large)."""


@runtime_checkable
class FolderLister(Protocol):
    """A blob source that can also list a commit's folders (`git.GitBlobReader`): extractors that need
    the layout around a file (a crate's `lib.rs`, a package's `__init__.py`) ask it."""

    def folder_names(self, commit: str, folder: str) -> frozenset[str] | None:
        """The names in a folder of a commit's tree, None when it has no such folder."""

    def __hash__(self) -> int:
        """Hashable, so answers can be cached per reader."""


@dataclass(frozen=True, slots=True)
class SignalContext:
    blobs: BlobSource | None = None
    area_rules: Sequence[AreaRule] = field(default_factory=tuple)
