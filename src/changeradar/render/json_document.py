"""The JSON report: everything the Markdown shows, plus every signal and score, in a versioned schema.

`SCHEMA_VERSION` moves its minor part when fields are added and its major part when a field changes
meaning or goes away; docs/json-schema.md describes every field. `python -m changeradar.render.json_document`
prints the JSON Schema kept in `schema/report.schema.json` (regenerate it when a language is added: the
schema lists them). Patches are never included. A serialiser like the Markdown one: it reads the model
and `view.ReportView` (anchors, counts, reasons' sentences, the masked source), nothing else.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from changeradar.i18n import LANGUAGES
from changeradar.inline import commonmark
from changeradar.model import (
    Analysis,
    DayReport,
    DiffStatus,
    FileChange,
    FileStatus,
    Level,
    SignalAction,
    SignalKind,
)
from changeradar.render.attention import AttentionKind
from changeradar.render.view import CommitView, ReportView, build_view

SCHEMA_VERSION = "1.2"

Timestamp = Annotated[datetime, PlainSerializer(lambda value: value.isoformat(), return_type=str)]
"""ISO 8601 with the UTC offset always written out (`+00:00`, never `Z`)."""


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RepoDocument(_Part):
    """The repository reported on."""

    name: str = Field(description='"owner/name"')
    source: str = Field(description="The path or URL it was read from, without any credentials.")
    web_url: str | None = Field(
        description="Its web page, when known; commit and pull-request links hang off it."
    )


class WindowDocument(_Part):
    """The committer-date interval reported on: start inclusive, end exclusive."""

    start: Timestamp
    end: Timestamp
    label: str = Field(description='"2026-01-29", or "2026-01-01 – 2026-01-07" for a range.')


class AreaDocument(_Part):
    name: str
    commits: int = Field(description="How many commits of the window touch this area.")


class SummaryDocument(_Part):
    """Commits per importance level, and the areas touched, most commits first."""

    total: int
    high: int
    medium: int
    low: int
    areas: list[AreaDocument]


class AttentionDocument(_Part):
    """One thing to act on: one kind of fact of one commit that users of the repository meet."""

    kind: AttentionKind
    sha: str = Field(description="The commit's full id.")
    anchor: str = Field(description="The id of the commit's section in the Markdown report.")
    names: list[str] = Field(description="Every name the item concerns (APIs, options, packages, markers).")
    text: str = Field(description="The sentence the report shows, in the report's language (Markdown).")


class StatsDocument(_Part):
    """How the analyses were obtained and what they cost."""

    by_model: int = Field(description="Answered by the configured analyser during this run.")
    from_cache: int
    fallback: int = Field(description="The configured analyser failed; the offline analysis stands in.")
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None = Field(description="Known only with a price table.")


class FileDocument(_Part):
    path: str
    old_path: str | None = Field(description="The path before a rename or copy.")
    status: FileStatus
    additions: int
    deletions: int
    binary: bool
    submodule: bool


class SignalDocument(_Part):
    """A verifiable fact found in the commit, with the file and line it came from."""

    kind: SignalKind
    name: str
    action: SignalAction
    detail: str
    path: str | None
    line: int | None


class ReasonDocument(_Part):
    """One rule that moved the importance score."""

    rule: str
    weight: float
    subject: str
    text: str = Field(description="The sentence the report shows, in the report's language.")


class ImportanceDocument(_Part):
    level: Level
    score: float
    reasons: list[ReasonDocument]


class VerificationDocument(_Part):
    unverified: list[str] = Field(description="Paths and identifiers the analysis names but the diff lacks.")


class CommitDocument(_Part):
    """One commit: what it is, the facts found in it, its importance and its analysis."""

    sha: str = Field(description="The full commit id.")
    short_sha: str
    anchor: str = Field(description="The id of the commit's section in the Markdown report.")
    subject: str
    body: str
    author: str
    author_email: str
    committer: str
    authored_at: Timestamp
    committed_at: Timestamp
    url: str | None
    pr: int | None = Field(description="The pull request the commit came from, when known.")
    pr_url: str | None
    additions: int
    deletions: int
    diff_status: DiffStatus = Field(
        description="How much of the diff git could read: complete, partial (some files' contents missing), "
        "unreadable, or history_cut (a shallow clone's boundary: no diff). Counts, files and signals "
        "hold only what was read."
    )
    missing_objects: list[str] = Field(description="Object ids git could not read, when not complete.")
    diff_error: str = Field(description="Why the diff is not complete; empty when it is.")
    files: list[FileDocument]
    signals: list[SignalDocument]
    importance: ImportanceDocument
    analysis: Analysis
    verification: VerificationDocument
    analyzer: str = Field(description='"offline", or "llm:<model>".')
    notes: list[str] = Field(description="Why an analysis fell back, and similar remarks.")
    from_cache: bool
    seen_share: float | None = Field(description="Share of changed lines the analyser saw, when below 1.")


class ReportDocument(_Part):
    """A changeradar report: one repository over one window."""

    model_config = ConfigDict(json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"})

    schema_version: Literal["1.2"]
    repo: RepoDocument
    branch: str
    timezone: str = Field(description="The IANA zone every time of the report is given in.")
    window: WindowDocument
    language: Literal[LANGUAGES]  # type: ignore[valid-type]  # the catalogues' languages
    analyzer: str
    model: str | None
    summary: SummaryDocument
    stats: StatsDocument
    attention: list[AttentionDocument] = Field(
        description="What needs attention, most important commits first; empty when nothing does."
    )
    highlights: list[str] = Field(description="The day's headline bullets (Markdown).")
    failures: list[str] = Field(description="What could not be done; each made the run exit with 1.")
    shallow_since: Timestamp | None = Field(
        description="A shallow clone: the commit date from which history can be trusted; null otherwise."
    )
    last_commit_at: Timestamp | None = Field(
        description="An empty window: when the branch's newest commit was committed; null otherwise."
    )
    commits: list[CommitDocument] = Field(description="Newest first.")


def build_document(report: DayReport, view: ReportView | None = None) -> ReportDocument:
    """The JSON document of a report; times are given in the report's zone."""
    view = view or build_view(report)
    summary = view.summary
    return ReportDocument(
        schema_version=SCHEMA_VERSION,
        repo=RepoDocument(name=view.repo_name, source=view.repo_source, web_url=report.repo.web_url),
        branch=report.branch,
        timezone=report.timezone,
        window=WindowDocument(start=report.window.start, end=report.window.end, label=report.window.label),
        language=report.language,
        analyzer=report.analyzer,
        model=report.model,
        summary=SummaryDocument(
            total=summary.total,
            high=summary.high,
            medium=summary.medium,
            low=summary.low,
            areas=[AreaDocument(name=area.name, commits=area.commits) for area in summary.areas],
        ),
        stats=StatsDocument(**_fields(report.stats, StatsDocument)),
        attention=[
            AttentionDocument(
                kind=item.kind,
                sha=item.sha,
                anchor=item.anchor,
                names=list(item.names),
                text=commonmark(item.line),
            )
            for item in view.attention
        ],
        highlights=report.highlights,
        failures=report.failures,
        shallow_since=report.shallow_since.astimezone(view.zone) if report.shallow_since else None,
        last_commit_at=report.last_commit_at.astimezone(view.zone) if report.last_commit_at else None,
        commits=[_commit(report, view, commit) for commit in view.commits],
    )


