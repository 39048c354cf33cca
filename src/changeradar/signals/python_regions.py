"""The part of an edited Python module its API can have changed in: the statements a diff touches.

Parsing both sides of every edited module is most of the cost of extracting signals, and most edits touch a
few statements of a long file. This keeps, on both sides, the top-level statements (in a class: the
members) that a hunk overlaps on either side, matched by name so that a statement kept on one side is kept
on the other, and blanks every other line. The result parses in a fraction of the time, keeps its line
numbers, and has the same public API for every name it keeps.

Statements are found by indentation. A column-0 line inside a string or brackets can be mistaken for one
only in code this module cannot split safely anyway: what is kept then fails to parse, and the caller
parses the whole file instead.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace

# First characters of a line that cannot open a statement: indentation, comment, closing bracket.
_NOT_A_START = frozenset(("", " ", "\t", "#", ")", "]", "}"))  # "": the line ends there
# Clauses that continue the `if`/`try` above them.
_CONTINUATION = re.compile(r"(?:else|elif|except|finally)\b")
# What a statement defines, when it can define API: a function, a class, or `__all__`.
_NAME = re.compile(r"(?:async\s+)?def\s+(\w+)|class\s+(\w+)|(__all__)\b")
_DEFINITION = re.compile(r"\s*(?:async\s+)?def\s")
_STRINGS = re.compile(r"\"[^\"]*\"|'[^']*'")
_MEMBER_INDENT = "    "  # classes are read one level deep, at the indentation nearly all code uses
WORTH_IT_LINES = 40  # below this a whole parse is already cheap

Lines = Sequence[int]  # zero-based numbers of changed lines, sorted


@dataclass(frozen=True, slots=True)
class _Statement:
    begin: int  # zero-based, inclusive
    end: int  # exclusive
    name: str | None  # the function or class it defines, or "__all__"; None for anything else
    is_class: bool = False

    def holds_any(self, changed: Lines) -> bool:
        index = bisect_left(changed, self.begin)
        return index < len(changed) and changed[index] < self.end


class _Module:
    """One side's lines and top-level statements; a class's members are read only when asked for (most
    classes of a long module are neither touched nor named by the other side)."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self.statements = [
            replace(s, is_class=True)
            if lines[s.begin].startswith("class ") or _is_decorated_class(lines, s)
            else s
            for s in _spans(lines, 0, len(lines), "")
        ]
        self._members: dict[int, tuple[_Statement, ...]] = {}

    def members(self, statement: _Statement) -> tuple[_Statement, ...]:
        """A class's members, from its first on; () for anything else."""
        if not statement.is_class:
            return ()
        if statement.begin not in self._members:
            body = _body_start(self.lines, statement)
            self._members[statement.begin] = tuple(_spans(self.lines, body, statement.end, _MEMBER_INDENT))
        return self._members[statement.begin]


def statements_touched(old: str, new: str, removed: Lines, added: Lines) -> tuple[str, str] | None:
    """Both sides reduced to the statements holding a removed (old side) or added (new side) line, and
    those of the same names on the other side; None when that would not pay.

    Statements that define no function, class or `__all__` (imports, `if` blocks, other assignments) add
    nothing to the API the caller reads, so they are never kept.
    """
    old_lines, new_lines = old.split("\n"), new.split("\n")
    if max(len(old_lines), len(new_lines)) < WORTH_IT_LINES:
        return None
    old_module, new_module = _Module(old_lines), _Module(new_lines)
    names = _touched_names(old_module, removed) | _touched_names(new_module, added)
    return _kept(old_module, names), _kept(new_module, names)


def binding_statements(source: str) -> str:
    """The module without its top-level functions and classes: the statements left (imports, assignments,
    `if` and `try` blocks) are all that can bind a module-level name otherwise, and parse in a fraction of
    the time. The same caveat as above holds: a mistaken split leaves text that rarely parses, and the
    caller then parses the whole module.
    """
    lines = source.split("\n")
    kept = [
        "\n".join(lines[statement.begin : statement.end])
        for statement in _spans(lines, 0, len(lines), "")
        if statement.name is None or statement.name == "__all__"
    ]
    return "\n".join(kept)


def _body_start(lines: Sequence[str], statement: _Statement) -> int:
    """The line after the class's header, which may span lines (`class A(\n    Base,\n):`)."""
    number = next(n for n in range(statement.begin, statement.end) if lines[n].startswith("class "))
    while number < statement.end - 1 and not lines[number].split("#")[0].rstrip().endswith(":"):
        number += 1
    return number + 1


