"""Importance scoring: levels, reasons, caps, weight overrides and the sentences readers see."""

from __future__ import annotations

import pytest

from changeradar.config import ImportanceSettings
from changeradar.errors import BadInput
from changeradar.model import FileChange, Importance, Level, Reason, Signal, SignalAction, SignalKind
from changeradar.render.view import describe_reason
from changeradar.score import check_weights, default_weights, score_commit
from diffs import make_commit, make_file

DEFAULTS = ImportanceSettings()


def added_lines(path: str, count: int) -> FileChange:
    """A file change adding `count` lines of code to `path`."""
    body = "\n".join(f"+value_{index} = {index}" for index in range(count))
    return make_file(path, f"@@ -0,0 +1,{count} @@\n{body}\n")


def change_type(name: str, evidence: str) -> Signal:
    return Signal(SignalKind.CHANGE_TYPE, name, detail=evidence)


def rules_of(reasons: tuple[Reason, ...]) -> list[str]:
    return [reason.rule for reason in reasons]


def test_docs_only_commit_is_low_and_says_so():
    commit = make_commit(
        "Update install docs", [added_lines("README.md", 40), added_lines("docs/install.md", 90)]
    )
    signals = [change_type("docs", "docs-only files"), Signal(SignalKind.DOCS, "README.md", path="README.md")]

    importance = score_commit(commit, signals, DEFAULTS)

    assert importance.level is Level.LOW
    assert rules_of(importance.reasons)[-1] == "docs_only"


def test_new_cli_option_is_high_and_the_reason_names_it():
    commit = make_commit("[NPU] support GPTQ quantization on npu", [added_lines("pkg/server_args.py", 30)])
    option = Signal(
        SignalKind.CLI_OPTION, "--quantization", SignalAction.ADDED, path="pkg/server_args.py", line=12
    )

    importance = score_commit(commit, [option], DEFAULTS)

    assert importance.level is Level.HIGH
    assert Reason("cli_option_added", 6.0, "--quantization") in importance.reasons


def test_a_kinds_weightiest_reason_comes_first_whatever_order_its_rules_are_matched_in():
    commit = make_commit("feat: a packed decode kernel", [added_lines("pkg/kda.py", 30)])
    signals = [
        Signal(
            SignalKind.ENV_VAR, "PKG_KDA_TILE", SignalAction.ADDED, path="pkg/kda.py", traits=("internal",)
        ),
        Signal(SignalKind.ENV_VAR, "PKG_KDA_FAST_PATH", SignalAction.ADDED, path="pkg/kda.py"),
    ]

    reasons = rules_of(score_commit(commit, signals, DEFAULTS).reasons)

    assert reasons.index("env_var_added") < reasons.index("env_var_internal_added")


def test_cli_option_of_a_benchmark_script_is_no_user_surface():
    commit = make_commit("add retry count", [added_lines("pkg/bench_serving.py", 20)])
    option = Signal(SignalKind.CLI_OPTION, "--max-retry", SignalAction.ADDED, path="pkg/bench_serving.py")

    importance = score_commit(commit, [option], DEFAULTS)

    assert importance.level is Level.LOW
    assert "cli_option_added" not in rules_of(importance.reasons)
    assert rules_of(importance.reasons)[-1] == "tooling_only"


def test_core_bug_fix_of_moderate_size_is_medium():
    commit = make_commit("Fix wrong ref count in radix cache", [added_lines("pkg/cache/radix.py", 80)])

    importance = score_commit(commit, [change_type("fix", "verb Fix")], DEFAULTS)

    assert importance.level is Level.MEDIUM
    assert importance.reasons == (Reason("fix", 2.5, "verb Fix"), Reason("core_lines", 1.38, "80"))


def test_core_fix_is_medium_whatever_its_size():
    commit = make_commit("Fix wrong assertion in scheduler", [added_lines("pkg/scheduler.py", 1)])

    assert score_commit(commit, [change_type("fix", "tag [Fix]")], DEFAULTS).level is Level.MEDIUM


def test_main_change_type_decides_so_a_minor_fix_is_a_chore():
    commit = make_commit("[Minor] Fix log message", [added_lines("pkg/engine.py", 3)])
    signals = [change_type("chore", "tag [Minor]"), change_type("fix", "verb Fix")]

    importance = score_commit(commit, signals, DEFAULTS)

    assert importance.level is Level.LOW
    assert rules_of(importance.reasons) == ["core_lines"]


