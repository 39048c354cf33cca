"""The "needs attention" block: what users of the repository meet, each with its commit, and nothing else."""

from __future__ import annotations

from dataclasses import replace

from changeradar.inline import commonmark
from changeradar.model import Importance, Level, Signal, SignalAction, SignalKind
from changeradar.render.json_document import build_document
from changeradar.render.markdown import render_markdown
from changeradar.render.view import build_view
from day_reports import _commit, _file, commit_report, empty_report, sample_report

ADDED, REMOVED, CHANGED = SignalAction.ADDED, SignalAction.REMOVED, SignalAction.CHANGED


def _day(signals: tuple[Signal, ...], level: Level = Level.HIGH, author: str = "Ann Lee"):
    commit = _commit(
        "a" * 40,
        "feat: widen the scheduler",
        author,
        "2026-01-29T10:00:00+08:00",
        [_file("python/sglang/srt/server_args.py", 10, 2)],
    )
    report = commit_report((commit, signals, Importance(level, 5.0)), "en")
    return replace(empty_report("en"), commits=[report])


def _attention_text(signals: tuple[Signal, ...]) -> list[str]:
    return [commonmark(item.line) for item in build_view(_day(signals)).attention]


def test_user_facing_facts_are_listed_with_their_commit_link() -> None:
    signals = (
        Signal(SignalKind.BREAKING, "BREAKING CHANGE"),
        Signal(SignalKind.API, "sglang.Engine.stop", REMOVED, "function", "python/sglang/engine.py", 12),
        Signal(SignalKind.CLI_OPTION, "--max-batch", ADDED, "", "python/sglang/srt/server_args.py", 40),
        Signal(SignalKind.ENV_VAR, "SGLANG_DEBUG", ADDED, "", "python/sglang/srt/utils.py", 3),
        Signal(SignalKind.DEPENDENCY, "torch", CHANGED, "==2.6 → ==2.7", "pyproject.toml", 20, ("minor",)),
    )
    assert _attention_text(signals) == [
        "Breaking change: feat: widen the scheduler ([`aaaaaaa`](#c-aaaaaaa))",  # the subject, not the marker
        "Removed interface: `sglang.Engine.stop` ([`aaaaaaa`](#c-aaaaaaa))",
        "Dependency change: `torch` `==2.6 → ==2.7` ([`aaaaaaa`](#c-aaaaaaa))",
        "New command-line option: `--max-batch` ([`aaaaaaa`](#c-aaaaaaa))",
        "New environment variable: `SGLANG_DEBUG` ([`aaaaaaa`](#c-aaaaaaa))",
    ]


def test_tests_benchmarks_ci_scripts_and_routine_dependency_changes_are_left_out() -> None:
    signals = (
        Signal(SignalKind.CLI_OPTION, "--iters", ADDED, "benchmark", "benchmarks/bench_moe.py", 8),
        Signal(SignalKind.CLI_OPTION, "--port", ADDED, "script", "tools/serve.py", 8),
        Signal(SignalKind.ENV_VAR, "CI_TOKEN_NAME", ADDED, "", ".github/workflows/ci.yml", 3),
        Signal(SignalKind.ENV_VAR, "TEST_SEED", ADDED, "", "tests/test_moe.py", 3),
        Signal(SignalKind.ENV_VAR, "SGLANG_KDA_TILE", ADDED, "", "python/sglang/kda.py", 3, ("internal",)),
        Signal(SignalKind.ENV_VAR, "SGLANG_OLD_KNOB", REMOVED, "", "python/sglang/kda.py", 9, ("internal",)),
        Signal(SignalKind.API, "helpers.make_batch", REMOVED, "function", "tests/helpers.py", 5),
        Signal(SignalKind.DEPENDENCY, "pytest", CHANGED, "8.1 → 8.2", "pyproject.toml", 30, ("development",)),
        Signal(SignalKind.DEPENDENCY, "golang.org/x/sys", CHANGED, "v0.1 → v0.2", "go.mod", 9, ("indirect",)),
        Signal(
            SignalKind.DEPENDENCY, "requests", CHANGED, "2.31 → 2.32", "requirements.txt", 1, ("bot", "minor")
        ),
    )
    assert _attention_text(signals) == []
    bot_major = (
        Signal(SignalKind.DEPENDENCY, "numpy", CHANGED, "1.26 → 2.0", "pyproject.toml", 4, ("bot", "major")),
    )
    assert _attention_text(bot_major) == ["Dependency change: `numpy` `1.26 → 2.0` ([`aaaaaaa`](#c-aaaaaaa))"]


