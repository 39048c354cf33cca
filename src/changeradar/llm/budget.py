"""Fitting a commit's diff into a per-commit token budget, most relevant files first.

Files are ranked by their kind and suffix (`file_kinds`): core source, other source, tests, config, docs,
the rest; each shown file's hunks (`hunks.parse_hunks`) are re-cut to one line of context; a file whose
first hunk does not fit, and every generated, vendored, lock or minified file, is reduced to a stat line.
Token counts are estimated offline: no tokenizer to download.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import PurePosixPath

from changeradar.file_kinds import (
    CONFIG_NAMES,
    CONFIG_SUFFIXES,
    DOC_SUFFIXES,
    SCRIPT_SUFFIXES,
    SOURCE_SUFFIXES,
    file_kind,
    file_suffix,
)
from changeradar.hunks import Hunk, parse_hunks
from changeradar.model import Commit, FileChange, Signal, SignalKind

CHARS_PER_TOKEN = 3.5  # code and English in GPT, Qwen and DeepSeek tokenizers: 3.3–4 characters a token
CONTEXT_LINES = 1
MAX_LINE_CHARS = 400  # a longer line (minified, embedded data) is cut: it explains nothing past that
MAX_STAT_LINES = 60  # beyond that the files not shown are counted, not listed
STAT_LINE_OVERHEAD = 3  # the "- " bullet and newline around each stat line, in tokens

# One token per CJK character: right for cl100k, an overestimate for o200k, Qwen and DeepSeek.
_WIDE_CHARACTERS = re.compile(r"[\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff00-\uffef]")


class FileRole(IntEnum):
    """Where a file ranks for a place in the prompt: lower values are shown first."""

    CORE_SOURCE = 0
    OTHER_SOURCE = 1
    TESTS = 2
    CONFIG = 3
    DOCS = 4
    OTHER = 5
    GENERATED = 6  # never pasted: a stat line only


_CODE_SUFFIXES = SOURCE_SUFFIXES | SCRIPT_SUFFIXES  # code worth reading in a prompt
_SIGNAL_ROLES = {
    SignalKind.GENERATED: FileRole.GENERATED,
    SignalKind.TESTS: FileRole.TESTS,
    SignalKind.DOCS: FileRole.DOCS,
}


@dataclass(frozen=True, slots=True)
class BudgetedDiff:
    """The part of a commit's diff that fits, and a stat line for every file that was not shown."""

    sections: tuple[str, ...]  # one per file shown: a heading and its compacted hunks
    not_shown: tuple[str, ...]  # "path (modified, +10 −2; why)"
    seen_share: float | None  # share of changed lines shown; None when all were
    tokens: int  # estimated tokens of sections and stat lines together


def estimate_tokens(text: str) -> int:
    """Tokens `text` costs in a BPE tokenizer, estimated offline from its characters (slightly high)."""
    wide = len(_WIDE_CHARACTERS.findall(text))
    return math.ceil((len(text) - wide) / CHARS_PER_TOKEN + wide)


def _file_roles(signals: Iterable[Signal]) -> dict[str, FileRole]:
    """What the signals already know about files: generated, tests or docs."""
    return {signal.name: _SIGNAL_ROLES[signal.kind] for signal in signals if signal.kind in _SIGNAL_ROLES}


def classify_file(path: str, known_roles: Mapping[str, FileRole]) -> FileRole:
    """A file's role: what the signals say, else its kind (`file_kinds.file_kind`) and suffix."""
    if path in known_roles:
        return known_roles[path]
    kind, suffix = file_kind(path), file_suffix(path)
    name = PurePosixPath(path).name.lower()
    if kind == "generated":
        return FileRole.GENERATED
    if kind == "tests":
        return FileRole.TESTS
    if suffix in _CODE_SUFFIXES:
        return FileRole.CORE_SOURCE if kind == "core" else FileRole.OTHER_SOURCE
    if suffix in CONFIG_SUFFIXES or name in CONFIG_NAMES or name.startswith("requirements"):
        return FileRole.CONFIG
    if suffix in DOC_SUFFIXES or kind == "docs":
        return FileRole.DOCS
    return FileRole.OTHER


def budget_diff(commit: Commit, signals: Sequence[Signal], token_budget: int) -> BudgetedDiff:
    """As much of `commit`'s diff as fits in `token_budget` tokens, files ranked by relevance."""
    known_roles = _file_roles(signals)
    roles = {file.path: classify_file(file.path, known_roles) for file in commit.files}
    generated_kinds = {s.name: s.detail or "generated" for s in signals if s.kind is SignalKind.GENERATED}
    ranked = sorted(commit.files, key=lambda f: (roles[f.path], -(f.additions + f.deletions), f.path))
    room = token_budget - _stat_reserve(ranked)
    sections: list[str] = []
    not_shown: list[tuple[FileChange, str]] = []
    seen_lines = 0
    for file in ranked:
        if roles[file.path] is FileRole.GENERATED:
            not_shown.append((file, f"{generated_kinds[file.path]}, not pasted"))
            continue
        section, shown_lines, why_not = _fit_file(file, room)
        if section is None:
            not_shown.append((file, why_not))
            continue
        sections.append(section)
        room -= estimate_tokens(section)
        seen_lines += shown_lines
    stat_lines = _stat_lines(not_shown)
    tokens = sum(map(estimate_tokens, sections)) + sum(
        estimate_tokens(line) + STAT_LINE_OVERHEAD for line in stat_lines
    )
    return BudgetedDiff(tuple(sections), tuple(stat_lines), _share(seen_lines, commit), tokens)


