"""The one place that runs the `git` executable: one-shot commands, streamed output, and blob reads.

Every command runs with a fixed locale, no terminal prompts and `core.quotePath=false`, so its output is
the same on every machine and a missing credential fails instead of waiting for a password. Every git runs
in its own process group and dies with the process that started it (see `changeradar.lifetime`), so an
interrupted or killed report leaves no git behind.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import IO

from changeradar.errors import BadInput, ChangeradarError
from changeradar.lifetime import die_with_parent

DEFAULT_MAX_BLOB_BYTES = 4_000_000  # generated CRDs embedding pod templates pass 1 MB
_STREAM_BUFFER_BYTES = 1 << 16
_OBJECT_ID = re.compile(r"[0-9a-f]{4,64}")
# The user part of an http(s) URL may be a token; ssh's "git@" is just a user name.
_URL_CREDENTIALS = re.compile(r"(https?://)[^/@\s]+@")
# Whether git may fetch a partial clone's missing objects from its promisor remote while reading.
_lazy_fetch: ContextVar[bool] = ContextVar("lazy_fetch", default=True)


class GitError(ChangeradarError):
    """git ran and failed; the message is git's own first line of complaint, also kept as `complaint`."""

    def __init__(self, message: str, complaint: str = "") -> None:
        super().__init__(message)
        self.complaint = complaint or message


@contextmanager
def lazy_fetch(allowed: bool) -> Iterator[None]:
    """Within the block, git may (or may never) fetch missing objects of a partial clone.

    Off sets `GIT_NO_LAZY_FETCH=1` (git 2.44 and later) and `protocol.allow=never`, which also keeps
    older gits off the network.
    """
    token = _lazy_fetch.set(allowed)
    try:
        yield
    finally:
        _lazy_fetch.reset(token)


def lazy_fetch_allowed() -> bool:
    return _lazy_fetch.get()


def run_git(args: Sequence[str], cwd: Path, timeout: float | None = None) -> bytes:
    """git's standard output for `git <args>` run in `cwd`; raises BadInput when `cwd` is no repository.

    With `timeout`, a git that has not finished after that many seconds is killed and raises GitError.
    """
    _check_folder(cwd)
    try:
        completed = subprocess.run(
            _command(args),
            cwd=cwd,
            env=_environment(),
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            process_group=0,
            preexec_fn=die_with_parent,
        )
    except FileNotFoundError:
        raise _git_missing() from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} gave no answer within {timeout:g} s") from None
    if completed.returncode != 0:
        raise _failure(io.BytesIO(completed.stderr), cwd)
    return completed.stdout


def stream_git(args: Sequence[str], cwd: Path) -> Iterator[bytes]:
    """`git <args>`'s output in pieces (see `_output_pieces`) as git writes it; raises like `run_git` once git
    has failed.

    Closing the iterator early stops git. Standard error goes to a temporary file so that a chatty git can
    never block on a full pipe while we read its output.
    """
    _check_folder(cwd)
    with tempfile.TemporaryFile() as errors:
        with _start(args, cwd, stdin=subprocess.DEVNULL, stderr=errors) as git:
            finished = False
            try:
                yield from _output_pieces(git)
                finished = True
            finally:
                if not finished:
                    git.kill()
        if git.returncode != 0:
            raise _failure(errors, cwd)


def find_missing_objects(repo_dir: Path, object_ids: Iterable[str]) -> set[str]:
    """Those of `object_ids` that are not in the repository, asked without ever fetching them.

    Before git 2.44, `cat-file --batch-check` in a partial clone dies on the first missing object (it
    tries a fetch, which we forbid) instead of answering "missing": that object is missing, and the
    check goes on after it.
    """
    wanted = sorted({object_id for object_id in object_ids if _OBJECT_ID.fullmatch(object_id)})
    missing: set[str] = set()
    with lazy_fetch(False):
        while wanted:
            answers, died = _check_objects(repo_dir, wanted)
            missing.update(object_id for object_id, present in answers if not present)
            if not died:
                break
            if len(answers) >= len(wanted):
                raise died
            missing.add(wanted[len(answers)])
            wanted = wanted[len(answers) + 1 :]
    return missing


