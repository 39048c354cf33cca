"""The per-commit token budget: ranking, compact hunks, stat lines, the share of lines seen."""

from __future__ import annotations

from changeradar.llm.budget import (
    FileRole,
    budget_diff,
    classify_file,
    compact_hunks,
    estimate_tokens,
)
from changeradar.llm.prompt import build_commit_prompt, load_templates
from changeradar.llm.schema import Depth
from changeradar.model import FileChange, FileStatus, Level, Signal, SignalKind
from diffs import make_commit, make_file
from openai_server import analysis_request


def added_file(path: str, lines: int, prefix: str = "value") -> FileChange:
    """A new file of `lines` distinct lines of code."""
    body = "\n".join(f"+{prefix}_{n} = compute({n}, scale=0.5)" for n in range(lines))
    return make_file(path, f"@@ -0,0 +1,{lines} @@\n{body}\n", FileStatus.ADDED)


def test_token_estimate_counts_cjk_characters_one_each():
    assert estimate_tokens("") == 0
    assert estimate_tokens("x" * 35) == 10
    assert estimate_tokens("变更摘要") == 4
    assert estimate_tokens("修复 `fused_moe` 的 bug") > estimate_tokens("fix `fused_moe` bug")


def test_files_rank_core_source_then_other_source_tests_config_docs():
    roles = {
        path: classify_file(path, {})
        for path in (
            "python/sglang/srt/server_args.py",
            "benchmark/kernels/bench_moe.py",
            "test/srt/test_moe.py",
            "pyproject.toml",
            "docs/backend/server_arguments.md",
            "assets/logo.png",
        )
    }

    assert sorted(roles, key=roles.get) == list(roles)
    assert roles["python/sglang/srt/server_args.py"] is FileRole.CORE_SOURCE
    assert classify_file("uv.lock", {"uv.lock": FileRole.GENERATED}) is FileRole.GENERATED


def test_hunks_keep_one_line_of_context_with_true_line_numbers():
    patch = """
@@ -10,9 +10,9 @@ def forward(self, batch):
     a = 1
     b = 2
     c = 3
-    d = 4
+    d = 5
     e = 6
     f = 7
     g = 8
     h = 9
"""
    [(text, changed)] = compact_hunks(make_file("m.py", patch).patch)

    assert changed == 2
    assert (
        text
        == "@@ -12,3 +12,3 @@ def forward(self, batch):\n     c = 3\n-    d = 4\n+    d = 5\n     e = 6\n"
    )


def test_distant_changes_in_one_hunk_become_two_hunks():
    patch = "@@ -1,7 +1,7 @@\n-a\n+A\n b\n c\n d\n e\n-f\n+F\n"

    hunks = compact_hunks(patch)

    assert [text.splitlines()[0] for text, _ in hunks] == ["@@ -1,2 +1,2 @@", "@@ -5,2 +5,2 @@"]


def test_generated_files_are_a_stat_line_and_count_as_unseen():
    code = added_file("python/sglang/srt/utils.py", 10)
    lock = added_file("uv.lock", 30, "pkg")
    signals = (Signal(SignalKind.GENERATED, "uv.lock", detail="lock"),)

    diff = budget_diff(make_commit("bump", [code, lock]), signals, token_budget=5_000)

    assert len(diff.sections) == 1 and "python/sglang/srt/utils.py" in diff.sections[0]
    assert diff.not_shown == ("`uv.lock` (added, +30 −0; lock, not pasted)",)
    assert diff.seen_share == 10 / 40


def test_a_file_that_does_not_fit_is_dropped_to_a_stat_line_and_smaller_ones_still_fit():
    huge = added_file("python/sglang/srt/huge.py", 3_000)
    small = added_file("python/sglang/srt/small.py", 5)

    diff = budget_diff(make_commit("two", [huge, small]), (), token_budget=1_000)

    assert [s.splitlines()[0] for s in diff.sections] == ["#### `python/sglang/srt/small.py` (added, +5 −0)"]
    assert diff.not_shown == ("`python/sglang/srt/huge.py` (added, +3000 −0; did not fit the token budget)",)
    assert diff.tokens <= 1_000


def test_a_large_file_shows_the_hunks_that_fit_and_says_so():
    patch = "".join(
        f"@@ -{n * 10 + 1},1 +{n * 10 + 1},1 @@\n-old_{n}\n+new_{n} = 'x' * 200\n" for n in range(400)
    )
    diff = budget_diff(make_commit("many hunks", [make_file("lib/core.py", patch)]), (), token_budget=800)

    [section] = diff.sections
    assert "hunks shown" in section.splitlines()[0]
    assert 0 < diff.seen_share < 1
    assert diff.tokens <= 800


def test_a_50000_line_commit_stays_within_budget_and_lists_what_it_omitted():
    files = [added_file(f"python/sglang/srt/models/model_{n}.py", 2_000, f"w{n}") for n in range(25)]
    files.append(added_file("python/sglang/srt/server_args.py", 12))
    request = analysis_request(make_commit("Add 25 models", files), Level.HIGH)
    assert request.commit.additions == 50_012

    prompt = build_commit_prompt(load_templates(None), request, Depth.FULL, token_budget=12_000)

    user = prompt.messages[1]["content"]
    assert prompt.tokens <= 12_000
    assert sum(estimate_tokens(m["content"]) for m in prompt.messages) <= 12_000
    assert "## Files changed but not shown" in user
    assert all(f"`python/sglang/srt/models/model_{n}.py` (added, +2000 −0;" in user for n in range(25))
    assert "+w0_0 = compute(0, scale=0.5)" not in user and "+value_11 = compute(11" in user
    assert prompt.seen_share is not None and prompt.seen_share < 0.01
    assert "## Diff (<1% of the changed lines are shown)" in user


def test_thousands_of_omitted_files_are_counted_not_listed():
    files = [added_file(f"vendor/pkg_{n}/mod.js", 1) for n in range(3_000)]
    signals = tuple(Signal(SignalKind.GENERATED, f.path, detail="vendored") for f in files)

    diff = budget_diff(make_commit("vendor", files), signals, token_budget=12_000)

    assert diff.not_shown[-1] == "… and 2940 more files (+2940 −0)"
    assert diff.tokens <= 12_000
