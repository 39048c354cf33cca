"""The embedded analyser: explains a commit from its signals and message alone, with no network.

It states facts and their plain consequences; where the diff cannot tell (intent, performance gains)
it says so instead of guessing. Every sentence comes from the message catalogues (`changeradar.i18n`),
so every language says the same thing, and every file it names is a file of the commit. Sentences are
built as typed lines (code, plain text, our words) and written as analysis prose — CommonMark inline,
the contract of `model.Analysis` — by `inline.commonmark`, at this module's boundary only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property, partial
from typing import TYPE_CHECKING, ClassVar

from changeradar.analyse import AnalysisRequest, AnalysisResult, ProgressCallback, register_analyzer
from changeradar.analyse.commit_message import author_statement
from changeradar.file_kinds import file_kind
from changeradar.i18n import area_label, check_language, join_items, line
from changeradar.inline import Code, Line, Text, commonmark
from changeradar.model import (
    Analysis,
    ChangeType,
    Commit,
    CommitReport,
    FileChange,
    FileStatus,
    Insights,
    Level,
    Signal,
    SignalAction,
    SignalKind,
)
from changeradar.signals.audience import generated_paths, reaches_users
from changeradar.signals.dependencies import renames_module
from changeradar.signals.interfaces import Surface, is_breaking, surface_of

if TYPE_CHECKING:
    from changeradar.config import AnalyzerSettings

VERSION = 15
"""Part of every cache key: bump it whenever a sentence or a rule here changes."""

TOP_FILES = 5
LISTED_NAMES = 5  # names a sentence lists before "… and N more"; the facts block lists them all
LARGE_UNTESTED_LINES = 300  # changed source lines without any test touched: worth a risk line
_REMOVED_INTERFACES = (SignalKind.API, SignalKind.CLI_OPTION, SignalKind.ENV_VAR)
# How the structure line and the risks name each surface an `api` fact can be on (None: code API).
_SURFACE_KEYS: dict[Surface | None, str] = {
    None: "api",
    Surface.SCHEMA: "schema",
    Surface.DEPLOYMENT: "deployment",
    Surface.IMAGE: "image",
}
PERFORMANCE_AREAS = frozenset({"kernel", "moe", "attention", "quantization", "speculative", "distributed"})


@register_analyzer
class OfflineAnalyzer:
    """Deterministic analyses from signals: instant, free, and honest about what a diff cannot say."""

    name: ClassVar[str] = "offline"
    costly: ClassVar[bool] = False

    def __init__(self, settings: AnalyzerSettings) -> None:
        self.settings = settings

    def cache_key(self, request: AnalysisRequest) -> str:
        # The facts as plain text, not as their repr: a year holds tens of thousands of signals, and repr
        # goes through every enum's and dataclass's own Python-level method.
        facts = "\n".join(
            [
                request.commit.sha,
                request.importance.level,
                *(
                    f"{s.kind}\x1f{s.name}\x1f{s.action}\x1f{s.detail}\x1f{s.path}\x1f{s.line}\x1f{s.traits}"
                    for s in request.signals
                ),
            ]
        )
        digest = hashlib.sha256(facts.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        return f"offline:{VERSION}:{request.language}:{digest}"

    def analyse(
        self, requests: Sequence[AnalysisRequest], progress: ProgressCallback
    ) -> list[AnalysisResult]:
        results = []
        for request in requests:
            results.append(
                AnalysisResult(analysis=analyse_commit(request), analyzer=self.name, grounded=True)
            )
            progress(1)
        return results

    def overview(self, reports: Sequence[CommitReport], language: str) -> list[str]:
        return day_overview(reports, language)


def analyse_commit(request: AnalysisRequest) -> Analysis:
    """Every field of the analysis, from the commit's signals and message, in the request's language."""
    facts = _Facts(request.commit, request.signals, check_language(request.language))
    return Analysis(
        change_types=_change_types(facts),
        summary=_prose(_summary(facts)),
        impact=_prose(_impact(facts)),
        insights=Insights(
            architecture=commonmark(_architecture(facts)),
            performance=commonmark(_performance(facts)),
            security=commonmark(_security(facts)),
            maintainability=commonmark(_maintainability(facts)),
        ),
        risks=_prose(_risks(facts)),  # a quiet commit has none: the section is left out
        recommendations=_prose(_recommendations(facts)),
        suggested_level=request.importance.level,
        suggested_level_reason=commonmark(facts.say("suggested_reason")),
    )


def day_overview(reports: Sequence[CommitReport], language: str) -> list[str]:
    """The day's headline: its high-importance commits, breaking or reverting ones, security-sensitive
    ones. Counts and areas are the statistics block's, removed interfaces, dependency changes and new
    options the attention block's: the overview does not say them again."""
    check_language(language)
    notable = (
        ("overview.high", _commits_where(reports, language, _is_high)),
        ("overview.breaking", _commits_where(reports, language, _is_breaking_or_revert)),
        ("overview.security", _commits_where(reports, language, _has_security_signal)),
    )
    return _prose(
        line(language, key, items=join_items(items, language, LISTED_NAMES), n=len(items))
        for key, items in notable
        if items
    )


