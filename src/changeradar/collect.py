"""The commits of a branch in a time window: listed from commit objects, then diffed in batches.

One `git log` lists the window's commits (ids, parents, people, dates, messages): it reads commit objects
only, so no missing file content can lose a commit. One long-lived `git diff-tree --stdin` then reads
their files, counts and patches, streaming (see `changeradar.commit_diffs`, which also says what happens
when git cannot read a diff). In a shallow clone, a commit whose parents were cut off is marked
`history_cut` and gets no diff: git would show it adding the whole tree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar, cast

from changeradar.commit_diffs import read_diffs
from changeradar.errors import BadInput
from changeradar.git import GitError, run_git, stream_git
from changeradar.git_log_format import DEFAULT_MAX_PATCH_BYTES, LOG_FORMAT, parse_log
from changeradar.model import Commit, DiffStatus, Window
from changeradar.window import git_timestamp

__all__ = [
    "DEFAULT_MAX_PATCH_BYTES",
    "CommitStream",
    "ShallowHistory",
    "collect_commits",
    "newest_first",
    "stream_commits",
]

T = TypeVar("T")

# `--since` stops git's walk at the first older commit, so one commit with a skewed clock could hide
# in-window commits behind it; asking for a day more and filtering here makes that much less likely.
# `--until` only filters, so the end needs no margin.
_SINCE_MARGIN = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ShallowHistory:
    """A shallow clone's cut: the commits whose parents are not here, and the newest of their dates.

    Commits committed after `trusted_from` normally have their whole history; a boundary commit has none.
    """

    boundary: frozenset[str]
    trusted_from: datetime | None


def collect_commits(
    repo_dir: Path,
    branch: str,
    window: Window,
    include_merges: bool = False,
    max_patch_bytes: int = DEFAULT_MAX_PATCH_BYTES,
) -> list[Commit]:
    """The commits of `branch` whose committer date is in `window`, newest first, each with its diff.

    Merge commits are skipped unless `include_merges`; a merge's diff is against its first parent.
    Commits with the same committer date keep git's order, children before parents.
    """
    return newest_first(stream_commits(repo_dir, branch, window, include_merges, max_patch_bytes))


def stream_commits(
    repo_dir: Path,
    branch: str,
    window: Window,
    include_merges: bool = False,
    max_patch_bytes: int = DEFAULT_MAX_PATCH_BYTES,
    shallow: ShallowHistory | None = None,
) -> CommitStream:
    """The same commits as `collect_commits`, in git's order, each as soon as git has diffed it.

    `shallow` is `read_shallow_history(repo_dir)`, read here when not given. Raises BadInput when a commit
    object itself cannot be read: the repository is broken and the window cannot be listed.
    """
    listed = _list_commits(repo_dir, branch, window, include_merges)
    boundary = (shallow or read_shallow_history(repo_dir)).boundary
    diffed = read_diffs(
        repo_dir, [commit for commit in listed if commit.sha not in boundary], max_patch_bytes
    )
    return CommitStream(listed, diffed, boundary)


class CommitStream:
    """The window's commits in git's order: listed already, so how many there are is known before git has
    diffed the first (a long window starts its workers at once), and each diffed as iteration reaches it."""

    def __init__(self, listed: list[Commit], diffed: Iterator[Commit], boundary: frozenset[str]) -> None:
        self._listed = listed
        self._diffed = diffed
        self._boundary = boundary

    def __len__(self) -> int:
        return len(self._listed)

    def __iter__(self) -> Iterator[Commit]:
        for commit in self._listed:
            yield _history_cut(commit) if commit.sha in self._boundary else next(self._diffed)


def read_shallow_history(repo_dir: Path) -> ShallowHistory:
    """Where a shallow clone's history stops; an empty boundary for a whole repository."""
    is_shallow, shallow_file = run_git(
        ["rev-parse", "--is-shallow-repository", "--git-path", "shallow"], repo_dir
    ).splitlines()
    if is_shallow.strip() != b"true":
        return ShallowHistory(frozenset(), None)
    ids = (repo_dir / shallow_file.decode().strip()).read_text(encoding="ascii").split()
    dates = run_git(["log", "--no-walk=unsorted", "--format=%cI", *ids, "--"], repo_dir).split()
    return ShallowHistory(
        frozenset(ids), max((datetime.fromisoformat(d.decode()) for d in dates), default=None)
    )


def newest_first(commits: Iterable[T], commit_of: Callable[[T], Commit] | None = None) -> list[T]:
    """Items ordered by their commit's committer date, newest first; git's order among equal dates.
    Without `commit_of`, the items are commits."""
    commit_of = commit_of or cast(Callable[[T], Commit], _itself)
    return sorted(commits, key=lambda item: commit_of(item).committed_at, reverse=True)


def _itself(commit: Commit) -> Commit:
    return commit


def _list_commits(repo_dir: Path, branch: str, window: Window, include_merges: bool) -> list[Commit]:
    """The window's commits without their files, from commit objects alone."""
    output = stream_git(_log_arguments(branch, window, include_merges), repo_dir)
    try:
        return [commit for commit in parse_log(output) if window.start <= commit.committed_at < window.end]
    except GitError as error:
        raise BadInput(f"the repository is broken, {branch} cannot be listed: {error.complaint}") from None


def _history_cut(commit: Commit) -> Commit:
    return replace(
        commit,
        diff_status=DiffStatus.HISTORY_CUT,
        diff_error="shallow clone: the parent commit is not in the repository, so the diff is unknown",
    )


def _log_arguments(branch: str, window: Window, include_merges: bool) -> list[str]:
    return [
        "log",
        f"--since={git_timestamp(window.start - _SINCE_MARGIN)}",
        f"--until={git_timestamp(window.end)}",
        f"--format={LOG_FORMAT}",
        "--encoding=UTF-8",
        "--no-show-signature",
        *([] if include_merges else ["--no-merges"]),
        "--end-of-options",
        branch,
        "--",
    ]
