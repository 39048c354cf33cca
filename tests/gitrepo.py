"""Build real git repositories with scripted commits: the one fixture builder every test uses.

Author and committer names, dates and zones are pinned and the user's git configuration is ignored, so
the same script makes the same hashes on every machine and expected outputs can print them.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

DEFAULT_AUTHOR = "Alice Zhang <alice@example.com>"
DEFAULT_DATE = "2026-01-29T10:00:00+08:00"
COMMITTER = "GitHub <noreply@github.com>"  # who lands squash-merged pull requests upstream


class GitRepo:
    """A work tree on branch `main`, with helpers that commit exactly what a test describes."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        """A new repository at `path`; with `create=False`, a handle on one that is already there."""
        self.path = path
        if create:
            path.mkdir(parents=True, exist_ok=True)
            self.git("init", "--quiet", "--initial-branch=main")

    def git(self, *args: str, stdin: bytes | None = None, env: Mapping[str, str] | None = None) -> str:
        """Run git in the repository with no user or system configuration; its output, stripped."""
        completed = subprocess.run(
            ["git", *args],
            cwd=self.path,
            input=stdin,
            capture_output=True,
            check=True,
            env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", **(env or {})},
        )
        return completed.stdout.decode("utf-8", errors="replace").strip()

    def commit(
        self,
        message: str,
        files: Mapping[str, str | bytes | None] | None = None,
        *,
        renames: Mapping[str, str] | None = None,
        author: str = DEFAULT_AUTHOR,
        date: str = DEFAULT_DATE,
        committer_date: str | None = None,
        allow_empty: bool = False,
        encoding: str | None = None,
    ) -> str:
        """Rename (old → new), then write `files` (None deletes), and commit; the new commit's sha.

        Text is written as UTF-8 and bytes as they are; a path may hold surrogate escapes ("caf\\udce9")
        to name a file with non-UTF-8 bytes. The message is stored in `encoding` (default UTF-8) with no
        encoding header, as much real history is: the commit object is written directly, because
        `git commit` would re-encode such a message. Dates are ISO 8601 with an offset.
        """
        for old_path, new_path in (renames or {}).items():
            self._make_parent(new_path)
            self.git("mv", old_path, new_path)
        for path, content in (files or {}).items():
            self._write(path, content)
        if files:
            self.git("add", "--all", "--", *files)
        tree = self.git("write-tree")
        parent = self._branch_tip()
        if parent and not allow_empty and tree == self.git("rev-parse", f"{parent}^{{tree}}"):
            raise ValueError(f"nothing to commit for {message.splitlines()[0]!r} (pass allow_empty=True)")
        commit_object = _commit_object(
            tree,
            parent,
            author=_signature(author, date),
            committer=_signature(COMMITTER, committer_date or date),
            message=message.encode(encoding or "utf-8"),
        )
        sha = self.git("hash-object", "-t", "commit", "-w", "--stdin", stdin=commit_object)
        self.git("update-ref", "HEAD", sha)
        return sha

    def merge(
        self, branch: str, message: str, *, author: str = DEFAULT_AUTHOR, date: str = DEFAULT_DATE
    ) -> str:
        """Merge `branch` into the current branch with a merge commit, even when a fast-forward would do."""
        self.git("merge", "--quiet", "--no-ff", "-m", message, branch, env=_identity(author, date, date))
        return self.head()

    def set_submodule(self, path: str, sha: str) -> None:
        """Stage a submodule pointer (gitlink) at `path` for the next commit, without any submodule repo."""
        (self.path / path).mkdir(parents=True, exist_ok=True)  # an empty folder: an unpopulated submodule
        self.git("update-index", "--add", "--cacheinfo", f"160000,{sha},{path}")

    def switch(self, branch: str, *, create: bool = False) -> None:
        self.git("switch", "--quiet", *(["--create"] if create else []), branch)

    def add_remote(self, name: str, url: str) -> None:
        self.git("remote", "add", name, url)

    def bare_clone(self, dest: Path) -> Path:
        """A bare copy of this repository at `dest`, as a server or a mirror would hold it."""
        self.git("clone", "--quiet", "--bare", str(self.path), str(dest))
        return dest

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def _branch_tip(self) -> str:
        """The current branch's commit, or "" before the first commit."""
        return self.git("for-each-ref", "--format=%(objectname)", self.git("symbolic-ref", "HEAD"))

    def blob_id(self, revision: str, path: str) -> str:
        return self.git("rev-parse", f"{revision}:{path}")

    def _write(self, path: str, content: str | bytes | None) -> None:
        target = self.path / path
        if content is None:
            target.unlink()
            return
        self._make_parent(path)
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)

    def _make_parent(self, path: str) -> None:
        (self.path / path).parent.mkdir(parents=True, exist_ok=True)


def _identity(author: str, author_date: str, committer_date: str) -> dict[str, str]:
    """The environment that makes porcelain commands (merge) sign as `author` and the pinned committer."""
    author_name, author_email = _split_identity(author)
    committer_name, committer_email = _split_identity(COMMITTER)
    return {
        "GIT_AUTHOR_NAME": author_name,
        "GIT_AUTHOR_EMAIL": author_email,
        "GIT_AUTHOR_DATE": _git_date(author_date),
        "GIT_COMMITTER_NAME": committer_name,
        "GIT_COMMITTER_EMAIL": committer_email,
        "GIT_COMMITTER_DATE": _git_date(committer_date),
    }


def _commit_object(tree: str, parent: str, *, author: str, committer: str, message: bytes) -> bytes:
    """A commit object's bytes as `git commit` would write them, but with the message bytes untouched."""
    lines = [
        f"tree {tree}",
        *([f"parent {parent}"] if parent else []),
        f"author {author}",
        f"committer {committer}",
    ]
    return "\n".join(lines).encode() + b"\n\n" + message.rstrip(b"\n") + b"\n"


def _signature(identity: str, date: str) -> str:
    """An author or committer line's value: `Name <email> <seconds> <offset>`."""
    return f"{identity} {_git_date(date)}"


def _split_identity(identity: str) -> tuple[str, str]:
    name, _, email = identity.partition(" <")
    return name, email.rstrip(">")


def _git_date(iso_date: str) -> str:
    """git's own date format, `<seconds> <offset>`: the one form every git version reads exactly."""
    moment = datetime.fromisoformat(iso_date)
    if moment.tzinfo is None:
        raise ValueError(f"date {iso_date!r} needs an offset, so that hashes do not depend on the machine")
    return f"{int(moment.timestamp())} {moment.strftime('%z')}"
