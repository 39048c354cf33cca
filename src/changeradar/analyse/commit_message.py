"""What a commit message says in its author's own words: the first sentences of its body worth quoting.

Squash-merged pull requests carry their description in the body ("## Motivation", a paragraph, a
checklist, trailers). The offline analyser quotes the first prose paragraph, whole sentences only, so the
report says why a change was made when its author said so, without inventing it.
"""

from __future__ import annotations

import re

MAX_QUOTE_CHARS = 300
_MIN_WORDS = 4
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Headings, checklist items, trailers and git's own notes: template and bookkeeping, not the author's words.
_SKIPPED_LINE = re.compile(
    r"^\s*(?:#{1,6}\s|[-*]\s+\[[ xX]\]|[A-Z][A-Za-z-]+:\s+\S+@\S+"
    r"|(?:Signed-off-by|Co-authored-by|Reviewed-by|Change-Id|Cc):|This reverts commit\b|\(cherry picked from)"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")


def author_statement(body: str) -> str | None:
    """The first prose paragraph of `body`, as whole sentences within `MAX_QUOTE_CHARS`, or None."""
    for paragraph in re.split(r"\n\s*\n", _HTML_COMMENT.sub("", body)):
        lines = [line.strip() for line in paragraph.splitlines() if not _SKIPPED_LINE.match(line)]
        text = " ".join(line for line in lines if line)
        if len(text.split()) >= _MIN_WORDS or (_is_wide(text) and len(text) >= 2 * _MIN_WORDS):
            return _whole_sentences(text)
    return None


def _whole_sentences(text: str) -> str | None:
    quoted = ""
    for sentence in filter(None, (part.strip() for part in _SENTENCE_END.split(text))):
        candidate = f"{quoted} {sentence}".strip() if quoted and not _is_wide(sentence) else quoted + sentence
        if len(candidate) > MAX_QUOTE_CHARS:
            break
        quoted = candidate
    return quoted or None


def _is_wide(text: str) -> bool:
    return any("\u4e00" <= character <= "\u9fff" for character in text)
