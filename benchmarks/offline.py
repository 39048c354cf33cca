"""Throughput and memory of the whole offline pipeline, against `git log -p --numstat` on the same range.

    python benchmarks/offline.py /path/to/repo --since 2025-01-01 --until 2026-01-01 [--runs 5]

Each pipeline run (collect → signals → score → offline analysis → verify → Markdown + JSON) happens in a
fresh child process with an empty cache, so its peak resident memory is its own and nothing is cached.
Prints the median of the runs for both, and their ratio (the design's target: at most 3).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repo", type=Path)
    parser.add_argument("--since", required=True)
    parser.add_argument("--until", required=True)
    parser.add_argument("--branch")
    parser.add_argument("--tz", default="UTC")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_pipeline_once(args)))
        return

    git_seconds = [time_git_log(args) for _ in range(args.runs)]
    child_runs = [run_child(args) for _ in range(args.runs)]
    pipeline_seconds = [run["seconds"] for run in child_runs]
    commits = child_runs[0]["commits"]
    git_median, pipeline_median = statistics.median(git_seconds), statistics.median(pipeline_seconds)
    peak = max(run["peak_mib"] for run in child_runs)
    print(f"repository          {args.repo}  {args.since} … {args.until}  ({commits} commits)")
    print(f"git log -p --numstat  median {git_median:.3f} s  runs {_figures(git_seconds)}")
    print(f"offline pipeline      median {pipeline_median:.3f} s  runs {_figures(pipeline_seconds)}")
    print(f"throughput            {commits / pipeline_median:.0f} commits/s")
    print(f"ratio                 {pipeline_median / git_median:.2f} × git log (target ≤ 3)")
    print(f"peak memory           {peak:.0f} MiB (target < 400)")


def time_git_log(args: argparse.Namespace) -> float:
    command = [
        "git",
        "-C",
        str(args.repo),
        "log",
        "-p",
        "--numstat",
        f"--since={args.since}",
        f"--until={args.until}",
    ]
    if args.branch:
        command.append(args.branch)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def run_child(args: argparse.Namespace) -> dict:
    command = [sys.executable, __file__, str(args.repo), "--since", args.since, "--until", args.until]
    command += ["--tz", args.tz, "--child"] + (["--branch", args.branch] if args.branch else [])
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def run_pipeline_once(args: argparse.Namespace) -> dict:
    from changeradar.config import Settings
    from changeradar.outputs.formats import render_format
    from changeradar.pipeline import ReportRequest, build_report
    from changeradar.store import Store
    from changeradar.window import range_window

    window = range_window(args.since, args.until, args.tz)
    request = ReportRequest(str(args.repo), window, args.tz, "en", branch=args.branch)
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        with Store.open(Path(cache)) as store:
            report = build_report(request, Settings(), store, Path(cache))
            for file_format in ("md", "json"):
                render_format(report, file_format)
        seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "commits": len(report.commits), "peak_mib": peak_kib / 1024}


def _figures(values: list[float]) -> str:
    return " ".join(f"{value:.3f}" for value in values)


if __name__ == "__main__":
    main()
