"""Dependency changes in real repositories, from commit to score: how far a version moved, who moved it,
whether users install it, and the language floor."""

from __future__ import annotations

from pathlib import Path

from changeradar.collect import collect_commits
from changeradar.config import ImportanceSettings
from changeradar.git import GitBlobReader
from changeradar.model import Commit, Level, Signal, SignalAction, SignalKind
from changeradar.score import score_commit
from changeradar.signals import extract_signals
from changeradar.window import day_window
from gitrepo import GitRepo

DEPENDABOT = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"
BASE_DATE = "2026-01-28T10:00:00+08:00"
DAY_DATE = "2026-01-29T10:00:00+08:00"

GO_MOD = """\
module github.com/acme/scheduler

go {go}

toolchain go{toolchain}

require (
\tgithub.com/prometheus/client_golang {prometheus}
\tk8s.io/client-go {client_go}
\tsigs.k8s.io/controller-runtime v0.19.1
)

require (
\tgithub.com/beorn7/perks v1.0.1 // indirect
\tgolang.org/x/net {net} // indirect
)
"""
GO_VERSIONS = {
    "go": "1.22",
    "toolchain": "1.22.5",
    "prometheus": "v1.20.5",
    "client_go": "v0.31.2",
    "net": "v0.30.0",
}


def day_commit(repo: GitRepo) -> tuple[Commit, tuple[Signal, ...]]:
    """The one commit of 2026-01-29 and its signals, read as the pipeline reads them."""
    (commit,) = collect_commits(repo.path, "main", day_window("2026-01-29", "Asia/Shanghai"))
    with GitBlobReader(repo.path) as blobs:
        return commit, extract_signals(commit, blobs)


def dependencies(signals: tuple[Signal, ...]) -> list[tuple[str, SignalAction, str, tuple[str, ...]]]:
    return [(s.name, s.action, s.detail, s.traits) for s in signals if s.kind is SignalKind.DEPENDENCY]


def go_repo(path: Path, message: str, author: str, **changes: str) -> GitRepo:
    repo = GitRepo(path)
    repo.commit(
        "Initial scheduler",
        {"go.mod": GO_MOD.format(**GO_VERSIONS), "main.go": "package main\n"},
        date=BASE_DATE,
    )
    repo.commit(message, {"go.mod": GO_MOD.format(**(GO_VERSIONS | changes))}, author=author, date=DAY_DATE)
    return repo


def test_a_dependabot_patch_bump_of_a_go_module_is_low(tmp_path):
    repo = go_repo(
        tmp_path / "repo",
        "chore(deps): bump github.com/prometheus/client_golang from 1.20.5 to 1.20.6 (#1201)",
        DEPENDABOT,
        prometheus="v1.20.6",
    )
    commit, signals = day_commit(repo)

    assert dependencies(signals) == [
        ("github.com/prometheus/client_golang", SignalAction.CHANGED, "v1.20.5 → v1.20.6", ("patch", "bot"))
    ]
    importance = score_commit(commit, signals, ImportanceSettings())
    assert importance.level is Level.LOW
    assert [reason.rule for reason in importance.reasons] == ["dependency_bot_bump"]


def test_the_same_patch_bump_by_a_person_stays_medium(tmp_path):
    repo = go_repo(
        tmp_path / "repo",
        "Pick up the prometheus fix for histograms",
        "Alice Zhang <alice@example.com>",
        prometheus="v1.20.6",
    )
    commit, signals = day_commit(repo)

    assert dependencies(signals)[0][3] == ("patch",)
    assert score_commit(commit, signals, ImportanceSettings()).level is Level.MEDIUM


def test_an_indirect_go_requirement_counts_little_and_the_go_directive_is_a_floor(tmp_path):
    repo = go_repo(
        tmp_path / "repo",
        "go mod tidy; build with Go 1.23",
        "Alice Zhang <alice@example.com>",
        go="1.23",
        net="v0.31.0",
    )
    commit, signals = day_commit(repo)

    assert dependencies(signals) == [
        ("go", SignalAction.CHANGED, "1.22 → 1.23", ("floor", "minor")),
        ("golang.org/x/net", SignalAction.CHANGED, "v0.30.0 → v0.31.0", ("indirect", "major")),
    ]
    reasons = {
        reason.rule: reason.weight for reason in score_commit(commit, signals, ImportanceSettings()).reasons
    }
    assert reasons == {"dependency_floor_changed": 2.5, "dependency_indirect": 0.25}


