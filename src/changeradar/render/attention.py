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


AttentionKind = Literal["breaking", "removed", "dependencies", "cli_added", "env_added"]
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
    return tuple(
        item for report in ranked for item in _commit_items(report, anchors[report.commit.sha], language)
    )


def _commit_items(report: CommitReport, anchor: str, language: str) -> Iterable[AttentionItem]:
    generated = generated_paths(report.signals)
    signals = [signal for signal in report.signals if reaches_users(signal, generated)]
    groups: tuple[tuple[AttentionKind, list[Signal]], ...] = (
        (
            "breaking",
            [s for s in signals if s.kind is SignalKind.BREAKING or is_breaking(s) or renames_module(s)],
        ),
        ("removed", [s for s in signals if s.kind in _INTERFACES and s.action is SignalAction.REMOVED]),
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
                with_members(_named(signal, language, kind), members[signal.name], language)
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
