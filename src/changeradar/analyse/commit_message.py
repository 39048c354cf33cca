"""What a commit message says in its author's own words: the first sentences of its body worth quoting.

Squash-merged pull requests carry their description in the body ("## Motivation", a paragraph, a
checklist, trailers), often inside a pull-request template, a quoted note ("> Note: this PR is a rebased
version of …") or the squashed commits' own subjects as bullets. The offline analyser quotes the first
paragraph the author wrote, whole sentences only, so the report says why a change was made when its
author said so, without inventing it and without quoting the template. A body that is the squashed commits
one after another, each a subject bullet with its own text, is quoted from the commit the title is about:
a branch that carried an earlier pull request's commits starts with that one's text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

MAX_QUOTE_CHARS = 300
_MIN_WORDS = 4
_MIN_SHARED_WORDS = 2  # between a title and a squashed commit's subject, for that commit to be the one
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Headings (a bold bullet alone is one: "* **Bug Fixes**"), checklist items, trailers and git's own notes:
# template and bookkeeping, not the author's words.
_SKIPPED_LINE = re.compile(
    r"^\s*(?:#{1,6}\s|[-*]\s+\[\s*[xXvV✓✔]?\s*\]|[-*]\s+\*\*[^*]+\*\*:?\s*$|[A-Z][A-Za-z-]+:\s+\S+@\S+"
    r"|(?:Signed-off-by|Co-authored-by|Reviewed-by|Change-Id|Cc):|This reverts commit\b|\(cherry picked from)"
)
# A squashed commit's subject kept as a bullet ("* fix(git): …"): a title, not an explanation.
_SQUASHED_SUBJECT = re.compile(r"^\s*[-*]\s+[a-z]+(?:\([^)]*\))?!?:\s")
# What a pull-request template says to every contributor, whoever wrote the change.
_TEMPLATE_WORDS = re.compile(
    r"thank(?:s| you) for (?:contributing|your contribution)|before (?:we|you) (?:review|submit)"
    r"|please (?:make sure|describe|provide|fill|check|read)|pull[ _-]request[ _-]template",
    re.IGNORECASE,
)
_TRAILER = re.compile(r"^\s*[A-Z][A-Za-z-]*:\s+\S")
_UNDERLINE = re.compile(r"^\s*(?:-{3,}|={3,})\s*$")  # under a Markdown heading, or a rule of its own
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_LIST_LEAD_ENDS = (".", ":", "!", "?", "。", "：")
_SUBJECT_PR_NUMBER = re.compile(r"\s*\(#\d+\)\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
# A stop that ends an abbreviation ends no sentence: "(e.g. the default configuration) therefore …".
_ABBREVIATION_END = re.compile(r"(?:^|[\s(\[])(?:e\.g|i\.e|etc|vs|cf|approx|incl|esp|resp|a\.k\.a)\.$", re.I)


def author_statement(body: str, title: str = "") -> str | None:
    """The first paragraph of `body` in the author's words, as whole sentences within `MAX_QUOTE_CHARS`,
    or None. Template paragraphs, quotes and lines that restate `title` (the subject) are passed over."""
    body = _HTML_COMMENT.sub("", body)
    section = _squashed_commit_about(body, title)
    quoted = _first_statement(section, title) if section is not None else None
    return quoted or _first_statement(body, title)


def _squashed_commit_about(body: str, title: str) -> str | None:
    """The text of the squashed commit whose subject shares the most words with `title`, without that
    subject; None when the body does not open with squashed commits or none is plainly the one."""
    lines = body.strip().splitlines()
    starts = [index for index, line in enumerate(lines) if _SQUASHED_SUBJECT.match(line)]
    if len(starts) < 2 or starts[0] != 0:
        return None
    wanted = _words(title)
    overlaps = [len(_words(lines[start]) & wanted) for start in starts]
    best = max(overlaps)
    if best < _MIN_SHARED_WORDS or overlaps.count(best) > 1:
        return None
    start = starts[overlaps.index(best)]
    end = next((index for index in starts if index > start), len(lines))
    return "\n".join(lines[start + 1 : end]).strip()


def _words(line: str) -> set[str]:
    return {word for word in re.findall(r"[a-z0-9_]+", line.lower()) if len(word) > 2}


def _first_statement(body: str, title: str) -> str | None:
    restated = _normalised(_SUBJECT_PR_NUMBER.sub("", title))
    for paragraph in re.split(r"\n\s*\n", body):
        if all(_TRAILER.match(line) for line in paragraph.strip().splitlines()):
            continue  # "Tested: cargo test", "Confidence: high": git trailers, not prose
        text = " ".join(line for line in _before_a_list(_authored_lines(paragraph, restated)) if line)
        if text.startswith(">") or _TEMPLATE_WORDS.search(text):  # a quoted note (lazily continued)
            continue
        if len(text.split()) >= _MIN_WORDS or (_is_wide(text) and len(text) >= 2 * _MIN_WORDS):
            return _whole_sentences(_LIST_ITEM.sub("", text, count=1))
    return None


def _authored_lines(paragraph: str, restated: str) -> list[str]:
    """The paragraph's lines without bookkeeping, squashed subjects, the restated title, or the wrapped
    continuation of a checklist item."""
    kept: list[str] = []
    skipping_item = False
    lines = paragraph.splitlines()
    for index, raw in enumerate(lines):
        line = raw.strip()
        if _UNDERLINE.match(raw) or (index + 1 < len(lines) and _UNDERLINE.match(lines[index + 1])):
            continue  # a heading underlined ("Bug mechanism" over "-----"), or a rule
        if _SKIPPED_LINE.match(raw) or _SQUASHED_SUBJECT.match(raw):
            skipping_item = True
        elif skipping_item and not _LIST_ITEM.match(raw):
            pass  # the wrapped rest of the item just skipped
        elif restated and _normalised(line.lstrip("-*# ")) == restated:
            skipping_item = False
        else:
            skipping_item = False
            kept.append(line)
    return kept


def _before_a_list(lines: list[str]) -> list[str]:
    """The prose a list follows, when it says something on its own: the list's items joined to it would
    run on as one sentence ("… therefore. - Bumps the version - Release notes …"). A sentence that ends
    with a colon introduces the list and is nothing without it ("Changes:"), so it goes too; a lead that
    is no more than that ("This PR accelerates JIT compilation by:") keeps its list, which says it all."""
    start = next((index for index in range(1, len(lines)) if _opens_a_list(lines, index)), 0)
    if start == 0:
        return lines
    sentences = [sentence for sentence in _sentences(" ".join(lines[:start])) if sentence]
    if sentences and sentences[-1].endswith(":"):
        sentences.pop()
    lead = " ".join(sentences)
    return [lead] if len(lead.split()) >= _MIN_WORDS else lines


def _opens_a_list(lines: list[str], index: int) -> bool:
    """Whether a list starts at `lines[index]`, or its next item when the paragraph opens with the list:
    an item after a line that ends a sentence or a lead-in, or with the marker the first item has. After
    any other line, `- x`, `+ y` or `1) z` is more likely prose wrapped where it happened to be."""
    item = _LIST_ITEM.match(lines[index])
    if item is None:
        return False
    if lines[index - 1].rstrip().endswith(_LIST_LEAD_ENDS):
        return True
    first = _LIST_ITEM.match(lines[0])
    return first is not None and _marker(first) == _marker(item)


def _marker(item: re.Match[str]) -> str:
    """A list item's bullet (`-`, `*`, `+`), or `1.` / `1)` for any number."""
    marker = item.group().strip()
    return marker if not marker[0].isdigit() else "1" + marker[-1]


def _normalised(line: str) -> str:
    return " ".join(line.lower().split())


def _whole_sentences(text: str) -> str | None:
    quoted = ""
    for sentence in filter(None, _sentences(text)):
        candidate = f"{quoted} {sentence}".strip() if quoted and not _is_wide(sentence) else quoted + sentence
        if len(candidate) > MAX_QUOTE_CHARS:
            break
        quoted = candidate
    return quoted or None


def _sentences(text: str) -> Iterator[str]:
    """The text's sentences. A stop after an abbreviation, or inside brackets still open, ends none: a
    quote cut there would read as cut mid-sentence."""
    start = 0
    for boundary in _SENTENCE_END.finditer(text):
        sentence = text[start : boundary.start()]
        if _ABBREVIATION_END.search(sentence) or sentence.count("(") > sentence.count(")"):
            continue
        yield sentence.strip()
        start = boundary.end()
    yield text[start:].strip()


def _is_wide(text: str) -> bool:
    return any("\u4e00" <= character <= "\u9fff" for character in text)
