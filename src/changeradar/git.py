"""The one place that runs the `git` executable: one-shot commands, streamed output, and blob reads.

Every command runs with a fixed locale, no terminal prompts and `core.quotePath=false`, so its output is
the same on every machine and a missing credential fails instead of waiting for a password.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

from changeradar.errors import BadInput, ChangeradarError

DEFAULT_MAX_BLOB_BYTES = 4_000_000  # generated CRDs embedding pod templates pass 1 MB
_STREAM_BUFFER_BYTES = 1 << 16
_OBJECT_ID = re.compile(r"[0-9a-f]{4,64}")
# The user part of an http(s) URL may be a token; ssh's "git@" is just a user name.
_URL_CREDENTIALS = re.compile(r"(https?://)[^/@\s]+@")


class GitError(ChangeradarError):
    """git ran and failed; the message is git's own first line of complaint."""


def run_git(args: Sequence[str], cwd: Path) -> bytes:
    """git's standard output for `git <args>` run in `cwd`; raises BadInput when `cwd` is no repository."""
    _check_folder(cwd)
    try:
        completed = subprocess.run(
            _command(args), cwd=cwd, env=_environment(), capture_output=True, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        raise _git_missing() from None
    if completed.returncode != 0:
        raise _failure(io.BytesIO(completed.stderr), cwd)
    return completed.stdout


def stream_git(args: Sequence[str], cwd: Path) -> Iterator[bytes]:
    """The lines of `git <args>`'s output as git writes them; raises like `run_git` once git has failed.

    Closing the iterator early stops git. Standard error goes to a temporary file so that a chatty git can
    never block on a full pipe while we read its output.
    """
    _check_folder(cwd)
    with tempfile.TemporaryFile() as errors:
        with _start(args, cwd, stdin=subprocess.DEVNULL, stderr=errors) as git:
            finished = False
            try:
                yield from git.stdout
                finished = True
            finally:
                if not finished:
                    git.kill()
        if git.returncode != 0:
            raise _failure(errors, cwd)


def without_credentials(text: str) -> str:
    """`text` with any `user:token@` of a URL masked: git may echo the URL it was given."""
    return _URL_CREDENTIALS.sub(r"\1***@", text)


class GitBlobReader:
    """Blob contents from one long-lived `git cat-file --batch`, for extractors that need whole files.

    Use as a context manager. Blobs larger than `max_bytes` read as None; their bytes are drained from
    the pipe in small pieces so a huge file never sits in memory.
    """

    def __init__(self, repo_dir: Path, max_bytes: int = DEFAULT_MAX_BLOB_BYTES) -> None:
        self.repo_dir = repo_dir
        self.max_bytes = max_bytes
        self._process: subprocess.Popen[bytes] | None = None
        self._errors: IO[bytes] | None = None
        # One request and its answer must not interleave with another thread's on the shared pipes.
        self._lock = threading.Lock()

    def __enter__(self) -> GitBlobReader:
        _check_folder(self.repo_dir)
        errors = tempfile.TemporaryFile()
        try:
            self._process = _start(
                ["cat-file", "--batch"], self.repo_dir, stdin=subprocess.PIPE, stderr=errors
            )
        except BaseException:
            errors.close()
            raise
        self._errors = errors
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._process is not None:
            self._process.communicate()  # closing its input is what tells cat-file to exit
            self._process = None
        if self._errors is not None:
            self._errors.close()
            self._errors = None

    def read_blob(self, object_id: str) -> bytes | None:
        """The blob's bytes; None when it is missing, not a blob, or over the size cap."""
        if self._process is None:
            raise RuntimeError("GitBlobReader is used outside its `with` block")
        if not _OBJECT_ID.fullmatch(object_id):  # anything else would break the line protocol
            return None
        with self._lock:
            return self._request(object_id)

    def _request(self, object_id: str) -> bytes | None:
        try:
            self._process.stdin.write(object_id.encode("ascii") + b"\n")
            self._process.stdin.flush()
        except BrokenPipeError:
            raise self._died() from None
        fields = self._process.stdout.readline().split()
        if not fields:
            raise self._died()
        if len(fields) != 3:  # "<id> missing" or "<id> ambiguous"
            return None
        object_type, size = fields[1], int(fields[2])
        if object_type != b"blob" or size > self.max_bytes:
            self._skip(size + 1)
            return None
        content = self._read_exactly(size)
        self._skip(1)  # the newline git writes after every object
        return content

    def _read_exactly(self, count: int) -> bytes:
        content = self._process.stdout.read(count)
        if len(content) != count:
            raise self._died()
        return content

    def _skip(self, count: int) -> None:
        while count > 0:
            count -= len(self._read_exactly(min(count, _STREAM_BUFFER_BYTES)))

    def _died(self) -> GitError | BadInput:
        return _failure(self._errors, self.repo_dir)


def _start(args: Sequence[str], cwd: Path, *, stdin: int, stderr: IO[bytes]) -> subprocess.Popen[bytes]:
    """git running with its output on a pipe for us to read."""
    try:
        return subprocess.Popen(
            _command(args),
            cwd=cwd,
            env=_environment(),
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=stderr,
            bufsize=_STREAM_BUFFER_BYTES,
        )
    except FileNotFoundError:
        raise _git_missing() from None


def _command(args: Sequence[str]) -> list[str]:
    return ["git", "-c", "core.quotePath=false", *args]


def _environment() -> dict[str, str]:
    return {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}


def _check_folder(cwd: Path) -> None:
    if not cwd.is_dir():
        raise BadInput(f"not a git repository: {cwd} (no such folder)")


def _failure(stderr: IO[bytes], cwd: Path) -> GitError | BadInput:
    """The error for what git wrote to `stderr`: its fatal line if there is one (warnings come first)."""
    stderr.seek(0)
    lines = stderr.read().decode("utf-8", errors="replace").strip().splitlines()
    complaints = [line for line in lines if line.startswith(("fatal:", "error:"))] or lines
    if not complaints:
        return GitError(f"git failed in {cwd} without a message")
    if "not a git repository" in complaints[0]:
        return BadInput(f"not a git repository: {cwd}")
    return GitError(f"git failed in {cwd}: {without_credentials(complaints[0])}")


def _git_missing() -> ChangeradarError:
    return ChangeradarError("the git executable was not found on PATH")
