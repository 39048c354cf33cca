"""Whether a patch can change any declaration at all, told from the patch alone, without parsing.

Most edits to Go, Rust or TypeScript files land inside function bodies, which declare nothing: spotting
them spares reading and parsing both sides of the file. Each line's enclosing lines are the lines above it
with less indentation; the hunk shows some of them, and git names the nearest one at column 0 that starts
with a letter after each `@@ … @@` (its default funcname rule, used when no diff driver is configured).
A changed line is harmless when it is blank or a plain comment, when an enclosing line opens a function
body or a block that declares no API (`import (`, a trait `impl`), when it closes such a block, or when
it is a declaration the language's shape calls private. Anything else, or any doubt (a truncated header,
a long signature), means the file is parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HUNK_HEADER = re.compile(r"^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@ ?(.*)$")
_CLOSER = re.compile(r"[})\]][;,)]*\s*$")  # `}`, `)`, `})`, `};`: the end of a block


@dataclass(frozen=True, slots=True)
class SourceShape:
    """How a language's lines show their role; patterns are matched at the line's start."""

    opens_body: re.Pattern[str]  # a function's first line that opens its body: `func (s *S) Get() {`
    quiet_block: re.Pattern[str]  # a line opening a block that declares no API: `import (`, `impl X for Y {`
    private: re.Pattern[str]  # a top-level declaration that is never API: `func helper() {`
    comment: re.Pattern[str]  # a comment line that says nothing about the API


@dataclass(slots=True)
class _Enclosing:
    indent: int
    quiet_inside: bool  # everything below it declares nothing
    opens_signature: bool  # a function's first line whose signature goes on: `func Get(`


def only_bodies_change(patch: str, shape: SourceShape) -> bool:
    """Whether every changed line of the patch is harmless (see the module's docstring)."""
    stacks: dict[str, list[_Enclosing]] = {"-": [], "+": []}
    for raw in patch.splitlines():
        if raw.startswith("@@"):
            header = _HUNK_HEADER.match(raw)
            if header is None:
                return False
            start = [_enclosing(0, header[1], shape)] if header[1] else []
            stacks = {"-": start, "+": list(start)}
            continue
        sign, text = raw[:1], raw[1:]
        if sign not in ("+", "-", " ") or not text.strip():
            continue
        indent = len(text) - len(text.lstrip())
        for side in ("-", "+") if sign == " " else (sign,):
            if not _place(stacks[side], indent, text, shape, changed=sign != " "):
                return False
    return True


def _enclosing(indent: int, text: str, shape: SourceShape) -> _Enclosing:
    stripped = text.strip()
    opens = shape.opens_body.match(stripped) is not None and stripped.endswith("{")
    quiet = shape.quiet_block.match(stripped) is not None
    signature = shape.opens_body.match(stripped) is not None and not opens
    return _Enclosing(indent, opens or quiet, signature)


def _declares_nothing(top_level: str, shape: SourceShape) -> bool:
    return shape.private.match(top_level) is not None or shape.quiet_block.match(top_level) is not None


def _place(stack: list[_Enclosing], indent: int, text: str, shape: SourceShape, changed: bool) -> bool:
    """Put the line on its side's stack of enclosing lines; False when it is a changed line that may
    change a declaration."""
    closed: _Enclosing | None = None
    while stack and stack[-1].indent >= indent:
        closed = stack.pop()
    same_level = closed if closed is not None and closed.indent == indent else None
    stripped = text.strip()
    entry = _enclosing(indent, text, shape)
    if same_level is not None and same_level.opens_signature and stripped.startswith(")"):
        entry.quiet_inside = stripped.endswith("{")  # `) error {`: the long signature's body opens
    harmless = (
        any(item.quiet_inside for item in stack)
        or shape.comment.match(stripped) is not None
        or (same_level is not None and same_level.quiet_inside and _CLOSER.match(stripped) is not None)
        or (not stack and indent == 0 and _declares_nothing(stripped, shape))
    )
    stack.append(entry)
    return harmless or not changed
