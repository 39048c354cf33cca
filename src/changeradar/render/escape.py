"""Markdown escaping for text we do not control: commit messages, names, paths and analysis prose.

Untrusted text must never break a table row, open a link or an image, or inject HTML. Plain text is
escaped whole; prose keeps its `code spans` and emphasis (analyses are written in Markdown) but loses
every construct that could link, embed HTML or start a block.
"""

from __future__ import annotations

import re

_NEWLINES = re.compile(r"\s*[\r\n]+\s*")
_PLAIN_SPECIALS = re.compile(r"([\\`*_\[\]<>|~&])")
_PROSE_SPECIALS = re.compile(r"([\\\[\]<>|&])")
_BACKTICK_RUN = re.compile(r"`+")
# What would start a block (list, quote, heading, rule, setext underline) at the head of a bullet's text.
_BLOCK_START = re.compile(r"^(?:[-+*=_#>]|(\d{1,9})([.)])(?=\s|$))")
# A heading's closing sequence: a run of `#` preceded by a space (or nothing) at its very end.
_HEADING_CLOSER = re.compile(r"(^|\s)(#+\s*)$")


def single_line(text: str) -> str:
    """`text` on one line: a newline would end a table row or a list item."""
    return _NEWLINES.sub(" ", text).strip()


def markdown_text(text: str) -> str:
    """Untrusted text shown literally, safe in a paragraph, a list item, a link label or a table cell."""
    return _protect_block_start(_PLAIN_SPECIALS.sub(r"\\\1", single_line(text)))


def markdown_heading(text: str) -> str:
    """Untrusted text as the content of an ATX heading, whose trailing `#`s would otherwise vanish."""
    return _HEADING_CLOSER.sub(r"\1\\\2", markdown_text(text))


def inline_code(text: str, in_table: bool = False) -> str:
    """`text` as one code span, whatever backticks it holds; `in_table` also escapes `|` for GFM."""
    content = single_line(text)
    if not content:
        return ""
    longest_run = max((len(run) for run in _BACKTICK_RUN.findall(content)), default=0)
    fence = "`" * (longest_run + 1)
    if content[0] in "` " or content[-1] in "` ":
        content = f" {content} "
    if in_table:
        content = content.replace("|", "\\|")
    return f"{fence}{content}{fence}"


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
