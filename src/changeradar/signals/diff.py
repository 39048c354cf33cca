"""The lines of a file's patch, numbered, parsed once per commit for every extractor (see `hunks`)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from changeradar.hunks import DiffLine, numbered_lines
from changeradar.model import FileChange

__all__ = ["DiffLine", "added_lines", "diff_lines", "forget_parsed_patches", "removed_lines"]


def diff_lines(file: FileChange) -> tuple[DiffLine, ...]:
    """Every line of every hunk of `file`'s patch, numbered.

    Cached until `forget_parsed_patches`: every extractor reads the same files of the same commit, and
    parsing a patch once instead of once per extractor is most of the cost of a large commit.
    """
    return _parse_patch(file.patch)


def forget_parsed_patches() -> None:
    """Free the cache of `diff_lines`; called after each commit so memory stays bounded by one commit."""
    _parse_patch.cache_clear()


@cache
def _parse_patch(patch: str) -> tuple[DiffLine, ...]:
    return tuple(numbered_lines(patch))


def removed_lines(file: FileChange) -> Iterator[tuple[int, str]]:
    """(old line number, text) of each removed line."""
    for line in diff_lines(file):
        if line.sign == "-" and line.old_line is not None:  # always so for a removed line
            yield line.old_line, line.text


def added_lines(file: FileChange) -> Iterator[tuple[int, str]]:
    """(new line number, text) of each added line."""
    for line in diff_lines(file):
        if line.sign == "+" and line.new_line is not None:  # always so for an added line
            yield line.new_line, line.text
