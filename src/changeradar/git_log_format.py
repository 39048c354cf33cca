"""git's commit output as we ask for it, parsed: a delimited header, the message, then `--raw` lines
(paths, status, object ids) and the patch, both in the same file order.

`git log` and `git diff-tree --stdin` print the same thing given `LOG_FORMAT`; either list may be absent.
The parser reads the output in pieces, holding one commit at a time and at most `max_patch_bytes` of
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
_HUNKS_END = re.compile(rb"\n[^ +\-@\\]")  # a line that starts with none of those
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


def parse_log(output: Iterable[bytes], max_patch_bytes: int = DEFAULT_MAX_PATCH_BYTES) -> Iterator[Commit]:
    """Commits from the output of `git log --format=<LOG_FORMAT> --raw -p`, given in pieces of any size
    (lines, or what a pipe holds), one commit at a time."""
    reader = _Reader(iter(output))
    commit: _CommitBuilder | None = None
    while (line := reader.line()) is not None:
        if line.startswith(_COMMIT_START):
            if commit is not None:
                yield commit.build()
            header = line[len(_COMMIT_START) :].rstrip(b"\n").split(_FIELD)
            commit = _CommitBuilder(header, reader.through(_MESSAGE_END), max_patch_bytes)
        elif commit is not None and commit.add_line(line):
            # The hot path: most of a log is a patch's hunks, read here at once.
            commit.read_hunks(line, reader.hunk_pieces())
    if commit is not None:
        yield commit.build()


class _Reader:
    """git's output read from pieces of any size: a line at a time where the parser needs lines, and a
    file's hunks at once, their end found by one search of the buffer (most of a log is hunks, and a step
    per line of them cost most of the reading)."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces
        self._data = b""
        self._position = 0  # where the unread part of `_data` starts, always at the start of a line

    def line(self) -> bytes | None:
        """The next line with its line break (the last line may lack one); None at the end."""
        while (end := self._data.find(b"\n", self._position)) < 0:
            if not self._more():
                rest = self._data[self._position :]
                self._position = len(self._data)
                return rest or None
        line = self._data[self._position : end + 1]
        self._position = end + 1
        return line

    def through(self, marker: bytes) -> bytes:
        """The lines up to the line `marker` (a whole line, with its break), which is read too; the rest of
        the output when no line is `marker`."""
        if self._data.startswith(marker, self._position):
            self._position += len(marker)
            return b""
        searched = 0  # how far past the unread start the marker's line cannot begin: searched already
        while True:
            data, start = self._data, self._position
            found = data.find(b"\n" + marker, start + searched)
            if found >= 0:
                self._position = found + 1 + len(marker)
                return data[start : found + 1]
            searched = max(0, len(data) - start - len(marker))
            if not self._more():
                self._position = len(data)
                return data[start:]

    def hunk_pieces(self) -> Iterator[bytes]:
        """The lines from here up to the first that is no hunk line, in pieces that end at line ends
        (but for the last line of the output, which may lack its break)."""
        while True:
            data, start = self._data, self._position
            if start < len(data) and data[start] not in _HUNK_LINE_STARTS:
                return
            end = _HUNKS_END.search(data, start)
            if end is not None:
                self._position = end.start() + 1
                yield data[start : self._position]
                return
            whole_lines = data.rfind(b"\n", start) + 1
            if whole_lines > start:
                self._position = whole_lines
                yield data[start:whole_lines]
            if not self._more():
                rest = self._data[self._position :]
                self._position = len(self._data)
                if rest:
                    yield rest
                return

    def _more(self) -> bool:
        """Appends the next piece to what is left unread; False at the end of the output."""
        for piece in self._pieces:
            if piece:
                self._data = self._data[self._position :] + piece
                self._position = 0
                return True
        return False


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
    """The commit being read: its header and message, then fed line by line."""

    def __init__(self, header: list[bytes], message: bytes, max_patch_bytes: int) -> None:
        self.header = header
        self.message = message
        self.max_patch_bytes = max_patch_bytes
        self.files: list[_FileBuilder] = []
        self.patched_files = 0  # how many patches were started

    def add_line(self, line: bytes) -> bool:
        """Reads a line that is no hunk line; True when it is the first line of a file's hunks."""
        if line.startswith(_FILE_START):
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

    def read_hunks(self, first: bytes, pieces: Iterable[bytes]) -> None:
        """The current file's hunks: their first line (`first`), then the `pieces` of lines that follow.

        Pieces are kept until `max_patch_bytes` is passed, then only counted, so a huge generated file costs
        no more memory than the bound. The patch is cut between lines, so what is kept still reads as a diff.
        Every piece starts a line: a line's sign is the piece's first byte or follows a line break.
        """
        file = self.files[self.patched_files - 1]
        kept = [first]
        size = len(first)
        budget = self.max_patch_bytes
        for piece in pieces:
            file.additions += piece.count(b"\n+") + piece.startswith(b"+")
            file.deletions += piece.count(b"\n-") + piece.startswith(b"-")
            if size <= budget:
                kept.append(piece)
                size += len(piece)
        patch = b"".join(kept)
        if size > budget:
            file.patch_truncated = True
            patch = patch[: patch.rfind(b"\n", 0, budget) + 1]
        file.patch = patch

    def build(self) -> Commit:
        sha, parents, author_name, author_email, authored_at, committer_name, committed_at = (
            _text(value) for value in self.header
        )
        message = _message_text(self.message).strip()
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
