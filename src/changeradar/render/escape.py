"""Markdown serialisation of typed lines, and escaping for text we do not control.

Untrusted text must never break a table row, open a link or an image, or inject HTML. Plain text is
escaped whole; prose keeps its `code spans` and emphasis (analyses are written in Markdown) but loses
every construct that could link, embed HTML or start a block. `markdown_line` writes a view's
`inline.Line` with these rules, piece by piece; the Markdown templates call it as their `line` filter.
"""

from __future__ import annotations

import re

from changeradar.inline import Code, Line, Link, Prose, Text, Words, code_span, single_line

_PLAIN_SPECIALS = re.compile(r"([\\`*_\[\]<>|~&])")
_PROSE_SPECIALS = re.compile(r"([\\\[\]<>|&])")
_BACKTICK_RUN = re.compile(r"`+")
# What would start a block (list, quote, heading, rule, setext underline) at the head of a bullet's text.
_BLOCK_START = re.compile(r"^(?:[-+*=_#>]|(\d{1,9})([.)])(?=\s|$))")
# A heading's closing sequence: a run of `#` preceded by a space (or nothing) at its very end.
_HEADING_CLOSER = re.compile(r"(^|\s)(#+\s*)$")


def markdown_text(text: str) -> str:
    """Untrusted text shown literally, safe in a paragraph, a list item, a link label or a table cell."""
    return _protect_block_start(_PLAIN_SPECIALS.sub(r"\\\1", single_line(text)))


def markdown_heading(text: str) -> str:
    """Untrusted text as the content of an ATX heading, whose trailing `#`s would otherwise vanish."""
    return _HEADING_CLOSER.sub(r"\1\\\2", markdown_text(text))


def inline_code(text: str, in_table: bool = False) -> str:
    """`text` as one code span, whatever backticks it holds; `in_table` also escapes `|` for GFM."""
    span = code_span(text)
    return span.replace("|", "\\|") if in_table else span


def markdown_line(line: Line, in_table: bool = False) -> str:
    """A typed line as Markdown: our words as written, everything else escaped for where it stands."""
    pieces = []
    for piece in line:
        match piece:
            case Words(text):
                pieces.append(text)
            case Text(text):
                pieces.append(markdown_text(text))
            case Code(text):
                pieces.append(inline_code(text, in_table))
            case Prose(markdown):
                pieces.append(markdown_prose(markdown, in_table))
            case Link(label, url):
                pieces.append(f"[{markdown_line(label, in_table)}]({url})")
    return "".join(pieces)


def markdown_prose(text: str, in_table: bool = False) -> str:
    """Analysis prose: code spans and emphasis kept; links, HTML and block starts neutralised."""
    text = single_line(text)
    pieces = []
    plain_start = 0
    while (opening := _BACKTICK_RUN.search(text, plain_start)) is not None:
        pieces.append(_PROSE_SPECIALS.sub(r"\\\1", text[plain_start : opening.start()]))
        closing = _closing_run(text, opening)
        if closing is None:  # an unmatched run is literal text, as CommonMark reads it
            pieces.append("\\`" * len(opening.group()))
            plain_start = opening.end()
            continue
        span = text[opening.start() : closing.end()]
        pieces.append(span.replace("|", "\\|") if in_table else span)
        plain_start = closing.end()
    pieces.append(_PROSE_SPECIALS.sub(r"\\\1", text[plain_start:]))
    return _protect_block_start("".join(pieces))


def _closing_run(text: str, opening: re.Match[str]) -> re.Match[str] | None:
    """The next backtick run exactly as long as `opening`, which closes its code span."""
    return next(
        (
            run
            for run in _BACKTICK_RUN.finditer(text, opening.end())
            if len(run.group()) == len(opening.group())
        ),
        None,
    )


def _protect_block_start(text: str) -> str:
    """Escape what would make the text start a list, quote, heading or rule where it is placed."""
    match = _BLOCK_START.match(text)
    if match is None:
        return text
    if match.group(1):  # "1." / "1)": escape the delimiter, not the number
        return f"{match.group(1)}\\{text[len(match.group(1)) :]}"
    return f"\\{text}"
