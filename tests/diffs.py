"""Build `model.Commit` / `model.FileChange` values from unified-diff text, for signal tests.

Patches may be written as indented triple-quoted strings and may include the `diff --git` / `---` /
`+++` header: both are dropped, as collect keeps the hunks only (from the first `@@`).
"""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Iterable
from datetime import UTC, datetime

from changeradar.model import Commit, FileChange, FileStatus

FIXED_TIME = datetime(2026, 1, 29, 12, 0, tzinfo=UTC)


def make_file(
    path: str,
    patch: str = "",
    status: FileStatus = FileStatus.MODIFIED,
    old_path: str | None = None,
    old_blob: str | None = None,
    new_blob: str | None = None,
) -> FileChange:
    """A file change whose additions/deletions are counted from `patch`, as git's numstat would."""
    hunks = _hunks_only(patch)
    lines = hunks.splitlines()
    return FileChange(
        path=path,
        status=status,
        old_path=old_path,
        additions=sum(line.startswith("+") for line in lines),
        deletions=sum(line.startswith("-") for line in lines),
        old_blob=old_blob,
        new_blob=new_blob,
        patch=hunks,
    )


def make_commit(
    subject: str,
    files: Iterable[FileChange] = (),
    body: str = "",
    sha: str | None = None,
) -> Commit:
    """A one-parent commit with fixed author and dates; the default sha is derived from the subject."""
    return Commit(
        sha=sha or hashlib.sha1(subject.encode()).hexdigest(),
        parents=("0" * 40,),
        author_name="Test Author",
        author_email="author@example.com",
        authored_at=FIXED_TIME,
        committer_name="Test Committer",
        committed_at=FIXED_TIME,
        subject=subject,
        body=body,
        files=tuple(files),
    )


def _hunks_only(patch: str) -> str:
    """The patch from its first `@@`, dedented; blank lines become the " " context lines git writes."""
    lines = textwrap.dedent(patch).splitlines()
    start = next((index for index, line in enumerate(lines) if line.startswith("@@")), len(lines))
    hunk_lines = [line or " " for line in lines[start:]]
    return "\n".join(hunk_lines) + "\n" if hunk_lines else ""
