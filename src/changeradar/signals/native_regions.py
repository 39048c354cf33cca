"""A C/C++/CUDA file without its function bodies: what its interface can be read from, at a fraction of
the parse.

Kernel sources and headers are mostly function bodies, and the C++ grammar reads about a megabyte a
second, so parsing them whole costs more than every other extractor together. An interface is a body's
signature, never its statements: each body at file, namespace or class level becomes blank lines (so
every line keeps its number) and the rest is parsed. A body is a `{` right after a `)` or a trailing
qualifier (`const`, `noexcept`, `override`); a module block (`PYBIND11_MODULE(m, …) {`, `TORCH_LIBRARY`)
is kept, since the exports are its statements.

Braces are counted outside comments, strings, character literals and preprocessor lines. When they do
not balance (braces opened in two `#if` branches), the text is returned as it is.
"""

from __future__ import annotations

import re

# Everything up to the next brace that counts, in one match: runs of other characters, comments, string and
# character literals, and preprocessor lines (a `#` first on its line but for blanks, with the lines a
# trailing backslash continues it on); a quote or a slash that opens none of those is another character.
# Possessive repeats: the engine keeps no way back through what it skipped, so a long body costs one pass.
_TO_BRACE = re.compile(
    r"""(?:[^{}/"'\n]++|//[^\n]*+|/\*.*?\*/|"(?:\\.|[^"\\\n])*+"|'(?:\\.|[^'\\\n])*+'"""
    r"""|\n[ \t]*+\#(?>(?:[^\n]*\\\n)*[^\n]*)|[\n/"'])*+""",
    re.DOTALL,
)
_FIRST_LINE_DIRECTIVE = re.compile(r"[ \t]*+\#(?>(?:[^\n]*\\\n)*[^\n]*)")  # the one no line break precedes
_BODY_FOLLOWS = (")", "const", "noexcept", "override", "final")  # what a function's header ends with
_LOOKBEHIND = 200  # characters before a `{` that are read to tell what it opens


def without_function_bodies(text: str, keep: tuple[str, ...]) -> str:
    """`text` with every function body blanked, except those whose header names a word of `keep`."""
    pieces: list[str] = []
    depth = 0
    body_depth: int | None = None  # the depth inside the body being blanked
    copied_to = 0
    directive = _FIRST_LINE_DIRECTIVE.match(text)
    position = directive.end() if directive else 0
    while (position := _to_brace(text, position)) < len(text):
        if text[position] == "{":
            depth += 1
            if body_depth is None and _opens_body(text, position, keep):
                body_depth = depth
                pieces.append(text[copied_to : position + 1])
                copied_to = position + 1
        else:
            if body_depth == depth:
                pieces.append("\n" * text.count("\n", copied_to, position))
                copied_to = position
                body_depth = None
            depth -= 1
            if depth < 0:
                return text
        position += 1
    if depth != 0:
        return text
    pieces.append(text[copied_to:])
    return "".join(pieces)


def _to_brace(text: str, position: int) -> int:
    """Where the next brace that counts is at or after `position`; the end of `text` when none is."""
    skipped = _TO_BRACE.match(text, position)
    assert skipped is not None, "the pattern matches the empty string"
    return skipped.end()


def _opens_body(text: str, brace: int, keep: tuple[str, ...]) -> bool:
    before = text[max(0, brace - _LOOKBEHIND) : brace].rstrip()
    if not before.endswith(_BODY_FOLLOWS):
        return False
    header = before[max(before.rfind(";"), before.rfind("}")) + 1 :]
    return not any(word in header for word in keep)
