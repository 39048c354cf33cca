"""The one reader of a file's unified-diff patch: its hunks, each line numbered in the old and new file,
and each side as the runs of lines that file shows.

Signals number lines to point at evidence and read one side at a time (`signals.diff` caches both per
commit); the LLM budget re-cuts hunks around their changes. A patch here starts at its first `@@` header,
as `git_log_format` stores it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import count, repeat
from typing import NamedTuple

_HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$")
# A named tuple made from a plain one without its Python-level constructor, about three times faster: for
# the objects made once per line of every patch.
new_tuple = tuple.__new__


class Hunk(NamedTuple):
    old_start: int  # line number in the old file of the hunk's first line
    new_start: int  # line number in the new file of the hunk's first line
    heading: str  # what git prints after the closing "@@" (often the enclosing function), with its space
    lines: tuple[str, ...]  # body lines with their sign ("+", "-", " "); "\ No newline…" and blanks left out


class DiffLine(NamedTuple):  # a tuple, not a frozen dataclass: there is one per line of every patch
    sign: str  # "+", "-" or " "
    text: str  # the line without its sign
    old_line: int | None  # line number in the old file (None for an added line)
    new_line: int | None  # line number in the new file (None for a removed line)


class SideLine(NamedTuple):  # a tuple, not a frozen dataclass: there is one per line of every hunk read
    """A line as one side of the diff shows it; `changed` when it is an added (new) or removed (old) line."""

    number: int
    text: str
    changed: bool


def side_runs(patch: str, new_side: bool) -> list[list[SideLine]]:
    """The patch as one side of it reads: runs of consecutive lines of that file (a hunk, or hunks that
    touch), each line with its number there and whether the commit changed it.

    One pass over the patch's lines of its own rather than a filter of `numbered_lines`: signals read
    most patches this way, many of them only this way, and the numbered lines of every patch cost more.
    """
    own, group = ("+", 2) if new_side else ("-", 1)
    whole = _whole_side(patch, own)
    if whole is not None:
        return [whole] if whole else []
    runs: list[list[SideLine]] = []
    run: list[SideLine] = []
    number = next_number = 0
    for raw in patch.splitlines():
        sign = raw[:1]
        if sign == " " or sign == own:
            if number != next_number or not runs:
                run = []
                runs.append(run)
            run.append(new_tuple(SideLine, (number, raw[1:], sign != " ")))
            number += 1
            next_number = number
        elif sign == "@" and (header := _HUNK_HEADER.match(raw)):
            number = int(header.group(group))
        # a line of the other side, "\ No newline at end of file" or an empty line: not on this side
    return runs


def _whole_side(patch: str, own: str) -> list[SideLine] | None:
    """The side of a file that comes (or goes) whole, every line changed; None for any other patch.

    Half the lines of a window's patches are such files, and this reads them twice as fast as the loop
    above: the checks are counts, and the lines are numbered without a branch per line.
    """
    header_end = patch.find("\n")
    header = _HUNK_HEADER.match(patch, 0, header_end) if header_end >= 0 else None
    if header is None or header.group(1 if own == "+" else 2) != "0":
        return None  # the other side is not empty: context lines, or more than one hunk
    body = patch[header_end + 1 :]
    lines = body.splitlines()
    if len(lines) != body.count("\n") + (not body.endswith("\n")):
        return None  # a line break only `splitlines` knows ("\r", "\f", …): the loop reads it as it does
    if lines and lines[-1].startswith("\\"):  # "\ No newline at end of file"
        lines.pop()
    if body.count("\n" + own) + body.startswith(own) != len(lines):
        return None  # a line that is not this side's
    numbers = count(int(header.group(2 if own == "+" else 1)))
    return list(map(new_tuple, repeat(SideLine), zip(numbers, [text[1:] for text in lines], repeat(True))))


def parse_hunks(patch: str) -> Iterator[Hunk]:
    """Each hunk of `patch`, in order; lines before the first header are not part of any hunk."""
    header: re.Match[str] | None = None
    body: list[str] = []
    for raw in patch.splitlines():
        match = _HUNK_HEADER.match(raw)
        if match:
            if header:
                yield _hunk(header, body)
            header, body = match, []
        elif header and raw and not raw.startswith("\\"):  # "\ No newline at end of file"
            body.append(raw)
    if header:
        yield _hunk(header, body)


def numbered_lines(patch: str) -> Iterator[DiffLine]:
    """Every added, removed and context line of `patch`, with its old and new line numbers.

    One pass over the lines without building hunks: this runs on every line of every patch of a window.
    """
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


def _hunk(header: re.Match[str], body: list[str]) -> Hunk:
    return Hunk(int(header.group(1)), int(header.group(2)), header.group(3), tuple(body))
