"""What a user waits for: `changeradar report` as a cold process, against `git log -p` on the same range.

    python benchmarks/offline.py /path/to/repo --since 2025-01-01 --until 2026-01-01 [--runs 3]
        [--other-build /path/to/older/venv/bin/changeradar]

Each run of changeradar is the installed command in a fresh process (interpreter start, imports, collect →
signals → score → offline analysis → verify → Markdown + JSON written to disk) with an empty cache folder.
The baseline is `git log -p --numstat --no-merges` over the same window (we drop merges too), run in the
same process tree, alternating with ours so that a busy machine slows both alike. Prints the best and the
median of the runs for both, their ratios, and the command's peak resident memory. `--other-build` times
another installation of changeradar (an older commit installed in its own venv) in the same rounds, so
that a change is judged against the code before it on the same machine at the same moments.

The command runs as an installed package does: with its bytecode compiled. `pip install` compiles it; an
editable install compiles it on first use, unless PYTHONDONTWRITEBYTECODE forbids that (some machines set
it), and then every run would pay half a second compiling changeradar's modules. So the command runs with
bytecode writing allowed, once untimed before the timed runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from installed import changeradar_executable


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repo", type=Path)
    parser.add_argument("--since", required=True, help="first day, YYYY-MM-DD (UTC)")
    parser.add_argument("--until", required=True, help="day after the last, YYYY-MM-DD (UTC)")
    parser.add_argument("--branch")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--other-build", help="another changeradar executable, timed in the same rounds")
    args = parser.parse_args()

    git_seconds: list[float] = []
    ours_seconds: list[float] = []
    git_cpu: list[float] = []
    ours_cpu: list[float] = []
    peaks: list[float] = []
    other_seconds: list[float] = []
    ours = changeradar_executable()
    for executable in filter(None, (ours, args.other_build)):
        _time_changeradar(args, executable)  # compiles the bytecode an installed package ships with
    for _ in range(args.runs):
        seconds, cpu, _ = _time(_git_log_command(args))
        git_seconds.append(seconds)
        git_cpu.append(cpu)
        seconds, cpu, peak_mib = _time_changeradar(args, ours)
        ours_seconds.append(seconds)
        ours_cpu.append(cpu)
        peaks.append(peak_mib)
        if args.other_build:
            other_seconds.append(_time_changeradar(args, args.other_build)[0])

    print(f"repository           {args.repo}  {args.since} … {args.until} (UTC)  ({_count(args)} commits)")
    print(f"git log -p --numstat  {_times(git_seconds)}")
    print(f"changeradar report    {_times(ours_seconds)}")
    print(f"ratio                 {_ratios(ours_seconds, git_seconds)}")
    if other_seconds:
        print(f"other build           {_times(other_seconds)}")
        print(f"its ratio             {_ratios(other_seconds, git_seconds)}")
    cpu_git, cpu_ours = statistics.median(git_cpu), statistics.median(ours_cpu)
    cpu_ratio = cpu_ours / cpu_git
    print(f"CPU (user+sys)        git {cpu_git:.2f} s  ours {cpu_ours:.2f} s  median ratio {cpu_ratio:.2f} ×")
    print(f"peak memory           {max(peaks):.0f} MiB (target < 400)")


def _git_log_command(args: argparse.Namespace) -> list[str]:
    command = ["git", "-C", str(args.repo), "log", "-p", "--numstat", "--no-merges"]
    command += [f"--since={args.since}T00:00:00Z", f"--until={args.until}T00:00:00Z"]
    return command + ([args.branch] if args.branch else [])


def _count(args: argparse.Namespace) -> int:
    command = ["git", "-C", str(args.repo), "rev-list", "--count", "--no-merges"]
    command += [f"--since={args.since}T00:00:00Z", f"--until={args.until}T00:00:00Z"]
    command.append(args.branch or "HEAD")
    return int(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def _time_changeradar(args: argparse.Namespace, executable: str) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as scratch:
        command = [executable, "report", str(args.repo), "--since", args.since, "--until", args.until]
        command += ["--tz", "UTC", "--lang", "en", "--format", "md,json", "--out", f"{scratch}/out"]
        command += ["--cache-dir", f"{scratch}/cache"] + (["--branch", args.branch] if args.branch else [])
        return _time(command)


def _time(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds of `command`, CPU seconds of its whole process tree, and the peak resident memory in MiB
    of its largest process (exit 1 still wrote a report).

    On a shared machine the CPU seconds (user + system, the command and every child it waited for) vary
    much less than the wall clock: they are the figure to compare before and after a change.
    """
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} exited {process.returncode}: {' '.join(command)}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _times(seconds: list[float]) -> str:
    runs = " ".join(f"{value:.3f}" for value in seconds)
    return f"best {min(seconds):.3f} s  median {statistics.median(seconds):.3f} s  runs {runs}"


def _ratios(seconds: list[float], git_seconds: list[float]) -> str:
    best = min(seconds) / min(git_seconds)
    return f"best {best:.2f} ×  median {statistics.median(seconds) / statistics.median(git_seconds):.2f} ×"


if __name__ == "__main__":
    main()
