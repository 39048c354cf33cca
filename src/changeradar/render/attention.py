"""What a team lead must act on, listed before anything else: breaking changes, removed interfaces,
dependency changes with their versions, and new or removed options and environment variables.

Only what users of the repository meet counts (`signals.audience`): facts of tests, docs, CI, benchmarks,
examples or dev scripts, internal tuning variables, development-only and indirect dependencies, and a
dependency bot's minor or patch bumps are left to the commit sections.
Each item names one kind of fact of one commit and links to that commit's section.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from changeradar.i18n import join_items, line
from changeradar.inline import Code, Line, Link, Text, Words
from changeradar.model import CommitReport, Signal, SignalAction, SignalKind
from changeradar.render.members import with_member_counts, with_members
from changeradar.render.summary import LEVELS
from changeradar.signals.audience import generated_paths, reaches_users
from changeradar.signals.dependencies import DependencyTrait, renames_module
from changeradar.signals.dependency_versions import Step
from changeradar.signals.interfaces import interface_of, is_breaking

LISTED_NAMES = 5  # names an item lists before "… and N more"; the commit's facts block has them all
_INTERFACES = (SignalKind.API, SignalKind.CLI_OPTION, SignalKind.ENV_VAR)
_ROUTINE_BOT_STEPS = frozenset({Step.MINOR.value, Step.PATCH.value})
_ADDED_OR_REMOVED = frozenset({SignalAction.ADDED, SignalAction.REMOVED})


AttentionKind = Literal["breaking", "removed", "deprecated", "dependencies", "cli_added", "env_added"]
"""Removed covers APIs, options and environment variables alike: whoever used one must change."""


@dataclass(frozen=True, slots=True)
class AttentionItem:
    kind: AttentionKind
    sha: str
    anchor: str  # the commit's section
    names: tuple[str, ...]  # what the item names, every one (the line may cut the list)
    line: Line  # the sentence, ending with a link to the commit's section


def attention_items(
    reports: Sequence[CommitReport], anchors: Mapping[str, str], language: str
) -> tuple[AttentionItem, ...]:
    """The items of every commit, the most important commits first, in the report's order within a level."""
    ranked = sorted(reports, key=lambda report: LEVELS.index(report.importance.level))
    undone = _undone_later(reports, anchors)
    return tuple(
        item
        for report in ranked
        for item in _commit_items(report, anchors[report.commit.sha], language, undone)
    )


# (sha, kind, name, action) of an interface a commit adds, removes or changes → a link to the later commit
# of the window that undoes it.
_Undone = Mapping[tuple[str, SignalKind, str, SignalAction], Link]
# Kinds whose change a later one can take back: an image moved to another registry and back, a pin bumped
# and reverted.
_CHANGED_BACK_KINDS = frozenset({*_INTERFACES, SignalKind.DEPENDENCY})


def _undone_later(reports: Sequence[CommitReport], anchors: Mapping[str, str]) -> _Undone:
    """Each interface one commit adds (or removes) that a later commit of the window removes (or adds
    back), and each change a later one reverses: the day's net change is none, which two items far apart
    in the block do not tell."""
    last_seen: dict[tuple[SignalKind, str], tuple[str, SignalAction]] = {}
    changes: dict[tuple[SignalKind, str | None], list[tuple[str, Signal]]] = {}
    undone: dict[tuple[str, SignalKind, str, SignalAction], Link] = {}
    for report in sorted(reports, key=lambda report: report.commit.committed_at):
        generated = generated_paths(report.signals)
        sha = report.commit.sha
        later = Link((Code(report.commit.short_sha),), f"#{anchors[sha]}")
        for signal in report.signals:
            if not reaches_users(signal, generated):
                continue
            if signal.action is SignalAction.CHANGED and signal.kind in _CHANGED_BACK_KINDS:
                earlier_changes = changes.setdefault((signal.kind, signal.path), [])
                for earlier_sha, earlier in earlier_changes:
                    if earlier_sha != sha and _takes_back(signal, earlier):
                        undone[(earlier_sha, earlier.kind, earlier.name, earlier.action)] = later
                earlier_changes.append((sha, signal))
            if signal.kind not in _INTERFACES or signal.action not in _ADDED_OR_REMOVED:
                continue
            earlier_seen = last_seen.get((signal.kind, signal.name))
            if earlier_seen is not None and earlier_seen[1] is not signal.action and earlier_seen[0] != sha:
                undone[(earlier_seen[0], signal.kind, signal.name, earlier_seen[1])] = later
            last_seen[(signal.kind, signal.name)] = (sha, signal.action)
    return undone


def _takes_back(signal: Signal, earlier: Signal) -> bool:
    """Whether a change takes an earlier one of the same interface back: the same name (a pin's versions
    alone say nothing of which package), or each naming the other in its detail (an image is named by its
    repository, which a move to another registry and back changes twice)."""
    same = signal.name == earlier.name or (signal.name in earlier.detail and earlier.name in signal.detail)
    return same and _reverses(signal.detail, earlier.detail)


