"""Where a repository's history lives on this machine, and what it is called in reports.

A local path (work tree or bare) is used in place. A URL is cloned once, bare and without blobs (they are
fetched lazily, only for the commits a report reads), into the cache folder, and fetched on every run;
never shallow, so that every commit's parent is there to diff against.

A report's name is also where its files go, so two repositories must never share one: a local repository
without a usable remote is named from its absolute path (see `describe_repository`), and
`find_name_collisions` finds configured repositories that would still be reported under one name.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from changeradar.config import RepositorySettings
from changeradar.errors import BadInput, ChangeradarError
from changeradar.git import GitError, run_git, without_credentials
from changeradar.model import RepoRef

# git@github.com:owner/name.git — git's "scp-like" syntax; the user part keeps local paths out.
_SCP_LIKE = re.compile(r"[^@/:]+@(?P<host>[^/:]+):(?P<path>.+)")
_WEB_SCHEMES = ("https", "http")
# A bare clone has no fetch refspec: without one, `git fetch` would update nothing but FETCH_HEAD.
_BRANCHES_REFSPEC = "+refs/heads/*:refs/heads/*"
# How long `check_remote` waits for a remote's list of refs: enough for a slow server, not for a dead one.
REMOTE_TIMEOUT_SECONDS = 10.0
# What may appear in the folder part of a local repository's name; anything else reads as "-".
_NAME_UNSAFE = re.compile(r"[^\w+-]+")


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
    clone = cache_dir.absolute().joinpath("repos", *folders, f"{name}.git")  # git runs in another folder
    if clone.is_dir():
        _fetch(clone)
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


def last_commit_date(repo_dir: Path, branch: str) -> datetime | None:
    """When the newest commit of `branch` was committed: an empty day says it, so a stale mirror shows."""
    stamp = run_git(["log", "-1", "--format=%cI", "--end-of-options", branch, "--"], repo_dir).strip()
    return datetime.fromisoformat(stamp.decode()) if stamp else None


def check_branch(repo_dir: Path, branch: str) -> None:
    """BadInput unless `branch` names a commit in the repository (a branch, or any revision git knows)."""
    try:
        run_git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{branch}^{{commit}}"], repo_dir)
    except GitError:
        if not run_git(["rev-list", "--all", "--max-count=1"], repo_dir).strip():
            raise BadInput(f"{repo_dir} has no commits yet") from None
        raise BadInput(f"unknown branch {branch!r} in {repo_dir}") from None


def check_remote(url: str, branch: str | None, timeout: float = REMOTE_TIMEOUT_SECONDS) -> str:
    """The branch a run would report from `url`, after asking the remote (`git ls-remote`) that it is there.

    GitError when the remote does not answer within `timeout` seconds, BadInput when it has no such branch.
    """
    shown = without_credentials(url)
    wanted = [f"refs/heads/{branch}", f"refs/tags/{branch}"] if branch else ["HEAD"]
    anywhere = Path(tempfile.gettempdir())  # ls-remote needs no repository, only a folder to run in
    try:
        listing = run_git(["ls-remote", "--symref", "--", url, *wanted], anywhere, timeout=timeout)
    except GitError as error:
        raise GitError(f"{shown} does not answer: {_complaint(error, anywhere)}") from None
    lines = [line.split("\t", 1) for line in listing.decode("utf-8", "replace").splitlines() if "\t" in line]
    if branch is None:
        symbolic = [
            target for target, ref in lines if ref == "HEAD" and target.startswith("ref: refs/heads/")
        ]
        if not symbolic:
            raise BadInput(f"cannot tell the default branch of {shown} (name a branch)")
        return symbolic[0].removeprefix("ref: refs/heads/")
    if not any(ref in wanted for _target, ref in lines):
        raise BadInput(f"unknown branch {branch!r} in {shown}")
    return branch


def describe_repository(
    source: str, repo_dir: Path, name: str | None = None, web_url: str | None = None
) -> RepoRef:
    """How reports name and link the repository; `name` and `web_url`, when given, win over guesses.

    Guesses come from the URL given, else from the `origin` remote, else the path (see `_local_name`).
    """
    address = parse_remote(source) or _origin_address(repo_dir)
    guessed_name = address.name if address else _local_name(repo_dir)
    guessed_web_url = address.web_url if address else None
    return RepoRef(
        name=name or guessed_name,
        source=without_credentials(source),
        web_url=web_url.rstrip("/") if web_url else guessed_web_url,
    )


def report_name(source: str, name: str | None = None) -> str:
    """The name a report on `source` will carry, told without cloning: `name`, the URL's, or the local one."""
    if name:
        return name
    address = parse_remote(source)
    if address is not None:
        return address.name
    return describe_repository(source, _local_repository(Path(source).expanduser())).name


