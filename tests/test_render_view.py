"""The format-neutral view: wording done, nothing escaped, and one serialisation per format."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from changeradar.inline import Code, Link, Prose, Text, Words, commonmark
from changeradar.render.escape import markdown_line
from changeradar.render.view import build_view
from day_reports import HOSTILE_SUBJECT, empty_report, sample_report


def test_the_view_holds_untrusted_text_as_it_is() -> None:
    view = build_view(sample_report("en"))
    hostile = next(commit for commit in view.commits if commit.subject == HOSTILE_SUBJECT)
    label = hostile.table_message[0]
    assert isinstance(label, Link) and label.label == (Text(HOSTILE_SUBJECT),)
    assert label.url == f"#{hostile.anchor}"


def test_reasons_are_typed_and_the_json_form_is_their_commonmark() -> None:
    view = build_view(sample_report("en"))
    reasons = [reason for commit in view.commits for reason in commit.reasons]
    assert any(isinstance(piece, Code) for reason in reasons for piece in reason)
    assert all(isinstance(reason[0], Words | Prose) for reason in reasons)


def test_one_line_serialises_per_format_with_escaping_only_in_markdown() -> None:
    line = (Words("adds "), Code("a|b"), Words(" to "), Text("<b>*x*</b>"), Words(" — "), Prose("see [x](y)"))
    assert commonmark(line) == "adds `a|b` to <b>*x*</b> — see [x](y)"
    assert markdown_line(line) == r"adds `a|b` to \<b\>\*x\*\</b\> — see \[x\](y)"
    assert markdown_line(line, in_table=True) == r"adds `a\|b` to \<b\>\*x\*\</b\> — see \[x\](y)"


def test_the_run_summary_is_part_of_the_view() -> None:
    view = build_view(sample_report("zh"))
    assert (
        view.run_summary
        == "sgl-project/sglang 2026-01-29: 4 commits (high 1, medium 1, low 2); analysed offline"
    )


def test_an_empty_day_says_when_the_branch_last_had_a_commit_and_the_run_summary_too() -> None:
    last = datetime(2026, 1, 20, 1, 30, tzinfo=UTC)
    view = build_view(replace(empty_report("zh"), last_commit_at=last))
    assert commonmark(view.empty_line) == "本日无提交。`main` 分支的最近一次提交在 2026-01-20 09:30。"
    assert view.run_summary == (
        "sgl-project/sglang 2026-01-29: 0 commits (high 0, medium 0, low 0); "
        "last commit on main at 2026-01-20T01:30:00+00:00; analysed offline"
    )
    assert commonmark(build_view(empty_report("en")).empty_line) == "No commits in this window."


def test_the_run_summary_counts_one_commit_in_the_singular() -> None:
    report = sample_report("en")
    view = build_view(replace(report, commits=report.commits[:1]))
    assert view.run_summary.startswith("sgl-project/sglang 2026-01-29: 1 commit (high 0, medium 1, low 0)")


def test_a_counted_reason_agrees_with_its_number() -> None:
    from changeradar.model import Reason
    from changeradar.render.view import describe_reason

    assert describe_reason(Reason("core_lines", 0.03, "1"), "en") == "changes 1 line of core source"
    assert describe_reason(Reason("core_lines", 4.0, "1,600"), "en") == "changes 1,600 lines of core source"
    assert describe_reason(Reason("core_lines", 4.0, "1,600"), "zh") == "核心源码改动 1,600 行"


def test_the_facts_block_lists_what_users_meet_first_and_calls_a_tuning_variable_internal() -> None:
    from changeradar.model import Importance, Level, Signal, SignalAction, SignalKind
    from day_reports import _commit, _file, commit_report

    added = SignalAction.ADDED
    signals = (
        Signal(SignalKind.ENV_VAR, "PKG_KDA_TILE", added, path="pkg/kda.py", line=40, traits=("internal",)),
        Signal(SignalKind.CLI_OPTION, "--iters", added, "benchmark", "benchmarks/bench_kda.py", 8),
        Signal(SignalKind.API, "pkg.kda.decode", added, "function", "pkg/kda.py", 12),
    )
    commit = _commit(
        "b" * 40, "feat: a KDA kernel", "Ann Lee", "2026-01-29T10:00:00+08:00", [_file("pkg/kda.py", 9, 0)]
    )
    report = commit_report((commit, signals, Importance(Level.HIGH, 7.0)), "en")
    [view] = build_view(replace(empty_report("en"), commits=[report])).commits
    assert [commonmark(fact) for fact in view.facts] == [
        "New public API `pkg.kda.decode` (`pkg/kda.py:12`)",
        "New internal environment variable `PKG_KDA_TILE` (`pkg/kda.py:40`)",
        "New command-line option `--iters` (`benchmarks/bench_kda.py:8`)",
    ]


def fact_lines(subject: str, path: str, signals: tuple) -> dict[str, list[str]]:
    """The facts block, in each language, of a medium commit of one file with these signals."""
    from changeradar.model import Importance, Level
    from day_reports import _commit, _file, commit_report

    commit = _commit("c" * 40, subject, "Ann Lee", "2026-01-29T10:00:00+08:00", [_file(path, 9, 0)])
    lines = {}
    for language in ("en", "zh"):
        report = commit_report((commit, signals, Importance(Level.MEDIUM, 4.0)), language)
        [view] = build_view(replace(empty_report(language), commits=[report])).commits
        lines[language] = [commonmark(fact) for fact in view.facts]
    return lines


def test_a_new_module_that_copies_another_names_its_source() -> None:
    from changeradar.model import Signal, SignalAction, SignalKind

    copy, source = "backends/v2/src/main.rs", "backends/v3/src/main.rs"
    signals = (
        Signal(SignalKind.MODULE, copy, SignalAction.ADDED, f"copy of {source}", copy),
        Signal(SignalKind.MODULE, "backends/v2/build.rs", SignalAction.ADDED, path="backends/v2/build.rs"),
    )
    assert fact_lines("Add old V2 backend", copy, signals) == {
        "en": [f"New module `{copy}`, a copy of `{source}`", "New module `backends/v2/build.rs`"],
        "zh": [f"新增模块 `{copy}`（复制自 `{source}`）", "新增模块 `backends/v2/build.rs`"],
    }


def test_a_changed_signature_says_which_parameters_changed() -> None:
    from changeradar.model import Signal, SignalAction, SignalKind
    from changeradar.signals.signatures import signature_detail

    path = "python/pkg/norm.py"
    detail = signature_detail("(input, weight, eps=1e-06)", "(input, weight, eps=1e-05, *, out=None)")
    overloads = signature_detail("int(float) | int(double)", "int(float)")
    signals = (
        Signal(SignalKind.API, "pkg.norm.rmsnorm", SignalAction.CHANGED, detail, path, 3),
        Signal(SignalKind.API, "pkg::norm", SignalAction.CHANGED, overloads, "include/pkg/norm.h", 9),
    )
    assert fact_lines("Tune eps", path, signals) == {
        "en": [
            "Public API `pkg.norm.rmsnorm` changed: removes `eps=1e-06`, adds `eps=1e-05`, `out=None` "
            f"(`{path}:3`)",
            "Public API `pkg::norm` changed (`include/pkg/norm.h:9`)",
        ],
        "zh": [
            "公开 API `pkg.norm.rmsnorm` 有改动：去掉 `eps=1e-06`、新增 `eps=1e-05`、`out=None`"
            f"（`{path}:3`）",
            "公开 API `pkg::norm` 有改动（`include/pkg/norm.h:9`）",
        ],
    }


def test_a_reason_names_a_new_class_once_with_its_members() -> None:
    from changeradar.model import Reason
    from changeradar.render.view import describe_reason

    kernel = "pkg.gemm.Sm100Kernel"
    subject = ", ".join([kernel, f"{kernel}.wrapper", f"{kernel}.kernel", "pkg.gemm.fmin", "pkg.gemm.fmax"])
    reason = Reason("api_added", 1.5, subject)
    assert describe_reason(reason, "en") == (
        f"adds public API `{kernel}` with 2 members, `pkg.gemm.fmin`, `pkg.gemm.fmax`"
    )
    assert describe_reason(reason, "zh") == (
        f"新增公开接口 `{kernel}`（含 2 个成员）、`pkg.gemm.fmin`、`pkg.gemm.fmax`"
    )


def test_a_language_floor_has_its_own_fact_line() -> None:
    from changeradar.model import Signal, SignalAction, SignalKind

    floor = Signal(
        SignalKind.DEPENDENCY,
        "requires-python",
        SignalAction.CHANGED,
        ">=3.9 → >=3.10",
        "pyproject.toml",
        7,
        ("floor",),
    )
    assert fact_lines("Drop Python 3.9", "pyproject.toml", (floor,)) == {
        "en": ["Language floor changed: `requires-python` `>=3.9 → >=3.10` (`pyproject.toml:7`)"],
        "zh": ["最低语言版本变更：`requires-python` `>=3.9 → >=3.10`（`pyproject.toml:7`）"],
    }


def test_one_fact_found_in_several_files_is_one_line_naming_the_places() -> None:
    """flashinfer's fcf2604 set `FLASHINFER_PYTHON_ENV` in twelve Dockerfiles: one line, two places shown
    and the count of the rest; a fact that differs in its action or detail keeps a line of its own."""
    from changeradar.model import Signal, SignalAction, SignalKind

    internal = ("internal",)
    dockerfiles = [f"docker/Dockerfile.cu{version}" for version in range(126, 132)]
    variable = Signal(SignalKind.ENV_VAR, "FLASHINFER_PYTHON_ENV", SignalAction.REMOVED, "", "setup.py", 3)
    signals = (
        *(
            replace(variable, action=SignalAction.ADDED, path=path, line=12, traits=internal)
            for path in dockerfiles
        ),
        variable,
    )
    lines = fact_lines("ci: centralize the Python version", dockerfiles[0], signals)
    assert lines["en"] == [
        "Removed environment variable `FLASHINFER_PYTHON_ENV` (`setup.py:3`)",  # users meet it: first
        "New internal environment variable `FLASHINFER_PYTHON_ENV` (`docker/Dockerfile.cu126:12`, "
        "`docker/Dockerfile.cu127:12` and 4 more)",
    ]
    assert lines["zh"][1].endswith(
        "（`docker/Dockerfile.cu126:12`、`docker/Dockerfile.cu127:12` 等另外 4 项）"
    )