def _reverses(detail: str, earlier: str) -> bool:
    """Whether a change's detail ("image: B → A") swaps an earlier one's ("image: A → B"): the same words
    before the values, the values swapped."""
    before, arrow, after = earlier.rpartition(" → ")
    back_before, back_arrow, back_after = detail.rpartition(" → ")
    if not (arrow and back_arrow and after and back_after and after != back_after):
        return False
    if not (before.endswith(back_after) and back_before.endswith(after)):
        return False
    return before[: len(before) - len(back_after)] == back_before[: len(back_before) - len(after)]


def _commit_items(
    report: CommitReport, anchor: str, language: str, undone: _Undone
) -> Iterable[AttentionItem]:
    generated = generated_paths(report.signals)
    signals = [signal for signal in report.signals if reaches_users(signal, generated)]
    groups: tuple[tuple[AttentionKind, list[Signal]], ...] = (
        (
            "breaking",
            [s for s in signals if s.kind is SignalKind.BREAKING or is_breaking(s) or renames_module(s)],
        ),
        ("removed", [s for s in signals if s.kind in _INTERFACES and s.action is SignalAction.REMOVED]),
        ("deprecated", [s for s in signals if s.kind is SignalKind.DEPRECATION]),
        (
            "dependencies",
            [
                s
                for s in signals
                if s.kind is SignalKind.DEPENDENCY and _is_notable(s) and not renames_module(s)
            ],
        ),
        (
            "cli_added",
            [s for s in signals if s.kind is SignalKind.CLI_OPTION and s.action is SignalAction.ADDED],
        ),
        (
            "env_added",
            [s for s in signals if s.kind is SignalKind.ENV_VAR and s.action is SignalAction.ADDED],
        ),
    )
    commit_link = Link((Code(report.commit.short_sha),), f"#{anchor}")
    for kind, found in groups:
        if not found:
            continue
        listed = [signal for signal in found if not _is_marker(signal)]
        members = dict(with_member_counts(signal.name for signal in listed))  # a removed class, once
        named = list(
            dict.fromkeys(
                _with_later_undoing(
                    with_members(_named(signal, language, kind), members[signal.name], language),
                    undone.get((report.commit.sha, signal.kind, signal.name, signal.action)),
                    signal.action,
                    language,
                )
                for signal in listed
                if signal.name in members
            )
        )
        if any(_is_marker(signal) for signal in found):  # `!:` or a footer says nothing; the subject does
            named.insert(0, (Text(report.commit.subject),))
        what = line(
            language, f"attention.{kind}", names=join_items(named, language, LISTED_NAMES), n=len(named)
        )
        yield AttentionItem(
            kind=kind,
            sha=report.commit.sha,
            anchor=anchor,
            names=tuple(
                dict.fromkeys(signal.detail if renames_module(signal) else signal.name for signal in found)
            ),
            line=line(language, "attention.item", what=what, commit=commit_link),
        )


def _with_later_undoing(named: Line, later: Link | None, action: SignalAction, language: str) -> Line:
    """ "`X` (removed again in `abc1234`)", "`Y` (added back in `abc1234`)", "`Z` (changed back in
    `abc1234`)"; the name alone otherwise."""
    if later is None:
        return named
    return line(language, _TAKEN_BACK[action], name=named, commit=later)


_TAKEN_BACK = {
    SignalAction.ADDED: "attention.removed_again",
    SignalAction.REMOVED: "attention.added_back",
    SignalAction.CHANGED: "attention.changed_back",
}


def _is_marker(signal: Signal) -> bool:
    """A breaking-change marker of the message (`!:`, a `BREAKING CHANGE:` footer, a `[Breaking]` tag)."""
    return signal.kind is SignalKind.BREAKING


def _is_notable(signal: Signal) -> bool:
    """A dependency change users install: not development-only or indirect, not a bot's routine bump."""
    traits = set(signal.traits)
    if traits & {DependencyTrait.DEVELOPMENT.value, DependencyTrait.INDIRECT.value}:
        return False
    return not (DependencyTrait.BOT.value in traits and traits & _ROUTINE_BOT_STEPS)


def _named(signal: Signal, language: str, kind: AttentionKind) -> Line:
    """The name as code; an interface that is not code with what it is ("image `org/epp`"), as is an
    environment variable among removed interfaces (`LOG_LEVEL` alone could be anything); a dependency
    with its versions ("`torch` `2.6 → 2.7`") and whether it came or went."""
    interface = interface_of(signal)
    if interface is not None:  # "image `org/epp`", "CRD field `spec.size`": what the name is
        return (*line(language, f"interface.{interface[0].name.lower()}"), Words(" "), Code(signal.name))
    if signal.kind is SignalKind.ENV_VAR and kind == "removed":
        return line(language, "attention.env_var", name=Code(signal.name))
    if signal.kind is not SignalKind.DEPENDENCY:
        return (Code(signal.name),)
    if renames_module(signal):  # every importer's import paths break
        return line(language, "dependency.module", paths=Code(signal.detail))
    name: Line = (
        (Code(signal.name), Words(" "), Code(signal.detail)) if signal.detail else (Code(signal.name),)
    )
    if DependencyTrait.FLOOR.value in signal.traits:  # `rust-version`, `go`, `requires-python`
        name = line(language, "dependency.floor", name=name)
    if signal.action in (SignalAction.ADDED, SignalAction.REMOVED):
        return line(language, f"dependency.{signal.action.value}", name=name)
    return name
