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

# Every token starts with one of `{}/"'#`, which the lookahead tells the regex engine, so that it skips
# the text between tokens in one stride. A `#` opens a preprocessor line only after blanks on its line;
# the loop checks that, as a `^` here would make the engine try every position again.
_TOKENS = re.compile(
    r"""(?=[{}/"'\#])(?://[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|\#(?:[^\n]*\\\n)*[^\n]*|[{}])""",
    re.DOTALL,
)
_BODY_FOLLOWS = (")", "const", "noexcept", "override", "final")  # what a function's header ends with
_LOOKBEHIND = 200  # characters before a `{` that are read to tell what it opens


def without_function_bodies(text: str, keep: tuple[str, ...]) -> str:
    """`text` with every function body blanked, except those whose header names a word of `keep`."""
    pieces: list[str] = []
    depth = 0
    body_depth: int | None = None  # the depth inside the body being blanked
    copied_to = 0
    position = 0
    while (token := _TOKENS.search(text, position)) is not None:
        brace = token.group()
        position = token.end()
        if brace[0] == "#" and text[text.rfind("\n", 0, token.start()) + 1 : token.start()].strip(" \t"):
            position = token.start() + 1  # a `#` within a line of code: no directive, read on after it
            continue
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
