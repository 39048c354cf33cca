"""The diffs of listed commits, read in batches through one `git diff-tree --stdin`, and what can still be
read of a commit git cannot diff.

A missing blob (a snapshot that lacks a file, a partial clone whose remote is gone) makes git stop. The
commits before it are whole; the one it stopped on is read again alone, and if git fails on it again,
as much of it as the objects present allow: the file list from its trees, the diffs of the files whose
contents are here. Then a new batch starts after it. A report never loses a commit to one missing object.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace
from pathlib import Path

from changeradar.git import (
    GitError,
    GitLineReader,
    find_missing_objects,
    lazy_fetch,
    lazy_fetch_allowed,
    run_git,
)
from changeradar.git_log_format import DEFAULT_MAX_PATCH_BYTES, LOG_FORMAT, parse_log
from changeradar.model import Commit, DiffStatus, FileChange, FileStatus

_OBJECT_IDS = re.compile(r"\b[0-9a-f]{40}(?:[0-9a-f]{24})?\b")
# Settings that would change what git prints are pinned, whatever the user's configuration.
_PINNED = ["-c", "diff.suppressBlankEmpty=false"]
_COMMON = [
    "diff-tree",
    "--stdin",
    "--always",  # a header for every commit given, even one with no change: that is how we count
    "-r",
    f"--format={LOG_FORMAT}",
    "--encoding=UTF-8",
    "--raw",
    "--no-abbrev",
    "--root",
    "--no-color",
]
_WITH_CONTENTS = [
    "--patch",
    "--submodule=short",
    "--no-ext-diff",
    "--no-textconv",
]


def read_diffs(repo_dir: Path, commits: Sequence[Commit], max_patch_bytes: int) -> Iterator[Commit]:
    """`commits` in their order, each with its files, counts and patches, or marked with what is missing."""
    start = 0
    while start < len(commits):
        batch = commits[start:]
        done = 0
        try:
            for commit in _diff_batch(repo_dir, batch, max_patch_bytes):
                yield commit
                done += 1
            return
        except GitError:
            # git stopped in the commit after the last whole one, or in writing that one's end: try it alone.
            yield _read_alone(repo_dir, batch[done], max_patch_bytes)
            start += done + 1


def _read_alone(repo_dir: Path, commit: Commit, max_patch_bytes: int) -> Commit:
    try:
        return next(_diff_batch(repo_dir, [commit], max_patch_bytes))
    except GitError as error:
        return _what_can_be_read(repo_dir, commit, error.complaint, max_patch_bytes)


def _what_can_be_read(repo_dir: Path, commit: Commit, complaint: str, max_patch_bytes: int) -> Commit:
    """The commit with the files its trees list, the diffs of those whose contents are here, and a mark."""
    try:
        (listed,) = _diff_batch(repo_dir, [commit], max_patch_bytes, contents=False)
    except GitError as error:  # a tree is missing too: not even the file list can be had
        missing = find_missing_objects(repo_dir, _OBJECT_IDS.findall(f"{complaint}\n{error.complaint}"))
        return _marked(repo_dir, commit, (), DiffStatus.UNREADABLE, missing, complaint)
    files = listed.files
    missing = find_missing_objects(repo_dir, (blob for file in files for blob in _blobs(file)))
    readable = [file.path for file in files if not missing.intersection(_blobs(file))]
    diffed: dict[str, FileChange] = {}
    if readable and missing:
        try:
            (partial,) = _diff_batch(repo_dir, [commit], max_patch_bytes, paths=readable)
            diffed = {file.path: file for file in partial.files}
        except GitError:
            pass  # the file list stands alone
    status = DiffStatus.PARTIAL if diffed else DiffStatus.UNREADABLE
    files = tuple(diffed.get(file.path, file) for file in files)
    return _marked(repo_dir, commit, files, status, missing, complaint)


def _marked(
    repo_dir: Path,
    commit: Commit,
    files: tuple[FileChange, ...],
    status: DiffStatus,
    missing: set[str],
    complaint: str,
) -> Commit:
    return replace(
        commit,
        files=files,
        diff_status=status,
        missing_objects=tuple(sorted(missing)),
        diff_error=explain_missing(repo_dir, sorted(missing), complaint),
    )


def explain_missing(repo_dir: Path, missing: Sequence[str], complaint: str) -> str:
    """Which objects are missing and why they could not be had: the words a reader can act on."""
    if not missing:
        return f"git could not read the diff ({complaint})"
    shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
    what = f"object{'s' if len(missing) > 1 else ''} {shown} not in the local repository"
    remote = _promisor_remote(repo_dir)
    if remote is None:
        return f"{what} ({complaint})"
    if not lazy_fetch_allowed():
        return f"{what}; lazy fetch from promisor remote {remote!r} is off (--no-lazy-fetch)"
    return f"{what}; the promisor remote {remote!r} could not be reached ({complaint})"


def _promisor_remote(repo_dir: Path) -> str | None:
    """The remote a partial clone fetches missing objects from; None for a whole repository."""
    try:
        output = run_git(["config", "--get-regexp", r"^remote\..*\.promisor$"], repo_dir)
    except GitError:  # no such setting
        return None
    for line in output.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(" ")
        if value.strip().lower() in ("true", "1", "yes", "on"):
            return key.removeprefix("remote.").removesuffix(".promisor")
    return None


def copied_files(
    repo_dir: Path, commit: Commit, paths: Sequence[str], max_patch_bytes: int = DEFAULT_MAX_PATCH_BYTES
) -> dict[str, FileChange]:
    """Those of `paths`, files the commit adds, that copy a file its parent already had, each as git
    describes the copy: `copied` from its source, with the patch from the source to it. {} when none is
    a copy or git cannot tell.

    A source is looked for among the parent's files of the same name, anywhere (`backends/v3/src/main.rs`
    for `backends/v2/src/main.rs`): comparing a new file with every file of the tree, as
    `--find-copies-harder` alone would, takes a quarter of a second on a tree of 3,000 files. In a
    partial clone, a source whose content is not here is not fetched for this: its copy stays new.
    """
    if not commit.parents or commit.missing_objects:
        return {}
    try:
        with lazy_fetch(False):  # a refinement: never worth fetching every file of a name from a remote
            return _copies_among_namesakes(repo_dir, commit, paths, max_patch_bytes)
    except GitError:  # an object is missing: the files stay as the commit's diff has them
        return {}


def _copies_among_namesakes(
    repo_dir: Path, commit: Commit, paths: Sequence[str], max_patch_bytes: int
) -> dict[str, FileChange]:
    listed = run_git(["ls-tree", "-r", "-z", "--name-only", "--full-tree", commit.parents[0]], repo_dir)
    names = {path.rpartition("/")[2] for path in paths}
    sources = [
        path for path in listed.decode("utf-8", "replace").split("\0") if path.rpartition("/")[2] in names
    ]
    if not sources:
        return {}
    # Which files are copies first, without patches: most new files copy nothing, and a patch of theirs
    # is the whole file.
    (paired,) = _diff_batch(
        repo_dir, [commit], max_patch_bytes, contents=False, paths=[*sources, *paths], copies=True
    )
    asked = set(paths)
    wanted = {file.path: file.old_path for file in paired.files if _copies_one_of(file, asked)}
    if not wanted:
        return {}
    copied = [*sorted(set(filter(None, wanted.values()))), *wanted]
    (diffed,) = _diff_batch(repo_dir, [commit], max_patch_bytes, paths=copied, copies=True)
    return {file.path: file for file in diffed.files if _copies_one_of(file, wanted.keys())}


def _copies_one_of(file: FileChange, paths: AbstractSet[str]) -> bool:
    return file.status is FileStatus.COPIED and file.path in paths


def _blobs(file: FileChange) -> tuple[str, ...]:
    if file.submodule:  # a gitlink names a commit of another repository, never read here
        return ()
    return tuple(blob for blob in (file.old_blob, file.new_blob) if blob)


def _diff_batch(
    repo_dir: Path,
    commits: Sequence[Commit],
    max_patch_bytes: int,
    *,
    contents: bool = True,
    paths: Sequence[str] = (),
    copies: bool = False,
) -> Iterator[Commit]:
    """Each commit with the files git diffs for it; raises GitError where git fails.

    `contents=False` reads the trees only (no blob is needed, so renames are not found). `copies` pairs
    each new file of `paths` with the one among `paths` it copies, modified in the commit or not (with
    `contents=False`, without patches). A merge is diffed against its first parent, given on the input
    line.
    """
    if copies:
        patches = _WITH_CONTENTS if contents else []
        what = [*patches, "--find-copies-harder", "-C", "--", *(f":(literal){path}" for path in paths)]
    elif not contents:
        what = ["--no-renames"]
    elif paths:  # renames pair a path with one outside the pathspec: leave them unpaired
        what = [*_WITH_CONTENTS, "--no-renames", "--", *(f":(literal){path}" for path in paths)]
    else:
        what = [*_WITH_CONTENTS, "--find-renames"]
    lines = [" ".join((commit.sha, *commit.parents[:1])) for commit in commits]
    diffed_count = 0
    with GitLineReader([*_PINNED, *_COMMON, *what], repo_dir, lines) as git:
        for listed, diffed in zip(commits, parse_log(git.output(), max_patch_bytes), strict=False):
            if diffed.sha != listed.sha:
                raise GitError(f"git diff-tree answered {diffed.sha} for {listed.sha}")
            yield replace(listed, files=diffed.files)
            diffed_count += 1
    if diffed_count < len(commits):
        raise GitError(f"git diff-tree stopped after {diffed_count} of {len(commits)} commits")
