"""Signals and importance for a window's commits, spread over the machine's cores when there are many.

Extraction is pure Python and CPU-bound (parsing both sides of every changed Python module dominates), so a
backfill or a week of a busy upstream goes about as many times faster as there are cores. A small day stays
in this process: starting workers would cost more than it saves. Workers die with the process that
started them, and read blobs with the same lazy-fetch setting.

A free analyser (one that costs no model call) explains each commit right after its facts, where they were
found: in the workers, on every core, instead of afterwards on one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass
from functools import partial
from itertools import chain, islice
from pathlib import Path

from changeradar.commit_diffs import copied_files
from changeradar.config import AreaRule, ImportanceSettings
from changeradar.git import GitBlobReader, lazy_fetch, lazy_fetch_allowed, let_go_of_inherited_inputs
from changeradar.lifetime import die_with
from changeradar.model import AnalysisResult, Commit, Importance, Signal
from changeradar.score import score_commit
from changeradar.signals import CopyFinder, extract_signals
from changeradar.signals.context import BlobSource

PARALLEL_FROM = 48  # commits; below this, worker start-up outweighs the gain
CHUNK = 8  # commits sent to a worker at a time
MAX_WORKERS = 8


Explain = Callable[[Commit, tuple[Signal, ...], Importance], AnalysisResult]
"""A free analyser's analysis of a commit from its facts; passed to workers, so a module-level function
(or a partial of one) of values they can inherit."""


@dataclass(frozen=True, slots=True)
class CommitFacts:
    signals: tuple[Signal, ...]
    importance: Importance
    failure: str | None = None  # why signals could not be extracted; the commit stays, without them
    analysis: AnalysisResult | None = None  # made beside the facts when given a free analyser


def extract_facts(
    repo_dir: Path,
    commits: Iterable[Commit],
    area_rules: Sequence[AreaRule],
    importance: ImportanceSettings,
    advance: Callable[[int], None],
    explain: Explain | None = None,
) -> list[tuple[Commit, CommitFacts]]:
    """Each commit with its facts, and with its analysis when `explain` is given, in the order `commits`
    come.

    `commits` may be a stream still being read from git: workers start on the first commits while later
    ones are still arriving. A stream that knows how many commits it holds (`collect.CommitStream`) tells at
    once whether workers pay, and they start before git has diffed the first commit; another is read
    PARALLEL_FROM commits ahead to tell.
    """
    stream = iter(commits)
    first = [] if isinstance(commits, Sized) else list(islice(stream, PARALLEL_FROM))
    count = len(commits) if isinstance(commits, Sized) else len(first)
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    every = chain(first, stream)
    if count < PARALLEL_FROM or workers < 2:
        with GitBlobReader(repo_dir) as blobs:
            setup = (blobs, area_rules, importance, explain, partial(copied_files, repo_dir))
            return [(commit, _advancing(facts_of(commit, *setup), advance)) for commit in every]
    from concurrent.futures import ProcessPoolExecutor  # here: a day's report needs no multiprocessing

    collected: list[Commit] = []
    start = (repo_dir, area_rules, importance, explain, lazy_fetch_allowed(), os.getpid())
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=start) as pool:
        facts = pool.map(_worker_facts, _remembering(every, collected), chunksize=CHUNK)
        return [(commit, _advancing(f, advance)) for commit, f in zip(collected, list(facts), strict=True)]


def _remembering(commits: Iterator[Commit], seen: list[Commit]) -> Iterator[Commit]:
    """`commits`, each also appended to `seen`, so the caller keeps them without waiting for the stream."""
    for commit in commits:
        seen.append(commit)
        yield commit


def facts_of(
    commit: Commit,
    blobs: BlobSource,
    area_rules: Sequence[AreaRule],
    importance: ImportanceSettings,
    explain: Explain | None = None,
    find_copies: CopyFinder | None = None,
) -> CommitFacts:
    if commit.missing_objects:  # asking git again would only fail again, or wait on the network
        blobs = _Without(blobs, frozenset(commit.missing_objects))
    try:
        signals = extract_signals(commit, blobs, area_rules, find_copies)
        failure = None
    except Exception as error:  # one commit's unreadable diff must not lose the day
        signals, failure = (), f"signal extraction failed ({type(error).__name__}: {error})"
    scored = score_commit(commit, signals, importance)
    analysis = explain(commit, signals, scored) if explain is not None else None
    return CommitFacts(signals, scored, failure, analysis)


def _advancing(facts: CommitFacts, advance: Callable[[int], None]) -> CommitFacts:
    advance(1)
    return facts


_worker_state: (
    tuple[GitBlobReader, Sequence[AreaRule], ImportanceSettings, Explain | None, CopyFinder] | None
) = None


@dataclass(frozen=True, slots=True)
class _Without:
    """A blob source that knows some objects are missing."""

    blobs: BlobSource
    missing: frozenset[str]

    def read_blob(self, object_id: str) -> bytes | None:
        return None if object_id in self.missing else self.blobs.read_blob(object_id)


def _start_worker(
    repo_dir: Path,
    area_rules: Sequence[AreaRule],
    importance: ImportanceSettings,
    explain: Explain | None,
    may_fetch: bool,
    parent_pid: int,
) -> None:
    """Each worker keeps its own `git cat-file` process for the life of the pool, and dies with its parent."""
    global _worker_state
    let_go_of_inherited_inputs()  # else the parent's `git diff-tree` waits for its input to end forever
    die_with(parent_pid)
    lazy_fetch(may_fetch).__enter__()  # for the worker's whole life, like the reader
    # Entered and never exited: the reader lives as long as the worker, and its git process ends when the
    # worker's end closes the pipe.
    blobs = GitBlobReader(repo_dir).__enter__()
    _worker_state = (blobs, area_rules, importance, explain, partial(copied_files, repo_dir))


def _worker_facts(commit: Commit) -> CommitFacts:
    assert _worker_state is not None, "the pool initializer sets the worker state"
    return facts_of(commit, *_worker_state)


def _worker_git_pid() -> tuple[int, int]:
    """The worker's process id and its `git cat-file`'s: what a test checks ends with the run."""
    assert _worker_state is not None, "the pool initializer sets the worker state"
    process_id = _worker_state[0].process_id
    assert process_id is not None, "the reader's git runs for the life of the worker"
    return os.getpid(), process_id
