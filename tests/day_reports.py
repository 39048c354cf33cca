"""Hand-built day reports for renderer and analyser tests: sglang-like commits of every level, one hostile.

Facts (files, signals, importance) are fixed here; analyses come from the offline analyser, except one
written as an LLM would answer, in both languages, with a differing level, an unverified name and a
partial view of the diff.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from changeradar.analyse import AnalysisRequest
from changeradar.analyse.offline import analyse_commit
from changeradar.model import (
    Analysis,
    AnalysisStats,
    ChangeType,
    Commit,
    CommitReport,
    DayReport,
    FileChange,
    FileStatus,
    Importance,
    Level,
    Reason,
    RepoRef,
    Signal,
    SignalAction,
    SignalKind,
    Window,
)

REPO = RepoRef(
    "sgl-project/sglang", "https://github.com/sgl-project/sglang.git", "https://github.com/sgl-project/sglang"
)
ZONE = "Asia/Shanghai"
HOSTILE_SUBJECT = "Fix `|` in <script>alert(1)</script> [x](http://evil.example) *a* _b_ | c #"


def day_window(day: str = "2026-01-29") -> Window:
    start = datetime.fromisoformat(day).replace(tzinfo=ZoneInfo(ZONE))
    return Window(start, start + timedelta(days=1), day)


def sample_report(language: str) -> DayReport:
    """Four commits, newest first: a medium one analysed by an LLM, a high one, a low one, a hostile one."""
    commits = [
        _llm_analysed(_ZIMAGE, language),
        _offline(_MORI, language),
        _offline(_RUNAI, language, notes=("LLM answer was not valid JSON; offline analysis shown.",)),
        _offline(_HOSTILE, language),
    ]
    return _report(language, commits, highlights=_highlights(commits, language))


def empty_report(language: str) -> DayReport:
    return _report(language, [], highlights=[])


def commit_report(case: tuple[Commit, tuple[Signal, ...], Importance], language: str) -> CommitReport:
    return _offline(case, language)


def _report(language: str, commits: list[CommitReport], highlights: list[str]) -> DayReport:
    return DayReport(
        repo=REPO,
        branch="main",
        timezone=ZONE,
        window=day_window(),
        language=language,
        analyzer="offline",
        model=None,
        commits=commits,
        highlights=highlights,
        stats=AnalysisStats(),
    )


def _highlights(commits: list[CommitReport], language: str) -> list[str]:
    from changeradar.analyse.offline import day_overview

    return day_overview(commits, language)


def _offline(
    case: tuple[Commit, tuple[Signal, ...], Importance], language: str, notes: tuple[str, ...] = ()
) -> CommitReport:
    commit, signals, importance = case
    analysis = analyse_commit(AnalysisRequest(REPO, commit, signals, importance, language))
    return CommitReport(commit, signals, importance, analysis, "offline", _pr_number(commit), notes=notes)


def _llm_analysed(case: tuple[Commit, tuple[Signal, ...], Importance], language: str) -> CommitReport:
    commit, signals, importance = case
    return CommitReport(
        commit,
        signals,
        importance,
        _ZIMAGE_ANALYSIS[language],
        "llm:qwen3-32b",
        _pr_number(commit),
        unverified=("python/sglang/multimodal_gen/zimage_turbo.py",),
        seen_share=0.62,
    )


def _pr_number(commit: Commit) -> int | None:
    tail = commit.subject.rsplit("(#", 1)
    return int(tail[1].rstrip(")")) if len(tail) == 2 and tail[1].rstrip(")").isdigit() else None


def _commit(
    sha: str, subject: str, author: str, when: str, files: list[FileChange], body: str = ""
) -> Commit:
    moment = datetime.fromisoformat(when).astimezone(UTC)
    return Commit(
        sha=sha,
        parents=("f" * 40,),
        author_name=author,
        author_email=f"{author.split()[0].lower()}@example.com",
        authored_at=moment,
        committer_name="GitHub",
        committed_at=moment,
        subject=subject,
        body=body,
        files=tuple(files),
    )


def _file(path: str, additions: int, deletions: int, status: FileStatus = FileStatus.MODIFIED) -> FileChange:
    return FileChange(path=path, status=status, additions=additions, deletions=deletions)


_MORI_CONN = "python/sglang/srt/disaggregation/mori/conn.py"
_MORI = (
    _commit(
        "cbf90d70ff04ca3bef9f53e07215b5571aa317a4",
        "[PD] Support KV transfer with MORI-IO (#14626)",
        "Niko Ma",
        "2026-01-29T15:22:41+08:00",
        [
            _file("docker/rocm.Dockerfile", 46, 3),
            _file(_MORI_CONN, 612, 0, FileStatus.ADDED),
            _file("python/sglang/srt/disaggregation/utils.py", 14, 2),
            _file("python/sglang/srt/server_args.py", 12, 1),
            _file("test/manual/test_mori_transfer_engine_e2e.py", 158, 0, FileStatus.ADDED),
        ],
    ),
    (
        Signal(SignalKind.AREA, "disaggregation", detail="tag"),
        Signal(SignalKind.AREA, "docker", detail="rule docker/", path="docker/rocm.Dockerfile"),
        Signal(SignalKind.CHANGE_TYPE, "feature", detail="verb Support"),
        Signal(SignalKind.MODULE, _MORI_CONN, SignalAction.ADDED, path=_MORI_CONN),
        Signal(
            SignalKind.ENV_VAR, "SGLANG_MORI_QP_PER_TRANSFER", SignalAction.ADDED, path=_MORI_CONN, line=42
        ),
        Signal(
            SignalKind.CLI_OPTION,
            "--disaggregation-transfer-backend",
            SignalAction.CHANGED,
            detail="choices += mori",
            path="python/sglang/srt/server_args.py",
            line=3120,
        ),
        Signal(
            SignalKind.API,
            "sglang.srt.disaggregation.mori.conn.MoriKVManager",
            SignalAction.ADDED,
            detail="class",
            path=_MORI_CONN,
            line=88,
        ),
        Signal(SignalKind.TESTS, "test/manual/test_mori_transfer_engine_e2e.py"),
        Signal(
            SignalKind.SECURITY,
            "git-clone-in-dockerfile",
            SignalAction.ADDED,
            path="docker/rocm.Dockerfile",
            line=97,
        ),
    ),
    Importance(
        Level.HIGH,
        9.1,
        (
            Reason("security_sensitive", 3.5, "git-clone-in-dockerfile"),
            Reason("cli_option_changed", 2.5, "--disaggregation-transfer-backend"),
            Reason("env_var_added", 1.5, "SGLANG_MORI_QP_PER_TRANSFER"),
            Reason("feature", 1.6, "verb Support"),
        ),
    ),
)

_ZIMAGE_CONFIG = "python/sglang/multimodal_gen/configs/sample/zimage.py"
_ZIMAGE = (
    _commit(
        "3c2f4c7bbe0c76ed900db2569d4b3802ed7fd24d",
        "[diffusion] model: sync with upstream z-Image  (#17822)",
        "Yuhao Yang",
        "2026-01-29T21:10:11+08:00",
        [
            _file(_ZIMAGE_CONFIG, 48, 6),
            _file("python/sglang/multimodal_gen/runtime/pipelines_core/stages/denoising.py", 31, 4),
        ],
    ),
    (
        Signal(SignalKind.AREA, "diffusion", detail="tag"),
        Signal(SignalKind.CHANGE_TYPE, "feature", detail="verb sync"),
        Signal(
            SignalKind.CLI_OPTION, "--cfg-normalization", SignalAction.ADDED, path=_ZIMAGE_CONFIG, line=71
        ),
    ),
    Importance(Level.MEDIUM, 5.2, (Reason("cli_option_added", 5.0, "--cfg-normalization"),)),
)

_ZIMAGE_ANALYSIS = {
    "zh": Analysis(
        change_types=[ChangeType.FEATURE],
        summary=["为 Z-Image 增加 Turbo 采样参数，并在 `SamplingParams` 中加入 `cfg_normalization`。"],
        impact=["`python/sglang/multimodal_gen/configs/sample/zimage.py`（采样参数）"],
        risks=["`cfg_normalization` 在去噪阶段被裁剪两次，实际缩放可能与预期不同。"],
        recommendations=["使用 `--cfg-normalization` 前在 Z-Image 与 Z-Image-Turbo 上各跑一次对比。"],
        suggested_level=Level.HIGH,
        suggested_level_reason="新增面向用户的命令行选项",
    ),
    "en": Analysis(
        change_types=[ChangeType.FEATURE],
        summary=[
            "Adds Turbo sampling parameters for Z-Image and a `cfg_normalization` field to `SamplingParams`."
        ],
        impact=["`python/sglang/multimodal_gen/configs/sample/zimage.py` (sampling parameters)"],
        risks=["`cfg_normalization` is clipped twice during denoising, so the effective scale may differ."],
        recommendations=["Compare Z-Image and Z-Image-Turbo once each before using `--cfg-normalization`."],
        suggested_level=Level.HIGH,
        suggested_level_reason="adds a user-facing command-line option",
    ),
}

_RUNAI = (
    _commit(
        "3fcda00e8c057500abbb7ac70135029647f97ec7",
        "[CI] Fix CI timeouts by upgrading runai_model_streamer (related to #16937) (#17636)",
        "Prozac614",
        "2026-01-29T09:09:45+08:00",
        [_file(".github/workflows/pr-test.yml", 3, 0), _file("python/pyproject.toml", 1, 1)],
    ),
    (
        Signal(SignalKind.AREA, "ci", detail="tag"),
        Signal(SignalKind.AREA, "build", detail="rule pyproject*.toml", path="python/pyproject.toml"),
        Signal(SignalKind.CHANGE_TYPE, "ci", detail="tag [CI]"),
        Signal(SignalKind.CHANGE_TYPE, "fix", detail="verb Fix"),
        Signal(
            SignalKind.DEPENDENCY,
            "runai_model_streamer",
            SignalAction.CHANGED,
            detail=">=0.15.0 → >=0.15.5",
            path="python/pyproject.toml",
            line=61,
        ),
        Signal(
            SignalKind.ENV_VAR,
            "RUNAI_STREAMER_MEMORY_LIMIT",
            SignalAction.ADDED,
            path=".github/workflows/pr-test.yml",
            line=30,
        ),
    ),
    Importance(
        Level.LOW, 2.4, (Reason("dependency_changed", 2.5, "runai_model_streamer"), Reason("ci_only", -0.1))
    ),
)

_HOSTILE_PATH = "docs/a|b `c` <d>.md"
_HOSTILE = (
    _commit(
        "0ff0d181ca9d68f870fc45e8495bbf761ca2634f",
        HOSTILE_SUBJECT,
        "Eve | <b>Mallory</b>",
        "2026-01-29T08:24:23+08:00",
        [_file(_HOSTILE_PATH, 2, 2)],
        body="line one\n| not | a | row |",
    ),
    (
        Signal(SignalKind.AREA, "docs", detail="rule docs/", path=_HOSTILE_PATH),
        Signal(SignalKind.CHANGE_TYPE, "docs", detail="docs-only files"),
        Signal(SignalKind.DOCS, _HOSTILE_PATH),
    ),
    Importance(Level.LOW, 0.0, (Reason("docs_only", -1.5),)),
)
