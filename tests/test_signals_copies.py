"""A new file that copies one the repository has (a backend's launcher and manifest copied from another
backend) declares only what it adds: read against its source, on scripted repositories, as the pipeline
reads them."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from functools import partial

from changeradar.collect import collect_commits
from changeradar.commit_diffs import copied_files
from changeradar.git import GitBlobReader, lazy_fetch
from changeradar.model import Commit, FileChange, FileStatus, SignalAction, SignalKind
from changeradar.signals import COPY_CHECK_FROM, extract_signals
from changeradar.window import day_window
from gitrepo import GitRepo
from signal_repo import commit_files

ADDED, REMOVED = SignalAction.ADDED, SignalAction.REMOVED
OPTIONS = (
    "max-batch-size",
    "max-input-tokens",
    "max-total-tokens",
    "waiting-served-ratio",
    "port",
    "hostname",
)


def launcher(options: Sequence[str]) -> str:
    """A clap launcher with `options`, each also read from its environment variable."""
    fields = "".join(
        f"    #[clap(long, env)]\n    {option.replace('-', '_')}: String,\n" for option in options
    )
    return (
        "use clap::Parser;\n\n#[derive(Parser, Debug)]\n#[clap(author, version, about)]\nstruct Args {\n"
        f'{fields}}}\n\nfn main() {{\n    let args = Args::parse();\n    println!("{{:?}}", args);\n}}\n'
    )


MANIFEST = """\
    [package]
    name = "router-v3"
    version = "3.0.0"

    [dependencies]
    axum = "0.7"
    clap = "4.4.5"
    tokio = "1.32"
    tonic = "0.10.1"
    tracing = "0.1"
    """


def newest_commit(repo: GitRepo) -> Commit:
    return collect_commits(repo.path, "main", day_window("2026-01-29", "Asia/Shanghai"))[0]


def facts(repo: GitRepo, *, with_copies: bool = True) -> list[tuple]:
    """(kind, name, action, detail, path) of the newest commit's interface facts."""
    commit = newest_commit(repo)
    find_copies = partial(copied_files, repo.path) if with_copies else None
    with GitBlobReader(repo.path) as blobs:
        signals = extract_signals(commit, blobs, find_copies=find_copies)
    interface = (SignalKind.CLI_OPTION, SignalKind.ENV_VAR, SignalKind.DEPENDENCY, SignalKind.MODULE)
    return [(s.kind, s.name, s.action, s.detail, s.path) for s in signals if s.kind in interface]


def copy_the_backend(repo: GitRepo, new_options: Sequence[str], new_manifest: str) -> None:
    commit_files(
        repo,
        "Backend v3",
        {"backends/v3/src/main.rs": launcher(OPTIONS), "backends/v3/Cargo.toml": MANIFEST},
    )
    commit_files(
        repo,
        "chore: Add old V2 backend",
        {"backends/v2/src/main.rs": launcher(new_options), "backends/v2/Cargo.toml": new_manifest},
    )


def test_a_copied_launcher_and_manifest_declare_only_what_they_add(git_repo: GitRepo):
    """The copy drops `--hostname` and adds `--legacy-queue`: the one is no removal (v3 still has it),
    the other is the only new option; the manifest adds one dependency and bumps none."""
    manifest = MANIFEST.replace('name = "router-v3"', 'name = "router-v2"') + 'async-stream = "0.3.5"\n'
    copy_the_backend(git_repo, (*OPTIONS[:-1], "legacy-queue"), manifest)
    main, cargo = "backends/v2/src/main.rs", "backends/v2/Cargo.toml"
    assert facts(git_repo) == [
        (SignalKind.MODULE, main, ADDED, "copy of backends/v3/src/main.rs", main),
        (SignalKind.DEPENDENCY, "async-stream", ADDED, "0.3.5", cargo),
        (SignalKind.ENV_VAR, "LEGACY_QUEUE", ADDED, "", main),
        (SignalKind.CLI_OPTION, "--legacy-queue", ADDED, "", main),
    ]
    unread = facts(git_repo, with_copies=False)
    assert sum(kind is SignalKind.CLI_OPTION for kind, *_ in unread) == len(OPTIONS)
    assert (SignalKind.DEPENDENCY, "axum", ADDED, "0.7", cargo) in unread


def test_a_new_launcher_that_copies_nothing_declares_all_it_has(git_repo: GitRepo):
    commit_files(git_repo, "Backend v3", {"backends/v3/src/main.rs": launcher(OPTIONS)})
    fresh = ("model-id", "revision", "shard", "quantize", "dtype", "trust-remote-code")
    commit_files(git_repo, "Add a launcher", {"launcher/src/main.rs": launcher(fresh)})
    options = [name for kind, name, *_ in facts(git_repo) if kind is SignalKind.CLI_OPTION]
    assert options == [f"--{option}" for option in fresh]