def test_core_size_weighs_in_but_never_decides_alone():
    chore = [change_type("chore", "tag [Minor]")]
    small = score_commit(make_commit("[Minor] Rework", [added_lines("pkg/engine.py", 50)]), chore, DEFAULTS)
    huge = score_commit(make_commit("[Minor] Rework", [added_lines("pkg/engine.py", 50000)]), chore, DEFAULTS)

    assert small.reasons == (Reason("core_lines", 1.0, "50"),)
    assert huge.reasons == (Reason("core_lines", 4.0, "50,000"),)
    assert huge.level is Level.MEDIUM


def test_breaking_marker_is_high_even_in_a_small_commit():
    commit = make_commit("feat!: drop --legacy-mode", [added_lines("pkg/cli.py", 3)])
    marker = Signal(SignalKind.BREAKING, "!:")

    importance = score_commit(commit, [marker], DEFAULTS)

    assert importance.level is Level.HIGH
    assert importance.reasons[0] == Reason("breaking_change", 6.0, "!:")


def test_lock_file_only_change_is_low():
    commit = make_commit("Bump lock", [added_lines("uv.lock", 600)])
    lock = Signal(SignalKind.GENERATED, "uv.lock", detail="lock", path="uv.lock")

    importance = score_commit(commit, [lock], DEFAULTS)

    assert importance.level is Level.LOW
    assert rules_of(importance.reasons) == ["generated_only"]


def test_generated_signal_keeps_a_file_out_of_the_core_line_count():
    commit = make_commit("Regenerate bindings", [added_lines("pkg/bindings.py", 900)])
    generated = Signal(SignalKind.GENERATED, "pkg/bindings.py", detail="generated", path="pkg/bindings.py")

    assert score_commit(commit, [generated], DEFAULTS).level is Level.LOW


def test_security_signal_raises_the_level():
    commit = make_commit("[Misc] Run the helper", [added_lines("pkg/launcher.py", 30)])
    shell = Signal(SignalKind.SECURITY, "subprocess-shell", SignalAction.ADDED, path="pkg/launcher.py")
    misc = change_type("chore", "tag [Misc]")

    without = score_commit(commit, [misc], DEFAULTS)
    with_security = score_commit(commit, [misc, shell], DEFAULTS)

    assert without.level is Level.LOW
    assert with_security.level is Level.MEDIUM
    assert "security_sensitive" in rules_of(with_security.reasons)


def test_a_secret_lifts_the_tests_only_cap_but_a_tests_exec_does_not():
    """A key committed in a test leaks all the same; a test that `exec`s what it generated harms no one
    (flashinfer's 4a3b075, a test fix, ranked high on it)."""
    commit = make_commit("Add fixture key", [added_lines("tests/test_tls.py", 10)])
    secret = Signal(
        SignalKind.SECURITY, "private-key", SignalAction.ADDED, path="tests/test_tls.py", traits=("secret",)
    )
    code = Signal(SignalKind.SECURITY, "eval", SignalAction.ADDED, path="tests/test_tls.py")

    importance = score_commit(commit, [secret], DEFAULTS)
    assert importance.level is Level.MEDIUM
    assert "tests_only" not in rules_of(importance.reasons)

    importance = score_commit(commit, [code], DEFAULTS)
    assert importance.level is Level.LOW
    assert rules_of(importance.reasons) == ["tests_only"]


def test_capped_score_stays_below_medium_and_equals_the_sum_of_its_reasons():
    commit = make_commit("Add profiling tool", [added_lines("tools/profile.py", 2_000)])
    variable = Signal(SignalKind.ENV_VAR, "PROFILE_DIR", SignalAction.ADDED, path="tools/profile.py")

    importance = score_commit(commit, [variable, change_type("feature", "verb Add")], DEFAULTS)

    assert importance.level is Level.LOW
    assert importance.score < DEFAULTS.medium
    assert importance.score == pytest.approx(sum(reason.weight for reason in importance.reasons))


def test_small_revert_is_low_and_large_revert_scores_on_its_content():
    small = make_commit('Revert "Add cache"', [added_lines("pkg/cache.py", 60)])
    large = make_commit('Revert "Rewrite scheduler"', [added_lines("pkg/scheduler.py", 900)])
    signals = [Signal(SignalKind.REVERT, "abc1234"), change_type("revert", "verb Revert")]

    small_importance = score_commit(small, signals, DEFAULTS)

    assert small_importance.level is Level.LOW
    assert small_importance.reasons[-1].rule == "small_revert"
    assert score_commit(large, signals, DEFAULTS).level is Level.MEDIUM


