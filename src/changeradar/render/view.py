"""What the Markdown templates lay out: a day report turned into ready, escaped Markdown fragments.

Templates stay simple and safe: every piece of untrusted text reaching them here is already escaped,
and every word comes from `changeradar.i18n`. Anchors are explicit so that every link resolves.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from changeradar.config import check_timezone
from changeradar.i18n import (
    change_type_label,
    has_message,
    join_clauses,
    join_items,
    join_sentences,
    level_label,
    text,
)
from changeradar.model import (
    Analysis,
    AnalysisStats,
    CommitReport,
    DayReport,
    DiffStatus,
    Signal,
    SignalKind,
)
from changeradar.render.escape import inline_code, markdown_heading, markdown_prose, markdown_text
from changeradar.render.summary import LEVELS, DaySummary, summarise_day
from changeradar.score import describe_reason

SHORT_SHA = 7
MAX_FACTS = 15  # per commit in the Markdown; a refactor can move a hundred API names
TOP_AREAS = 8
STATS_ANCHOR = "stats"
HIGHLIGHTS_ANCHOR = "highlights"
# The facts block, in the order a reader checks them; tests are listed together on one line.
FACT_KINDS = (
    SignalKind.BREAKING,
    SignalKind.REVERT,
    SignalKind.DEPENDENCY,
    SignalKind.ENV_VAR,
    SignalKind.CLI_OPTION,
    SignalKind.API,
    SignalKind.MODULE,
    SignalKind.SECURITY,
)
_NOT_IN_ANCHOR = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class CommitView:
    report: CommitReport
    analysis: Analysis
    level: str  # "high" / "medium" / "low"
    anchor: str
    short_sha: str
    time: str  # "YYYY-MM-DD HH:MM:SS" in the report's zone
    author: str  # Markdown
    heading: str  # Markdown
    link_text: str  # Markdown: the subject as a link label
    table_message: str  # Markdown: the subject linked to its section, its "(#N)" to the pull request
    commit_url: str | None
    pr_number: int | None
    pr_url: str | None
    change_types: str
    importance: str  # Markdown: level, score, reasons, and the analyser's view when it differs
    one_line_summary: str  # Markdown
    facts: tuple[str, ...]  # Markdown
    remarks: tuple[str, ...]  # Markdown: what was not verified, fallback notes, partial view


@dataclass(frozen=True, slots=True)
class TierView:
    level: str
    anchor: str
    title: str
    commits: tuple[CommitView, ...]


@dataclass(frozen=True, slots=True)
class ReportView:
    title: str
    repo_anchor: str
    repo_heading: str  # Markdown
    context: str  # Markdown
    failures: tuple[str, ...]  # Markdown
    highlights: tuple[str, ...]  # Markdown
    empty_line: str
    stats_line: str
    areas_line: str | None  # Markdown
    commits: tuple[CommitView, ...]  # newest first
    tiers: tuple[TierView, ...]  # non-empty tiers, most important first


def build_view(report: DayReport) -> ReportView:
    """Every fragment the report templates need, in the report's language."""
    language = report.language
    summary = summarise_day(report.commits)
    anchors = commit_anchors(report.commits)
    zone = ZoneInfo(check_timezone(report.timezone))
    commits = tuple(
        _commit_view(report, commit, anchors[commit.commit.sha], zone) for commit in report.commits
    )
    period = "range" if _is_range(report) else "day"
    tiers = tuple(
        TierView(
            level=level.value,
            anchor=f"tier-{level.value}",
            title=text(language, f"tier.{level.value}", n=summary.count(level)),
            commits=tuple(commit for commit in commits if commit.level == level.value),
        )
        for level in LEVELS
        if summary.count(level)
    )
    return ReportView(
        title=text(language, "title", label=report.window.label),
        repo_anchor=repo_anchor(report.repo.name),
        repo_heading=markdown_heading(report.repo.name),
        context=_context_line(report),
        failures=tuple(markdown_prose(failure) for failure in report.failures),
        highlights=tuple(markdown_prose(item) for item in report.highlights),
        empty_line=text(language, f"empty.{period}"),
        stats_line=text(
            language,
            f"stats.{period}",
            n=summary.total,
            high=summary.high,
            medium=summary.medium,
            low=summary.low,
        ),
        areas_line=_areas_line(summary, language),
        commits=commits,
        tiers=tiers,
    )


