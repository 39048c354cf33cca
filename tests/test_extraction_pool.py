"""A worker pool started while `git diff-tree` is still being fed its input does not keep git waiting."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ProcessPoolExecutor

from changeradar import extraction
from changeradar.config import ImportanceSettings
from changeradar.git import GitLineReader
from gitrepo import GitRepo


def test_a_worker_forked_while_git_input_is_written_lets_git_finish(git_repo: GitRepo) -> None:
    git_repo.commit("one", {"a.py": "A = 1\n"})
    # More input than a pipe holds, and its answers are not read yet: git stops reading, and the thread
    # that writes its input is still writing when the worker is forked.
    lines = [git_repo.head()] * 5000
    setup = (git_repo.path, (), ImportanceSettings(), False, os.getpid())
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