def test_dependency_reason_shows_the_versions():
    commit = make_commit("Update transformers", [added_lines("pyproject.toml", 1)])
    pin = Signal(
        SignalKind.DEPENDENCY, "transformers", SignalAction.CHANGED, "4.57.1 → 4.58.0", "pyproject.toml"
    )

    importance = score_commit(commit, [pin], DEFAULTS)

    assert importance.level is Level.MEDIUM
    assert importance.reasons == (Reason("dependency_changed", 2.5, "transformers 4.57.1 → 4.58.0"),)


def test_a_renamed_go_module_is_high_on_its_own():
    commit = make_commit(
        "chore: rename the go module", [make_file("go.mod", "@@ -1 +1 @@\n-module a/b\n+module a/c\n")]
    )
    path = Signal(
        SignalKind.DEPENDENCY, "module", SignalAction.CHANGED, "a/b → a/c", "go.mod", 1, traits=("module",)
    )

    importance = score_commit(commit, [path], DEFAULTS)

    assert importance.level is Level.HIGH
    assert rules_of(importance.reasons) == ["dependency_module_renamed"]


def test_weight_override_changes_the_result():
    commit = make_commit("Add option", [added_lines("pkg/server_args.py", 5)])
    option = Signal(SignalKind.CLI_OPTION, "--page-size", SignalAction.ADDED, path="pkg/server_args.py")
    quieter = ImportanceSettings(weights={"cli_option_added": 3.0})

    assert score_commit(commit, [option], DEFAULTS).level is Level.HIGH
    assert score_commit(commit, [option], quieter).level is Level.MEDIUM


def test_zero_weight_turns_a_rule_off():
    commit = make_commit("Fix scheduler", [added_lines("pkg/scheduler.py", 80)])
    silent = ImportanceSettings(weights={"fix": 0.0})

    importance = score_commit(commit, [change_type("fix", "tag [Fix]")], silent)

    assert rules_of(importance.reasons) == ["core_lines"]


def test_thresholds_from_settings_decide_the_level():
    commit = make_commit("Fix scheduler", [added_lines("pkg/scheduler.py", 80)])
    strict = ImportanceSettings(high=10.0, medium=5.0)

    assert score_commit(commit, [change_type("fix", "tag [Fix]")], strict).level is Level.LOW


def test_unknown_weight_key_is_bad_input_naming_it():
    settings = ImportanceSettings(weights={"cli_option_addded": 3.0})

    with pytest.raises(BadInput, match="'cli_option_addded'"):
        check_weights(settings)
    with pytest.raises(BadInput, match="'cli_option_addded'"):
        score_commit(make_commit("Anything"), [], settings)


def test_default_weights_are_the_tunable_rules_only():
    weights = default_weights()

    assert weights["cli_option_added"] == 6.0
    assert "docs_only" not in weights
    check_weights(ImportanceSettings(weights=weights))


@pytest.mark.parametrize(
    ("reason", "english", "chinese"),
    [
        (
            Reason("cli_option_added", 5.0, "--quantization"),
            "adds CLI option `--quantization`",
            "新增命令行选项 `--quantization`",
        ),
        (Reason("docs_only", 0.0), "docs only", "仅文档"),
        (
            Reason("dependency_changed", 2.5, "transformers 4.57.1 → 4.58.0"),
            "changes dependency `transformers 4.57.1 → 4.58.0`",
            "修改依赖 `transformers 4.57.1 → 4.58.0`",
        ),
        (Reason("core_lines", 4.7, "1,240"), "changes 1,240 lines of core source", "核心源码改动 1,240 行"),
        (
            Reason("api_added", 1.0, "a.f, a.g, a.h, a.i, a.j"),
            "adds public API `a.f`, `a.g`, `a.h` and 2 more",
            "新增公开接口 `a.f`、`a.g`、`a.h` 等另外 2 项",
        ),
        (Reason("feature", 2.0, "verb Support"), "adds a feature (verb Support)", "新增功能（动词 Support）"),
        (Reason("fix", 2.5, "prefix `fix:`"), "fixes a bug (prefix `fix:`)", "修复缺陷（前缀 `fix:`）"),
    ],
)
def test_describe_reason_in_both_languages(reason, english, chinese):
    assert describe_reason(reason, "en") == english
    assert describe_reason(reason, "zh") == chinese


def test_describe_reason_of_an_unknown_rule_shows_rule_and_subject():
    assert describe_reason(Reason("custom_rule", 1.0, "detail"), "en") == "custom_rule: detail"


