"""Typed inline content: what a line of a report is made of, before any format writes it.

A view holds `Line`s — tuples of `Words` (ours, from a message catalogue), `Text` (anyone's plain text:
a subject, an author, git's message), `Code` (an identifier, path or value), `Link`, and `Prose`
(CommonMark inline text, as analysers write it: the contract of `model.Analysis`). Each renderer
serialises a `Line` in its own format and escapes there; nothing here is escaped for a format.

`commonmark` is the one serialisation analysers use to write their typed sentences as prose, and the JSON
uses for the reasons it carries as text. It writes `Words` and `Text` as they are (where it is shown,
analysis prose is sanitised, e.g. by `render.escape.markdown_prose`), so a subject's backticks or
asterisks still read as Markdown there, as they always have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NEWLINES = re.compile(r"\s*[\r\n]+\s*")
_BACKTICK_RUN = re.compile(r"`+")


@dataclass(frozen=True, slots=True)
class Words:
    """Text written by us in a message catalogue; the catalogue test keeps it free of Markdown syntax."""

    text: str


@dataclass(frozen=True, slots=True)
class Text:
    """Plain text from outside: shown literally, whatever characters it holds."""

    text: str


@dataclass(frozen=True, slots=True)
class Code:
    """An identifier, path, option or value, shown as code."""

    text: str


@dataclass(frozen=True, slots=True)
class Prose:
    """CommonMark inline text from an analyser: code spans and emphasis, never links, HTML or blocks."""

    markdown: str


@dataclass(frozen=True, slots=True)
class Link:
    """`label` pointing at `url`: a web address, or `#anchor` for a section of the same report."""

    label: Line
    url: str


Inline = Words | Text | Code | Prose | Link
Line = tuple[Inline, ...]


def single_line(text: str) -> str:
    """`text` on one line: a newline would end a table row or a list item."""
    return _NEWLINES.sub(" ", text).strip()


def code_span(text: str) -> str:
    """`text` as one CommonMark code span, whatever backticks it holds; "" for nothing to show."""
    content = single_line(text)
    if not content:
        return ""
    longest_run = max((len(run) for run in _BACKTICK_RUN.findall(content)), default=0)
    fence = "`" * (longest_run + 1)
    if content[0] in "` " or content[-1] in "` ":
        content = f" {content} "
    return f"{fence}{content}{fence}"


def commonmark(line: Line) -> str:
    """`line` as CommonMark inline prose, the form analyses are cached and shown in."""
    pieces = []
    for piece in line:
        match piece:
            case Words(text) | Text(text):
                pieces.append(text)
            case Code(text):
                pieces.append(code_span(text))
            case Prose(markdown):
                pieces.append(markdown)
            case Link(label, url):
                pieces.append(f"[{commonmark(label)}]({url})")
    return "".join(pieces)
