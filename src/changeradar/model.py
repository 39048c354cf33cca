"""The data every pipeline stage hands to the next.

Stages (collect, signals, score, analyse, verify, render, publish) talk only through these types, never
through each other's internals. Commits, signals and scores are frozen dataclasses: facts that do not
change once computed. The analysis stage's contract is `AnalysisRequest` in, `AnalysisResult` out; the
result is also what the cache stores. The analysis itself is a pydantic model because it is also the JSON
schema an LLM must answer in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

_TRAILING_PULL_REQUEST = re.compile(r"^(?P<title>.*?)\s*\(#(?P<number>\d+)\)\s*$")


class Level(StrEnum):
    """Importance of a commit to a team that depends on the repository."""

    # Declared most important first, so `list(Level)` is the order a report shows them in; comparisons
    # follow importance (`Level.LOW < Level.HIGH`), not the alphabet of the values.
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for low, 1 for medium, 2 for high: larger is more important."""
        return _LEVEL_RANKS[self]

    def __lt__(self, other: object) -> bool:
        return self.rank < other.rank if isinstance(other, Level) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self.rank <= other.rank if isinstance(other, Level) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self.rank > other.rank if isinstance(other, Level) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self.rank >= other.rank if isinstance(other, Level) else NotImplemented


_LEVEL_RANKS = {Level.LOW: 0, Level.MEDIUM: 1, Level.HIGH: 2}


class FileStatus(StrEnum):
    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"
    RENAMED = "renamed"
    COPIED = "copied"
    TYPE_CHANGED = "type_changed"


class DiffStatus(StrEnum):
    """How much of a commit's diff could be read; only `complete` commits are fully described."""

    COMPLETE = "complete"
    PARTIAL = "partial"  # some files' contents are missing: those files have no counts and no patch
    UNREADABLE = "unreadable"  # no file's contents could be read (the file list may still be known)
    HISTORY_CUT = "history_cut"  # a shallow clone's boundary: the parent is not here, so there is no diff


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file of one commit, as `git log --raw -p` describes it.

    `additions`/`deletions` are the full counts of its added and removed lines (what `--numstat` says)
    even when `patch` was cut to its size bound; both are 0 for binary files (`binary` says why: git
    shows their change as "Binary files … differ", so a file renamed unchanged is never marked binary).
    `patch` holds the hunks only (from the first `@@`).
    """

    path: str
    status: FileStatus
    old_path: str | None = None
    additions: int = 0
    deletions: int = 0
    binary: bool = False
    submodule: bool = False
    old_blob: str | None = None
    new_blob: str | None = None
    patch: str = ""
    patch_truncated: bool = False


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    authored_at: datetime
    committer_name: str
    committed_at: datetime
    subject: str
    body: str
    files: tuple[FileChange, ...] = ()
    diff_status: DiffStatus = DiffStatus.COMPLETE
    missing_objects: tuple[str, ...] = ()  # object ids git could not read, when not complete
    diff_error: str = ""  # why the diff is not complete: git's message, or what we found

    @property
    def short_sha(self) -> str:
        return self.sha[:7]

    @property
    def diff_incomplete(self) -> bool:
        """git could read only part of the diff, or none of it: a failure the report names."""
        return self.diff_status in (DiffStatus.PARTIAL, DiffStatus.UNREADABLE)

    @property
    def pull_request(self) -> int | None:
        """The pull request a squash merge appends to its subject as `(#NNNN)`.

        Only a number at the very end counts: `Revert "x (#17786)"` cites the reverted pull request.
        """
        match = _TRAILING_PULL_REQUEST.match(self.subject)
        return int(match.group("number")) if match and match.group("title") else None

    @property
    def title(self) -> str:
        """The subject without the `(#NNNN)` that `pull_request` reads."""
        match = _TRAILING_PULL_REQUEST.match(self.subject)
        return match.group("title") if match and match.group("title") else self.subject

    @property
    def additions(self) -> int:
        return sum(f.additions for f in self.files)

    @property
    def deletions(self) -> int:
        return sum(f.deletions for f in self.files)


class SignalKind(StrEnum):
    """What sort of fact a signal states; the `name` of a signal is read in the light of its kind."""

    AREA = "area"  # name: area ("docs", "npu", "quantization", …)
    CHANGE_TYPE = "change_type"  # name: a ChangeType value; detail: the evidence ("tag [Fix]")
    DEPENDENCY = "dependency"  # name: package, or a floor ("go", "requires-python"); detail: "1.2 → 1.3"
    ENV_VAR = "env_var"  # name: variable
    CLI_OPTION = "cli_option"  # name: "--flag"
    API = "api"  # name: qualified name ("pkg.mod.func", "Class.method"); detail: function/class/…
    MODULE = "module"  # name: path of the module added or removed
    TESTS = "tests"  # name: test file touched
    DOCS = "docs"  # name: doc file touched
    GENERATED = "generated"  # name: path; detail: lock / vendored / generated / minified
    SECURITY = "security"  # name: pattern id ("subprocess-shell", "eval", "private-key", …)
    BREAKING = "breaking"  # name: the marker found ("BREAKING CHANGE", "!:")
    REVERT = "revert"  # name: reverted commit sha or subject
    DEPRECATION = "deprecation"  # name: what the commit deprecates ("Scorer.Timeout", "load_model")


class SignalAction(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    TOUCHED = "touched"


@dataclass(frozen=True, slots=True)
class Signal:
    """A deterministic, verifiable fact about a commit, with where it was found."""

    kind: SignalKind
    name: str
    action: SignalAction = SignalAction.TOUCHED
    detail: str = ""
    path: str | None = None
    line: int | None = None
    # Words that qualify the fact for scoring, e.g. a dependency's "patch", "indirect", "bot"; not in JSON.
    traits: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    """One rule that moved a commit's importance score; `rule` keys the sentence shown to readers."""

    rule: str
    weight: float
    subject: str = ""


