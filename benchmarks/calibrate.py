"""How far the importance rules agree with hand-labelled commits, through the real pipeline pieces.

Each labelled commit is read with `collect`, its facts with `signals`, and scored with `score`; the
script prints accuracy, per-class precision and recall, the confusion matrix, within-one-level agreement
and every disagreement with the reasons that decided it.

    PYTHONPATH=src python benchmarks/calibrate.py --labels labels.jsonl \
        --repo sgl-project/mini-sglang=/path/to/mini-sglang --repo sgl-project/sglang-jax=/path/to/sglang-jax
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from changeradar.collect import collect_commits
from changeradar.config import ImportanceSettings
from changeradar.errors import BadInput
from changeradar.git import GitBlobReader, run_git
from changeradar.model import Commit, Importance, Level, Window
from changeradar.score import check_weights, describe_reason, score_commit
from changeradar.signals import extract_signals

LEVELS = (Level.HIGH, Level.MEDIUM, Level.LOW)
RANK = {level: index for index, level in enumerate(LEVELS)}
TOP_REASONS = 3


@dataclass(frozen=True, slots=True)
class Label:
    repo: str
    sha: str
    subject: str
    level: Level


@dataclass(frozen=True, slots=True)
class Outcome:
    label: Label
    importance: Importance


def main(argv: Sequence[str] | None = None) -> None:
    parser = _parser()
    arguments = parser.parse_args(argv)
    settings = ImportanceSettings(
        high=arguments.high, medium=arguments.medium, weights=dict(arguments.weight or ())
    )
    try:
        check_weights(settings)
    except BadInput as error:
        parser.error(str(error))
    repositories = dict(arguments.repo)
    outcomes: list[Outcome] = []
    for repo, labels in _by_repo(read_labels(arguments.labels)).items():
        if repo in repositories:
            outcomes += score_labelled(Path(repositories[repo]), labels, settings)
        else:
            print(f"skipped {len(labels)} labels of {repo}: no --repo {repo}=PATH")
    print(summarise(outcomes))


def read_labels(path: Path) -> list[Label]:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return [Label(row["repo"], row["sha"], row["subject"], Level(row["importance"])) for row in rows]


def score_labelled(repo_dir: Path, labels: Sequence[Label], settings: ImportanceSettings) -> list[Outcome]:
    """Collect, extract and score every labelled commit of one repository."""
    commits = _collect(repo_dir, [label.sha for label in labels])
    outcomes = []
    with GitBlobReader(repo_dir) as blobs:
        for label in labels:
            commit = commits[label.sha]
            outcomes.append(Outcome(label, score_commit(commit, extract_signals(commit, blobs), settings)))
    return outcomes


def _collect(repo_dir: Path, shas: Sequence[str]) -> dict[str, Commit]:
    """The commits with these shas, read by `collect_commits` over the window their committer dates span."""
    dates = run_git(["show", "--no-patch", "--format=%cI", *shas], repo_dir).decode().split()
    moments = [datetime.fromisoformat(date) for date in dates]
    window = Window(min(moments), max(moments) + timedelta(seconds=1), "calibration")
    branch = run_git(["symbolic-ref", "--short", "HEAD"], repo_dir).decode().strip()
    wanted = set(shas)
    found = {
        commit.sha: commit for commit in collect_commits(repo_dir, branch, window) if commit.sha in wanted
    }
    missing = wanted - found.keys()
    if missing:
        raise SystemExit(f"{repo_dir}: labelled commits not on {branch}: {', '.join(sorted(missing))}")
    return found


def summarise(outcomes: Sequence[Outcome]) -> str:
    pairs = [(outcome.label.level, outcome.importance.level) for outcome in outcomes]
    confusion = Counter(pairs)
    total = len(pairs)
    exact = sum(label is ours for label, ours in pairs)
    within_one = sum(abs(RANK[label] - RANK[ours]) <= 1 for label, ours in pairs)
    lines = [
        f"commits: {total}",
        f"accuracy: {exact / total:.1%} ({exact}/{total})",
        f"within one level: {within_one / total:.1%} ({within_one}/{total})",
        "",
        "class    precision  recall  labelled  predicted",
    ]
    for level in LEVELS:
        predicted = sum(confusion[(label, level)] for label in LEVELS)
        labelled = sum(confusion[(level, ours)] for ours in LEVELS)
        hits = confusion[(level, level)]
        precision, recall = _ratio(hits, predicted), _ratio(hits, labelled)
        lines.append(f"{level.value:<8} {precision:>9}  {recall:>6}  {labelled:>8}  {predicted:>9}")
    lines += [
        "",
        "confusion (rows: label, columns: ours)",
        "label     " + "".join(f"{lv.value:>8}" for lv in LEVELS),
    ]
    for label in LEVELS:
        lines.append(f"{label.value:<10}" + "".join(f"{confusion[(label, ours)]:>8}" for ours in LEVELS))
    lines += ["", "disagreements (sha, label → ours, score, subject; top reasons):"]
    for outcome in outcomes:
        if outcome.label.level is not outcome.importance.level:
            lines += _disagreement(outcome)
    return "\n".join(lines)


def _disagreement(outcome: Outcome) -> list[str]:
    label, importance = outcome.label, outcome.importance
    top = sorted(importance.reasons, key=lambda reason: abs(reason.weight), reverse=True)[:TOP_REASONS]
    shown = "; ".join(f"{describe_reason(reason, 'en')} ({reason.weight:+g})" for reason in top)
    levels = f"{label.level.value} → {importance.level.value} ({importance.score:g})"
    return [f"  {label.sha[:8]} {levels} {label.subject[:70]}", f"      {shown or 'no rule fired'}"]


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def _by_repo(labels: Sequence[Label]) -> dict[str, list[Label]]:
    grouped: dict[str, list[Label]] = defaultdict(list)
    for label in labels:
        grouped[label.repo].append(label)
    return grouped


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--labels", type=Path, required=True, help="JSON lines: repo, sha, subject, importance"
    )
    parser.add_argument(
        "--repo",
        type=_pair(str),
        action="append",
        required=True,
        metavar="NAME=PATH",
        help="a labelled repository",
    )
    parser.add_argument("--high", type=float, default=ImportanceSettings().high, help="high threshold")
    parser.add_argument("--medium", type=float, default=ImportanceSettings().medium, help="medium threshold")
    parser.add_argument(
        "--weight", type=_pair(float), action="append", metavar="RULE=WEIGHT", help="override"
    )
    return parser


def _pair(value_type: Callable[[str], object]) -> Callable[[str], tuple[str, object]]:
    """An argparse type reading `KEY=VALUE`, with the value converted by `value_type`."""

    def parse(text: str) -> tuple[str, object]:
        key, separator, value = text.partition("=")
        if not separator or not key:
            raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
        return key, value_type(value)

    return parse


if __name__ == "__main__":
    main()