def test_git_is_asked_only_when_new_files_add_enough_that_users_meet(git_repo: GitRepo):
    asked: list[Sequence[str]] = []

    def find_copies(commit: Commit, paths: Sequence[str]) -> Mapping[str, FileChange]:
        asked.append(paths)
        return {}

    commit_files(git_repo, "Backend v3", {"backends/v3/src/main.rs": launcher(OPTIONS)})
    few = OPTIONS[: COPY_CHECK_FROM // 2]  # each option brings its variable: 2 × 2 facts
    commit_files(git_repo, "A small launcher", {"tools/small/src/main.rs": launcher(few)})
    # A benchmark's options are no product's: however many, they ask nothing.
    commit_files(git_repo, "A benchmark", {"benchmarks/load/main.rs": launcher(OPTIONS)})
    commit_files(git_repo, "A launcher", {"launcher/src/main.rs": launcher(OPTIONS)})
    history = collect_commits(git_repo.path, "main", day_window("2026-01-29", "Asia/Shanghai"))
    with GitBlobReader(git_repo.path) as blobs:
        for commit in reversed(history):
            extract_signals(commit, blobs, find_copies=find_copies)
    assert asked == [["launcher/src/main.rs"]]


FRESH_MAIN = """\
fn main() {
    let limits = Limits::from_env();
    let server = Server::bind(limits.address()).expect("the port is free");
    server.serve_forever();
}
"""


def test_git_pairs_a_new_file_with_the_same_named_file_it_copies_and_no_other(git_repo: GitRepo):
    text = launcher(OPTIONS)
    commit_files(
        git_repo,
        "Two launchers",
        {"backends/v3/src/main.rs": text, "tools/other/main.rs": launcher(("verbose",)), "args.rs": text},
    )
    commit_files(
        git_repo,
        "Copies",
        {"backends/v2/src/main.rs": text + "// v2\n", "fresh/main.rs": FRESH_MAIN},
    )
    commit = newest_commit(git_repo)
    copies = copied_files(git_repo.path, commit, ["backends/v2/src/main.rs", "fresh/main.rs"])
    assert list(copies) == ["backends/v2/src/main.rs"]
    copy = copies["backends/v2/src/main.rs"]
    assert (copy.status, copy.old_path, copy.additions, copy.deletions) == (
        FileStatus.COPIED,
        "backends/v3/src/main.rs",
        1,
        0,
    )
    assert copy.patch.startswith("@@") and "+// v2" in copy.patch


def test_a_root_commit_copies_nothing(git_repo: GitRepo):
    commit_files(git_repo, "Root", {"src/main.rs": launcher(OPTIONS)})
    assert copied_files(git_repo.path, newest_commit(git_repo), ["src/main.rs"]) == {}


def test_a_partial_clone_fetches_no_source_to_tell_a_copy(git_repo: GitRepo, tmp_path):
    """The source's content is not in the clone and its remote could serve it: it is not fetched, and
    the new file stays new."""
    many = (*OPTIONS, *(f"{option}-limit" for option in OPTIONS), *(f"{option}-floor" for option in OPTIONS))
    source_text = launcher(many)
    assert len(source_text) > 1024  # over the clone's filter: left on the remote
    copy_text = launcher(many[:-4])
    assert len(copy_text) < 1024
    commit_files(git_repo, "Backend v3", {"backends/v3/src/main.rs": source_text})
    commit_files(git_repo, "Backend v2", {"backends/v2/src/main.rs": copy_text})
    source_blob = git_repo.blob_id("HEAD~1", "backends/v3/src/main.rs")
    git_repo.git("config", "uploadpack.allowFilter", "true")
    clone = GitRepo(tmp_path / "partial.git", create=False)
    git_repo.git(
        "clone", "--quiet", "--bare", "--filter=blob:limit=1k", f"file://{git_repo.path}", str(clone.path)
    )
    with lazy_fetch(False):  # the day's other commit, which adds the source, is not read whole either
        commit = newest_commit(clone)

    assert copied_files(clone.path, commit, ["backends/v2/src/main.rs"]) == {}
    absent = subprocess.run(
        ["git", "cat-file", "-e", source_blob], cwd=clone.path, env={**os.environ, "GIT_NO_LAZY_FETCH": "1"}
    )
    assert absent.returncode != 0


def test_a_variable_a_deleted_file_read_is_not_removed_while_a_copy_reads_it(git_repo: GitRepo):
    """The v2 scheduler moves into a backend copied from v3: both read `ATTENTION`, which lives on."""
    reads = '\nfn attention() -> String {\n    std::env::var("ATTENTION").unwrap_or_default()\n}\n'
    commit_files(
        git_repo,
        "Backend v3 and the v2 scheduler",
        {"backends/v3/src/main.rs": launcher(OPTIONS) + reads, "router/src/infer/v2/scheduler.rs": reads},
    )
    commit_files(
        git_repo,
        "chore: Add old V2 backend",
        {"backends/v2/src/main.rs": launcher(OPTIONS) + reads, "router/src/infer/v2/scheduler.rs": None},
    )
    variables = [(name, action) for kind, name, action, *_ in facts(git_repo) if kind is SignalKind.ENV_VAR]
    assert variables == []
    unread = facts(git_repo, with_copies=False)
    assert (SignalKind.ENV_VAR, "ATTENTION", REMOVED, "", "router/src/infer/v2/scheduler.rs") in unread
