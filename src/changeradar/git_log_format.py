"""git's commit output as we ask for it, parsed: a delimited header, the message, then `--raw` lines
(paths, status, object ids) and the patch, both in the same file order.

`git log` and `git diff-tree --stdin` print the same thing given `LOG_FORMAT`; either list may be absent.
The parser walks the output line by line, holding one commit at a time and at most `max_patch_bytes` of
patch per file, so a day with a huge generated diff costs no more memory than a quiet one. It counts each
file's added and removed lines itself, past any cut, as `--numstat` would: asking git for `--numstat`
too makes it diff every file twice, which costs it two thirds again as much time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from changeradar.model import Commit, FileChange, FileStatus

DEFAULT_MAX_PATCH_BYTES = 200_000
LOG_FORMAT = "%x1eC%x1f%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%cI%n%B%n%x1eE"

_COMMIT_START = b"\x1eC\x1f"
_MESSAGE_END = b"\x1eE\n"
_FIELD = b"\x1f"
_FILE_START = b"diff --git "
_HUNK_LINE_STARTS = frozenset(b" +-@\\")  # context, added, removed, hunk header, "\ No newline"
_ADDED, _REMOVED = ord("+"), ord("-")
_BINARY = b"Binary files "  # the patch's word for a file git does not diff as text
_STATUS = {
    "A": FileStatus.ADDED,
    "M": FileStatus.MODIFIED,
    "D": FileStatus.DELETED,
    "R": FileStatus.RENAMED,
    "C": FileStatus.COPIED,
    "T": FileStatus.TYPE_CHANGED,
}
_GITLINK_MODE = "160000"
_C_ESCAPE = re.compile(rb"\\([0-7]{3}|.)")
_C_NAMED_ESCAPES = {
    b"a": b"\a",
    b"b": b"\b",
    b"t": b"\t",
    b"n": b"\n",
    b"v": b"\v",
    b"f": b"\f",
    b"r": b"\r",
    b'"': b'"',
    b"\\": b"\\",
}


def parse_log(lines: Iterable[bytes], max_patch_bytes: int = DEFAULT_MAX_PATCH_BYTES) -> Iterator[Commit]:
    """Commits from the lines of `git log --format=<LOG_FORMAT> --raw -p`, one at a time."""
    stream = iter(lines)
    commit: _CommitBuilder | None = None
    line = next(stream, None)
    while line is not None:
        if line.startswith(_COMMIT_START):
            if commit is not None:
                yield commit.build()
            commit = _CommitBuilder(line[len(_COMMIT_START) :].rstrip(b"\n").split(_FIELD), max_patch_bytes)
        elif commit is not None and commit.add_line(line):
            # The hot path: most lines of a log are a patch's hunks, read here in one tight loop.
            line = commit.read_hunks(line, stream)
            continue
        line = next(stream, None)
    if commit is not None:
        yield commit.build()


@dataclass(slots=True)
class _FileBuilder:
    """One file of the commit being read: `--raw` describes it first, then the patch fills it."""

    path: str
    status: FileStatus
    old_path: str | None
    submodule: bool
    old_blob: str | None
    new_blob: str | None
    additions: int = 0
    deletions: int = 0
    binary: bool = False
    patch: bytes = b""
    patch_truncated: bool = False

    def build(self) -> FileChange:
        return FileChange(
            path=self.path,
            status=self.status,
            old_path=self.old_path,
            additions=self.additions,
            deletions=self.deletions,
            binary=self.binary,
            submodule=self.submodule,
            old_blob=self.old_blob,
            new_blob=self.new_blob,
            patch=self.patch.decode("utf-8", errors="replace"),
            patch_truncated=self.patch_truncated,
        )


class _CommitBuilder:
    """The commit being read, fed line by line after its header."""

    def __init__(self, header: list[bytes], max_patch_bytes: int) -> None:
        self.header = header
        self.max_patch_bytes = max_patch_bytes
        self.message_lines: list[bytes] = []
        self.in_message = True
        self.files: list[_FileBuilder] = []
        self.patched_files = 0  # how many patches were started

    def add_line(self, line: bytes) -> bool:
        """Reads a line that is no hunk line; True when it is the first line of a file's hunks."""
        if self.in_message:
            if line == _MESSAGE_END:
                self.in_message = False
            else:
                self.message_lines.append(line)
        elif line.startswith(_FILE_START):
            self.patched_files += 1
        elif self.patched_files:
            # Patch header lines ("index …", "--- a/…", "Binary files … differ") until the first hunk.
            if line.startswith(b"@@"):
                return True
            if line.startswith(_BINARY):
                self.files[self.patched_files - 1].binary = True
        elif line.startswith(b":"):
            self.files.append(_parse_raw_line(line))
        return False

    def read_hunks(self, first: bytes, stream: Iterator[bytes]) -> bytes | None:
        """The current file's hunks, from their first line (`first`) on; returns the line after them (None
        at the end of the output).

        Lines are kept until `max_patch_bytes` is passed, then only counted, so a huge generated file costs
        no more memory than the bound. The patch is cut between lines, so what is kept still reads as a diff.
        """
        kept = [first]
        size = len(first)
        budget = self.max_patch_bytes
        line: bytes | None = None
        for line in stream:
            if line[0] not in _HUNK_LINE_STARTS:
                break
            kept.append(line)
            size += len(line)
            if size > budget:
                line = None
                break
        else:
            line = None
        file = self.files[self.patched_files - 1]
        patch = b"".join(kept)
        # Every line but the first (a hunk header) follows a newline: counting is a search for each sign.
        file.additions, file.deletions = patch.count(b"\n+"), patch.count(b"\n-")
        if size > budget:
            file.patch_truncated = True
            patch = patch[: patch.rfind(b"\n", 0, budget) + 1]
            line = self._count_rest(file, stream)
        file.patch = patch
        return line

    @staticmethod
    def _count_rest(file: _FileBuilder, stream: Iterator[bytes]) -> bytes | None:
        """Counts the hunk lines past the bound; returns the line after them (None at the end)."""
        for line in stream:
            first = line[0]
            if first == _ADDED:
                file.additions += 1
            elif first == _REMOVED:
                file.deletions += 1
            elif first not in _HUNK_LINE_STARTS:
                return line
        return None

    def build(self) -> Commit:
        sha, parents, author_name, author_email, authored_at, committer_name, committed_at = (
            _text(value) for value in self.header
        )
        message = _message_text(b"".join(self.message_lines)).strip()
        subject, _, body = message.partition("\n")
        return Commit(
            sha=sha,
            parents=tuple(parents.split()),
            author_name=author_name,
            author_email=author_email,
            authored_at=datetime.fromisoformat(authored_at),
            committer_name=committer_name,
            committed_at=datetime.fromisoformat(committed_at),
            subject=subject.strip(),
            body=body.strip(),
            files=tuple(file.build() for file in self.files),
        )


