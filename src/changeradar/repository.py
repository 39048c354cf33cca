"""Where a repository's history lives on this machine, and what it is called in reports.

A local path (work tree or bare) is used in place. A URL is cloned once, bare and without blobs (they are
fetched lazily, only for the commits a report reads), into the cache folder, and fetched on every run.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from changeradar.errors import BadInput
from changeradar.git import GitError, run_git, without_credentials
from changeradar.model import RepoRef

# git@github.com:owner/name.git — git's "scp-like" syntax; the user part keeps local paths out.
_SCP_LIKE = re.compile(r"[^@/:]+@(?P<host>[^/:]+):(?P<path>.+)")
_WEB_SCHEMES = ("https", "http")
# A bare clone has no fetch refspec: without one, `git fetch` would update nothing but FETCH_HEAD.
_BRANCHES_REFSPEC = "+refs/heads/*:refs/heads/*"


@dataclass(frozen=True, slots=True)
class RemoteAddress:
    """What a git URL says about the repository: where to cache it, its name, its web page."""

    cache_parts: tuple[str, ...]  # ("github.com", "acme", "widget"); file URLs: ("file", *their path)
    name: str  # "acme/widget"
    web_url: str | None  # "https://github.com/acme/widget"; None for file URLs


def parse_remote(source: str) -> RemoteAddress | None:
    """The address of a git URL (https, ssh, git, file, or git@host:path); None for a local path."""
    if "://" in source:
        return _parse_url(source)
    scp = _SCP_LIKE.fullmatch(source)
    if scp is None:
        return None
    return _address(source, scp["host"].lower(), scp["path"], web_origin=f"https://{scp['host'].lower()}")


def open_repository(source: str, cache_dir: Path) -> Path:
    """The git folder to read `source` from: the local repository itself, or an up-to-date cached clone."""
    address = parse_remote(source)
    if address is None:
        return _local_repository(Path(source).expanduser())
    *folders, name = address.cache_parts
    clone = cache_dir.joinpath("repos", *folders, f"{name}.git")
    if clone.is_dir():
        run_git(["fetch", "--prune", "--quiet", "origin", _BRANCHES_REFSPEC], clone)
    else:
        _clone(source, clone)
    return clone


def default_branch(repo_dir: Path) -> str:
    """The branch HEAD points at: the checked-out branch, or in a clone the remote's default branch."""
    try:
        head = run_git(["symbolic-ref", "--quiet", "--short", "HEAD"], repo_dir)
    except GitError:
        raise BadInput(
            f"cannot tell the default branch of {repo_dir}: HEAD is detached (name a branch)"
        ) from None
    return head.decode("utf-8", errors="replace").strip()


def check_branch(repo_dir: Path, branch: str) -> None:
    """BadInput unless `branch` names a commit in the repository (a branch, or any revision git knows)."""
    try:
        run_git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{branch}^{{commit}}"], repo_dir)
    except GitError:
        if not run_git(["rev-list", "--all", "--max-count=1"], repo_dir).strip():
            raise BadInput(f"{repo_dir} has no commits yet") from None
        raise BadInput(f"unknown branch {branch!r} in {repo_dir}") from None


def describe_repository(
    source: str, repo_dir: Path, name: str | None = None, web_url: str | None = None
) -> RepoRef:
    """How reports name and link the repository; `name` and `web_url`, when given, win over guesses.

    Guesses come from the URL given, else from the `origin` remote, else the folder (`local/<folder>`).
    """
    address = parse_remote(source) or _origin_address(repo_dir)
    guessed_name = address.name if address else f"local/{_folder_name(repo_dir)}"
    guessed_web_url = address.web_url if address else None
    return RepoRef(
        name=name or guessed_name,
        source=without_credentials(source),
        web_url=web_url.rstrip("/") if web_url else guessed_web_url,
    )


def _parse_url(url: str) -> RemoteAddress:
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        raise BadInput(f"not a usable repository URL: {without_credentials(url)!r}") from None
    if parts.scheme == "file":
        folders = _path_segments(parts.path)
        # A file URL's full path is unique on this machine; only its last two folders read as a name.
        return RemoteAddress(("file", *folders), "/".join(folders[-2:]), None)
    host = parts.hostname or ""
    web_origin = f"{parts.scheme}://{host}{port}" if parts.scheme in _WEB_SCHEMES else f"https://{host}"
    return _address(url, host, parts.path, web_origin)


def _address(url: str, host: str, path: str, web_origin: str) -> RemoteAddress:
    segments = _path_segments(path)
    if not host or not segments:
        raise BadInput(f"cannot tell the repository's owner/name from URL {without_credentials(url)!r}")
    name = "/".join(segments)
    return RemoteAddress((host, *segments), name, f"{web_origin}/{name}")


def _path_segments(path: str) -> tuple[str, ...]:
    """The folders of a URL path without `.git`; `.` and `..` are dropped so the cache path stays inside."""
    segments = [segment for segment in path.split("/") if segment not in ("", ".", "..")]
    if segments:
        segments[-1] = segments[-1].removesuffix(".git")
    return tuple(segment for segment in segments if segment)


def _local_repository(path: Path) -> Path:
    """The top folder of the repository at `path`: a work tree's root, or the bare repository itself."""
    is_bare = run_git(["rev-parse", "--is-bare-repository"], path).strip() == b"true"
    top = run_git(["rev-parse", "--absolute-git-dir" if is_bare else "--show-toplevel"], path)
    return Path(os.fsdecode(top.strip()))


def _clone(url: str, clone: Path) -> None:
    """Clone into a staging folder first, so a failed clone never leaves a cache entry behind."""
    clone.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{clone.name}-", dir=clone.parent))
    try:
        run_git(["clone", "--bare", "--filter=blob:none", "--quiet", "--", url, str(staging)], clone.parent)
        staging.rename(clone)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _origin_address(repo_dir: Path) -> RemoteAddress | None:
    try:
        url = run_git(["config", "--get", "remote.origin.url"], repo_dir)
        return parse_remote(url.decode("utf-8", errors="replace").strip())
    except (GitError, BadInput):  # no origin, or one that names nothing: fall back to the folder
        return None


def _folder_name(repo_dir: Path) -> str:
    return repo_dir.name.removesuffix(".git") or repo_dir.parent.name
