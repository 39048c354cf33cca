"""How far the importance rules agree with hand-labelled commits, through the real pipeline pieces.

Each labelled commit is read with `collect`, its facts with `signals`, and scored with `score`; the
script prints accuracy per repository and overall, per-class precision and recall, the confusion matrix,
within-one-level agreement and every disagreement with the reasons that decided it.

With `--leave-one-out`, each repository is scored with settings tuned on the others only: a small,
deterministic search over the thresholds and a handful of general rule weights (`SEARCH_SPACE`). That
figure predicts how the ranking does on an upstream nobody tuned it for.

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
from changeradar.model import Commit, Importance, Level, Signal, Window
from changeradar.render.view import describe_reason
from changeradar.score import check_weights, default_weights, score_commit
from changeradar.signals import extract_signals

LEVELS = (Level.HIGH, Level.MEDIUM, Level.LOW)
RANK = {level: index for index, level in enumerate(LEVELS)}
TOP_REASONS = 3
# The general parameters leave-one-out tunes, each with the values it may take (the default among them),
# searched one at a time in this order. Thresholds first: they move every commit.
SEARCH_SPACE: tuple[tuple[str, tuple[float, ...]], ...] = (
    ("high", (5.0, 5.5, 6.0, 6.5, 7.0)),
    ("medium", (2.0, 2.5, 3.0)),
    ("core_lines", (0.5, 0.75, 1.0, 1.25, 1.5)),
    ("feature", (1.5, 2.0, 2.5, 3.0)),
    ("fix", (1.5, 2.0, 2.5, 3.0)),
    ("perf", (1.5, 2.0, 2.5, 3.0)),
    ("refactor", (0.5, 1.0, 1.5)),
    ("untyped_core_change", (1.5, 2.0, 2.5, 3.0)),
    ("api_added", (0.5, 1.0, 1.5, 2.0)),
    ("api_removed", (0.5, 1.0, 1.5, 2.0)),
    ("module_added", (1.0, 1.5, 2.0)),
    ("env_var_added", (1.0, 1.5, 2.0)),
)
SEARCH_PASSES = 3
THRESHOLDS = ("high", "medium")


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


@dataclass(frozen=True, slots=True)
class Example:
    """A labelled commit with its facts, extracted once and scored under many settings."""

    label: Label
    commit: Commit
    signals: tuple[Signal, ...]


@dataclass(frozen=True, slots=True)
class Tally:
    """Agreement over some outcomes: exact, within one level, and high↔low swaps (the costly misses)."""

    total: int
    exact: int
    within_one: int
    swaps: int

    @classmethod
    def of(cls, outcomes: Sequence[Outcome]) -> Tally:
        distances = [abs(RANK[o.label.level] - RANK[o.importance.level]) for o in outcomes]
        return cls(len(distances), distances.count(0), sum(d <= 1 for d in distances), distances.count(2))

    @property
    def accuracy(self) -> float:
        return self.exact / self.total if self.total else 0.0

    @property
    def within_one_share(self) -> float:
        return self.within_one / self.total if self.total else 0.0

    @property
    def swap_share(self) -> float:
        return self.swaps / self.total if self.total else 0.0


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
    examples: list[Example] = []
    for repo, labels in _by_repo(read_labels(arguments.labels)).items():
        if repo in repositories:
            examples += read_examples(Path(repositories[repo]), labels)
        else:
            print(f"skipped {len(labels)} labels of {repo}: no --repo {repo}=PATH")
    outcomes = score_examples(examples, settings)
    print(summarise(outcomes))
    print("\nper repository, with the settings given:")
    print(repository_table(outcomes))
    if arguments.leave_one_out:
        print("\nleave one repository out (tuned on the others, scored on it):")
        print(leave_one_out_report(examples, settings))


def read_labels(path: Path) -> list[Label]:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return [Label(row["repo"], row["sha"], row["subject"], Level(row["importance"])) for row in rows]


def read_examples(repo_dir: Path, labels: Sequence[Label]) -> list[Example]:
    """Collect every labelled commit of one repository and extract its facts."""
    commits = _collect(repo_dir, [label.sha for label in labels])
    with GitBlobReader(repo_dir) as blobs:
        return [
            Example(label, commits[label.sha], extract_signals(commits[label.sha], blobs)) for label in labels
        ]


def score_examples(examples: Sequence[Example], settings: ImportanceSettings) -> list[Outcome]:
    return [Outcome(e.label, score_commit(e.commit, e.signals, settings)) for e in examples]


def tune(examples: Sequence[Example], start: ImportanceSettings) -> ImportanceSettings:
    """The settings `SEARCH_SPACE` reaches from `start` that agree best with these examples.

    Coordinate search: each parameter in turn takes the value that scores best with the others held,
    for `SEARCH_PASSES` passes or until nothing moves. Every repository counts alike (the mean of their
    accuracies), a high↔low swap costs one more miss, and ties keep the current value, so the result is
    deterministic and stays near the defaults.
    """
    values = {name: _setting(start, name) for name, _ in SEARCH_SPACE}
    for _ in range(SEARCH_PASSES):
        moved = False
        for name, candidates in SEARCH_SPACE:
            best_value, best_fit = values[name], _fit(examples, _settings(start, values))
            for candidate in candidates:
                fit = _fit(examples, _settings(start, values | {name: candidate}))
                if fit > best_fit:
                    best_value, best_fit = candidate, fit
            moved |= best_value != values[name]
            values[name] = best_value
        if not moved:
            break
    return _settings(start, values)


def leave_one_out(
    examples: Sequence[Example], start: ImportanceSettings
) -> list[tuple[str, ImportanceSettings, list[Outcome]]]:
    """For each repository: the settings tuned on all the others, and its outcomes under them."""
    repos = list(dict.fromkeys(example.label.repo for example in examples))
    folds = []
    for held_out in repos:
        training = [example for example in examples if example.label.repo != held_out]
        tuned = tune(training, start)
        tested = [example for example in examples if example.label.repo == held_out]
        folds.append((held_out, tuned, score_examples(tested, tuned)))
    return folds


def leave_one_out_report(examples: Sequence[Example], start: ImportanceSettings) -> str:
    folds = leave_one_out(examples, start)
    outcomes = [outcome for _, _, fold in folds for outcome in fold]
    lines = [repository_table(outcomes), "", "settings tuned without each repository (changes only):"]
    for repo, tuned, _ in folds:
        lines.append(f"  {repo}: {_describe_settings(tuned, start)}")
    return "\n".join(lines)


def repository_table(outcomes: Sequence[Outcome]) -> str:
    """Exact and within-one agreement and high↔low swaps per repository, then over all of them."""
    by_repo: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_repo[outcome.label.repo].append(outcome)
    width = max([len(repo) for repo in by_repo] + [len("all")])
    lines = [f"{'repository':<{width}}  commits   exact  within one  high↔low"]
    rows = [*by_repo.items(), ("all", list(outcomes))]
    for repo, repo_outcomes in rows:
        tally = Tally.of(repo_outcomes)
        lines.append(
            f"{repo:<{width}}  {tally.total:>7}  {tally.accuracy:>6.1%}  {tally.within_one_share:>10.1%}"
            f"  {tally.swaps:>3} ({tally.swap_share:.1%})"
        )
    return "\n".join(lines)


def _fit(examples: Sequence[Example], settings: ImportanceSettings) -> float:
    by_repo: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in score_examples(examples, settings):
        by_repo[outcome.label.repo].append(outcome)
    tallies = [Tally.of(outcomes) for outcomes in by_repo.values()]
    return sum(tally.accuracy - tally.swap_share for tally in tallies) / len(tallies)


def _setting(settings: ImportanceSettings, name: str) -> float:
    if name in THRESHOLDS:
        return float(getattr(settings, name))
    return (default_weights() | settings.weights)[name]


def _settings(start: ImportanceSettings, values: dict[str, float]) -> ImportanceSettings:
    """`start` with the searched parameters set to `values`."""
    weights = start.weights | {name: value for name, value in values.items() if name not in THRESHOLDS}
    return ImportanceSettings(high=values["high"], medium=values["medium"], weights=weights)


def _describe_settings(settings: ImportanceSettings, start: ImportanceSettings) -> str:
    changed = [
        f"{name} {_setting(start, name):g}→{_setting(settings, name):g}"
        for name, _ in SEARCH_SPACE
        if _setting(settings, name) != _setting(start, name)
    ]
    return ", ".join(changed) or "unchanged"


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
    parser.add_argument(
        "--leave-one-out",
        action="store_true",
        help="also score each repository with settings tuned on the others (from the settings given)",
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