def test_the_toolchain_the_repository_builds_with_is_a_development_dependency_not_a_floor(tmp_path):
    """llm-d's d70b91f moved `toolchain` to go1.25.9: a module that requires this one ignores the line,
    so it is no language floor, and no user has to act on it."""
    repo = go_repo(
        tmp_path / "repo", "ci: harden the build", "Alice Zhang <alice@example.com>", toolchain="1.22.9"
    )
    commit, signals = day_commit(repo)

    assert dependencies(signals) == [
        ("toolchain", SignalAction.CHANGED, "1.22.5 → 1.22.9", ("development", "patch"))
    ]
    importance = score_commit(commit, signals, ImportanceSettings())
    assert [reason.rule for reason in importance.reasons if reason.rule.startswith("dependency")] == [
        "dependency_development"
    ]


def test_an_indirect_only_change_is_low(tmp_path):
    repo = go_repo(tmp_path / "repo", "go mod tidy", "Alice Zhang <alice@example.com>", net="v0.30.1")
    commit, signals = day_commit(repo)

    assert score_commit(commit, signals, ImportanceSettings()).level is Level.LOW


def test_a_go_v0_minor_step_is_major_even_from_a_bot(tmp_path):
    repo = go_repo(
        tmp_path / "repo",
        "chore(deps): bump k8s.io/client-go from 0.31.2 to 0.32.0",
        DEPENDABOT,
        client_go="v0.32.0",
    )
    commit, signals = day_commit(repo)

    assert dependencies(signals)[0][2:] == ("v0.31.2 → v0.32.0", ("major", "bot"))
    importance = score_commit(commit, signals, ImportanceSettings())
    assert [reason.rule for reason in importance.reasons] == ["dependency_major_bump"]
    assert importance.level is Level.MEDIUM


CARGO = """\
[package]
name = "ghpr"
version = "0.4.0"
edition = "2021"
rust-version = "{rust}"

[dependencies]
clap = {{ version = "{clap}", features = ["derive", "env"] }}
reqwest = "{reqwest}"

[dev-dependencies]
insta = "{insta}"
"""
CARGO_VERSIONS = {"rust": "1.74", "clap": "4.5", "reqwest": "0.11", "insta": "1.39"}


def cargo_repo(path: Path, message: str, **changes: str) -> GitRepo:
    repo = GitRepo(path)
    files = {"Cargo.toml": CARGO.format(**CARGO_VERSIONS), "src/main.rs": "fn main() {}\n"}
    repo.commit("Initial CLI", files, date=BASE_DATE)
    repo.commit(message, {"Cargo.toml": CARGO.format(**(CARGO_VERSIONS | changes))}, date=DAY_DATE)
    return repo


def test_a_cargo_0x_minor_step_is_major_and_a_dev_dependency_counts_little(tmp_path):
    repo = cargo_repo(tmp_path / "repo", "reqwest 0.12, insta 1.41", reqwest="0.12", insta="1.41")
    commit, signals = day_commit(repo)

    assert dependencies(signals) == [
        ("reqwest", SignalAction.CHANGED, "0.11 → 0.12", ("major",)),
        ("insta", SignalAction.CHANGED, "1.39 → 1.41", ("development", "minor")),
    ]
    reasons = {
        reason.rule: reason.weight for reason in score_commit(commit, signals, ImportanceSettings()).reasons
    }
    assert reasons == {"dependency_major_bump": 3.5, "dependency_development": 0.5}


def test_a_raised_rust_version_is_a_floor(tmp_path):
    repo = cargo_repo(tmp_path / "repo", "Require Rust 1.80 for LazyLock", rust="1.80")
    _, signals = day_commit(repo)

    assert dependencies(signals) == [
        ("rust-version", SignalAction.CHANGED, "1.74 → 1.80", ("floor", "minor"))
    ]