def test_the_block_comes_right_after_the_context_line_and_says_so_when_empty() -> None:
    markdown = render_markdown(_day(()))
    lines = markdown.splitlines()
    context = next(index for index, text in enumerate(lines) if text.startswith("Branch `main`"))
    assert lines[context + 2 : context + 6] == [
        '<a id="attention"></a>',
        "### 🚨 Needs attention",
        "",
        "Nothing needs attention: no breaking change, removed interface, dependency change or new "
        "user-facing option.",
    ]
    assert "🚨" not in render_markdown(empty_report("en"))  # an empty day has nothing to attend to


def test_the_json_carries_the_same_items() -> None:
    report = sample_report("zh")
    view = build_view(report)
    document = build_document(report).model_dump(mode="json")
    assert document["schema_version"] == "1.2"
    assert [item["text"] for item in document["attention"]] == [
        commonmark(item.line) for item in view.attention
    ]
    assert all(item["anchor"].startswith("c-") for item in document["attention"])


def test_a_renamed_module_path_is_a_breaking_change_told_by_its_paths() -> None:
    renamed = "github.com/llm-d/llm-d-inference-scheduler → github.com/llm-d/scheduler"
    signals = (Signal(SignalKind.DEPENDENCY, "module", CHANGED, renamed, "go.mod", 1, ("module",)),)
    assert _attention_text(signals) == [f"Breaking change: module path `{renamed}` ([`aaaaaaa`](#c-aaaaaaa))"]
    assert [item.names for item in build_view(_day(signals)).attention] == [(renamed,)]  # not "module"
    [view] = build_view(_day(signals)).commits
    assert [commonmark(fact) for fact in view.facts] == [f"Module path renamed: `{renamed}` (`go.mod:1`)"]


def test_an_interface_that_is_not_code_is_named_with_what_it_is() -> None:
    signals = (
        Signal(
            SignalKind.API, "org/epp", CHANGED, "image: breaking, org/old:1 → org/epp:1", "values.yaml", 3
        ),
        Signal(SignalKind.API, "Pool.spec.size", REMOVED, "crd field (v1)", "crds/pool.yaml", 40),
    )
    assert _attention_text(signals) == [
        "Breaking change: image `org/epp` ([`aaaaaaa`](#c-aaaaaaa))",
        "Removed interface: CRD field `Pool.spec.size` ([`aaaaaaa`](#c-aaaaaaa))",
    ]


def test_what_a_file_the_commit_calls_generated_holds_is_left_out() -> None:
    """A manifest Helm rendered (its label read from the content, not its path) declares no interface of
    the product: its RBAC rules and images stay among the facts, out of what needs attention."""
    rendered = "deploy/components/istio-control-plane/rbac.yaml"
    rule = "rbac rule: ClusterRole get, list, watch"
    signals = (
        Signal(SignalKind.GENERATED, rendered, detail="generated", path=rendered),
        Signal(SignalKind.API, "inferencepools.inference.networking.x-k8s.io", REMOVED, rule, rendered, 318),
        Signal(SignalKind.API, "endpointpickers.llm-d.ai", REMOVED, rule, "deploy/rbac.yaml", 12),
    )
    assert _attention_text(signals) == [
        "Removed interface: RBAC rule `endpointpickers.llm-d.ai` ([`aaaaaaa`](#c-aaaaaaa))"
    ]
    [view] = build_view(_day(signals)).commits
    assert [commonmark(fact).partition(" (")[0] for fact in view.facts] == [
        "Removed RBAC rule `endpointpickers.llm-d.ai`",
        "Removed RBAC rule `inferencepools.inference.networking.x-k8s.io`",
    ]