def commit_anchors(reports: Sequence[CommitReport]) -> dict[str, str]:
    """sha → `c-<short sha>`, lengthened where two commits of the report share a short sha."""
    shas = sorted({report.commit.sha.lower() for report in reports})
    # In sorted order, the longest prefix a sha shares with any other is shared with a neighbour.
    length = dict.fromkeys(shas, SHORT_SHA)
    for left, right in itertools.pairwise(shas):
        common = next(
            (index for index, (a, b) in enumerate(zip(left, right, strict=False)) if a != b), len(left)
        )
        length[left] = max(length[left], common + 1)
        length[right] = max(length[right], common + 1)
    return {
        report.commit.sha: f"c-{report.commit.sha.lower()[: length[report.commit.sha.lower()]]}"
        for report in reports
    }


def repo_anchor(name: str) -> str:
    """`owner/name` as an HTML id: `sgl-project/sglang` → `sgl-project-sglang`."""
    return _NOT_IN_ANCHOR.sub("-", name.lower()).strip("-") or "repository"


def _commit_view(report: DayReport, commit_report: CommitReport, anchor: str, zone: ZoneInfo) -> CommitView:
    language = report.language
    commit = commit_report.commit
    analysis = commit_report.analysis
    pr_url = report.repo.pull_url(commit_report.pr_number) if commit_report.pr_number else None
    return CommitView(
        report=commit_report,
        analysis=analysis,
        level=commit_report.importance.level.value,
        anchor=anchor,
        short_sha=commit.short_sha,
        time=commit.committed_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
        author=markdown_text(commit.author_name),
        heading=markdown_heading(commit.subject),
        link_text=markdown_text(commit.subject),
        table_message=_table_message(report, commit_report, anchor),
        commit_url=report.repo.commit_url(commit.sha),
        pr_number=commit_report.pr_number,
        pr_url=pr_url,
        change_types=text(language, "type.separator").join(
            change_type_label(change_type, language) for change_type in analysis.change_types
        ),
        importance=_importance(commit_report, language),
        one_line_summary=markdown_prose(join_sentences(analysis.summary, language)),
        facts=tuple(_facts(commit_report.signals, language)),
        remarks=tuple(_remarks(commit_report, language)),
    )


def _table_message(report: DayReport, commit_report: CommitReport, anchor: str) -> str:
    """The subject linked to its section; its trailing `(#N)` becomes a link to the pull request."""
    commit, number = commit_report.commit, commit_report.pr_number
    pull_url = report.repo.pull_url(number) if number else None
    if pull_url is None:
        return f"[{markdown_text(commit.subject)}](#{anchor})"
    return f"[{markdown_text(commit.title)}](#{anchor}) ([#{number}]({pull_url}))"


def _importance(commit_report: CommitReport, language: str) -> str:
    importance = commit_report.importance
    line = text(
        language,
        "importance.line",
        level=level_label(importance.level, language),
        score=f"{importance.score:g}",
    )
    reasons = [markdown_prose(describe_reason(reason, language)) for reason in importance.reasons]
    if reasons:
        line += text(language, "importance.reasons", reasons=join_clauses(reasons, language))
    suggested = commit_report.analysis.suggested_level
    if suggested is not None and suggested is not importance.level:
        reason = commit_report.analysis.suggested_level_reason
        key = "importance.suggested_reason" if reason else "importance.suggested"
        line += text(language, key, level=level_label(suggested, language), reason=markdown_prose(reason))
    return line


