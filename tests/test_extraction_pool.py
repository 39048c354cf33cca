"""The extraction pool: started while `git diff-tree` is still being fed its input, it does not keep git
waiting; given a free analyser, its workers explain each commit beside its facts."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from changeradar import extraction
from changeradar.analyse.offline import OfflineAnalyzer
from changeradar.collect import stream_commits
from changeradar.config import AnalyzerSettings, ImportanceSettings
from changeradar.git import GitLineReader
from changeradar.model import AnalysisRequest, AnalysisResult, Commit, Importance, RepoRef, Signal
from changeradar.window import Window
from gitrepo import GitRepo


def test_a_worker_forked_while_git_input_is_written_lets_git_finish(git_repo: GitRepo) -> None:
    git_repo.commit("one", {"a.py": "A = 1\n"})
    # More input than a pipe holds, and its answers are not read yet: git stops reading, and the thread
    # that writes its input is still writing when the worker is forked.
    lines = [git_repo.head()] * 5000
    setup = (git_repo.path, (), ImportanceSettings(), None, False, os.getpid())
    answers: list[bytes] = []
    with (
        GitLineReader(["cat-file", "--batch-check"], git_repo.path, lines) as git,
        ProcessPoolExecutor(1, initializer=extraction._start_worker, initargs=setup) as pool,
    ):
        pool.submit(extraction._worker_git_pid).result()
        reading = threading.Thread(target=lambda: answers.extend(git.output()), daemon=True)
        reading.start()
        reading.join(timeout=30)
        finished = not reading.is_alive()  # before leaving the block, which kills git

    assert finished, "git still waits for the end of its input"
    assert b"".join(answers).count(b"\n") == len(lines)


REPO = RepoRef(name="acme/widget", source="widget")


def explained_where(commit: Commit, signals: tuple[Signal, ...], importance: Importance) -> AnalysisResult:
    """The offline analysis, noting the process that made it."""
    request = AnalysisRequest(REPO, commit, signals, importance, "en")
    (result,) = OfflineAnalyzer(AnalyzerSettings()).analyse([request], lambda _done: None)
    return replace(result, notes=(str(os.getpid()),))


@pytest.mark.parametrize("counted", [True, False], ids=["listed stream", "stream read ahead"])
def test_workers_explain_each_commit_as_the_analyser_would_afterwards(
    git_repo: GitRepo, monkeypatch, counted: bool
) -> None:
    """A stream that knows its length starts the workers at once; another is read ahead to tell."""
    for number in range(6):
        module = {f"pkg/step{number}.py": f"def step{number}(x):\n    return x\n"}
        git_repo.commit(f"feat: add step {number}", module, date=f"2026-01-29T10:0{number}:00+00:00")
    start = datetime.fromisoformat("2026-01-29T00:00:00+00:00")
    stream = stream_commits(git_repo.path, "main", Window(start, start + timedelta(days=1), "2026-01-29"))
    commits = stream if counted else (commit for commit in stream)
    monkeypatch.setattr(extraction, "PARALLEL_FROM", 4)

    found = extraction.extract_facts(
        git_repo.path, commits, (), ImportanceSettings(), lambda _done: None, explained_where
    )

    assert len(found) == 6
    for commit, facts in found:
        assert facts.analysis is not None
        assert int(facts.analysis.notes[0]) != os.getpid()  # made in a worker
        request = AnalysisRequest(REPO, commit, facts.signals, facts.importance, "en")
        (afterwards,) = OfflineAnalyzer(AnalyzerSettings()).analyse([request], lambda _done: None)
        assert facts.analysis.analysis == afterwards.analysis