def test_a_removed_class_is_named_once_with_the_count_of_the_members_it_took() -> None:
    """flashinfer's 94f6ae8 renamed a kernel class: its three methods went with it."""
    module = "flashinfer.gemm.dense_gemm_blackwell"
    kernel = f"{module}.BlackwellDenseGemmKernel"
    path = "flashinfer/gemm/dense_gemm_blackwell.py"
    signals = (
        Signal(SignalKind.API, kernel, REMOVED, "class", path, 128),
        *(
            Signal(SignalKind.API, f"{kernel}.{method}", REMOVED, "method", path, line)
            for method, line in (("kernel", 503), ("wrapper", 531), ("can_implement", 600))
        ),
        Signal(SignalKind.API, f"{module}.make_ptr", REMOVED, "function", path, 30),
        Signal(SignalKind.API, "gemm::Runner::run", REMOVED, "method", "include/gemm.h", 9),
    )
    assert _attention_text(signals) == [
        f"Removed interfaces: `{kernel}` with 3 members, `{module}.make_ptr`, `gemm::Runner::run` "
        "([`aaaaaaa`](#c-aaaaaaa))"
    ]
    [item] = build_view(_day(signals)).attention
    assert len(item.names) == 6  # the JSON still names every one


def test_a_raised_language_floor_is_named_as_one_not_as_a_package() -> None:
    floor = Signal(
        SignalKind.DEPENDENCY, "rust-version", CHANGED, "1.85.1 → 1.87.0", "Cargo.toml", 12, ("floor",)
    )
    assert _attention_text((floor,)) == [
        "Dependency change: language floor `rust-version` `1.85.1 → 1.87.0` ([`aaaaaaa`](#c-aaaaaaa))"
    ]


def test_a_removed_environment_variable_says_what_its_bare_name_is() -> None:
    """Among a refactor's removed workloads, `LOG_LEVEL` alone could be anything (llm-d's 64dfc62)."""
    manifest = "deploy/components/vllm-sim/deployments.yaml"
    signals = (
        Signal(SignalKind.API, "Deployment vllm-sim", REMOVED, "workload: Deployment", manifest, 1),
        Signal(SignalKind.ENV_VAR, "LOG_LEVEL", REMOVED, "", manifest, 26),
        Signal(SignalKind.ENV_VAR, "PROBE_PORT", ADDED, "", manifest, 28),
    )
    assert _attention_text(signals) == [
        "Removed interfaces: workload `Deployment vllm-sim`, environment variable `LOG_LEVEL` "
        "([`aaaaaaa`](#c-aaaaaaa))",
        "New environment variable: `PROBE_PORT` ([`aaaaaaa`](#c-aaaaaaa))",
    ]


def test_an_interface_a_later_commit_of_the_window_undoes_says_so() -> None:
    """mini-sglang's 2025-12-05: a variable added by e242a1c and removed again by 972302a the same day."""
    path = "python/minisgl/env.py"
    added = Signal(SignalKind.ENV_VAR, "MINISGL_SKIP_CHECK", ADDED, "", path, 3)
    reports = []
    for sha, subject, time, signal in (
        ("a" * 40, "refactor: clean up benchmark code", "2025-12-05T10:00:00+08:00", added),
        ("b" * 40, "misc: enhance shell", "2025-12-05T17:00:00+08:00", replace(added, action=REMOVED)),
    ):
        commit = _commit(sha, subject, "Ann Lee", time, [_file(path, 3, 1)])
        reports.append(commit_report((commit, (signal,), Importance(Level.MEDIUM, 3.0)), "en"))
    day = replace(empty_report("en"), commits=reports)
    assert [commonmark(item.line) for item in build_view(day).attention] == [
        "New environment variable: `MINISGL_SKIP_CHECK` (removed again in [`bbbbbbb`](#c-bbbbbbb)) "
        "([`aaaaaaa`](#c-aaaaaaa))",
        "Removed interface: environment variable `MINISGL_SKIP_CHECK` ([`bbbbbbb`](#c-bbbbbbb))",
    ]
    zh = replace(day, language="zh", commits=[replace(r) for r in day.commits])
    assert "（随后在 [`bbbbbbb`](#c-bbbbbbb) 中移除）" in commonmark(build_view(zh).attention[0].line)