def _is_decorated_class(lines: Sequence[str], statement: _Statement) -> bool:
    """Whether the decorators open a class (read up to the `class` or `def` line, not through the body)."""
    if not lines[statement.begin].startswith("@"):
        return False
    for number in range(statement.begin, statement.end):
        if lines[number].startswith("class "):
            return True
        if lines[number].startswith(("def ", "async def ")):
            return False
    return False


def _spans(lines: Sequence[str], begin: int, end: int, indent: str) -> list[_Statement]:
    """The statements at exactly `indent` between lines `begin` and `end`; decorators open their def's."""
    starts: list[int] = []
    names: list[str | None] = []
    decorated = False
    width = len(indent)
    # One pass in a comprehension finds the few lines at this indentation; the loop reads only those.
    if width:
        candidates = [
            number
            for number, line in enumerate(lines[begin:end], begin)
            if line[width : width + 1] not in _NOT_A_START and line.startswith(indent)
        ]
    else:
        candidates = [
            number for number, line in enumerate(lines[begin:end], begin) if line[:1] not in _NOT_A_START
        ]
    for number in candidates:
        line = lines[number]
        if _CONTINUATION.match(line, width):
            continue
        if not decorated:
            starts.append(number)
            names.append(None)
        if names[-1] is None and not line.startswith("@", width):
            named = _NAME.match(line, width)
            names[-1] = next(filter(None, named.groups()), None) if named else None
        decorated = line.startswith("@", width)
    ends = [*starts[1:], end] if starts else []
    return [_Statement(s, e, n) for s, e, n in zip(starts, ends, names, strict=True)]


def _touched_names(module: _Module, changed: Lines) -> set[str]:
    """`Class.method` for a member holding a changed line; `Class.*` when the class's own lines changed."""
    names: set[str] = {"__all__"}
    for statement in module.statements:
        if statement.name is None or not statement.holds_any(changed):
            continue
        names.add(statement.name)
        members = module.members(statement)
        header = _Statement(statement.begin, members[0].begin if members else statement.end, None)
        if header.holds_any(changed):
            names.add(f"{statement.name}.*")
        else:
            names |= {f"{statement.name}.{m.name}" for m in members if m.name and m.holds_any(changed)}
    return names


def _kept(module: _Module, names: set[str]) -> str:
    """The lines of the statements `names` names, the others blank, each function cut to its signature.

    A class cut down keeps its `__init__` (its call signature) and a `...` so that its body is never empty.
    """
    lines = module.lines
    kept = [""] * len(lines)
    for statement in module.statements:
        if statement.name not in names:
            continue
        members = module.members(statement)
        if not members:
            _keep_signature(lines, statement, kept)
            continue
        whole = f"{statement.name}.*" in names
        kept[statement.begin : members[0].begin] = lines[statement.begin : members[0].begin]
        kept[members[0].begin] = _MEMBER_INDENT + "..."  # a body, however many members are kept
        for member in members:
            if whole or member.name == "__init__" or f"{statement.name}.{member.name}" in names:
                _keep_signature(lines, member, kept)
    return "\n".join(kept)


def _keep_signature(lines: Sequence[str], statement: _Statement, kept: list[str]) -> None:
    """A function's decorators and signature with `...` for its body (the API is in the signature, and
    bodies are most of what a parse would read); anything else whole."""
    end = _signature_end(lines, statement)
    if end is None:
        kept[statement.begin : statement.end] = lines[statement.begin : statement.end]
        return
    kept[statement.begin : end + 1] = lines[statement.begin : end + 1]
    definition = lines[
        statement.begin
        + next(
            offset for offset, line in enumerate(lines[statement.begin : end + 1]) if _DEFINITION.match(line)
        )
    ]
    kept[end + 1] = definition[: len(definition) - len(definition.lstrip())] + _MEMBER_INDENT + "..."


def _signature_end(lines: Sequence[str], statement: _Statement) -> int | None:
    """The line closing a `def`'s signature (its brackets balanced, ending in `:`), when a body follows it."""
    depth = 0
    started = False
    for number in range(statement.begin, statement.end - 1):
        line = lines[number]
        started = started or _DEFINITION.match(line) is not None
        if not started:
            continue  # a decorator
        code = _STRINGS.sub("", line).split("#")[0]
        depth += code.count("(") + code.count("[") + code.count("{")  # no generator: a line of every
        depth -= code.count(")") + code.count("]") + code.count("}")  # kept signature passes here
        if depth <= 0 and code.rstrip().endswith(":"):
            return number
    return None
