"""One repository over one window, through every stage: collect → signals → score → analyse → verify.

This is the only module that knows the order of the stages; each stage stays ignorant of the others, and
they talk through `model` types (an analyser's `AnalysisResult` is also what the store caches).
No commit is ever dropped: a stage that fails on one commit leaves a note and the commit stays in the
report with what could be had (no signals, or the offline analysis).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from changeradar.analyse import Analyzer, create_analyzer
from changeradar.collect import newest_first, read_shallow_history, stream_commits
from changeradar.config import AnalyzerSettings, AreaRule, Settings
from changeradar.extraction import extract_facts
from changeradar.git import lazy_fetch
from changeradar.llm.cost import cost_usd
from changeradar.model import (
    AnalysisRequest,
    AnalysisResult,
    AnalysisStats,
    Commit,
    CommitReport,
    DayReport,
    Importance,
    Reason,
    RepoRef,
    Signal,
    TokenUsage,
    Window,
)
from changeradar.repository import (
    check_branch,
    default_branch,
    describe_repository,
    last_commit_date,
    open_repository,
)
from changeradar.score import check_weights
from changeradar.store import Store

ProgressFactory = Callable[[str, int | None], Callable[[int], None]]
"""Given a description and a total (None: not known yet), returns the callback that advances that bar."""


def no_progress(_description: str, _total: int | None) -> Callable[[int], None]:
    return lambda _done: None


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """What to report on: a repository (path or URL), a window, and how to present it."""

    source: str
    window: Window
    timezone: str
    language: str
    branch: str | None = None
    name: str | None = None
    web_url: str | None = None
    area_rules: tuple[AreaRule, ...] = ()
    refresh: bool = False
    lazy_fetch: bool = True  # False: never fetch a partial clone's missing objects (GIT_NO_LAZY_FETCH)


def build_report(
    request: ReportRequest,
    settings: Settings,
    store: Store,
    cache_dir: Path,
    progress: ProgressFactory = no_progress,
) -> DayReport:
    check_weights(settings.importance)
    repo_dir = open_repository(request.source, cache_dir)
    branch = request.branch or default_branch(repo_dir)
    check_branch(repo_dir, branch)
    repo = describe_repository(request.source, repo_dir, name=request.name, web_url=request.web_url)
    analyzer = create_analyzer(settings.analyzer)
    run_id = store.start_run(repo.name, request.window.label, settings.analyzer.name)

    try:
        shallow = read_shallow_history(repo_dir)
        rules = (*request.area_rules, *settings.areas)
        with lazy_fetch(request.lazy_fetch):
            stream = stream_commits(
                repo_dir, branch, request.window, include_merges=settings.include_merges, shallow=shallow
            )
            advance = progress(f"{repo.name} facts", len(stream))
            explain = None if analyzer.costly else partial(_explain, analyzer, repo, request.language)
            facts = extract_facts(repo_dir, stream, rules, settings.importance, advance, explain)
        facts = newest_first(facts, commit_of=lambda pair: pair[0])
        failures = [
            f"{commit.short_sha}: diff {commit.diff_status.value}: {commit.diff_error}"
            for commit, _ in facts
            if commit.diff_incomplete
        ]
        failures += [f"{commit.short_sha}: {f.failure}" for commit, f in facts if f.failure]
        requests = [
            AnalysisRequest(repo, commit, f.signals, f.importance, request.language) for commit, f in facts
        ]
        made = [f.analysis for _, f in facts]
        results, stats = _analyse(analyzer, requests, made, store, repo, request.refresh, progress)
        reports = [_commit_report(req, res, settings) for req, res in zip(requests, results, strict=True)]
        failures += [f"{r.commit.short_sha}: {note}" for r in reports for note in r.notes]
        highlights = _overview(analyzer, requests, results, reports, store, request) if reports else []
        stats = _with_cost(stats, settings.analyzer)

        store.finish_run(run_id, len(reports), len(failures))
    except BaseException as error:  # never leave the run `running` in the history
        store.fail_run(run_id, str(error) or type(error).__name__)
        raise
    return DayReport(
        repo=repo,
        branch=branch,
        timezone=request.timezone,
        window=request.window,
        language=request.language,
        analyzer=settings.analyzer.name,
        model=settings.analyzer.model if analyzer.costly else None,
        commits=reports,
        highlights=highlights,
        failures=failures,
        stats=stats,
        shallow_since=shallow.trusted_from,
        last_commit_at=None if reports else last_commit_date(repo_dir, branch),  # a stale mirror shows
    )


def _explain(
    analyzer: Analyzer,
    repo: RepoRef,
    language: str,
    commit: Commit,
    signals: tuple[Signal, ...],
    importance: Importance,
) -> AnalysisResult:
    """A free analyser's analysis of one commit, made where its facts were found (see `extraction`)."""
    return analyzer.analyse(
        [AnalysisRequest(repo, commit, signals, importance, language)], lambda _done: None
    )[0]