class _Facts:
    """One commit's signals, grouped the way the sentences read them, and the language they are told in.

    The sentences ask for the same kinds many times over: the signals are grouped by kind once.
    """

    def __init__(self, commit: Commit, signals: tuple[Signal, ...], language: str) -> None:
        self.commit = commit
        self.signals = signals
        self.language = language
        self._by_kind: dict[SignalKind, list[Signal]] = {}
        for signal in signals:
            self._by_kind.setdefault(signal.kind, []).append(signal)

    def say(self, key: str, **values: object) -> Line:
        return line(self.language, key, **values)

    def names(self, kind: SignalKind, action: SignalAction | None = None) -> list[str]:
        """What the signals of `kind` (and `action`) name, once each, in order."""
        return _unique(signal.name for signal in self.of(kind, action))

    def of(self, kind: SignalKind, action: SignalAction | None = None) -> list[Signal]:
        found = self._by_kind.get(kind, [])
        return list(found) if action is None else [s for s in found if s.action is action]

    def met_by_users(self, kind: SignalKind, action: SignalAction) -> list[str]:
        """`names`, of the signals users meet (`signals.audience`): a benchmark's option or an internal
        tuning variable is among the facts, never in the structure, the risks or the advice."""
        return _unique(signal.name for signal in self._users_meet(kind, action))

    def interfaces(self, surface: Surface | None, action: SignalAction) -> list[str]:
        """`met_by_users` of the `api` facts on one surface (`signals.interfaces`; None: code API): a
        removed workload or image is no public API that calling code breaks on."""
        return _unique(s.name for s in self._api_met_by_users.get(action, ()) if surface_of(s) is surface)

    @cached_property
    def broken_interfaces(self) -> list[str]:
        """Interfaces that are not code, changed in a way their users break on (`is_breaking`)."""
        changed = self._api_met_by_users.get(SignalAction.CHANGED, ())
        return _unique(signal.name for signal in changed if is_breaking(signal))

    @cached_property
    def security_met_by_users(self) -> list[Signal]:
        """Security findings a reviewer of the product should read: a secret anywhere, code that runs a
        shell only in the product (a test's `exec` is listed among the insights, not a risk)."""
        return list(self._users_meet(SignalKind.SECURITY, None))

    @cached_property
    def _api_met_by_users(self) -> dict[SignalAction, list[Signal]]:
        """The `api` facts users meet, by action: asked for once per surface and action."""
        met: dict[SignalAction, list[Signal]] = {}
        for signal in self._users_meet(SignalKind.API, None):
            met.setdefault(signal.action, []).append(signal)
        return met

    def _users_meet(self, kind: SignalKind, action: SignalAction | None) -> Iterator[Signal]:
        return (s for s in self.of(kind, action) if reaches_users(s, self.generated_paths))

    def located(self, signals: Iterable[Signal]) -> Line:
        """Each signal as `name` (`path:line`), for facts a reader should be able to find."""
        return join_items(
            (self.say("at", what=Code(s.name), where=Code(_where(s))) for s in signals), self.language
        )

    def area_list(self, areas: Iterable[str]) -> Line:
        """Areas by the names readers of the language know them by."""
        return join_items(((Text(area_label(area, self.language)),) for area in areas), self.language)

    @cached_property
    def generated_paths(self) -> frozenset[str]:
        return generated_paths(self.of(SignalKind.GENERATED))

    @cached_property
    def module_renames(self) -> list[Signal]:
        """The project's own module path renamed (`signals.dependencies.renames_module`): no dependency."""
        return [signal for signal in self.of(SignalKind.DEPENDENCY) if renames_module(signal)]

    @cached_property
    def dependency_changes(self) -> list[Signal]:
        return [signal for signal in self.of(SignalKind.DEPENDENCY) if not renames_module(signal)]

    @cached_property
    def test_files(self) -> list[str]:
        paths = self.paths
        return [name for name in self.names(SignalKind.TESTS) if name in paths]

    @cached_property
    def paths(self) -> frozenset[str]:
        return frozenset(file.path for file in self.commit.files)

    @cached_property
    def source_lines(self) -> tuple[int, int]:
        """(additions, deletions) outside tests, docs and generated files."""
        peripheral = set(self.names(SignalKind.TESTS)) | set(self.names(SignalKind.DOCS))
        peripheral |= set(self.names(SignalKind.GENERATED))
        source = [file for file in self.commit.files if file.path not in peripheral]
        return sum(file.additions for file in source), sum(file.deletions for file in source)


