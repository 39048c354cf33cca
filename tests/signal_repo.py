"""Signals of the last commit of a scripted repository, read as the pipeline reads them: its diff from
`git log` and both sides' blobs through one `git cat-file --batch`."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator, Mapping

from changeradar.collect import collect_commits
from changeradar.git import GitBlobReader
from changeradar.model import Signal, SignalKind
from changeradar.signals import BlobSource, SignalContext
from changeradar.window import day_window
from gitrepo import GitRepo

Extractor = Callable[..., Iterator[Signal]]


class NoBlobs:
    """A BlobSource that can read nothing, as when every blob is over the size limit."""

    def read_blob(self, object_id: str) -> bytes | None:
        return None


def commit_files(repo: GitRepo, message: str, files: Mapping[str, str | None], **kwargs: object) -> str:
    """Commit dedented `files` (None deletes); the commit's sha."""
    contents = {path: textwrap.dedent(text) if text is not None else None for path, text in files.items()}
    return repo.commit(message, contents, **kwargs)


def last_commit_signals(
    repo: GitRepo, extract: Extractor, kind: SignalKind, blobs: BlobSource | None = None
) -> list[tuple]:
    """(name, action, detail, path, line) of every signal `extract` finds in the newest commit."""
    commit = collect_commits(repo.path, "main", day_window("2026-01-29", "Asia/Shanghai"))[0]
    if blobs is None:
        with GitBlobReader(repo.path) as reader:
            signals = list(extract(commit, SignalContext(blobs=reader)))
    else:
        signals = list(extract(commit, SignalContext(blobs=blobs)))
    assert all(signal.kind is kind for signal in signals)
    return [(signal.name, signal.action, signal.detail, signal.path, signal.line) for signal in signals]
