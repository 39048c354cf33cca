"""Reading a rendered report as a Markdown reader would: its internal links and the anchors they need."""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it import MarkdownIt


def markdown_parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def internal_link_targets(markdown: str) -> list[str]:
    """The ids that `](#id)` links point to, in order."""
    return [
        str(token.attrGet("href"))[1:]
        for token in _all_tokens(markdown_parser().parse(markdown))
        if token.type == "link_open" and str(token.attrGet("href")).startswith("#")
    ]


def anchor_ids(markdown: str) -> set[str]:
    """The ids that HTML anchors in the report define."""
    return {
        anchor
        for token in _all_tokens(markdown_parser().parse(markdown))
        if "html" in token.type
        for anchor in re.findall(r'id="([^"]+)"', token.content)
    }


def _all_tokens(tokens) -> Iterator:
    for token in tokens:
        yield token
        yield from _all_tokens(token.children or [])