def _change_types(facts: _Facts) -> list[ChangeType]:
    """The types the signals give, main one first; without any, what the other facts imply."""
    known = {change_type.value for change_type in ChangeType}
    named = [ChangeType(name) for name in facts.names(SignalKind.CHANGE_TYPE) if name in known]
    if named:
        return named
    if facts.of(SignalKind.REVERT):
        return [ChangeType.REVERT]
    if facts.of(SignalKind.MODULE, SignalAction.ADDED) or facts.of(SignalKind.API, SignalAction.ADDED):
        return [ChangeType.FEATURE]
    if facts.of(SignalKind.DEPENDENCY):
        return [ChangeType.DEPS]
    return [ChangeType.CHORE]


def _summary(facts: _Facts) -> list[Line]:
    """The size of the change and why its author made it. The title is the section's heading, the names
    of what it adds or removes are the facts block's: neither is said again here."""
    commit = facts.commit
    if not commit.files:
        return [facts.say("summary.empty")]
    head = facts.say(
        "summary.head", n=len(commit.files), additions=commit.additions, deletions=commit.deletions
    )
    statement = author_statement(commit.body, commit.subject)
    return [head, *([facts.say("summary.statement", statement=statement)] if statement else [])]


def _impact(facts: _Facts) -> list[Line]:
    """The areas touched, then the most-changed files with their line counts, the product's first."""
    points = []
    areas = facts.names(SignalKind.AREA)
    if areas:
        points.append(facts.say("impact.areas", areas=facts.area_list(areas)))
    ranked = sorted(facts.commit.files, key=_impact_order)
    points.extend(_file_line(facts, file) for file in ranked[:TOP_FILES])
    if len(ranked) > TOP_FILES:
        points.append(facts.say("impact.more_files", n=len(ranked) - TOP_FILES))
    return points


def _impact_order(file: FileChange) -> tuple[bool, int, str]:
    """The product's own files first (tests, docs, CI and tooling after them), each group by lines
    changed: a new kernel is told before the test that exercises it, however long the test."""
    return file_kind(file.path) != "core", -(file.additions + file.deletions), file.path


def _file_line(facts: _Facts, file: FileChange) -> Line:
    key = "impact.file"
    if file.submodule:
        key = "impact.file.submodule"
    elif file.binary:
        key = "impact.file.binary"
    elif file.status in (FileStatus.ADDED, FileStatus.DELETED, FileStatus.RENAMED):
        key = f"impact.file.{file.status.value}"
    return facts.say(
        key,
        path=Code(file.path),
        old_path=Code(file.old_path or ""),
        additions=file.additions,
        deletions=file.deletions,
    )


def _architecture(facts: _Facts) -> Line:
    subjects: list[tuple[str, Callable[[SignalAction], list[str]]]] = [
        ("modules", partial(facts.met_by_users, SignalKind.MODULE)),
        *((key, partial(facts.interfaces, surface)) for surface, key in _SURFACE_KEYS.items()),
        ("cli", partial(facts.met_by_users, SignalKind.CLI_OPTION)),
        ("env", partial(facts.met_by_users, SignalKind.ENV_VAR)),
    ]
    parts = [
        facts.say(f"architecture.{subject}_{action}", n=len(names))
        for subject, named in subjects
        for action in (SignalAction.ADDED, SignalAction.REMOVED)
        if (names := named(action))
    ]
    if not parts:
        return facts.say("architecture.none")
    return facts.say("architecture.changes", parts=join_items(parts, facts.language))


def _performance(facts: _Facts) -> Line:
    if ChangeType.PERF.value in facts.names(SignalKind.CHANGE_TYPE):
        return facts.say("performance.typed")
    areas = [area for area in facts.names(SignalKind.AREA) if area in PERFORMANCE_AREAS]
    if areas:
        return facts.say("performance.areas", areas=facts.area_list(areas))
    return facts.say("performance.unknown")


def _security(facts: _Facts) -> Line:
    found = facts.of(SignalKind.SECURITY)
    if found:
        return facts.say("security.found", items=facts.located(found))
    return facts.say("security.none")


def _maintainability(facts: _Facts) -> Line:
    commit = facts.commit
    size = facts.say(
        "maintainability.size", n=len(commit.files), additions=commit.additions, deletions=commit.deletions
    )
    tests = facts.test_files
    generated = facts.names(SignalKind.GENERATED)
    return facts.say(
        "maintainability",
        size=size,
        tests=facts.say("maintainability.tests", n=len(tests))
        if tests
        else facts.say("maintainability.no_tests"),
        generated=facts.say("maintainability.generated", n=len(generated)) if generated else (),
    )