def _facts(signals: Sequence[Signal], language: str) -> Iterable[str]:
    """One verifiable line per notable signal, with the file and line it was found at; a long list is cut
    to its first `MAX_FACTS`, the JSON keeping them all."""
    notable = [signal for kind in FACT_KINDS for signal in signals if signal.kind is kind]
    yield from (_fact_line(signal, language) for signal in notable[:MAX_FACTS])
    if len(notable) > MAX_FACTS:
        yield text(language, "fact.more", n=len(notable) - MAX_FACTS)
    tests = [inline_code(signal.name) for signal in signals if signal.kind is SignalKind.TESTS]
    if tests:
        yield text(language, "fact.tests", names=join_items(tests, language))


def _fact_line(signal: Signal, language: str) -> str:
    specific = f"fact.{signal.kind.value}.{signal.action.value}"
    key = specific if has_message(specific) else f"fact.{signal.kind.value}"
    name = inline_code(signal.name)
    if signal.kind is SignalKind.DEPENDENCY and signal.detail:
        name = f"{name} {inline_code(signal.detail)}"
    what = text(language, key, name=name)
    if signal.path is None or (signal.path == signal.name and signal.line is None):
        return what
    where = f"{signal.path}:{signal.line}" if signal.line is not None else signal.path
    return text(language, "at", what=what, where=inline_code(where))


def _remarks(commit_report: CommitReport, language: str) -> Iterable[str]:
    commit = commit_report.commit
    if commit.diff_status is not DiffStatus.COMPLETE:
        error = markdown_text(commit.diff_error)
        yield text(language, f"diff.{commit.diff_status.value}", error=error)
    if commit_report.unverified:
        items = join_items((inline_code(item) for item in commit_report.unverified), language)
        yield text(language, "unverified", items=items)
    for note in commit_report.notes:
        yield text(language, "note", note=markdown_prose(note))
    share = commit_report.seen_share
    if share is not None and share < 1:
        yield text(language, "seen_share", percent=int(share * 100))


def _context_line(report: DayReport) -> str:
    """Branch, zone, analyser and model, commit count, commits not read fully, a shallow clone's cut; and,
    when a model ran, how its analyses were had."""
    language = report.language
    analyzer = markdown_text(report.analyzer)
    parts = [
        text(language, "context.branch", branch=inline_code(report.branch)),
        text(language, "context.timezone", zone=markdown_text(report.timezone)),
        text(language, "context.analyzer_model", analyzer=analyzer, model=markdown_text(report.model))
        if report.model
        else text(language, "context.analyzer", analyzer=analyzer),
        text(language, "context.commits", n=len(report.commits)),
    ]
    if report.incomplete_commits:
        parts.append(text(language, "context.incomplete", n=report.incomplete_commits))
    if report.shallow_since is not None:
        date = report.shallow_since.astimezone(ZoneInfo(check_timezone(report.timezone)))
        parts.append(text(language, "context.shallow", date=date.strftime("%Y-%m-%d %H:%M")))
    if report.model:  # how many a model answered (or the cache, or the offline fallback) and at what cost
        parts.extend(_stats_parts(report.stats, len(report.commits), language))
    return text(language, "context.separator").join(parts)


def _stats_parts(stats: AnalysisStats, total: int, language: str) -> Iterable[str]:
    analysed = stats.by_model + stats.from_cache
    if analysed or stats.fallback:
        yield text(language, "context.coverage", analysed=analysed, n=total)
    if stats.from_cache:
        yield text(language, "context.cached", cached=stats.from_cache)
    if stats.fallback:
        yield text(language, "context.fallback", fallback=stats.fallback)
    if stats.prompt_tokens or stats.completion_tokens:
        yield text(
            language,
            "context.tokens",
            prompt=f"{stats.prompt_tokens:,}",
            completion=f"{stats.completion_tokens:,}",
        )
    if stats.cost_usd is not None:
        yield text(language, "context.cost", cost=f"{stats.cost_usd:.2f}")


def _areas_line(summary: DaySummary, language: str) -> str | None:
    if not summary.areas:
        return None
    areas = " · ".join(f"{markdown_text(area.name)} ({area.commits})" for area in summary.areas[:TOP_AREAS])
    return text(language, "stats.areas", areas=areas)


def _is_range(report: DayReport) -> bool:
    """Longer than a day (a day may last 25 hours when the clocks change)."""
    return report.window.end - report.window.start > timedelta(hours=25)