def _check_objects(
    repo_dir: Path, object_ids: Sequence[str]
) -> tuple[list[tuple[str, bool]], GitError | None]:
    """(id, present) for the ids `cat-file --batch-check` answered, and its error if it died."""
    _check_folder(repo_dir)
    with tempfile.TemporaryFile() as errors:
        with _start(["cat-file", "--batch-check"], repo_dir, stdin=subprocess.PIPE, stderr=errors) as git:
            output, _ = git.communicate("".join(f"{object_id}\n" for object_id in object_ids).encode())
        answers = [
            (fields[0], not line.endswith(" missing"))
            for line in output.decode("ascii", "replace").splitlines()
            if (fields := line.split())
        ]
        failure = _failure(errors, repo_dir) if git.returncode != 0 else None
    if isinstance(failure, BadInput):
        raise failure
    return answers, failure


class GitLineReader:
    """One long-lived git that reads lines on standard input (`diff-tree --stdin`) while we read its output.

    Use as a context manager; `output()` streams the output and raises GitError once git has failed. A
    thread writes the input, so neither side can block the other on a full pipe. Leaving the block early
    (an error, an interrupt) kills git.
    """

    def __init__(self, args: Sequence[str], repo_dir: Path, input_lines: Sequence[str]) -> None:
        self.args = args
        self.repo_dir = repo_dir
        self.input_lines = input_lines
        self._process: subprocess.Popen[bytes] | None = None
        self._errors: IO[bytes] | None = None
        self._writer: threading.Thread | None = None

    def __enter__(self) -> GitLineReader:
        _check_folder(self.repo_dir)
        self._errors = tempfile.TemporaryFile()
        self._process = _start(self.args, self.repo_dir, stdin=subprocess.PIPE, stderr=self._errors)
        _feeding.add(self)
        self._writer = threading.Thread(target=self._write_input, daemon=True)
        self._writer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            _output(self._process).close()
            self._process.wait()
        if self._writer is not None:
            self._writer.join()
        if self._errors is not None:
            self._errors.close()

    def output(self) -> Iterator[bytes]:
        """git's output in pieces (see `_output_pieces`)."""
        assert self._process is not None and self._errors is not None, "used outside its `with` block"
        yield from _output_pieces(self._process)
        if self._process.wait() != 0:
            raise _failure(self._errors, self.repo_dir)

    def _write_input(self) -> None:
        assert self._process is not None, "started by __enter__"
        stdin = _input(self._process)
        try:
            for line in self.input_lines:
                stdin.write(line.encode("ascii") + b"\n")
            stdin.close()
        except (BrokenPipeError, ValueError, OSError):  # git died or was killed; `lines` says why
            pass
        finally:
            _feeding.discard(self)

    def _let_go_of_input(self) -> None:
        """In a forked copy of this process: point our copy of git's input at /dev/null. Not closed, so
        that the number is never reused under the file object this copy still holds."""
        if self._process is None:
            return
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, _input(self._process).fileno())
        except (OSError, ValueError):  # closed meanwhile: nothing is held
            pass
        finally:
            os.close(null)


# The readers whose input is still being written. A process forked meanwhile (an extraction worker) holds a
# copy of that pipe's write end, and git would wait for the end of its input as long as any copy is open.
_feeding: set[GitLineReader] = set()