@dataclass(frozen=True, slots=True)
class Importance:
    level: Level
    score: float
    reasons: tuple[Reason, ...] = ()


class ChangeType(StrEnum):
    FEATURE = "feature"
    FIX = "fix"
    PERF = "perf"
    REFACTOR = "refactor"
    DOCS = "docs"
    TEST = "test"
    CI = "ci"
    BUILD = "build"
    DEPS = "deps"
    CHORE = "chore"
    REVERT = "revert"


class Insights(BaseModel):
    """Technical insight by dimension, as in the reference report's 🔍 技术洞察 table."""

    model_config = ConfigDict(extra="forbid")

    architecture: str = Field(description="Effect on structure, modules, interfaces and coupling.")
    performance: str = Field(description="Effect on speed, memory, throughput; 'unknown' if not shown.")
    security: str = Field(description="Security and reliability effect, grounded in the diff.")
    maintainability: str = Field(description="Effect on readability, tests, duplication, coupling.")


# Contract: every text item of an Analysis is CommonMark inline prose (code spans, emphasis; one line): an
# LLM writes it so, the offline analyser serialises its typed sentences so (`inline.commonmark`), and
# renderers treat it as untrusted, neutralising links, HTML and block starts where they show it. (Said
# here, not in the docstring: the docstring is part of the JSON schema the model answers in.)
class Analysis(BaseModel):
    """One commit explained: what every analyser (offline or LLM) produces and every renderer shows."""

    model_config = ConfigDict(extra="forbid")

    change_types: list[ChangeType] = Field(min_length=1, description="Kinds of change, main one first.")
    summary: list[str] = Field(min_length=1, description="What changed and why, one point per item.")
    impact: list[str] = Field(default_factory=list, description="Files, modules and users affected.")
    insights: Insights | None = None
    risks: list[str] = Field(default_factory=list, description="What could break, and for whom.")
    recommendations: list[str] = Field(default_factory=list, description="What a dependent team should do.")
    suggested_level: Level | None = Field(default=None, description="The analyser's own importance view.")
    suggested_level_reason: str = ""

    @field_validator("change_types")
    @classmethod
    def _each_type_once(cls, change_types: list[ChangeType]) -> list[ChangeType]:
        return list(dict.fromkeys(change_types))