def compact_hunks(patch: str, context: int = CONTEXT_LINES) -> list[tuple[str, int]]:
    """The hunks of `patch` re-cut to `context` lines around each change: (hunk text, changed lines)."""
    hunks: list[tuple[str, int]] = []
    for hunk in parse_hunks(patch):
        hunks.extend(_recut_hunk(hunk, context))
    return hunks


def _fit_file(file: FileChange, room: int) -> tuple[str | None, int, str]:
    """The file's section with as many hunks as fit in `room`, the changed lines it shows, or why none fit."""
    if file.binary:
        return None, 0, "binary"
    hunks = compact_hunks(file.patch)
    if not hunks:
        return None, 0, "no textual change"
    heading = f"#### `{file.path}` ({_describe_change(file)})"
    used = estimate_tokens(heading) + estimate_tokens("```diff\n```\n") + 4
    shown: list[str] = []
    shown_lines = 0
    for text, changed in hunks:
        cost = estimate_tokens(text)
        if used + cost > room:
            break
        shown.append(text)
        shown_lines += changed
        used += cost
    if not shown:
        return None, 0, "did not fit the token budget"
    if len(shown) < len(hunks):
        heading += f" — {len(shown)} of {len(hunks)} hunks shown"
    body = "".join(shown)
    return f"{heading}\n```diff\n{body}```\n", shown_lines, ""


def _recut_hunk(hunk: Hunk, context: int) -> list[tuple[str, int]]:
    body = hunk.lines
    changed = [index for index, line in enumerate(body) if line[0] in "+-"]
    keep = sorted({i for c in changed for i in range(c - context, c + context + 1) if 0 <= i < len(body)})
    positions = _line_positions(hunk.old_start, hunk.new_start, body)
    hunks: list[tuple[str, int]] = []
    run: list[int] = []
    for index in [*keep, None]:
        if run and (index is None or index != run[-1] + 1):
            hunks.append(_render_run(body, positions, run, hunk.heading))
            run = []
        if index is not None:
            run.append(index)
    return hunks


def _line_positions(old_start: int, new_start: int, body: Sequence[str]) -> list[tuple[int, int]]:
    """(old, new) line numbers in effect before each body line."""
    positions = []
    old, new = old_start, new_start
    for line in body:
        positions.append((old, new))
        old += line[0] != "+"
        new += line[0] != "-"
    return positions


def _render_run(
    body: Sequence[str], positions: list[tuple[int, int]], run: list[int], heading: str
) -> tuple[str, int]:
    lines = [body[i] for i in run]
    old_count = sum(line[0] != "+" for line in lines)
    new_count = sum(line[0] != "-" for line in lines)
    old, new = positions[run[0]]
    text = f"@@ -{old},{old_count} +{new},{new_count} @@{heading}\n" + "".join(
        (line[:MAX_LINE_CHARS] + " …" if len(line) > MAX_LINE_CHARS else line) + "\n" for line in lines
    )
    return text, sum(line[0] in "+-" for line in lines)


def _describe_change(file: FileChange) -> str:
    moved = f" from `{file.old_path}`" if file.old_path and file.old_path != file.path else ""
    return f"{file.status.value}{moved}, +{file.additions} −{file.deletions}"


def _stat_line(file: FileChange, why: str) -> str:
    return f"`{file.path}` ({_describe_change(file)}; {why})"


def _stat_lines(not_shown: list[tuple[FileChange, str]]) -> list[str]:
    lines = [_stat_line(file, why) for file, why in not_shown[:MAX_STAT_LINES]]
    rest = not_shown[MAX_STAT_LINES:]
    if rest:
        additions = sum(file.additions for file, _ in rest)
        deletions = sum(file.deletions for file, _ in rest)
        lines.append(f"… and {len(rest)} more files (+{additions} −{deletions})")
    return lines


def _stat_reserve(files: list[FileChange]) -> int:
    """Tokens kept back for the stat lines: enough for the longest ones, whichever files end up not shown."""
    costs = sorted(
        (estimate_tokens(_stat_line(f, "did not fit the token budget")) for f in files), reverse=True
    )
    summary = (
        estimate_tokens("… and 100000 more files (+10000000 −10000000)") if len(files) > MAX_STAT_LINES else 0
    )
    return sum(costs[:MAX_STAT_LINES]) + STAT_LINE_OVERHEAD * min(len(files), MAX_STAT_LINES + 1) + summary


def _share(seen_lines: int, commit: Commit) -> float | None:
    total = commit.additions + commit.deletions
    if total == 0 or seen_lines >= total:
        return None
    return seen_lines / total
