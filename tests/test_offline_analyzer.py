"""The offline analyser: every field filled from facts, in Chinese and English, naming only real files."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from changeradar.analyse import AnalysisRequest, create_analyzer
from changeradar.analyse.offline import VERSION, OfflineAnalyzer, analyse_commit, day_overview
from changeradar.config import AnalyzerSettings
from changeradar.errors import BadInput
from changeradar.model import (
    Analysis,
    ChangeType,
    FileChange,
    FileStatus,
    Importance,
    Level,
    Signal,
    SignalAction,
    SignalKind,
)
from day_reports import REPO, sample_report
from diffs import make_commit

LANGUAGES = ("zh", "en")
CJK = re.compile(r"[\u4e00-\u9fff]")
CODE_SPAN = re.compile(r"(`+)\s?(.+?)\s?\1")
HIGH = Importance(Level.HIGH, 9.0)


def request_for(report_index: int, language: str) -> AnalysisRequest:
    """The request behind one commit of the sample day."""
    report = sample_report(language).commits[report_index]
    return AnalysisRequest(REPO, report.commit, report.signals, report.importance, language)


def every_text(analysis: Analysis) -> list[str]:
    insights = analysis.insights
    assert insights is not None
    return [
        *analysis.summary,
        *analysis.impact,
        *analysis.risks,
        *analysis.recommendations,
        insights.architecture,
        insights.performance,
        insights.security,
        insights.maintainability,
        analysis.suggested_level_reason,
    ]


def facts_request(signals: tuple[Signal, ...], files: tuple[FileChange, ...] = (), language: str = "en"):
    commit = make_commit(
        "Rework the scheduler",
        files=files or (FileChange("python/pkg/core.py", FileStatus.MODIFIED, additions=10, deletions=2),),
    )
    return AnalysisRequest(REPO, commit, signals, HIGH, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_high_commit_gets_every_field_filled(language: str) -> None:
    analysis = analyse_commit(request_for(1, language))
    assert analysis.change_types == [ChangeType.FEATURE]
    assert all(text.strip() for text in every_text(analysis))
    assert analysis.summary and analysis.impact and analysis.risks and analysis.recommendations
    assert analysis.suggested_level is Level.HIGH


@pytest.mark.parametrize("language", LANGUAGES)
def test_only_files_of_the_commit_are_named(language: str) -> None:
    request = request_for(1, language)
    paths = {file.path for file in request.commit.files}
    named = [
        span.rsplit(":", 1)[0] if re.search(r":\d+$", span) else span
        for text in every_text(analyse_commit(request))
        for _, span in CODE_SPAN.findall(text)
        if "/" in span
    ]
    assert len(named) >= 6
    assert set(named) <= paths


def test_each_language_reads_in_its_own_words() -> None:
    chinese = every_text(analyse_commit(request_for(1, "zh")))
    english = every_text(analyse_commit(request_for(1, "en")))
    assert all(CJK.search(text) for text in chinese)
    assert not any(CJK.search(text) for text in english)


def test_summary_gives_size_and_the_authors_words_not_the_title_or_the_facts() -> None:
    summary = analyse_commit(request_for(1, "en")).summary
    assert summary[0] == "5 files changed, +842/−6 lines."
    assert not any("MORI-IO (#14626)" in point or "SGLANG_MORI_QP_PER_TRANSFER" in point for point in summary)


def test_impact_lists_areas_then_the_products_files_then_the_others_each_by_size() -> None:
    impact = analyse_commit(request_for(1, "zh")).impact
    assert impact[0] == "涉及领域：PD 分离、Docker。"  # area names in the report's language
    assert impact[1] == "`python/sglang/srt/disaggregation/mori/conn.py`：新文件，+612 行"
    assert impact[4] == "`python/sglang/srt/server_args.py`：+12/−1 行"
    # Larger than three of the product's files, but a test: it comes last.
    assert impact[-1] == "`test/manual/test_mori_transfer_engine_e2e.py`：新文件，+158 行"
    assert len(impact) == 6


def test_security_signals_are_reported_with_file_and_line() -> None:
    analysis = analyse_commit(request_for(1, "en"))
    assert analysis.insights is not None
    assert "`git-clone-in-dockerfile` (`docker/rocm.Dockerfile:97`)" in analysis.insights.security
    assert "Review the code at `docker/rocm.Dockerfile:97`." in analysis.recommendations


def test_removed_interfaces_and_breaking_markers_become_risks_and_actions() -> None:
    signals = (
        Signal(SignalKind.BREAKING, "BREAKING CHANGE"),
        Signal(
            SignalKind.API, "pkg.core.load_model", SignalAction.REMOVED, path="python/pkg/core.py", line=3
        ),
        Signal(
            SignalKind.CLI_OPTION, "--legacy-mode", SignalAction.REMOVED, path="python/pkg/core.py", line=9
        ),
    )
    analysis = analyse_commit(facts_request(signals))
    assert analysis.risks[:3] == [
        "The commit declares a breaking change: callers relying on the old behaviour must change.",
        "Public API removed: code that still calls it will break.",
        "Command-line option removed: a launch command still passing one will fail.",
    ]
    assert "Search your code and deployment scripts for uses of the removed names." in (
        analysis.recommendations
    )
    assert analysis.insights is not None
    assert analysis.insights.architecture == "Structure: 1 public API removed, 1 command-line option removed."


def test_a_benchmarks_options_and_internal_variables_are_not_told_as_what_users_meet() -> None:
    """They stay among the facts; the structure, risks and advice speak of what users run and set."""
    signals = (
        Signal(
            SignalKind.CLI_OPTION, "--iters", SignalAction.ADDED, "benchmark", "benchmarks/bench_kda.py", 8
        ),
        Signal(
            SignalKind.CLI_OPTION, "--warmup", SignalAction.REMOVED, "benchmark", "benchmarks/bench_kda.py"
        ),
        Signal(
            SignalKind.ENV_VAR,
            "PKG_KDA_TILE",
            SignalAction.ADDED,
            path="python/pkg/kda.py",
            traits=("internal",),
        ),
        Signal(
            SignalKind.ENV_VAR,
            "PKG_OLD_KNOB",
            SignalAction.REMOVED,
            path="python/pkg/kda.py",
            traits=("internal",),
        ),
    )
    analysis = analyse_commit(facts_request(signals))
    assert analysis.risks == []
    assert analysis.recommendations == []
    assert analysis.insights is not None
    assert analysis.insights.architecture.startswith("No module, public API or command-line option added")
    user_facing = (
        Signal(SignalKind.ENV_VAR, "PKG_LOG_LEVEL", SignalAction.ADDED, path="python/pkg/core.py"),
    )
    assert analyse_commit(facts_request(signals + user_facing)).recommendations == [
        "Check whether the defaults of the new environment variable suit your deployment."
    ]
    launcher_option = (
        Signal(SignalKind.CLI_OPTION, "--kda-tile", SignalAction.ADDED, path="python/pkg/core.py"),
    )
    assert analyse_commit(facts_request(signals + launcher_option)).recommendations == [
        "Check whether the defaults of the new option suit your deployment."
    ]
    assert analyse_commit(facts_request(signals + user_facing + launcher_option)).recommendations == [
        "Check whether the defaults of the new options and environment variables suit your deployment."
    ]


def test_interfaces_that_are_not_code_are_told_by_what_they_are_not_as_public_api() -> None:
    """A removed workload or image breaks installs, not calling code; a renamed image breaks nothing a
    caller compiles, but whatever pulls the old name."""
    manifest = "deploy/sim.yaml"
    signals = (
        Signal(SignalKind.API, "Deployment sim", SignalAction.REMOVED, "workload: Deployment", manifest, 1),
        Signal(
            SignalKind.API, "ghcr.io/org/sim", SignalAction.REMOVED, "image: ghcr.io/org/sim:v1", manifest
        ),
        Signal(SignalKind.API, "spec.size", SignalAction.REMOVED, "crd field (v1)", "crds/lws.yaml", 9),
        Signal(
            SignalKind.API,
            "ghcr.io/org/epp",
            SignalAction.CHANGED,
            "image: breaking, registry.k8s.io/epp:main → ghcr.io/org/epp:dev",
            "charts/values.yaml",
            3,
        ),
    )
    files = tuple(FileChange(path, FileStatus.MODIFIED, 3, 3) for path in (manifest, "crds/lws.yaml"))
    analysis = analyse_commit(facts_request(signals, files))
    assert analysis.insights is not None
    assert analysis.insights.architecture == (
        "Structure: 1 schema item removed, 1 deployment item removed, 1 container image removed."
    )
    assert analysis.risks == [
        "Schema item removed: clients, peers and stored resources that still use one will fail.",
        "Chart values, RBAC rules or workloads removed: installs that set or rely on them will behave "
        "differently.",
        "Container image removed: a deployment that still pulls one by name will fail.",
        "1 interface changed incompatibly: whatever still uses the old form must change with it.",
    ]
    assert analysis.recommendations[:2] == [
        "Search your code and deployment scripts for uses of the removed names.",
        "Update whatever still uses the old form (manifests, clients, pinned image names) before upgrading.",
    ]
    assert not any("public API" in text for text in every_text(analysis))
    zh = analyse_commit(facts_request(signals, files, "zh"))
    assert zh.risks[-1] == "1 项接口发生不兼容变更：仍使用旧形式的一方需随之修改。"


def test_a_large_change_without_tests_is_a_risk() -> None:
    big = (FileChange("python/pkg/core.py", FileStatus.MODIFIED, additions=280, deletions=40),)
    analysis = analyse_commit(facts_request((), big))
    assert "A large source change (+280/−40 lines) touches no test file." in analysis.risks
    assert "Validate this change in your own workloads before upgrading." in analysis.recommendations


def test_without_risky_facts_there_are_no_risks_or_actions_rather_than_boilerplate() -> None:
    analysis = analyse_commit(facts_request(()))
    assert analysis.risks == []
    assert analysis.recommendations == []
    assert analysis.insights is not None
    assert analysis.insights.performance == "Not determinable from the diff."
    assert analysis.insights.security == "No security-sensitive pattern in added lines."


@pytest.mark.parametrize(
    ("signals", "expected"),
    [
        ((Signal(SignalKind.CHANGE_TYPE, "perf"),), "Classified as a performance change"),
        ((Signal(SignalKind.AREA, "moe", path="python/pkg/core.py"),), "The change touches moe"),
        ((Signal(SignalKind.AREA, "docs"),), "Not determinable from the diff."),
    ],
)
def test_performance_is_stated_only_as_far_as_facts_go(signals: tuple[Signal, ...], expected: str) -> None:
    insights = analyse_commit(facts_request(signals)).insights
    assert insights is not None and insights.performance.startswith(expected)


@pytest.mark.parametrize(
    ("signals", "expected"),
    [
        (
            (Signal(SignalKind.CHANGE_TYPE, "fix"), Signal(SignalKind.CHANGE_TYPE, "refactor")),
            ["fix", "refactor"],
        ),
        ((Signal(SignalKind.REVERT, "abc1234"),), ["revert"]),
        ((Signal(SignalKind.DEPENDENCY, "torch", SignalAction.CHANGED, "2.4 → 2.5"),), ["deps"]),
        ((Signal(SignalKind.MODULE, "python/pkg/core.py", SignalAction.ADDED),), ["feature"]),
        ((), ["chore"]),
    ],
)
def test_change_types_come_from_signals_or_else_from_other_facts(
    signals: tuple[Signal, ...], expected: list[str]
) -> None:
    assert analyse_commit(facts_request(signals)).change_types == [ChangeType(value) for value in expected]


def test_dependency_changes_are_a_risk_and_an_action() -> None:
    signal = Signal(SignalKind.DEPENDENCY, "torch", SignalAction.CHANGED, "2.4 → 2.5", "pyproject.toml", 12)
    analysis = analyse_commit(facts_request((signal,), language="zh"))
    assert "依赖发生变更：安装结果和运行环境可能与之前不同。" in analysis.risks
    assert "升级后重新安装依赖并运行测试。" in analysis.recommendations


def test_a_renamed_module_path_is_its_own_risk_and_action_not_a_dependency_change() -> None:
    renamed = Signal(
        SignalKind.DEPENDENCY, "module", SignalAction.CHANGED, "a/x → a/y", "go.mod", 1, ("module",)
    )
    analysis = analyse_commit(facts_request((renamed,)))
    assert analysis.risks == ["The module path is renamed: every import of the old path breaks."]
    assert analysis.recommendations == [
        "Replace the old module path in your imports and go.mod before upgrading."
    ]
    bump = Signal(SignalKind.DEPENDENCY, "k8s.io/api", SignalAction.CHANGED, "v0.30.1 → v0.31.0", "go.mod", 9)
    assert analyse_commit(facts_request((renamed, bump))).recommendations == [
        "Replace the old module path in your imports and go.mod before upgrading.",
        "Reinstall dependencies and run your tests after upgrading.",
    ]


def test_an_empty_commit_says_so() -> None:
    request = AnalysisRequest(REPO, make_commit("chore: trigger the nightly benchmarks"), (), HIGH, "zh")
    assert analyse_commit(request).summary == ["空提交，没有文件改动。"]


def test_the_analyser_is_registered_and_reports_progress_per_commit() -> None:
    analyzer = create_analyzer(AnalyzerSettings(name="offline"))
    assert isinstance(analyzer, OfflineAnalyzer)
    done: list[int] = []
    requests = [request_for(index, "en") for index in range(4)]
    results = analyzer.analyse(requests, done.append)
    assert done == [1, 1, 1, 1]
    assert [result.analyzer for result in results] == ["offline"] * 4
    assert results[1].analysis == analyse_commit(requests[1])


def test_the_cache_key_names_version_and_language_and_follows_the_facts() -> None:
    analyzer = OfflineAnalyzer(AnalyzerSettings())
    request = request_for(1, "zh")
    key = analyzer.cache_key(request)
    assert key.startswith(f"offline:{VERSION}:zh:")
    assert key == analyzer.cache_key(request_for(1, "zh"))
    assert analyzer.cache_key(request_for(1, "en")) == key.replace(":zh:", ":en:")
    fewer_signals = AnalysisRequest(REPO, request.commit, request.signals[:-1], request.importance, "zh")
    assert analyzer.cache_key(fewer_signals) != key


def test_an_unknown_language_is_bad_input() -> None:
    with pytest.raises(BadInput, match="'fr'"):
        analyse_commit(facts_request((), language="fr"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_overview_names_the_notable_commits_and_leaves_counts_and_interfaces_to_their_blocks(
    language: str,
) -> None:
    bullets = day_overview(sample_report(language).commits, language)
    subject = "[PD] Support KV transfer with MORI-IO (#14626)"
    assert bullets == (
        [f"高重要度：{subject}（`cbf90d7`）。", f"含安全敏感模式的提交：{subject}（`cbf90d7`）。"]
        if language == "zh"
        else [
            f"High importance: {subject} (`cbf90d7`).",
            f"Commits with security-sensitive patterns: {subject} (`cbf90d7`).",
        ]
    )
    assert day_overview([], language) == []


def test_the_overview_names_breaking_and_security_sensitive_commits() -> None:
    report = sample_report("en").commits[1]
    report.signals = (*report.signals, Signal(SignalKind.BREAKING, "BREAKING CHANGE"))
    bullets = day_overview([report], "en")
    subject = "[PD] Support KV transfer with MORI-IO (#14626) (`cbf90d7`)"
    assert bullets == [
        f"High importance: {subject}.",
        f"Breaking or reverting commits: {subject}.",
        f"Commits with security-sensitive patterns: {subject}.",
    ]


def test_a_revert_that_changes_only_tests_is_no_headline() -> None:
    """llm-d's 2026-05-05 imported a project's test history: "Healthcheck fix" squashes reverts of
    commits that the imported files only show in a test manifest."""
    report = sample_report("en").commits[0]
    revert = Signal(SignalKind.REVERT, "a305927da234c48e89f917313fdf48daba81827e")
    manifest = replace(report.commit.files[0], path="test/testdata/pool.yaml")
    in_tests = replace(report.commit, files=(manifest,))
    assert day_overview([replace(report, commit=in_tests, signals=(revert,))], "en") == []
    bullets = day_overview([replace(report, signals=(revert,))], "en")
    assert [bullet.split(":")[0] for bullet in bullets] == ["Breaking or reverting commits"]


def test_the_cache_key_changes_with_every_fact_the_analysis_is_made_from() -> None:
    analyzer = OfflineAnalyzer(AnalyzerSettings())
    request = request_for(0, "en")
    signal = request.signals[0]
    key = analyzer.cache_key(request)
    assert key.startswith(f"offline:{VERSION}:en:") and key == analyzer.cache_key(request_for(0, "en"))
    others = [
        request_for(0, "zh"),
        request_for(1, "en"),
        replace(request, importance=Importance(Level.LOW, 0.0)),
        replace(request, signals=request.signals[1:]),
        *(
            replace(request, signals=(replace(signal, **change), *request.signals[1:]))
            for change in (
                {"detail": signal.detail + " "},
                {"line": (signal.line or 0) + 1},
                {"traits": (*signal.traits, "bot")},
                {
                    "action": SignalAction.REMOVED
                    if signal.action is SignalAction.ADDED
                    else SignalAction.ADDED
                },
            )
        ),
    ]
    assert len({key, *(analyzer.cache_key(other) for other in others)}) == len(others) + 1