@dataclass(frozen=True, slots=True)
class RepoRef:
    """Which repository a report is about: its display name and where its web pages are, if anywhere."""

    name: str  # "owner/name"
    source: str  # the path or URL the user gave
    web_url: str | None = None  # "https://github.com/owner/name" when known

    def commit_url(self, sha: str) -> str | None:
        return f"{self.web_url}/commit/{sha}" if self.web_url else None

    def pull_url(self, number: int) -> str | None:
        return f"{self.web_url}/pull/{number}" if self.web_url else None


@dataclass(frozen=True, slots=True)
class Window:
    """The committer-date interval reported on: start inclusive, end exclusive, both zone-aware."""

    start: datetime
    end: datetime
    label: str  # "2026-01-29", or "2026-01-01 – 2026-01-07"

    @property
    def timezone(self) -> str:
        """The IANA name of the zone the window was built in."""
        return getattr(self.start.tzinfo, "key", None) or str(self.start.tzinfo)


@dataclass(frozen=True, slots=True)
class AnalysisRequest:
    """What an analyser is given for one commit: the facts, never the repository itself."""

    repo: RepoRef
    commit: Commit
    signals: tuple[Signal, ...]
    importance: Importance
    language: str


@dataclass(frozen=True, slots=True)
class TokenUsage:
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True, slots=True)
class AnalysisResult:
    """What an analyser answers for one request, and what the cache stores for it (all but `cached`)."""

    analysis: Analysis
    analyzer: str  # "offline", or "llm:<model>"
    notes: tuple[str, ...] = ()
    seen_share: float | None = None
    usage: TokenUsage | None = None
    latency_seconds: float | None = None
    cacheable: bool = True  # False for fallbacks, so that a re-run tries the analyser again
    cached: bool = False  # set by the pipeline when the result came from the store
    grounded: bool = False  # built only from facts extracted from the diff, so verify has nothing to check


@dataclass(slots=True)
class CommitReport:
    """Everything the report says about one commit."""

    commit: Commit
    signals: tuple[Signal, ...]
    importance: Importance
    analysis: Analysis
    analyzer: str  # "offline", or "llm:<model>"
    pr_number: int | None = None
    unverified: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # e.g. why an LLM analysis fell back to offline
    from_cache: bool = False
    seen_share: float | None = None  # share of changed lines the analyser saw, when below 1


@dataclass(frozen=True, slots=True)
class AnalysisStats:
    """How the day's analyses were obtained and what they cost; shown in the context line."""

    by_model: int = 0  # answered by the configured analyser this run (a model call, for a costly one)
    from_cache: int = 0
    fallback: int = 0  # the configured analyser failed; the offline analysis stands in
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None  # known only with a price table


@dataclass(slots=True)
class DayReport:
    """One repository over one window: the unit every renderer and publisher takes."""

    repo: RepoRef
    branch: str
    timezone: str
    window: Window
    language: str
    analyzer: str
    model: str | None
    commits: list[CommitReport] = field(default_factory=list)  # newest first
    highlights: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    stats: AnalysisStats = field(default_factory=AnalysisStats)
    shallow_since: datetime | None = None  # a shallow clone: history before this commit date is cut
    last_commit_at: datetime | None = None  # the branch's newest commit, read when the window is empty

    @property
    def incomplete_commits(self) -> int:
        """Commits whose diff could be read only in part, or not at all."""
        return sum(1 for report in self.commits if report.commit.diff_incomplete)
