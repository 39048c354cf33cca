"""`kill -9` of a report leaves no git reader and no extraction worker running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from changeradar.lifetime import dies_with_parent_supported
from gitrepo import GitRepo

# A stand-in for a report caught mid-way: a pool worker holding its `git cat-file --batch`, a long-lived
# `git diff-tree --stdin` still waiting for input, and a blob reader in the main process. It prints their
# process ids, then waits to be killed.
_REPORT_IN_FLIGHT = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from changeradar import extraction
from changeradar.config import ImportanceSettings
from changeradar.git import GitBlobReader, GitLineReader

repo = Path(sys.argv[1])
setup = (repo, (), ImportanceSettings(), None, True, os.getpid())
pool = ProcessPoolExecutor(1, initializer=extraction._start_worker, initargs=setup)
worker, cat_file = pool.submit(extraction._worker_git_pid).result()
reader = GitLineReader(["cat-file", "--batch"], repo, ()).__enter__()
diff_tree = GitLineReader(["diff-tree", "--stdin"], repo, iter(lambda: time.sleep(60), 1)).__enter__()
blobs = GitBlobReader(repo).__enter__()
print(worker, cat_file, diff_tree._process.pid, blobs._process.pid, flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not dies_with_parent_supported(), reason="needs Linux prctl(PR_SET_PDEATHSIG)")
def test_sigkill_of_a_report_ends_its_git_readers_and_workers(git_repo: GitRepo) -> None:
    git_repo.commit("one", {"a.py": "A = 1\n"})
    report = subprocess.Popen(
        [sys.executable, "-c", _REPORT_IN_FLIGHT, str(git_repo.path)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    children = [int(pid) for pid in report.stdout.readline().split()]
    assert len(children) == 4 and all(alive(pid) for pid in children)

    os.kill(report.pid, signal.SIGKILL)
    report.wait()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)

    assert [pid for pid in children if alive(pid)] == []
