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

_TOKENS = re.compile(
    r"""//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|^[ \t]*\#(?:[^\n]*\\\n)*[^\n]*|[{}]""",
    re.DOTALL | re.MULTILINE,
)
_BODY_FOLLOWS = (")", "const", "noexcept", "override", "final")  # what a function's header ends with
_LOOKBEHIND = 200  # characters before a `{` that are read to tell what it opens


def without_function_bodies(text: str, keep: tuple[str, ...]) -> str:
    """`text` with every function body blanked, except those whose header names a word of `keep`."""
    pieces: list[str] = []
    depth = 0
    body_depth: int | None = None  # the depth inside the body being blanked
    copied_to = 0
    for token in _TOKENS.finditer(text):
        brace = token.group()
        if brace == "{":
            depth += 1
            if body_depth is None and _opens_body(text, token.start(), keep):
                body_depth = depth
                pieces.append(text[copied_to : token.end()])
                copied_to = token.end()
        elif brace == "}":
            if body_depth == depth:
                pieces.append("\n" * text.count("\n", copied_to, token.start()))
                copied_to = token.start()
                body_depth = None
            depth -= 1
            if depth < 0:
                return text
    if depth != 0:
        return text
    pieces.append(text[copied_to:])
    return "".join(pieces)


def _opens_body(text: str, brace: int, keep: tuple[str, ...]) -> bool:
    before = text[max(0, brace - _LOOKBEHIND) : brace].rstrip()
    if not before.endswith(_BODY_FOLLOWS):
        return False
    header = before[max(before.rfind(";"), before.rfind("}")) + 1 :]
    return not any(word in header for word in keep)
