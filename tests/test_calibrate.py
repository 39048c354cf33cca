"""benchmarks/calibrate.py: per-repository agreement and leave-one-repository-out on tiny labelled repos."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from changeradar.config import ImportanceSettings
from gitrepo import GitRepo

CALIBRATE_PATH = Path(__file__).parents[1] / "benchmarks" / "calibrate.py"


@pytest.fixture(scope="module")
def calibrate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("calibrate", CALIBRATE_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["calibrate"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def build_labelled_repo(path: Path, fix_label: str) -> tuple[GitRepo, list[dict[str, str]]]:
    """A small project with a docs commit (low), a core bug fix (labelled `fix_label`) and a new CLI
    option (high); the labels as calibrate.py reads them, without the repository name."""
    repo = GitRepo(path)
    repo.commit(
        "Initial import",
        {
            "README.md": "# tool\n",
            "src/tool/cli.py": "import argparse\n\nparser = argparse.ArgumentParser()\n",
            "src/tool/batch.py": "def run(batch):\n    return batch\n",
        },
        date="2026-01-27T10:00:00+08:00",
    )
    docs = repo.commit(
        "docs: fix a typo in the README", {"README.md": "# Tool\n"}, date="2026-01-28T10:00:00+08:00"
    )
    fix = repo.commit(
        "fix: skip empty batches",
        {"src/tool/batch.py": "def run(batch):\n    if not batch:\n        return []\n    return batch\n"},
        date="2026-01-28T11:00:00+08:00",
    )
    option = repo.commit(
        "Add a page size option",
        {
            "src/tool/cli.py": "import argparse\n\nparser = argparse.ArgumentParser()\n"
            'parser.add_argument("--page-size", type=int, default=16)\n'
        },
        date="2026-01-28T12:00:00+08:00",
    )
    labels = [
        {"sha": docs, "subject": "docs: fix a typo in the README", "importance": "low"},
        {"sha": fix, "subject": "fix: skip empty batches", "importance": fix_label},
        {"sha": option, "subject": "Add a page size option", "importance": "high"},
    ]
    return repo, labels


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """Three repositories: two whose reviewer calls a small fix low, one that calls it medium."""
    root = tmp_path_factory.mktemp("calibration")
    rows, paths = [], {}
    for name, fix_label in (("acme/alpha", "low"), ("acme/beta", "low"), ("acme/gamma", "medium")):
        repo, labels = build_labelled_repo(root / name.replace("/", "+"), fix_label)
        rows += [{"repo": name, **label} for label in labels]
        paths[name] = repo.path
    labels_path = root / "labels.jsonl"
    labels_path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return labels_path, paths


def read_all(calibrate: ModuleType, labelled: tuple[Path, dict[str, Path]]) -> list:
    labels_path, paths = labelled
    grouped: dict[str, list] = {}
    for label in calibrate.read_labels(labels_path):
        grouped.setdefault(label.repo, []).append(label)
    return [
        example
        for repo, labels in grouped.items()
        for example in calibrate.read_examples(paths[repo], labels)
    ]


def test_each_held_out_repository_is_scored_with_settings_tuned_on_the_others_only(calibrate, labelled):
    examples = read_all(calibrate, labelled)

    folds = {
        repo: (tuned, outcomes)
        for repo, tuned, outcomes in calibrate.leave_one_out(examples, ImportanceSettings())
    }

    # Without gamma, both training repositories call the fix low: the search lowers what a fix is worth.
    gamma_tuned, gamma_outcomes = folds["acme/gamma"]
    assert gamma_tuned == calibrate.tune(
        [e for e in examples if e.label.repo != "acme/gamma"], ImportanceSettings()
    )
    assert [outcome.importance.level.value for outcome in gamma_outcomes] == ["low", "low", "high"]
    assert calibrate.Tally.of(gamma_outcomes) == calibrate.Tally(total=3, exact=2, within_one=3, swaps=0)
    # Without alpha, beta (low) and gamma (medium) disagree: a tie keeps the default, and the fix is medium.
    alpha_tuned, alpha_outcomes = folds["acme/alpha"]
    assert alpha_tuned == calibrate.tune(
        [e for e in examples if e.label.repo != "acme/alpha"], ImportanceSettings()
    )
    assert [outcome.importance.level.value for outcome in alpha_outcomes] == ["low", "medium", "high"]


def test_tuning_is_deterministic_and_ignores_the_held_out_labels(calibrate, labelled):
    examples = read_all(calibrate, labelled)
    training = [example for example in examples if example.label.repo != "acme/gamma"]

    first = calibrate.tune(training, ImportanceSettings())
    second = calibrate.tune(list(training), ImportanceSettings())

    assert first == second
    assert first != ImportanceSettings()  # the two "low" labels moved something


def test_the_command_prints_both_tables_per_repository_and_overall(calibrate, labelled, capsys):
    labels_path, paths = labelled
    repos = [argument for name, path in paths.items() for argument in ("--repo", f"{name}={path}")]

    calibrate.main(["--labels", str(labels_path), *repos, "--leave-one-out"])

    output = capsys.readouterr().out
    given, held_out = output.split("leave one repository out")
    # With the defaults the fix is medium everywhere: right for gamma, one miss each for alpha and beta.
    assert "acme/alpha        3   66.7%      100.0%    0 (0.0%)" in given
    assert "acme/gamma        3  100.0%      100.0%    0 (0.0%)" in given
    assert "all               9   77.8%      100.0%    0 (0.0%)" in given
    # Held out, gamma meets settings learnt from alpha and beta, which call its fix low.
    assert "acme/gamma        3   66.7%      100.0%    0 (0.0%)" in held_out
    assert "acme/gamma: medium 2.5→3" in held_out and "acme/alpha: unchanged" in held_out
