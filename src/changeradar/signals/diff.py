"""The lines of a file's patch, numbered, parsed once per commit for every extractor (see `hunks`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import TypeVar

from changeradar.hunks import DiffLine, SideLine, numbered_lines, side_runs
from changeradar.model import FileChange, FileStatus

__all__ = [
    "DiffLine",
    "added_lines",
    "cached_per_commit",
    "diff_lines",
    "file_side_runs",
    "forget_parsed_patches",
    "parsed_patch",
    "removed_lines",
]

_Function = TypeVar("_Function", bound=Callable[..., object])
_PER_COMMIT_CACHES: list[Callable[[], None]] = []


def cached_per_commit(function: _Function) -> _Function:
    """`function` cached until `forget_parsed_patches`: for what several extractors read of one commit's
    patches. Its results are shared, so they must never be changed."""
    cached = cache(function)
    _PER_COMMIT_CACHES.append(cached.cache_clear)
    return cached  # type: ignore[return-value]


def diff_lines(file: FileChange) -> tuple[DiffLine, ...]:
    """Every line of every hunk of `file`'s patch, numbered.

    Cached until `forget_parsed_patches`: every extractor reads the same files of the same commit, and
    parsing a patch once instead of once per extractor is most of the cost of a large commit.
    """
    return parsed_patch(file.patch)


def forget_parsed_patches() -> None:
    """Free the caches of `diff_lines` and the other `cached_per_commit` readers; called after each commit
    so memory stays bounded by one commit."""
    for clear in _PER_COMMIT_CACHES:
        clear()


@cached_per_commit
def parsed_patch(patch: str) -> tuple[DiffLine, ...]:
    """The lines of a patch's hunks, numbered; what `diff_lines` reads a file's patch with."""
    return tuple(numbered_lines(patch))


def removed_lines(file: FileChange) -> Iterator[tuple[int, str]]:
    """(old line number, text) of each removed line."""
    return iter(() if _absent(file, new_side=False) else _changed_lines(file.patch, new_side=False))


def added_lines(file: FileChange) -> Iterator[tuple[int, str]]:
    """(new line number, text) of each added line."""
    return iter(() if _absent(file, new_side=True) else _changed_lines(file.patch, new_side=True))


def file_side_runs(file: FileChange, new_side: bool) -> tuple[list[SideLine], ...]:
    """`hunks.side_runs` of the file's patch, once per commit: most extractors read the patches this way."""
    return () if _absent(file, new_side) else _side_runs_of(file.patch, new_side)


def _absent(file: FileChange, new_side: bool) -> bool:
    """Whether the file does not exist on that side (an added file's old side, a deleted file's new one):
    then there is nothing to read through its patch's every line for."""
    return file.status is (FileStatus.DELETED if new_side else FileStatus.ADDED)


@cached_per_commit
def _side_runs_of(patch: str, new_side: bool) -> tuple[list[SideLine], ...]:
    return tuple(side_runs(patch, new_side))


@cached_per_commit
def _changed_lines(patch: str, new_side: bool) -> tuple[tuple[int, str], ...]:
    """The added (new side) or removed (old side) lines, numbered: several extractors ask per file."""
    return tuple(
        (line.number, line.text) for run in _side_runs_of(patch, new_side) for line in run if line.changed
    )