def _risks(facts: _Facts) -> list[Line]:
    """Risks that follow from facts alone, each saying what its fact means; the names are in the facts
    block (and the importance line), not repeated here."""
    risks: list[Line] = []
    named: tuple[tuple[str, Sequence[object]], ...] = (
        ("risk.breaking", facts.names(SignalKind.BREAKING)),
        *(
            (f"risk.{key}_removed", facts.interfaces(surface, SignalAction.REMOVED))
            for surface, key in _SURFACE_KEYS.items()
        ),
        ("risk.interfaces_broken", facts.broken_interfaces),
        ("risk.cli_removed", facts.met_by_users(SignalKind.CLI_OPTION, SignalAction.REMOVED)),
        ("risk.env_removed", facts.met_by_users(SignalKind.ENV_VAR, SignalAction.REMOVED)),
        ("risk.module_renamed", facts.module_renames),
        ("risk.dependencies", facts.dependency_changes),
        ("risk.revert", facts.names(SignalKind.REVERT)),
    )
    risks.extend(facts.say(key, n=len(names)) for key, names in named if names)
    if _is_large_and_untested(facts):
        additions, deletions = facts.source_lines
        risks.append(facts.say("risk.untested", additions=additions, deletions=deletions))
    security = facts.security_met_by_users
    if security:
        risks.append(facts.say("risk.security", n=len(security)))
    generated = facts.names(SignalKind.GENERATED)
    if generated:
        risks.append(facts.say("risk.generated", n=len(generated)))
    return risks


def _recommendations(facts: _Facts) -> list[Line]:
    """One plain action per kind of fact that calls for one."""
    advice = []
    if facts.of(SignalKind.BREAKING):
        advice.append(facts.say("advice.breaking"))
    removed = [
        name for kind in _REMOVED_INTERFACES for name in facts.met_by_users(kind, SignalAction.REMOVED)
    ]
    if removed:
        advice.append(facts.say("advice.removed", n=len(removed)))
    if facts.broken_interfaces:
        advice.append(facts.say("advice.interfaces_broken"))
    new_options = facts.met_by_users(SignalKind.CLI_OPTION, SignalAction.ADDED)
    new_variables = facts.met_by_users(SignalKind.ENV_VAR, SignalAction.ADDED)
    if new_options and new_variables:
        advice.append(facts.say("advice.new_settings"))
    elif new_options or new_variables:
        key = "advice.new_options" if new_options else "advice.new_variables"
        advice.append(facts.say(key, n=len(new_options or new_variables)))
    if facts.module_renames:
        advice.append(facts.say("advice.module_renamed"))
    if facts.dependency_changes:
        advice.append(facts.say("advice.dependencies"))
    if facts.of(SignalKind.REVERT):
        advice.append(facts.say("advice.revert"))
    if _is_large_and_untested(facts):
        advice.append(facts.say("advice.untested"))
    security = facts.security_met_by_users
    if security:
        locations = join_items(((Code(_where(signal)),) for signal in security), facts.language)
        advice.append(facts.say("advice.security", items=locations))
    if facts.of(SignalKind.GENERATED):
        advice.append(facts.say("advice.generated"))
    return advice


def _is_large_and_untested(facts: _Facts) -> bool:
    return not facts.test_files and sum(facts.source_lines) >= LARGE_UNTESTED_LINES


def _where(signal: Signal) -> str:
    """`path:line`, `path`, or the signal's name when it carries no location."""
    if signal.path is None:
        return signal.name
    return f"{signal.path}:{signal.line}" if signal.line is not None else signal.path


def _commits_where(
    reports: Sequence[CommitReport], language: str, keep: Callable[[CommitReport], bool]
) -> list[Line]:
    """Each commit `keep` accepts, as "subject (`sha`)"."""
    return [
        line(
            language,
            "overview.commit",
            subject=Text(report.commit.subject),
            sha=Code(report.commit.short_sha),
        )
        for report in reports
        if keep(report)
    ]


def _is_high(report: CommitReport) -> bool:
    return report.importance.level is Level.HIGH


def _is_breaking_or_revert(report: CommitReport) -> bool:
    """A breaking or reverting commit that changes what users run: a revert of a test helper (llm-d's
    2026-05-05 imported a project's test history, squashed reverts and all) is no headline."""
    return any(signal.kind in (SignalKind.BREAKING, SignalKind.REVERT) for signal in report.signals) and any(
        file_kind(file.path) == "core" for file in report.commit.files
    )


def _has_security_signal(report: CommitReport) -> bool:
    generated = generated_paths(report.signals)
    return any(
        signal.kind is SignalKind.SECURITY and reaches_users(signal, generated) for signal in report.signals
    )


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _prose(lines: Iterable[Line]) -> list[str]:
    """Typed sentences as analysis prose, the form `Analysis` holds them in."""
    return [commonmark(sentence) for sentence in lines]