def test_describe_reason_rejects_an_unknown_language():
    with pytest.raises(BadInput, match="'fr'"):
        describe_reason(Reason("docs_only", 0.0), "fr")


def test_an_internal_variable_counts_under_its_own_lower_rule_and_a_declared_one_in_full():
    commit = make_commit("Tune warmup", [added_lines("pkg/warmup.py", 10), added_lines("pkg/envs.py", 2)])
    signals = [
        Signal(
            SignalKind.ENV_VAR, "WARMUP_BASE", SignalAction.ADDED, path="pkg/warmup.py", traits=("internal",)
        ),
        Signal(
            SignalKind.ENV_VAR, "OLD_KNOB", SignalAction.REMOVED, path="pkg/warmup.py", traits=("internal",)
        ),
        Signal(SignalKind.ENV_VAR, "PKG_CACHE_DIR", SignalAction.ADDED, path="pkg/envs.py"),
    ]

    reasons = score_commit(commit, signals, DEFAULTS).reasons

    assert Reason("env_var_internal_added", 0.25, "WARMUP_BASE") in reasons
    assert Reason("env_var_internal_removed", 0.25, "OLD_KNOB") in reasons
    assert Reason("env_var_added", 1.5, "PKG_CACHE_DIR") in reasons
    assert "env_var_removed" not in rules_of(reasons)
    assert describe_reason(Reason("env_var_internal_added", 0.25, "WARMUP_BASE"), "en") == (
        "adds internal environment variable `WARMUP_BASE`"
    )


def api_names(path: str, module: str, count: int) -> list[Signal]:
    return [
        Signal(SignalKind.API, f"{module}.f{index}", SignalAction.ADDED, path=path) for index in range(count)
    ]


def test_lines_modules_and_api_names_count_together_up_to_one_ceiling():
    path = "pkg/models/llama.py"
    signals = [Signal(SignalKind.MODULE, path, SignalAction.ADDED, path=path), *api_names(path, "pkg", 9)]

    signals.append(change_type("chore", "tag [Misc]"))
    importance = score_commit(make_commit("[Misc] Port", [added_lines(path, 2000)]), signals, DEFAULTS)

    assert rules_of(importance.reasons) == ["api_added", "module_added", "core_lines", "code_volume"]
    assert importance.score == 4.5  # 1 + 1.5 + 4, held at the ceiling
    assert importance.level is Level.MEDIUM


def test_a_large_fix_shares_the_ceiling_but_a_new_capability_counts_on_top():
    path = "pkg/scheduler.py"

    def scored(kind: str, subject: str) -> Importance:
        signals = [change_type(kind, f"prefix `{kind}:`"), *api_names(path, "pkg", 4)]
        return score_commit(make_commit(subject, [added_lines(path, 800)]), signals, DEFAULTS)

    fix, feature = scored("fix", "fix: rework the scheduler"), scored("feature", "feat: priority scheduling")

    assert fix.score == 4.5 and fix.level is Level.MEDIUM  # 2.5 + 1 + 4, held at the ceiling
    assert "fix" in fix.reasons[-1].subject  # the code_volume reason names what it held
    assert feature.score == 6.5 and feature.level is Level.HIGH  # 2 on top of the ceiling


def test_code_inside_one_backend_of_several_has_a_lower_ceiling():
    def scored(path: str) -> float:
        module = Signal(SignalKind.MODULE, path, SignalAction.ADDED, path=path)
        signals = [module, *api_names(path, "m", 3), change_type("chore", "tag [Misc]")]
        return score_commit(make_commit("[Misc] Port", [added_lines(path, 600)]), signals, DEFAULTS).score

    assert scored("backends/gaudi/server/models/qwen3.py") == 2.5
    assert scored("server/models/qwen3.py") == 4.5


def test_core_change_whose_subject_names_no_kind_of_work_is_medium_but_a_chore_is_not():
    files = [added_lines("pkg/scheduler.py", 2)]

    untyped = score_commit(make_commit("Adjust the rounding of sequence lengths", files), [], DEFAULTS)
    chore = score_commit(make_commit("[Minor] Tidy", files), [change_type("chore", "tag [Minor]")], DEFAULTS)
    docs = score_commit(make_commit("Release notes", [added_lines("docs/notes.md", 2)]), [], DEFAULTS)

    assert untyped.level is Level.MEDIUM
    assert rules_of(untyped.reasons) == ["untyped_core_change", "core_lines"]
    assert chore.level is Level.LOW
    assert "untyped_core_change" not in rules_of(docs.reasons)