def test_the_rust_toolchain_channel_is_a_development_dependency(tmp_path):
    """text-generation-inference's 203cade moved rust-toolchain.toml to 1.84.0, and a project keeping
    the legacy one-line `rust-toolchain` file moves it alike; a crate that depends on it ignores both."""
    toolchain = '[toolchain]\n# Released on: June 13, 2024\nchannel = "{}"\ncomponents = ["clippy"]\n'
    repo = GitRepo(tmp_path / "repo")
    before = {"rust-toolchain.toml": toolchain.format("1.80.1"), "tools/rust-toolchain": "1.80.1\n"}
    repo.commit("Toolchain", {**before, "src/main.rs": "fn main() {}\n"}, date=BASE_DATE)
    after = {"rust-toolchain.toml": toolchain.format("1.84.0"), "tools/rust-toolchain": "1.84.0\n"}
    repo.commit("Upgrading our rustc version.", after, date=DAY_DATE)
    _, signals = day_commit(repo)

    assert [(s.name, s.detail, s.path, s.traits) for s in signals if s.kind is SignalKind.DEPENDENCY] == [
        ("toolchain", "1.80.1 → 1.84.0", "rust-toolchain.toml", ("development", "minor")),
        ("toolchain", "1.80.1 → 1.84.0", "tools/rust-toolchain", ("development", "minor")),
    ]


PYPROJECT = """\
[project]
name = "widget"
version = "0.3.0"
requires-python = "{python}"
dependencies = [
{dependencies}]

[project.optional-dependencies]
dev = ["pytest>=8"]
"""


def pyproject(python: str = ">=3.9", *requirements: str) -> str:
    return PYPROJECT.format(python=python, dependencies="".join(f'    "{item}",\n' for item in requirements))


def test_a_raised_requires_python_is_a_floor_of_medium_weight(tmp_path):
    repo = GitRepo(tmp_path / "repo")
    repo.commit("Initial", {"pyproject.toml": pyproject(">=3.9", "torch==2.9.1")}, date=BASE_DATE)
    repo.commit("Drop Python 3.9", {"pyproject.toml": pyproject(">=3.10", "torch==2.9.1")}, date=DAY_DATE)
    commit, signals = day_commit(repo)

    assert dependencies(signals) == [
        ("requires-python", SignalAction.CHANGED, ">=3.9 → >=3.10", ("floor", "minor"))
    ]
    assert score_commit(commit, signals, ImportanceSettings()).level is Level.MEDIUM


def test_a_requirement_moved_from_requirements_txt_to_pyproject_is_neither_added_nor_removed(tmp_path):
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        "Initial",
        {
            "pyproject.toml": pyproject(">=3.10", "torch==2.9.1"),
            "requirements.txt": "numpy>=1.26\nsafetensors==0.4.5\n",
        },
        date=BASE_DATE,
    )
    repo.commit(
        "Declare every requirement in pyproject.toml",
        {
            "pyproject.toml": pyproject(">=3.10", "torch==2.9.1", "numpy>=1.26", "safetensors==0.5.0"),
            "requirements.txt": None,
        },
        date=DAY_DATE,
    )
    _, signals = day_commit(repo)

    # numpy moved unchanged: no fact; safetensors moved and changed: one change, where it now is.
    assert dependencies(signals) == [("safetensors", SignalAction.CHANGED, "0.4.5 → 0.5.0", ("minor",))]
    assert [s.path for s in signals if s.kind is SignalKind.DEPENDENCY] == ["pyproject.toml"]


def test_a_new_runtime_dependency_counts_more_than_a_dev_extra(tmp_path):
    repo = GitRepo(tmp_path / "repo")
    repo.commit("Initial", {"pyproject.toml": pyproject(">=3.10", "torch==2.9.1")}, date=BASE_DATE)
    new = pyproject(">=3.10", "torch==2.9.1", "xgrammar>=0.1.25").replace(
        'dev = ["pytest>=8"]', 'dev = ["pytest>=8", "pyarrow"]'
    )
    repo.commit("Add grammar-constrained decoding dependency", {"pyproject.toml": new}, date=DAY_DATE)
    commit, signals = day_commit(repo)

    reasons = {
        reason.rule: (reason.weight, reason.subject)
        for reason in score_commit(commit, signals, ImportanceSettings()).reasons
    }
    assert reasons["dependency_added"] == (3.0, "xgrammar >=0.1.25")
    assert reasons["dependency_development"] == (0.5, "pyarrow")