def _parse_raw_line(line: bytes) -> _FileBuilder:
    """`:100644 100644 <old id> <new id> R086<TAB>old<TAB>new` into a file with no counts yet."""
    description, _, paths = line[1:].rstrip(b"\n").partition(b"\t")
    old_mode, new_mode, old_blob, new_blob, status = _text(description).split(" ")
    path_names = [_path(path) for path in paths.split(b"\t")]
    return _FileBuilder(
        path=path_names[-1],
        status=_STATUS.get(status[0], FileStatus.MODIFIED),
        old_path=path_names[0] if len(path_names) == 2 else None,
        submodule=_GITLINK_MODE in (old_mode, new_mode),
        old_blob=_object_id(old_blob),
        new_blob=_object_id(new_blob),
    )


def _object_id(object_id: str) -> str | None:
    return None if object_id.strip("0") == "" else object_id


def _path(raw: bytes) -> str:
    """A path as git prints it: C-quoted (`"tab\\there"`) when it holds special characters."""
    if raw.startswith(b'"') and raw.endswith(b'"'):
        raw = _C_ESCAPE.sub(_unescape, raw[1:-1])
    return _text(raw)


def _unescape(escape: re.Match[bytes]) -> bytes:
    code = escape[1]
    return bytes([int(code, 8)]) if len(code) == 3 else _C_NAMED_ESCAPES.get(code, code)


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _message_text(raw: bytes) -> str:
    """A commit message: UTF-8 as git assumes, else the Windows-1252/Latin-1 its author most likely used.

    git re-encodes messages that declare an encoding; one that is not UTF-8 and declares none was almost
    always written in a legacy Western encoding, which reads better than replacement characters.
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")
