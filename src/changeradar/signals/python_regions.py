"""The part of an edited Python module its API can have changed in: the statements a diff touches.

Parsing both sides of every edited module is most of the cost of extracting signals, and most edits touch a
few statements of a long file. This keeps, on both sides, the top-level statements (in a class: the
members) that a hunk overlaps on either side, matched by name so that a statement kept on one side is kept
on the other, and blanks every other line. The result parses in a fraction of the time, keeps its line
numbers, and has the same public API for every name it keeps.

Statements are found by indentation, by a search of the text for a line break followed by the
indentation and a character that can start a statement: a module's lines are looked at one by one only
where a statement starts. A column-0 line inside a string or brackets can be mistaken for one only in code
this module cannot split safely anyway: what is kept then fails to parse, and the caller parses the whole
file instead.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import chain

# The line break before a line that can open a statement at an indentation (what follows it is no more
# indentation, no comment, no closing bracket, and not the line's end), and what the line opens: a clause
# that continues the `if`/`try` above it, a decorator, or what the statement can define API by (a
# function, a class, `__all__`). One search of the text finds them all.
_STATEMENT_AT = {
    indent: re.compile(
        "\n" + indent + r"(?=[^ \t#)\]}\n])(?:(?P<continues>(?:else|elif|except|finally)\b)|(?P<decorator>@)"
        r"|(?:async[^\S\n]+)?def[^\S\n]+(?P<function>\w+)|class[^\S\n]+(?P<cls>\w+)|(?P<all>__all__)\b)?"
    )
    for indent in ("", "    ")
}
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


class _Text:
    """A module's text and its lines, and where each line a statement starts on begins in the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.offsets: dict[int, int] = {0: 0, len(self.lines): len(text) + 1}  # line number → its start

    def offset(self, number: int, near: int) -> int:
        """Where line `number` begins, counted on from line `near`, whose start is known."""
        if number not in self.offsets:
            self.offsets[number] = self.offsets[near] + sum(len(line) + 1 for line in self.lines[near:number])
        return self.offsets[number]


class _Module:
    """One side's lines and top-level statements; a class's members are read only when asked for (most
    classes of a long module are neither touched nor named by the other side)."""

    def __init__(self, module: _Text) -> None:
        self.source = module
        self.lines = lines = module.lines
        self.statements = [
            replace(s, is_class=True)
            if lines[s.begin].startswith("class ") or _is_decorated_class(lines, s)
            else s
            for s in _spans(module, 0, len(lines), "", named_only=True)
        ]
        self._members: dict[int, tuple[_Statement, ...]] = {}

    def members(self, statement: _Statement) -> tuple[_Statement, ...]:
        """A class's members, from its first on; () for anything else."""
        if not statement.is_class:
            return ()
        if statement.begin not in self._members:
            body = _body_start(self.lines, statement)
            self.source.offset(body, near=statement.begin)  # where the search for members starts
            self._members[statement.begin] = tuple(_spans(self.source, body, statement.end, _MEMBER_INDENT))
        return self._members[statement.begin]


def statements_touched(old: str, new: str, removed: Lines, added: Lines) -> tuple[str, str] | None:
    """Both sides reduced to the statements holding a removed (old side) or added (new side) line, and
    those of the same names on the other side; None when that would not pay.

    Statements that define no function, class or `__all__` (imports, `if` blocks, other assignments) add
    nothing to the API the caller reads, so they are never kept.
    """
    old_text, new_text = _Text(old), _Text(new)
    if max(len(old_text.lines), len(new_text.lines)) < WORTH_IT_LINES:
        return None
    old_module, new_module = _Module(old_text), _Module(new_text)
    names = _touched_names(old_module, removed) | _touched_names(new_module, added)
    return _kept(old_module, names), _kept(new_module, names)


def binding_statements(source: str) -> str:
    """The module without its top-level functions and classes: the statements left (imports, assignments,
    `if` and `try` blocks) are all that can bind a module-level name otherwise, and parse in a fraction of
    the time. The same caveat as above holds: a mistaken split leaves text that rarely parses, and the
    caller then parses the whole module.
    """
    module = _Text(source)
    kept = [
        "\n".join(module.lines[statement.begin : statement.end])
        for statement in _spans(module, 0, len(module.lines), "")
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


def _spans(module: _Text, begin: int, end: int, indent: str, named_only: bool = False) -> list[_Statement]:
    """The statements at exactly `indent` between lines `begin` and `end` (whose starts `module` knows);
    decorators open their def's. Where each begins is remembered, so a class's members can be read.
    `named_only`: only those that define a function, a class or `__all__`, the only ones API is read from.
    """
    text, offsets = module.text, module.offsets
    start, stop = offsets[begin], offsets[end]
    pattern = _STATEMENT_AT[indent]
    starts: list[int] = []
    names: list[str | None] = []
    decorated = False
    number, counted = begin, start
    first = pattern.match("\n" + module.lines[0]) if start == 0 else None  # no line break before it
    matches = chain([first] if first else [], pattern.finditer(text, max(start - 1, 0), stop))
    for match in matches:
        if match is not first:
            line_start = match.start() + 1
            number += text.count("\n", counted, line_start)
            counted = line_start
        if match["continues"]:
            continue
        if not decorated:
            starts.append(number)
            names.append(None)
            offsets[number] = counted
        decorated = match["decorator"] is not None
        if names[-1] is None and not decorated:
            names[-1] = match["function"] or match["cls"] or match["all"]
    ends = [*starts[1:], end] if starts else []
    return [
        _Statement(s, e, n)
        for s, e, n in zip(starts, ends, names, strict=True)
        if n is not None or not named_only
    ]


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
        code = _STRINGS.sub("", line) if '"' in line or "'" in line else line
        code = code.split("#")[0] if "#" in code else code
        depth += code.count("(") + code.count("[") + code.count("{")  # no generator: a line of every
        depth -= code.count(")") + code.count("]") + code.count("}")  # kept signature passes here
        if depth <= 0 and code.rstrip().endswith(":"):
            return number
    return None