def test_a_change_a_later_commit_takes_back_says_so_and_another_change_does_not() -> None:
    """llm-d's 2026-04-30: f2e86e1 moved the chart's image to another registry, and cac6afc moved it back."""
    path = "config/charts/inferencepool/values.yaml"
    upstream, ours = "k8s.gcr/epp:main", "ghcr.io/llm-d/scheduler:dev"
    detail = f"image: breaking, {upstream} → {ours}"
    moved = Signal(SignalKind.API, "ghcr.io/llm-d/scheduler", CHANGED, detail, path, 3)
    back = replace(moved, name="k8s.gcr/epp", detail=f"image: breaking, {ours} → {upstream}")
    elsewhere = replace(back, detail=f"image: breaking, {ours} → k8s.gcr/other:main")
    reports = []
    for sha, time, signal in (
        ("a" * 40, "2026-04-30T16:17:24-07:00", moved),
        ("b" * 40, "2026-04-30T16:34:28-07:00", back),
        ("c" * 40, "2026-04-30T17:00:00-07:00", elsewhere),
    ):
        commit = _commit(sha, "deploy: images", "Ann Lee", time, [_file(path, 1, 1)])
        reports.append(commit_report((commit, (signal,), Importance(Level.HIGH, 5.0)), "en"))
    day = replace(empty_report("en"), commits=reports)
    texts = {item.sha[0]: commonmark(item.line) for item in build_view(day).attention}
    assert texts["a"] == (
        "Breaking change: image `ghcr.io/llm-d/scheduler` (changed back in [`bbbbbbb`](#c-bbbbbbb)) "
        "([`aaaaaaa`](#c-aaaaaaa))"
    )
    assert texts["b"] == "Breaking change: image `k8s.gcr/epp` ([`bbbbbbb`](#c-bbbbbbb))"  # then elsewhere
    zh = replace(day, language="zh", commits=[replace(r) for r in day.commits])
    (first,) = [item for item in build_view(zh).attention if item.sha[0] == "a"]
    assert "（随后在 [`bbbbbbb`](#c-bbbbbbb) 中改回）" in commonmark(first.line)


def test_a_pin_of_another_package_moved_the_other_way_takes_nothing_back() -> None:
    """A dependency's detail holds its versions alone: `numpy 1.0 → 2.0`, then `scipy 2.0 → 1.0` in the
    same manifest, undo nothing; `numpy 2.0 → 1.0` does."""
    path = "pyproject.toml"
    bump = Signal(SignalKind.DEPENDENCY, "numpy", CHANGED, "1.0 → 2.0", path, 3)

    def first_item(later: Signal) -> str:
        reports = []
        for sha, time, signal in (
            ("a" * 40, "2026-01-29T09:00:00+08:00", bump),
            ("b" * 40, "2026-01-29T10:00:00+08:00", later),
        ):
            commit = _commit(sha, "deps: pins", "Ann Lee", time, [_file(path, 1, 1)])
            reports.append(commit_report((commit, (signal,), Importance(Level.MEDIUM, 3.0)), "en"))
        day = replace(empty_report("en"), commits=reports)
        (item,) = [item for item in build_view(day).attention if item.sha[0] == "a"]
        return commonmark(item.line)

    assert "changed back" not in first_item(replace(bump, name="scipy", detail="2.0 → 1.0"))
    assert "(changed back in [`bbbbbbb`](#c-bbbbbbb))" in first_item(replace(bump, detail="2.0 → 1.0"))
