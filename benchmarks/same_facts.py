"""Whether a change left the facts alone: the JSON report of a real window, before and after.

    python benchmarks/same_facts.py /path/to/repo --since 2026-01-01 --until 2026-08-22 --save before.json
    ... change the code ...
    python benchmarks/same_facts.py /path/to/repo --since 2026-01-01 --until 2026-08-22 --against before.json

Runs `changeradar report` (offline, UTC, English) over the window and keeps, per commit, what extraction
and scoring decided: files, signals, importance, diff status and failures. `--against` prints every
commit whose facts differ and exits 1 if any does: a speed-up must not change a single fact.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from installed import changeradar_executable

FACTS = (
    "files",
    "signals",
    "importance",
    "diff_status",
    "missing_objects",
    "diff_error",
    "additions",
    "deletions",
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repo", type=Path)
    parser.add_argument("--since", required=True, help="first day, YYYY-MM-DD (UTC)")
    parser.add_argument("--until", required=True, help="day after the last, YYYY-MM-DD (UTC)")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--save", type=Path, help="write the window's facts here")
    what.add_argument("--against", type=Path, help="compare the window's facts with these")
    args = parser.parse_args()

    facts = _window_facts(args.repo, args.since, args.until)
    if args.save:
        args.save.write_text(json.dumps(facts, indent=1, sort_keys=True), encoding="utf-8")
        print(f"saved the facts of {len(facts['commits'])} commits to {args.save}")
        return
    saved = json.loads(args.against.read_text(encoding="utf-8"))
    differences = _differences(saved, facts)
    for line in differences:
        print(line)
    print(f"{len(facts['commits'])} commits, {len(differences)} differences")
    sys.exit(1 if differences else 0)


def _window_facts(repo: Path, since: str, until: str) -> dict[str, object]:
    executable = changeradar_executable()
    with tempfile.TemporaryDirectory() as scratch:
        command = [executable, "report", str(repo), "--since", since, "--until", until, "--tz", "UTC"]
        command += [
            "--lang",
            "en",
            "--format",
            "json",
            "--out",
            f"{scratch}/out",
            "--cache-dir",
            f"{scratch}/c",
        ]
        finished = subprocess.run(command, capture_output=True, text=True)
        if finished.returncode not in (0, 1):
            raise SystemExit(f"changeradar exited {finished.returncode}: {finished.stderr.strip()}")
        (report,) = Path(scratch, "out").rglob("*.json")
        document = json.loads(report.read_text(encoding="utf-8"))
    commits = {commit["sha"]: {key: commit[key] for key in FACTS} for commit in document["commits"]}
    return {"summary": document["summary"], "failures": document["failures"], "commits": commits}


def _differences(before: dict, after: dict) -> list[str]:
    lines = [f"{key} differs" for key in ("summary", "failures") if before[key] != after[key]]
    old, new = before["commits"], after["commits"]
    lines += [f"{sha[:12]} only before" for sha in old.keys() - new.keys()]
    lines += [f"{sha[:12]} only after" for sha in new.keys() - old.keys()]
    for sha in old.keys() & new.keys():
        for key in FACTS:
            if old[sha][key] != new[sha][key]:
                lines.append(f"{sha[:12]} {key}: {old[sha][key]!r} → {new[sha][key]!r}")
    return sorted(lines)


if __name__ == "__main__":
    main()
