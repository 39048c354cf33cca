"""Change-type hints from the subject (conventional prefix, `[Tag]`s, leading verb) and the files touched.

Most upstreams (sglang, vllm) write `[Tag] Verb …` rather than conventional commits, so every form
counts. Each type is emitted once, with its strongest evidence: prefix, then tag, then files, then verb.
This module also holds the subject grammar other extractors read: `split_tags`, `conventional_prefix`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from changeradar.file_kinds import is_ci_path, is_doc_path, is_test_path
from changeradar.model import ChangeType, Commit, FileChange, Signal, SignalKind
from changeradar.signals.context import SignalContext

CONVENTIONAL_TYPES: dict[str, ChangeType] = {
    "feat": ChangeType.FEATURE,
    "feature": ChangeType.FEATURE,
    "fix": ChangeType.FIX,
    "bugfix": ChangeType.FIX,
    "hotfix": ChangeType.FIX,
    "perf": ChangeType.PERF,
    "refactor": ChangeType.REFACTOR,
    "docs": ChangeType.DOCS,
    "doc": ChangeType.DOCS,
    "test": ChangeType.TEST,
    "tests": ChangeType.TEST,
    "ci": ChangeType.CI,
    "build": ChangeType.BUILD,
    "deps": ChangeType.DEPS,
    "chore": ChangeType.CHORE,
    "style": ChangeType.CHORE,  # formatting only: no ChangeType of its own
    "revert": ChangeType.REVERT,
}
TAG_TYPES: dict[str, ChangeType] = {
    **CONVENTIONAL_TYPES,
    "bug": ChangeType.FIX,
    "performance": ChangeType.PERF,
    "documentation": ChangeType.DOCS,
    "ci/build": ChangeType.CI,
    "dependencies": ChangeType.DEPS,
    "minor": ChangeType.CHORE,
    "misc": ChangeType.CHORE,
}
DEPENDENCY_SCOPES = frozenset({"deps", "deps-dev"})  # dependabot's `chore(deps): bump …`

# The first word(s) of the subject after its tags; each pattern must end on a word boundary, so that
# "Fixture" is not "Fix" and "Address" is not "Add".
VERB_RULES: tuple[tuple[str, ChangeType], ...] = (
    (r"(?:hot|bug)?fix(?:es|ed|ing)?|resolv(?:e|es|ed|ing)", ChangeType.FIX),
    (
        r"support(?:s|ed|ing)?|add(?:s|ed|ing)?|introduc(?:e|es|ed|ing)|implement(?:s|ed|ing)?"
        r"|enabl(?:e|es|ed|ing)|integrat(?:e|es|ed|ing|ion)",
        ChangeType.FEATURE,
    ),
    (r"revert(?:s|ed|ing)?", ChangeType.REVERT),
    # "Pin" only with a version: "Pin the scheduler thread" pins no dependency.
    (r"bump(?:s|ed|ing)?|upgrad(?:e|es|ed|ing)|pin(?:s|ned|ning)?(?=.*\d+\.\d+)", ChangeType.DEPS),
    (r"updat(?:e|es|ed|ing) (?:\S+ ){0,2}?(?:docs?|documentation|readme)", ChangeType.DOCS),
    (
        r"refactor(?:s|ed|ing)?|clean(?:s|ed|ing)?(?: ?up)?|cleanup|mov(?:e|es|ed|ing)|renam(?:e|es|ed|ing)"
        r"|extract(?:s|ed|ing)?|simplif(?:y|ies|ied|ying)|make\b.*\bmore modular",
        ChangeType.REFACTOR,
    ),
    (
        r"tun(?:e|es|ed|ing)|optimi[sz](?:e|es|ed|ing)|speed(?:s|ing)? up|accelerat(?:e|es|ed|ing)"
        r"|improve[sd]? (?:the )?perf(?:ormance)?",
        ChangeType.PERF,
    ),
)
_VERBS = tuple((re.compile(rf"(?:{pattern})\b", re.IGNORECASE), kind) for pattern, kind in VERB_RULES)

# A commit whose every file is of one kind is that kind of change.
FILE_KINDS: tuple[tuple[Callable[[str], bool], ChangeType, str], ...] = (
    (is_doc_path, ChangeType.DOCS, "docs-only files"),
    (is_test_path, ChangeType.TEST, "tests-only files"),
    (is_ci_path, ChangeType.CI, "CI-only files"),
)

_TAG = re.compile(r"\s*\[([^\[\]]+)\]\s*:?")
_PREFIX = re.compile(r"(?P<type>[A-Za-z][\w-]*)(?:\((?P<scope>[^()]*)\))?(?P<bang>!)?:\s+")


@dataclass(frozen=True, slots=True)
class Prefix:
    """A `type(scope)!: ` prefix as written; `type` may be a word that is no conventional type."""

    text: str  # "feat(api)!:"
    type: str
    scope: str | None
    breaking: bool
    rest: str  # the subject after the prefix


def split_tags(subject: str) -> tuple[tuple[str, ...], str]:
    """The leading `[TAG]`s of a subject as written (`[MUSA][4/N] Add` → ("MUSA", "4/N")), and the rest."""
    tags: list[str] = []
    rest = subject
    while match := _TAG.match(rest):
        tags.append(match.group(1).strip())
        rest = rest[match.end() :]
    return tuple(tags), rest.strip()


def conventional_prefix(text: str) -> Prefix | None:
    """The `type(scope)!: ` at the start of `text` (a subject after its tags), if any."""
    match = _PREFIX.match(text)
    if match is None:
        return None
    return Prefix(
        text=match.group(0).rstrip(),
        type=match.group("type"),
        scope=match.group("scope"),
        breaking=match.group("bang") is not None,
        rest=text[match.end() :],
    )


def extract(commit: Commit, context: SignalContext) -> Iterator[Signal]:
    seen: set[ChangeType] = set()
    for change_type, evidence in _hints(commit):
        if change_type not in seen:
            seen.add(change_type)
            yield Signal(SignalKind.CHANGE_TYPE, change_type.value, detail=evidence)


def _hints(commit: Commit) -> Iterator[tuple[ChangeType, str]]:
    """Every (type, evidence) the commit gives, strongest evidence first."""
    tags, text = split_tags(commit.subject)
    prefix = conventional_prefix(text)
    prefix_type = CONVENTIONAL_TYPES.get(prefix.type.lower()) if prefix is not None else None
    if prefix is not None and prefix_type is not None:
        yield prefix_type, f"prefix `{prefix.text}`"
        if prefix.scope in DEPENDENCY_SCOPES:
            yield ChangeType.DEPS, f"prefix `{prefix.text}`"
    for tag in tags:
        if tag.lower() in TAG_TYPES:
            yield TAG_TYPES[tag.lower()], f"tag [{tag}]"
    yield from _file_hints(commit.files)
    # A conventional prefix is the author's own classification: its verb would only second-guess it.
    # Any other `label:` ("[diffusion] model: support MOVA") is skipped to reach the verb.
    if prefix_type is None:
        yield from _verb_hints(prefix.rest if prefix is not None else text)


def _file_hints(files: Iterable[FileChange]) -> Iterator[tuple[ChangeType, str]]:
    paths = [file.path for file in files]
    if not paths:
        return
    for is_kind, change_type, evidence in FILE_KINDS:
        if all(is_kind(path) for path in paths):
            yield change_type, evidence


def _verb_hints(text: str) -> Iterator[tuple[ChangeType, str]]:
    """The leading verb's type; failing that, a fix or a feature named as a noun ("idefics2 issue fix",
    "fp8 support for Gaudi")."""
    for pattern, change_type in _VERBS:
        if match := pattern.match(text):
            yield change_type, f"verb {_shorten(match.group(0))}"
            return
    for pattern, change_type in _NOUNS:
        if match := pattern.search(text):
            yield change_type, f"word {match.group(0)}"
            return


# A kind of work named as a noun after the verb position: "idefics2 issue fix", "w8a8 support for Gaudi".
_NOUNS = (
    (re.compile(r"\b(?:bug ?)?fix(?:es)?\b", re.IGNORECASE), ChangeType.FIX),
    (re.compile(r"\bsupport\b", re.IGNORECASE), ChangeType.FEATURE),
)


def _shorten(phrase: str) -> str:
    """`phrase`, with the middle of a long one elided: "Make … more modular"."""
    words = phrase.split()
    return phrase if len(words) <= 3 else f"{words[0]} … {' '.join(words[-2:])}"
