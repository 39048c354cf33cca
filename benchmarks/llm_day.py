"""How long a day of LLM analyses takes, and how large its prompts are, against the incumbent tool.

1. Against the loopback Chat Completions server of the tests, with a fixed latency L per call: a day of
   N synthetic commits, wall time ÷ (calls × L) at concurrency 1, 4, 8 and 16 (median of 3 runs), beside
   the incumbent's schedule (one call at a time, then a 5–15 s sleep: N × (L + 10) s on average).
2. With --repo and --date, on a real repository: prompt tokens per commit from our budgeter against
   pasting every file's patch up to 50 KB (the incumbent), and the share of prompts within the budget.

    PYTHONPATH=src python benchmarks/llm_day.py --repo ../sglang-jax --date 2026-06-10
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

from changeradar.analyse import AnalysisRequest
from changeradar.analyse.llm import LLMAnalyzer
from changeradar.collect import collect_commits
from changeradar.config import AnalyzerSettings, ImportanceSettings
from changeradar.llm.budget import estimate_tokens
from changeradar.llm.prompt import build_commit_prompt, load_templates
from changeradar.llm.schema import DEPTH_BY_LEVEL
from changeradar.model import Commit, Importance, Level, RepoRef
from changeradar.score import score_commit
from changeradar.signals import extract_signals
from changeradar.window import day_window

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from diffs import make_commit, make_file
from openai_server import TEST_KEY, FakeOpenAI, slow

CONCURRENCIES = (1, 4, 8, 16)
RUNS = 3
INCUMBENT_MEAN_SLEEP = 10.0  # it sleeps a uniform 5–15 s after each call
INCUMBENT_MAX_PATCH_BYTES = 50_000
KEY_ENV = "CHANGERADAR_BENCHMARK_KEY"
# The reference day's mix: 6 high, 13 medium, 7 low.
LEVEL_MIX = (Level.HIGH,) * 6 + (Level.MEDIUM,) * 13 + (Level.LOW,) * 7


def synthetic_day(count: int) -> list[AnalysisRequest]:
    repo = RepoRef("bench/day", ".")
    requests = []
    for n in range(count):
        files = [make_file(f"python/pkg/module_{n}_{f}.py", _synthetic_patch(n)) for f in range(3)]
        commit = make_commit(f"Change {n}: tune module {n}", files)
        requests.append(
            AnalysisRequest(repo, commit, (), Importance(LEVEL_MIX[n % len(LEVEL_MIX)], 1.0), "en")
        )
    return requests


def _synthetic_patch(seed: int) -> str:
    """Six small hunks, as a typical fix or feature touches a file."""
    return "".join(
        f"@@ -{h * 40 + 1},3 +{h * 40 + 1},4 @@ def step_{h}(batch):\n"
        f"     x = batch[{h}]\n+    x = x * {seed}\n     y = x + 1\n     return y\n"
        for h in range(6)
    )


def concurrency_table(count: int, latency: float) -> list[str]:
    server = FakeOpenAI().start()
    server.behaviour = slow(latency)
    os.environ[KEY_ENV] = TEST_KEY
    requests = synthetic_day(count)
    incumbent = count * (latency + INCUMBENT_MEAN_SLEEP)
    rows = [
        f"Day of N={count} commits, latency L={latency:g} s per call (loopback server)",
        "",
        "| schedule | wall time (s) | wall ÷ (calls × L) | floor ⌈N/c⌉ ÷ N |",
        "|---|---|---|---|",
        f"| incumbent: sequential + 5–15 s sleep | {incumbent:.1f} (expected) "
        f"| {incumbent / (count * latency):.2f} | — |",
    ]
    try:
        for limit in CONCURRENCIES:
            settings = AnalyzerSettings(
                name="llm",
                model="test-model",
                base_url=server.url,
                api_key_env=KEY_ENV,
                max_concurrency=limit,
            )
            walls, calls = [], 0
            for _ in range(RUNS):
                before = len(server.chat_requests)
                started = time.perf_counter()
                LLMAnalyzer(settings).analyse(requests, lambda finished: None)
                walls.append(time.perf_counter() - started)
                calls = len(server.chat_requests) - before
            wall = statistics.median(walls)
            floor = math.ceil(calls / limit) / calls
            ratio = wall / (calls * latency)
            rows.append(f"| changeradar, concurrency {limit} | {wall:.2f} | {ratio:.3f} | {floor:.3f} |")
    finally:
        server.stop()
    return rows


def prompt_table(repo_dir: Path, branch: str, date: str, timezone: str, token_budget: int) -> list[str]:
    commits = collect_commits(repo_dir, branch, day_window(date, timezone))
    templates = load_templates(None)
    ours, theirs, seen = [], [], []
    for commit in commits:
        signals = extract_signals(commit)
        importance = score_commit(commit, signals, ImportanceSettings())
        request = AnalysisRequest(RepoRef(repo_dir.name, str(repo_dir)), commit, signals, importance, "zh")
        prompt = build_commit_prompt(templates, request, DEPTH_BY_LEVEL[importance.level], token_budget)
        ours.append(prompt.tokens)
        theirs.append(incumbent_prompt_tokens(commit))
        seen.append(1.0 if prompt.seen_share is None else prompt.seen_share)
    if not commits:
        return [f"No commits on {branch} on {date} ({timezone})."]
    within = sum(tokens <= token_budget for tokens in ours)
    return [
        f"{repo_dir} {branch} {date} ({timezone}): {len(commits)} commits, budget {token_budget} tokens",
        "",
        "| prompt tokens per commit | median | p90 | max | total | within budget |",
        "|---|---|---|---|---|---|",
        _token_row("changeradar (budgeted)", ours, token_budget),
        _token_row("incumbent (every patch ≤ 50 KB)", theirs, token_budget),
        "",
        f"changeradar prompts within budget: {within}/{len(commits)} ({within / len(commits):.0%}); "
        f"changed lines seen: median {statistics.median(seen):.0%}, min {min(seen):.0%}",
    ]


def incumbent_prompt_tokens(commit: Commit) -> int:
    """What the incumbent sends: the message and every file's patch cut at 50 KB, with no total bound."""
    patches = "".join(
        file.patch.encode()[:INCUMBENT_MAX_PATCH_BYTES].decode(errors="ignore") for file in commit.files
    )
    return estimate_tokens(f"{commit.subject}\n{commit.body}\n{patches}")


def _token_row(name: str, tokens: list[int], budget: int) -> str:
    ordered = sorted(tokens)
    p90 = ordered[min(len(ordered) - 1, math.ceil(0.9 * len(ordered)) - 1)]
    within = sum(t <= budget for t in tokens) / len(tokens)
    median = statistics.median(tokens)
    return f"| {name} | {median:,.0f} | {p90:,} | {max(tokens):,} | {sum(tokens):,} | {within:.0%} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=26, help="N, the commits of the synthetic day")
    parser.add_argument("--latency", type=float, default=0.2, help="L, seconds per call")
    parser.add_argument(
        "--repo", type=Path, help="a real repository (work tree or bare) for the prompt sizes"
    )
    parser.add_argument("--date", help="the day to measure prompts on, YYYY-MM-DD")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--tz", default="Asia/Shanghai")
    parser.add_argument("--budget", type=int, default=AnalyzerSettings().token_budget)
    args = parser.parse_args()
    print("\n".join(concurrency_table(args.commits, args.latency)))
    if args.repo and args.date:
        print()
        print("\n".join(prompt_table(args.repo, args.branch, args.date, args.tz, args.budget)))


if __name__ == "__main__":
    main()