def _analyse(
    analyzer: Analyzer,
    requests: Sequence[AnalysisRequest],
    made: Sequence[AnalysisResult | None],
    store: Store,
    repo: RepoRef,
    refresh: bool,
    progress: ProgressFactory,
) -> tuple[list[AnalysisResult], AnalysisStats]:
    """The analyses `made` beside the facts already, cached answers where there are some, the analyser for
    the rest; results in request order."""
    keys = [analyzer.cache_key(request) for request in requests]
    results = list(made)
    from_cache: set[int] = set()
    for index, (request, key) in enumerate(zip(requests, keys, strict=True)):
        if results[index] is None and not refresh and key is not None:
            entry = store.get_analysis(repo.name, request.commit.sha, key)
            if entry is not None:
                results[index] = replace(entry, cached=analyzer.costly)
                from_cache.add(index)

    missing = [index for index, result in enumerate(results) if result is None]
    bar = progress if missing else no_progress  # a free analyser's are all made with the facts
    analysed = analyzer.analyse(
        [requests[index] for index in missing], bar(f"{repo.name} analysis", len(missing))
    )
    for index, result in zip(missing, analysed, strict=True):
        results[index] = result
    done = [result for result in results if result is not None]
    fresh = [result for index, result in enumerate(done) if index not in from_cache]
    to_cache = [
        (request.commit.sha, key, result)
        for index, (request, key, result) in enumerate(zip(requests, keys, done, strict=True))
        if index not in from_cache and result.cacheable and key is not None
    ]
    store.put_analyses(repo.name, to_cache)

    usage = [result.usage for result in fresh if result.usage is not None]
    if not analyzer.costly:  # a free analyser's cache is invisible: the report must not depend on it
        return done, AnalysisStats(by_model=len(requests))
    stats = AnalysisStats(
        by_model=sum(1 for result in fresh if result.cacheable and result.usage is not None),
        from_cache=len(from_cache),
        fallback=sum(1 for result in fresh if not result.cacheable),
        prompt_tokens=sum(u.prompt_tokens for u in usage),
        completion_tokens=sum(u.completion_tokens for u in usage),
    )
    return done, stats


def _overview(
    analyzer: Analyzer,
    requests: Sequence[AnalysisRequest],
    results: Sequence[AnalysisResult],
    reports: Sequence[CommitReport],
    store: Store,
    request: ReportRequest,
) -> list[str]:
    """The day's headlines; a costly analyser's are cached under the keys of the analyses they summarise.

    A commit the analyser does not cache (one it leaves to the offline analyser) keys by its sha alone.
    """
    if not analyzer.costly or not all(result.cacheable for result in results):
        return analyzer.overview(reports, request.language)  # free, or some commits will be asked again
    analysed = [[r.commit.sha, analyzer.cache_key(r)] for r in requests]
    facts = json.dumps([analyzer.name, request.language, analysed])
    key = "overview:" + hashlib.sha256(facts.encode()).hexdigest()
    highlights = None if request.refresh else store.get_overview(key)
    if highlights is None:
        highlights = analyzer.overview(reports, request.language)
        store.put_overview(key, highlights)
    return highlights


def _with_cost(stats: AnalysisStats, settings: AnalyzerSettings) -> AnalysisStats:
    """The run's cost, when the config prices its model."""
    price = settings.prices.get(settings.model or "")
    if price is None:
        return stats
    usage = TokenUsage(stats.prompt_tokens, stats.completion_tokens)
    return replace(stats, cost_usd=round(cost_usd(usage, price), 6))


def _commit_report(request: AnalysisRequest, result: AnalysisResult, settings: Settings) -> CommitReport:
    analysis = result.analysis
    unverified: tuple[str, ...] = ()
    if settings.analyzer.verify != "off" and not result.grounded:
        # Here: only a model's prose needs checking, and the offline analyser's never does.
        from changeradar.verify import find_unverified, strip_unverified

        unverified = find_unverified(analysis, request.commit, request.signals)
        if settings.analyzer.verify == "strip" and unverified:
            analysis = strip_unverified(analysis, unverified)
    return CommitReport(
        commit=request.commit,
        signals=request.signals,
        importance=_final_importance(request.importance, result, settings.analyzer.importance),
        analysis=analysis,
        analyzer=result.analyzer,
        pr_number=request.commit.pull_request,
        unverified=unverified,
        notes=result.notes,
        from_cache=result.cached,
        seen_share=result.seen_share,
    )


def _final_importance(rules: Importance, result: AnalysisResult, mode: str) -> Importance:
    """The rules decide unless the config lets the analyser's own view win ("llm") or raise it ("max")."""
    suggested = result.analysis.suggested_level
    if mode == "rules" or suggested is None or suggested == rules.level:
        return rules
    if mode == "max" and suggested < rules.level:
        return rules
    reason = Reason("analyzer_level", 0.0, result.analysis.suggested_level_reason or suggested.value)
    return Importance(suggested, rules.score, (*rules.reasons, reason))