def render_json(report: DayReport, view: ReportView | None = None) -> str:
    """The report as indented JSON (UTF-8 text, keys in schema order), ending with one newline."""
    document = build_document(report, view)
    # As bytes until the end: the text of a report with emoji takes four bytes a character, so it is made
    # once (not again to add the newline) — a year's report is tens of megabytes.
    return (ReportDocument.__pydantic_serializer__.to_json(document, indent=2) + b"\n").decode()


def schema_text() -> str:
    """The JSON Schema of the document, as committed in `schema/report.schema.json`."""
    return _dumps(ReportDocument.model_json_schema())


def main() -> None:
    print(schema_text(), end="")


def _commit(report: DayReport, view: ReportView, commit_view: CommitView) -> CommitDocument:
    commit_report = commit_view.report
    commit = commit_report.commit
    importance = commit_report.importance
    pr = commit_report.pr_number
    zone = view.zone
    return CommitDocument(
        sha=commit.sha,
        short_sha=commit.short_sha,
        anchor=commit_view.anchor,
        subject=commit.subject,
        body=commit.body,
        author=commit.author_name,
        author_email=commit.author_email,
        committer=commit.committer_name,
        authored_at=commit.authored_at.astimezone(zone),
        committed_at=commit.committed_at.astimezone(zone),
        url=report.repo.commit_url(commit.sha),
        pr=pr,
        pr_url=report.repo.pull_url(pr) if pr else None,
        additions=commit.additions,
        deletions=commit.deletions,
        diff_status=commit.diff_status,
        missing_objects=list(commit.missing_objects),
        diff_error=commit.diff_error,
        files=[_file(file) for file in commit.files],
        signals=[SignalDocument(**_fields(signal, SignalDocument)) for signal in commit_report.signals],
        importance=ImportanceDocument(
            level=importance.level,
            score=importance.score,
            reasons=[
                ReasonDocument(
                    rule=reason.rule,
                    weight=reason.weight,
                    subject=reason.subject,
                    text=commonmark(sentence),
                )
                for reason, sentence in zip(importance.reasons, commit_view.reasons, strict=True)
            ],
        ),
        analysis=commit_report.analysis,
        verification=VerificationDocument(unverified=list(commit_report.unverified)),
        analyzer=commit_report.analyzer,
        notes=list(commit_report.notes),
        from_cache=commit_report.from_cache,
        seen_share=commit_report.seen_share,
    )


def _file(file: FileChange) -> FileDocument:
    return FileDocument(**_fields(file, FileDocument))


def _fields(source: object, document: type[BaseModel]) -> dict[str, object]:
    """The attributes of a model dataclass that a document model has fields of the same name for."""
    return {name: getattr(source, name) for name in document.model_fields}


def _dumps(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    main()
