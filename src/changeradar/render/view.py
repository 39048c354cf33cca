"""The report as a format-neutral view: every word chosen, every count made, every anchor fixed; nothing
escaped.

`build_view(day)` does all the wording — reasons, counts, anchors, "… and N more", the facts block, the
context line, the line the command prints after a run — from `changeradar.i18n`, as typed
`inline.Line`s (our words, plain text, code, links, analysis prose). Renderers are serialisers: the
Markdown templates write lines through the `line` filter, the JSON reads the view and the model, and an
HTML page or a chat card can take the same view without un-escaping anything.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from changeradar.config import check_timezone
from changeradar.git import without_credentials
from changeradar.i18n import (
    area_label,
    change_type_label,
    evidence_in,
    has_message,
    join_clauses,
    join_items,
    join_lines,
    join_sentences,
    line,
    text,
)
from changeradar.inline import Code, Line, Link, Prose, Text, Words, commonmark
from changeradar.model import (
    Analysis,
    AnalysisStats,
    CommitReport,
    DayReport,
    DiffStatus,
    Reason,
    Signal,
    SignalAction,
    SignalKind,
)
from changeradar.render.attention import AttentionItem, attention_items
from changeradar.render.members import with_member_counts, with_members
from changeradar.render.summary import LEVELS, DaySummary, summarise_day
from changeradar.signals.audience import generated_paths, users_first
from changeradar.signals.dependencies import renames_module
from changeradar.signals.families import fact_kinds, family_of
from changeradar.signals.files import copied_source
from changeradar.signals.interfaces import Interface, interface_of
from changeradar.signals.signatures import SignatureChange, signature_change

SHORT_SHA = 7
MAX_FACTS = 15  # per commit in the Markdown; a refactor can move a hundred API names
TOP_AREAS = 8
LISTED_PARAMETERS = 5  # a signature's parameters a fact names before "… and N more"
LISTED_PLACES = 2  # places a fact found in several files names before "… and N more"
SHOWN_REASON_ITEMS = 3  # items a reason names as code before "… and N more"
REASON_ITEM_SEPARATOR = ", "  # between the items of a reason's subject (see `score.LIST_SEPARATOR`)
STATS_ANCHOR = "stats"
HIGHLIGHTS_ANCHOR = "highlights"
ATTENTION_ANCHOR = "attention"
# The facts block, in the order a reader checks them; tests are listed together on one line.
FACT_KINDS = fact_kinds()  # each family's `fact_place` (`signals.families`)
_NOT_IN_ANCHOR = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class CommitView:
    report: CommitReport
    analysis: Analysis  # its texts are analysis prose (CommonMark inline), written by the analyser
    level: str  # "high" / "medium" / "low"
    anchor: str
    short_sha: str
    time: str  # "YYYY-MM-DD HH:MM:SS" in the report's zone
    author: str  # plain text
    subject: str  # plain text
    table_message: Line  # the subject linked to its section, its "(#N)" to the pull request
    commit_url: str | None
    pr_number: int | None
    pr_url: str | None
    change_types: Line
    reasons: tuple[Line, ...]  # one sentence per reason of the importance, in the reasons' order
    importance: Line  # level, score, reasons, and the analyser's view when it differs
    one_line_summary: Line
    facts: tuple[Line, ...]
    remarks: tuple[Line, ...]  # what was not verified, fallback notes, partial view


@dataclass(frozen=True, slots=True)
class TierView:
    level: str
    anchor: str
    title: Line
    commits: tuple[CommitView, ...]


@dataclass(frozen=True, slots=True)
class ReportView:
    language: str
    zone: ZoneInfo  # every time of the report is given in it
    title: Line
    repo_name: str  # plain text: "owner/name"
    repo_source: str  # where it was read from, credentials masked
    repo_anchor: str
    context: Line
    failures: tuple[Line, ...]
    attention: tuple[AttentionItem, ...]  # what to act on, most important commits first
    attention_empty: Line  # the block's one line when there is nothing to act on
    highlights: tuple[Line, ...]
    empty_line: Line
    stats_line: Line
    areas_line: Line | None
    summary: DaySummary
    commits: tuple[CommitView, ...]  # newest first
    tiers: tuple[TierView, ...]  # non-empty tiers, most important first
    run_summary: str  # the line the command prints after a run, in English: it goes to a log


def build_view(report: DayReport) -> ReportView:
    """Every line a report shows, in the report's language."""
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
            title=line(language, f"tier.{level.value}", n=summary.count(level)),
            commits=tuple(commit for commit in commits if commit.level == level.value),
        )
        for level in LEVELS
        if summary.count(level)
    )
    return ReportView(
        language=language,
        zone=zone,
        title=line(language, "title", label=Words(report.window.label)),
        repo_name=report.repo.name,
        repo_source=without_credentials(report.repo.source),
        repo_anchor=repo_anchor(report.repo.name),
        context=_context_line(report, zone),
        failures=tuple((Prose(failure),) for failure in report.failures),
        attention=attention_items(report.commits, anchors, language),
        attention_empty=line(language, "attention.none"),
        highlights=tuple((Prose(item),) for item in report.highlights),
        empty_line=_empty_line(report, period, zone),
        stats_line=line(
            language,
            f"stats.{period}",
            n=summary.total,
            high=summary.high,
            medium=summary.medium,
            low=summary.low,
        ),
        areas_line=_areas_line(summary, language),
        summary=summary,
        commits=commits,
        tiers=tiers,
        run_summary=run_summary(report, summary),
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


def reason_line(reason: Reason, language: str) -> Line:
    """The reader's sentence for a reason; a rule with no message reads as "rule: subject"."""
    key = f"reason.{reason.rule}"
    if not has_message(key):  # a rule from a newer version, say: no words for it, only its name
        return (Prose(f"{reason.rule}: {reason.subject}" if reason.subject else reason.rule),)
    items = with_member_counts(item for item in reason.subject.split(REASON_ITEM_SEPARATOR) if item)
    code = join_items(
        (with_members((Code(item),), members, language) for item, members in items),
        language,
        SHOWN_REASON_ITEMS,
    )
    subject = Prose(evidence_in(language, reason.subject))
    count = reason.subject.replace(",", "")
    counted = {"n": int(count)} if count.isdigit() else {}  # "1 line" / "44 lines"
    return line(language, key, subject=subject, code=code, **counted)


def describe_reason(reason: Reason, language: str) -> str:
    """The reason's sentence as CommonMark inline text, as the JSON carries it."""
    return commonmark(reason_line(reason, language))


def run_summary(report: DayReport, summary: DaySummary) -> str:
    """One line for the log of a scheduled run: what was reported, how it was analysed, what it cost."""
    commits = "1 commit" if summary.total == 1 else f"{summary.total} commits"
    line = (
        f"{report.repo.name} {report.window.label}: {commits} "
        f"(high {summary.high}, medium {summary.medium}, low {summary.low})"
    )
    if report.incomplete_commits:
        line += f"; {report.incomplete_commits} not read fully"
    if report.last_commit_at is not None and not report.commits:
        line += f"; last commit on {report.branch} at {report.last_commit_at.isoformat()}"
    stats = report.stats
    if report.model is None:
        return f"{line}; analysed {report.analyzer}"
    line += (
        f"; {report.analyzer}:{report.model} {stats.by_model}, from cache {stats.from_cache}, "
        f"fallback {stats.fallback}; tokens {stats.prompt_tokens:,} in, {stats.completion_tokens:,} out"
    )
    return line + (f"; ${stats.cost_usd:.4f}" if stats.cost_usd is not None else "")


def _commit_view(report: DayReport, commit_report: CommitReport, anchor: str, zone: ZoneInfo) -> CommitView:
    language = report.language
    commit = commit_report.commit
    analysis = commit_report.analysis
    pr_url = report.repo.pull_url(commit_report.pr_number) if commit_report.pr_number else None
    reasons = tuple(reason_line(reason, language) for reason in commit_report.importance.reasons)
    return CommitView(
        report=commit_report,
        analysis=analysis,
        level=commit_report.importance.level.value,
        anchor=anchor,
        short_sha=commit.short_sha,
        time=commit.committed_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
        author=commit.author_name,
        subject=commit.subject,
        table_message=_table_message(report, commit_report, anchor),
        commit_url=report.repo.commit_url(commit.sha),
        pr_number=commit_report.pr_number,
        pr_url=pr_url,
        change_types=(
            Words(
                text(language, "type.separator").join(
                    change_type_label(change_type, language) for change_type in analysis.change_types
                )
            ),
        ),
        reasons=reasons,
        importance=_importance(commit_report, reasons, language),
        one_line_summary=(Prose(join_sentences(analysis.summary, language)),),
        facts=tuple(_facts(commit_report.signals, language)),
        remarks=tuple(_remarks(commit_report, language)),
    )


def _table_message(report: DayReport, commit_report: CommitReport, anchor: str) -> Line:
    """The subject linked to its section; its trailing `(#N)` becomes a link to the pull request."""
    commit, number = commit_report.commit, commit_report.pr_number
    pull_url = report.repo.pull_url(number) if number else None
    if pull_url is None:
        return (Link((Text(commit.subject),), f"#{anchor}"),)
    return (
        Link((Text(commit.title),), f"#{anchor}"),
        Words(" ("),
        Link((Words(f"#{number}"),), pull_url),
        Words(")"),
    )


def _importance(commit_report: CommitReport, reasons: tuple[Line, ...], language: str) -> Line:
    importance = commit_report.importance
    level = line(language, f"level.{importance.level.value}")
    parts = line(language, "importance.line", level=level, score=Words(f"{importance.score:g}"))
    if reasons:
        parts += line(language, "importance.reasons", reasons=join_clauses(reasons, language))
    else:  # a bare "Low (0)" reads as a fault; nothing in the diff raised it
        parts += line(language, "importance.no_reasons")
    suggested = commit_report.analysis.suggested_level
    if suggested is not None and suggested is not importance.level:
        reason = commit_report.analysis.suggested_level_reason
        key = "importance.suggested_reason" if reason else "importance.suggested"
        parts += line(language, key, level=line(language, f"level.{suggested.value}"), reason=Prose(reason))
    return parts


def _facts(signals: Sequence[Signal], language: str) -> Iterable[Line]:
    """One verifiable line per notable fact, with the files and lines it was found at; a long list is cut
    to its first `MAX_FACTS`, the JSON keeping them all. What users meet comes first: a new kernel's
    public functions before the tuning variables it reads and its benchmark's options. The same fact
    found in several files (a variable each of twelve Dockerfiles sets) is one line naming the places."""
    generated = generated_paths(signals)
    notable = users_first(
        (signal for kind in FACT_KINDS for signal in signals if signal.kind is kind), generated
    )
    places: dict[tuple[object, ...], list[Signal]] = {}
    for signal in notable:
        key = (signal.kind, signal.name, signal.action, signal.detail, signal.traits)
        places.setdefault(key, []).append(signal)
    shown = list(places.values())[:MAX_FACTS]
    yield from (_fact_line(same, language) for same in shown)
    hidden = len(notable) - sum(map(len, shown))
    if hidden:
        yield line(language, "fact.more", n=hidden)
    tests = [(Code(signal.name),) for signal in signals if signal.kind is SignalKind.TESTS]
    if tests:
        yield line(language, "fact.tests", names=join_items(tests, language))


def _fact_line(same: Sequence[Signal], language: str) -> Line:
    """The fact the signals in `same` all state, with where each was found."""
    signal = same[0]
    key = family_of(signal.kind).fact_key(signal.action, signal.traits)
    name: Line = (Code(signal.name),)
    if signal.kind is SignalKind.DEPENDENCY and signal.detail:
        # A renamed module path is told by its paths alone: its name is the go.mod keyword `module`.
        name = (Code(signal.detail),) if renames_module(signal) else (*name, Words(" "), Code(signal.detail))
    interface = interface_of(signal)
    if interface is not None:
        what = _interface_fact(signal, *interface, name, language)
    elif (source := copied_source(signal)) is not None:
        what = line(language, "fact.module.copied", name=name, source=Code(source))
    elif signal.kind is SignalKind.API and (change := signature_change(signal.detail)) is not None:
        what = line(language, "fact.api.signature", name=name, changes=_signature_changes(change, language))
    else:
        what = line(language, key, name=name)
    places = [
        (Code(f"{found.path}:{found.line}" if found.line is not None else found.path),)
        for found in same
        if found.path is not None and not (found.path == found.name and found.line is None)
    ]
    if not places:
        return what
    return line(language, "at", what=what, where=join_items(places, language, LISTED_PLACES))


def _signature_changes(change: SignatureChange, language: str) -> Line:
    """ "removes `b=1`, adds `b=2` and `c`": each part of a signature that changed, its parameters listed
    as far as `LISTED_PARAMETERS`."""
    parts = [
        line(language, key, items=join_items(((Code(p),) for p in parameters), language, LISTED_PARAMETERS))
        for key, parameters in (("signature.removed", change.removed), ("signature.added", change.added))
        if parameters
    ]
    if change.rearranged:
        parts.append(line(language, "signature.rearranged"))
    if change.outside is not None:
        old, new = change.outside
        parts.append(line(language, "signature.outside", old=Code(old), new=Code(new)))
    return join_items(parts, language)


def _interface_fact(signal: Signal, interface: Interface, rest: str, name: Line, language: str) -> Line:
    """ "New CRD field `spec.size` (v1)": a CRD, protobuf, OpenAPI, Helm or image fact is no code API."""
    action = signal.action.value if signal.action in (SignalAction.ADDED, SignalAction.REMOVED) else None
    key = f"fact.interface.{action}" if action else "fact.interface"
    label = line(language, f"interface.{interface.name.lower()}")
    what = line(language, key, interface=label, name=name)
    return (*what, Words(" "), Text(f"({rest})")) if rest else what


def _remarks(commit_report: CommitReport, language: str) -> Iterable[Line]:
    commit = commit_report.commit
    if commit.diff_status is not DiffStatus.COMPLETE:
        yield line(language, f"diff.{commit.diff_status.value}", error=Text(commit.diff_error))
    if commit_report.unverified:
        items = join_items(((Code(item),) for item in commit_report.unverified), language)
        yield line(language, "unverified", items=items)
    for note in commit_report.notes:
        yield line(language, "note", note=Prose(note))
    share = commit_report.seen_share
    if share is not None and share < 1:
        yield line(language, "seen_share", percent=int(share * 100))


def _context_line(report: DayReport, zone: ZoneInfo) -> Line:
    """Branch, zone, analyser and model, commit count, commits not read fully, a shallow clone's cut; and,
    when a model ran, how its analyses were had."""
    language = report.language
    analyzer = Text(report.analyzer)
    parts = [
        line(language, "context.branch", branch=Code(report.branch)),
        line(language, "context.timezone", zone=Text(report.timezone)),
        line(language, "context.analyzer_model", analyzer=analyzer, model=Text(report.model))
        if report.model
        else line(language, "context.analyzer", analyzer=analyzer),
        line(language, "context.commits", n=len(report.commits)),
    ]
    if report.incomplete_commits:
        parts.append(line(language, "context.incomplete", n=report.incomplete_commits))
    if report.shallow_since is not None:
        date = report.shallow_since.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        parts.append(line(language, "context.shallow", date=Words(date)))
    if report.model:  # how many a model answered (or the cache, or the offline fallback) and at what cost
        parts.extend(_stats_parts(report.stats, len(report.commits), language))
    return join_lines(parts, text(language, "context.separator"))


def _stats_parts(stats: AnalysisStats, total: int, language: str) -> Iterable[Line]:
    analysed = stats.by_model + stats.from_cache
    if analysed or stats.fallback:
        yield line(language, "context.coverage", analysed=analysed, n=total)
    if stats.from_cache:
        yield line(language, "context.cached", cached=stats.from_cache)
    if stats.fallback:
        yield line(language, "context.fallback", fallback=stats.fallback)
    if stats.prompt_tokens or stats.completion_tokens:
        yield line(
            language,
            "context.tokens",
            prompt=Words(f"{stats.prompt_tokens:,}"),
            completion=Words(f"{stats.completion_tokens:,}"),
        )
    if stats.cost_usd is not None:
        yield line(language, "context.cost", cost=Words(f"{stats.cost_usd:.2f}"))


def _areas_line(summary: DaySummary, language: str) -> Line | None:
    if not summary.areas:
        return None
    areas = [
        line(language, "stats.area", area=area_label(area.name, language), n=area.commits)
        for area in summary.areas[:TOP_AREAS]
    ]
    return line(language, "stats.areas", areas=join_lines(areas, " · "))


def _empty_line(report: DayReport, period: str, zone: ZoneInfo) -> Line:
    """No commits, and when the branch last had one: a mirror that stopped updating shows at once."""
    empty = line(report.language, f"empty.{period}")
    if report.last_commit_at is None:
        return empty
    date = Words(report.last_commit_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"))
    last = line(report.language, "empty.last_commit", branch=Code(report.branch), date=date)
    return join_lines((empty, last), text(report.language, "sentence.separator"))


def _is_range(report: DayReport) -> bool:
    """Longer than a day (a day may last 25 hours when the clocks change)."""
    return report.window.end - report.window.start > timedelta(hours=25)