def let_go_of_inherited_inputs() -> None:
    """Called first thing in a forked worker: release the inputs of the parent's line readers."""
    for reader in list(_feeding):
        reader._let_go_of_input()
    _feeding.clear()


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
            if exc_type is not None:  # an error or an interrupt: do not wait for git
                self._process.kill()
            self._process.communicate()  # closing its input is what tells cat-file to exit
            self._process = None
        if self._errors is not None:
            self._errors.close()
            self._errors = None

    @property
    def process_id(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def read_blob(self, object_id: str) -> bytes | None:
        """The blob's bytes; None when it is missing, not a blob, or over the size cap."""
        if self._process is None:
            raise RuntimeError("GitBlobReader is used outside its `with` block")
        if not _OBJECT_ID.fullmatch(object_id):  # anything else would break the line protocol
            return None
        with self._lock:
            return self._request(object_id)

    def folder_names(self, commit: str, folder: str) -> frozenset[str] | None:
        """The names of the entries of `folder` ("" for the root) in `commit`'s tree, asked of the same
        `cat-file` process (no new git call; a tree is at hand even in a blobless clone); None when the
        commit has no such folder."""
        if self._process is None:
            raise RuntimeError("GitBlobReader is used outside its `with` block")
        if not _OBJECT_ID.fullmatch(commit) or "\n" in folder:
            return None
        with self._lock:
            tree = self._request(f"{commit}:{folder}", b"tree")
        return None if tree is None else frozenset(_tree_entry_names(tree, len(commit) // 2))

    def _request(self, object_id: str, wanted: bytes = b"blob") -> bytes | None:
        try:
            stdin = _input(self._started)
            stdin.write(object_id.encode("utf-8") + b"\n")
            stdin.flush()
        except BrokenPipeError:
            raise self._died() from None
        fields = _output(self._started).readline().split()
        if not fields:
            raise self._died()
        if len(fields) != 3:  # "<id> missing" or "<id> ambiguous"
            return None
        object_type, size = fields[1], int(fields[2])
        if object_type != wanted or size > self.max_bytes:
            self._skip(size + 1)
            return None
        content = self._read_exactly(size)
        self._skip(1)  # the newline git writes after every object
        return content

    def _read_exactly(self, count: int) -> bytes:
        content = _output(self._started).read(count)
        if len(content) != count:
            raise self._died()
        return content

    def _skip(self, count: int) -> None:
        while count > 0:
            count -= len(self._read_exactly(min(count, _STREAM_BUFFER_BYTES)))

    @property
    def _started(self) -> subprocess.Popen[bytes]:
        assert self._process is not None, "used inside its `with` block"
        return self._process

    def _died(self) -> GitError | BadInput:
        assert self._errors is not None, "used inside its `with` block"
        return _failure(self._errors, self.repo_dir)


def _tree_entry_names(tree: bytes, id_bytes: int) -> Iterator[str]:
    """The names in a raw tree object: entries are `<mode> <name>\\0<binary id>`."""
    position = 0
    while (end := tree.find(b"\0", position)) >= 0:
        yield tree[tree.index(b" ", position) + 1 : end].decode("utf-8", errors="replace")
        position = end + 1 + id_bytes


def _input(process: subprocess.Popen[bytes]) -> IO[bytes]:
    """The pipe to git's standard input, which `_start` opened."""
    assert process.stdin is not None, "started with stdin=PIPE"
    return process.stdin


def _output_pieces(process: subprocess.Popen[bytes]) -> Iterator[bytes]:
    """A process's output in pieces of a pipe's size, cut anywhere, not lines: a parser that finds its own
    line ends reads a long patch with a few searches instead of a step per line."""
    return iter(partial(_output(process).read, _STREAM_BUFFER_BYTES), b"")


def _output(process: subprocess.Popen[bytes]) -> IO[bytes]:
    """The pipe from git's standard output, which `_start` always opens."""
    assert process.stdout is not None, "started with stdout=PIPE"
    return process.stdout


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
            process_group=0,  # a Ctrl-C reaches us only; we end git ourselves
            preexec_fn=die_with_parent,
        )
    except FileNotFoundError:
        raise _git_missing() from None


def _command(args: Sequence[str]) -> list[str]:
    offline = [] if lazy_fetch_allowed() else ["-c", "protocol.allow=never"]
    return ["git", "-c", "core.quotePath=false", *offline, *args]


def _environment() -> dict[str, str]:
    offline = {} if lazy_fetch_allowed() else {"GIT_NO_LAZY_FETCH": "1"}
    return {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", **offline}


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
    complaint = without_credentials(complaints[0])
    return GitError(f"git failed in {cwd}: {complaint}", complaint)


def _git_missing() -> ChangeradarError:
    return ChangeradarError("the git executable was not found on PATH")
