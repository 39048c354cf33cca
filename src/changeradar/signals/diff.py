"""Reading the lines of a file's patch, with the line numbers they have in the old or new file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import NamedTuple

from changeradar.model import FileChange

_HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")


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
    return _parse_patch(file.patch)


def forget_parsed_patches() -> None:
    """Free the cache of `diff_lines`; called after each commit so memory stays bounded by one commit."""
    _parse_patch.cache_clear()


@cache
def _parse_patch(patch: str) -> tuple[DiffLine, ...]:
    return tuple(_iterate_patch(patch))


def _iterate_patch(patch: str) -> Iterator[DiffLine]:
    old_number = new_number = 0
    for raw in patch.splitlines():
        header = _HUNK_HEADER.match(raw)
        if header:
            old_number, new_number = int(header.group(1)), int(header.group(2))
            continue
        if not raw or raw.startswith("\\"):  # "\ No newline at end of file"
            continue
        sign, text = raw[0], raw[1:]
        if sign == "+":
            yield DiffLine("+", text, None, new_number)
            new_number += 1
        elif sign == "-":
            yield DiffLine("-", text, old_number, None)
            old_number += 1
        elif sign == " ":
            yield DiffLine(" ", text, old_number, new_number)
            old_number += 1
            new_number += 1


def added_lines(file: FileChange) -> Iterator[tuple[int, str]]:
    """(new line number, text) of each added line."""
    for line in diff_lines(file):
        if line.sign == "+":
            yield line.new_line, line.text
