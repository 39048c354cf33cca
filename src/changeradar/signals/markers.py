"""Markers the author wrote into the message: breaking changes and reverts.

Breaking: a `type!:` / `type(scope)!:` prefix, a `BREAKING CHANGE:` (or `BREAKING-CHANGE:`) footer as
conventional commits define it (upper case, at the start of a line), or a `[Breaking]` tag.
Revert: `Revert "subject"` as `git revert` writes it, or its body line `This reverts commit <sha>.`
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from changeradar.model import Commit, Signal, SignalKind
from changeradar.signals.change_type import conventional_prefix, split_tags
from changeradar.signals.context import SignalContext

BREAKING_TAGS = frozenset({"breaking", "breaking change", "breaking-change"})
FOOTER_EXCERPT_CHARS = 120

_BREAKING_FOOTER = re.compile(r"^BREAKING[ -]CHANGE:[ \t]*(?P<text>.*)$", re.MULTILINE)
_REVERT_SUBJECT = re.compile(r'^Revert "(?P<subject>.+)"')
_REVERTED_SHA = re.compile(r"\bThis reverts commit (?P<sha>[0-9a-f]{7,40})\b")


def extract(commit: Commit, context: SignalContext) -> Iterator[Signal]:
    yield from _breaking_markers(commit)
    revert = _revert_marker(commit)
    if revert is not None:
        yield revert


def _breaking_markers(commit: Commit) -> Iterator[Signal]:
    tags, text = split_tags(commit.subject)
    prefix = conventional_prefix(text)
    if prefix is not None and prefix.breaking:
        yield Signal(SignalKind.BREAKING, "!:", detail=f"prefix `{prefix.text}`")
    footer = _BREAKING_FOOTER.search(commit.body)
    if footer is not None:
        yield Signal(SignalKind.BREAKING, "BREAKING CHANGE", detail=_excerpt(footer.group("text")))
    tag = next((tag for tag in tags if tag.lower() in BREAKING_TAGS), None)
    if tag is not None:
        yield Signal(SignalKind.BREAKING, "[Breaking]", detail=f"tag [{tag}]")


def _revert_marker(commit: Commit) -> Signal | None:
    """The reverted commit, named by its sha when the body gives it, else by its quoted subject."""
    quoted = _REVERT_SUBJECT.match(commit.subject)
    sha = _REVERTED_SHA.search(commit.body)
    reverted_subject = quoted.group("subject") if quoted else ""
    if sha is not None:
        return Signal(SignalKind.REVERT, sha.group("sha"), detail=reverted_subject)
    if quoted is not None:
        return Signal(SignalKind.REVERT, reverted_subject, detail="subject")
    return None


def _excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= FOOTER_EXCERPT_CHARS else text[: FOOTER_EXCERPT_CHARS - 1].rstrip() + "…"
