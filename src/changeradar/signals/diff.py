"""Reading the lines of a file's patch, with the line numbers they have in the old or new file."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import NamedTuple, TypeVar

from changeradar.model import FileChange

_HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")

# A named tuple made from a plain one without its Python-level constructor, about three times faster: for
# the objects made once per line of every patch.
new_tuple = tuple.__new__
_Function = TypeVar("_Function", bound=Callable[..., object])
_PER_COMMIT_CACHES: list[Callable[[], None]] = []


def cached_per_commit(function: _Function) -> _Function:
    """`function` cached until `forget_parsed_patches`: for what several extractors read of one commit's
    patches. Its results are shared, so they must never be changed."""
    cached = cache(function)
    _PER_COMMIT_CACHES.append(cached.cache_clear)
    return cached  # type: ignore[return-value]


class DiffLine(NamedTuple):  # a tuple, not a frozen dataclass: there is one per line of every patch
    sign: str  # "+", "-" or " "
    text: str  # the line without its sign
    old_line: int | None  # line number in the old file (None for an added line)
    new_line: int | None  # line number in the new file (None for a removed line)


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
    return tuple(_iterate_patch(patch))


def _iterate_patch(patch: str) -> Iterator[DiffLine]:
    old_number = new_number = 0
    for raw in patch.splitlines():
        sign = raw[:1]
        if sign == "+":
            yield new_tuple(DiffLine, ("+", raw[1:], None, new_number))
            new_number += 1
        elif sign == " ":
            yield new_tuple(DiffLine, (" ", raw[1:], old_number, new_number))
            old_number += 1
            new_number += 1
        elif sign == "-":
            yield new_tuple(DiffLine, ("-", raw[1:], old_number, None))
            old_number += 1
        elif sign == "@" and (header := _HUNK_HEADER.match(raw)):
            old_number, new_number = int(header.group(1)), int(header.group(2))
        # anything else ("\ No newline at end of file", an empty line) is no line of either file


def added_lines(file: FileChange) -> Iterator[tuple[int, str]]:
    """(new line number, text) of each added line."""
    for line in diff_lines(file):
        if line.sign == "+":
            yield line.new_line, line.text