@dataclass(frozen=True, slots=True)
class NameCollision:
    """Two configured repositories whose reports would land in the same files, the later overwriting."""

    name: str
    first: str  # the sources, credentials masked
    second: str

    def __str__(self) -> str:
        return (
            f"{self.first} and {self.second} would both be reported as {self.name!r}: "
            "give one of them its own `name` in the config"
        )


def find_name_collisions(repositories: Sequence[RepositorySettings]) -> list[NameCollision]:
    """Each configured repository whose report name another one before it already has.

    Names compare without case, as a case-insensitive file system would. A repository whose name cannot
    be told (a missing folder, not a repository) is left out: its own run fails and says why.
    """
    seen: dict[str, RepositorySettings] = {}
    collisions = []
    for repository in repositories:
        try:
            name = report_name(repository.source, repository.name)
        except ChangeradarError:
            continue
        earlier = seen.setdefault(name.casefold(), repository)
        if earlier is not repository:
            shown = [without_credentials(r.source) for r in (earlier, repository)]
            collisions.append(NameCollision(name, *shown))
    return collisions


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
    """Clone into a staging folder first: a failed clone leaves no folder behind, and names the URL."""
    created = _first_missing_folder(clone.parent)
    clone.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{clone.name}-", dir=clone.parent))
    try:
        run_git(["clone", "--bare", "--filter=blob:none", "--quiet", "--", url, str(staging)], clone.parent)
        staging.rename(clone)
    except GitError as error:
        shown = without_credentials(url)
        raise BadInput(f"cannot clone {shown}: {_complaint(error, clone.parent)}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created is not None and not clone.exists():
            _remove_empty_folders(clone.parent, up_to=created)


def _fetch(clone: Path) -> None:
    """Bring the cached clone up to date, deepening it first if it was ever made shallow."""
    shallow = run_git(["rev-parse", "--is-shallow-repository"], clone).strip() == b"true"
    unshallow = ["--unshallow"] if shallow else []
    run_git(["fetch", "--prune", "--quiet", *unshallow, "origin", _BRANCHES_REFSPEC], clone)


def _complaint(error: GitError, cwd: Path) -> str:
    """git's own words from `error`, without the folder it ran in (an internal cache folder is no help)."""
    return str(error).removeprefix(f"git failed in {cwd}: ")


def _first_missing_folder(folder: Path) -> Path | None:
    """The outermost of `folder` and its parents that does not exist yet; None if `folder` exists."""
    missing = None
    while not folder.exists():
        missing, folder = folder, folder.parent
    return missing


def _remove_empty_folders(folder: Path, up_to: Path) -> None:
    """Remove `folder` and its parents up to `up_to`, stopping at the first that is not empty."""
    for candidate in (folder, *folder.parents):
        try:
            candidate.rmdir()
        except OSError:
            return
        if candidate == up_to:
            return


def _origin_address(repo_dir: Path) -> RemoteAddress | None:
    try:
        url = run_git(["config", "--get", "remote.origin.url"], repo_dir)
        return parse_remote(url.decode("utf-8", errors="replace").strip())
    except (GitError, BadInput):  # no origin, or one that names nothing: fall back to the folder
        return None


def _local_name(repo_dir: Path) -> str:
    """`local/<parent>-<folder>-<hash>`: readable, and unique because the hash is of the absolute path.

    The parent folder tells apart mirrors kept as `<project>/repo` or `<project>/.git`; the six hex digits
    of the path's SHA-256 tell apart two paths that still read alike. The name holds while the repository
    stays where it is.
    """
    path = repo_dir.resolve()
    folder = path.parent if path.name == ".git" else path
    words = (
        _NAME_UNSAFE.sub("-", part.removesuffix(".git")).strip("-")
        for part in (folder.parent.name, folder.name)
    )
    digest = hashlib.sha256(os.fsencode(path)).hexdigest()[:6]
    return "local/" + "-".join([*filter(None, words), digest])
