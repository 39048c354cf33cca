"""Rank a commit high / medium / low from the facts in its diff, with the reasons that decided.

The score is the sum of the weights of the rules that fire (see `scoring_rules.RULES`); the level comes
from the thresholds in `ImportanceSettings`. A commit that touches only docs, tests, CI, tooling or
generated files, or that reverts a small change, is capped at low unless it is breaking or
security-relevant. Facts found in such peripheral files never count as user-facing surface. The words that
explain a reason to readers are the view's (`render.view.reason_line`), from the message catalogues.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from changeradar.config import ImportanceSettings
from changeradar.errors import BadInput
from changeradar.file_kinds import file_kind, is_source, matches_any
from changeradar.model import Commit, Importance, Level, Reason, Signal, SignalAction, SignalKind
from changeradar.scoring_rules import (
    CAP_MARGIN,
    CODE_VOLUME_CEILING,
    CODE_VOLUME_RULES,
    CORE_LINES_CEILING,
    CORE_LINES_SCALE,
    LARGE_REVERT_LINES,
    RULES,
    VARIANT_PATTERNS,
    VARIANT_VOLUME_CEILING,
)
from changeradar.signals.audience import generated_paths, is_committed_secret
from changeradar.signals.families import kind_rules, surface_kinds, surface_rules, trait_rules
from changeradar.signals.interfaces import Surface, is_breaking, surface_of

__all__ = ["check_weights", "default_weights", "dependency_rule", "score_commit"]

# The kind rules of each signal family, as `signals.families` declares them, by family: each fact goes to
# the first rule of its kind whose action and traits it has; the reason's subject lists what they name.
SIGNAL_RULES: dict[SignalKind, list[tuple[str, SignalAction | None, frozenset[str]]]] = {}
for _rule, _kind, _action, _traits in kind_rules():
    SIGNAL_RULES.setdefault(_kind, []).append((_rule, _action, _traits))
# Each dependency signal goes to the first rule whose traits it has (all of them; the action too, when
# one is given); the last three take what is left, by action.
DEPENDENCY_RULES = trait_rules(SignalKind.DEPENDENCY)
# Interface facts (api signals whose detail names a schema or deployment interface), by their own rules:
# (rule, surface, action, breaking). A breaking change is scored once, as breaking.
INTERFACE_RULES = surface_rules()
# Facts that are user-facing surface only where users meet them: not in tests, docs, CI or tooling.
SURFACE_KINDS = surface_kinds()
# Change types that say what sort of work a commit is; the others (docs, ci, chore…) add nothing.
CHANGE_TYPE_RULES: tuple[str, ...] = ("feature", "fix", "perf", "refactor")
# Which cap names a commit whose every hand-written file is of one peripheral kind.
SINGLE_KIND_CAPS: dict[str, str] = {
    "docs": "docs_only",
    "tests": "tests_only",
    "ci": "ci_only",
    "tooling": "tooling_only",
}
CORE = "core"
GENERATED = "generated"
LIST_SEPARATOR = ", "  # between the names a subject lists; a reason's `{code}` shows each one as code


def default_weights() -> dict[str, float]:
    """Every tunable rule and its calibrated weight; these names are the keys of `[importance.weights]`."""
    return {name: rule.weight for name, rule in RULES.items() if rule.weight is not None}


def check_weights(settings: ImportanceSettings) -> None:
    """BadInput naming the first weight key that is no rule, so a typo is never silently ignored."""
    known = default_weights()
    for key in settings.weights:
        if key not in known:
            raise BadInput(f"unknown importance weight {key!r} (known rules: {', '.join(sorted(known))})")


def score_commit(commit: Commit, signals: Sequence[Signal], settings: ImportanceSettings) -> Importance:
    """The commit's level, score and the reasons for it; the score is the sum of the reasons' weights."""
    check_weights(settings)
    weights = default_weights() | settings.weights
    facts = _CommitFacts.gather(commit, signals)
    reasons = [reason for rule in _ADDITIVE_RULES for reason in rule(facts, weights)]
    reasons += _volume_ceiling(facts, reasons)
    score = sum(reason.weight for reason in reasons)
    cap = _cap(facts, score, settings)
    if cap is not None:
        reasons.append(cap)
        score += cap.weight
    score = round(score, 2)
    return Importance(_level(score, settings), score, tuple(reasons))


@dataclass(frozen=True, slots=True)
class _CommitFacts:
    """The signals and file kinds of one commit, read once for every rule."""

    signals: tuple[Signal, ...]
    kinds: frozenset[str]  # the kinds of its hand-written files: "core", "docs", "tests", "ci", "tooling"
    has_generated: bool
    peripheral_paths: frozenset[str]
    core_lines: int
    variant_only: bool  # every core file lies inside one backend of several (`VARIANT_PATTERNS`)

    @classmethod
    def gather(cls, commit: Commit, signals: Sequence[Signal]) -> _CommitFacts:
        generated = generated_paths(signals)
        kind_of = {file.path: _file_kind(file.path, generated) for file in commit.files}
        core_lines = sum(
            file.additions + file.deletions
            for file in commit.files
            if kind_of[file.path] == CORE and is_source(file.path)
        )
        core_paths = [path for path, kind in kind_of.items() if kind == CORE]
        return cls(
            signals=tuple(signals),
            kinds=frozenset(kind_of.values()) - {GENERATED},
            has_generated=GENERATED in kind_of.values(),
            peripheral_paths=frozenset(path for path, kind in kind_of.items() if kind != CORE),
            core_lines=core_lines,
            variant_only=bool(core_paths) and all(matches_any(VARIANT_PATTERNS, path) for path in core_paths),
        )

    def named(self, kind: SignalKind, action: SignalAction | None = None) -> list[str]:
        """What the signals of this kind (and action) name, in order, once each; surface facts only where
        users meet them, and interface facts only by their own rules. (A name that moved between files
        is no fact: `signals.extract_signals` leaves it out.)"""
        return _unique(
            _signal_label(signal)
            for signal in self._counted(kind)
            if action is None or signal.action is action
        )

    def by_rule(
        self, kind: SignalKind, rules: Sequence[tuple[str, SignalAction | None, frozenset[str]]]
    ) -> dict[str, list[str]]:
        """What each of these rules of the kind names, once each: a fact counts under the first rule
        whose action and traits it has; surface facts only where users meet them."""
        names: dict[str, list[str]] = {}
        for signal in self._counted(kind):
            rule = next(
                (
                    rule
                    for rule, action, traits in rules
                    if action in (None, signal.action) and traits <= set(signal.traits)
                ),
                None,
            )
            if rule is not None:
                names.setdefault(rule, []).append(_signal_label(signal))
        return {rule: _unique(labels) for rule, labels in names.items()}

    def _counted(self, kind: SignalKind) -> Iterable[Signal]:
        return (
            signal
            for signal in self.signals
            if signal.kind is kind and not self._peripheral(signal) and surface_of(signal) is None
        )

    def interfaces(self, surface: Surface, action: SignalAction, breaking: bool) -> list[str]:
        """What the interface facts of this surface and action name, once each, where users meet them."""
        return _unique(
            signal.name
            for signal in self.signals
            if signal.action is action
            and surface_of(signal) is surface
            and is_breaking(signal) is breaking
            and not self._peripheral(signal)
        )

    def _peripheral(self, signal: Signal) -> bool:
        if signal.path not in self.peripheral_paths:
            return False
        if signal.kind is SignalKind.SECURITY:  # a secret leaks from a test too; a test's `exec` harms no one
            return not is_committed_secret(signal)
        return signal.kind in SURFACE_KINDS


ReasonSource = Callable[[_CommitFacts, dict[str, float]], Iterable[Reason]]


def _signal_reasons(facts: _CommitFacts, weights: dict[str, float]) -> Iterable[Reason]:
    """Each kind's reasons, the weightiest first: the rules are in the order a fact is matched to them
    (an internal variable's before any variable's), not the order a reader wants them in."""
    for kind, rules in SIGNAL_RULES.items():
        names = facts.by_rule(kind, rules)
        fired = [
            Reason(rule, weights[rule], LIST_SEPARATOR.join(names[rule]))
            for rule, _, _ in rules
            if rule in names and weights[rule]
        ]
        yield from sorted(fired, key=lambda reason: -reason.weight)


def _dependency_reasons(facts: _CommitFacts, weights: dict[str, float]) -> Iterable[Reason]:
    """One reason per dependency rule that any dependency signal falls to, naming them all."""
    names: dict[str, list[str]] = {}
    for signal in facts.signals:
        if signal.kind is SignalKind.DEPENDENCY:
            names.setdefault(dependency_rule(signal), []).append(_signal_label(signal))
    for rule in dict.fromkeys(rule for rule, _, _ in DEPENDENCY_RULES):
        if rule in names and weights[rule]:
            yield Reason(rule, weights[rule], LIST_SEPARATOR.join(_unique(names[rule])))


def dependency_rule(signal: Signal) -> str:
    """The rule a dependency signal counts under, from its traits and action (see `DEPENDENCY_RULES`)."""
    traits = set(signal.traits)
    return next(
        rule
        for rule, needed, action in DEPENDENCY_RULES
        if needed <= traits and action in (None, signal.action)
    )


def _interface_reasons(facts: _CommitFacts, weights: dict[str, float]) -> Iterable[Reason]:
    for rule, surface, action, breaking in INTERFACE_RULES:
        names = facts.interfaces(surface, action, breaking)
        if names and weights[rule]:
            yield Reason(rule, weights[rule], LIST_SEPARATOR.join(names))


def _change_type_reason(facts: _CommitFacts, weights: dict[str, float]) -> Iterable[Reason]:
    """The commit's main kind of work: the first change type, whose evidence is the strongest.

    "[Minor] Fix …" is a chore before it is a fix, and "[CI] Add ruff …" CI work, not a feature.
    """
    main = next((signal for signal in facts.signals if signal.kind is SignalKind.CHANGE_TYPE), None)
    if main is not None and main.name in CHANGE_TYPE_RULES and weights[main.name]:
        yield Reason(main.name, weights[main.name], main.detail)
    elif main is None and facts.core_lines and weights["untyped_core_change"]:
        yield Reason("untyped_core_change", weights["untyped_core_change"], "")


def _size_reason(facts: _CommitFacts, weights: dict[str, float]) -> Iterable[Reason]:
    """Grows with the log of the core source lines up to a ceiling, so size nudges but never decides alone."""
    if facts.core_lines and weights["core_lines"]:
        growth = min(math.log2(1 + facts.core_lines / CORE_LINES_SCALE), CORE_LINES_CEILING)
        weight = round(weights["core_lines"] * growth, 2)
        yield Reason("core_lines", weight, f"{facts.core_lines:,}")


_ADDITIVE_RULES: tuple[ReasonSource, ...] = (
    _signal_reasons,
    _dependency_reasons,
    _interface_reasons,
    _change_type_reason,
    _size_reason,
)


def _volume_ceiling(facts: _CommitFacts, reasons: Sequence[Reason]) -> Iterable[Reason]:
    """Takes off what the code-volume reasons give beyond their ceiling.

    Lines, new or removed modules and "public" Python names all grow with the amount of code a commit
    moves: a large model port has many of each, yet the amount alone never makes it high. A fix, a tuning,
    a refactor or an untyped change says only that core code changed, so it shares that ceiling: a large
    fix is medium, and what lifts a commit to high is a new capability or a fact users meet. Inside one
    backend of several (`backends/<name>/`) the ceiling is lower: that code reaches only that backend's
    users, and such a backend often copies the main code base, so its modules and names are many.
    """
    ceiling = VARIANT_VOLUME_CEILING if facts.variant_only else CODE_VOLUME_CEILING
    volume = [reason for reason in reasons if reason.rule in CODE_VOLUME_RULES]
    excess = sum(reason.weight for reason in volume) - ceiling
    if excess > 0:
        yield Reason("code_volume", round(-excess, 2), LIST_SEPARATOR.join(r.rule for r in volume))


def _cap(facts: _CommitFacts, score: float, settings: ImportanceSettings) -> Reason | None:
    """A reason that holds the score below medium, or None when nothing caps the commit.

    Breaking facts lift every cap, and security facts that count (a secret anywhere; code that runs a
    shell or loads a pickle only outside tests, docs, CI and tooling): they matter wherever they are found.
    """
    if facts.named(SignalKind.BREAKING) or facts.named(SignalKind.SECURITY):
        return None
    rule, subject = _cap_rule(facts)
    if rule is None:
        return None
    ceiling = settings.medium - CAP_MARGIN
    return Reason(rule, round(min(0.0, ceiling - score), 2), subject)


def _cap_rule(facts: _CommitFacts) -> tuple[str | None, str]:
    if CORE not in facts.kinds:
        if not facts.kinds:
            return ("generated_only", "") if facts.has_generated else (None, "")
        if len(facts.kinds) == 1:
            return SINGLE_KIND_CAPS[next(iter(facts.kinds))], ""
        return "non_core_only", LIST_SEPARATOR.join(sorted(facts.kinds))
    reverted = facts.named(SignalKind.REVERT)
    if reverted and facts.core_lines < LARGE_REVERT_LINES:
        return "small_revert", LIST_SEPARATOR.join(reverted)
    return None, ""


def _file_kind(path: str, generated: frozenset[str]) -> str:
    """The path's kind, or generated when the commit's facts say so (a banner, Helm's label)."""
    return GENERATED if path in generated else file_kind(path)


def _signal_label(signal: Signal) -> str:
    """A dependency reads with its versions ("transformers 4.57.1 → 4.58.0"); other facts by name."""
    if signal.kind is SignalKind.DEPENDENCY and signal.detail:
        return f"{signal.name} {signal.detail}"
    return signal.name


def _level(score: float, settings: ImportanceSettings) -> Level:
    if score >= settings.high:
        return Level.HIGH
    if score >= settings.medium:
        return Level.MEDIUM
    return Level.LOW


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
