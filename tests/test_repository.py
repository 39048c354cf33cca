"""repository: local repositories used in place, URLs cloned once and fetched, names and links guessed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from changeradar.collect import collect_commits
from changeradar.errors import BadInput, ChangeradarError
from changeradar.git import run_git
from changeradar.model import RepoRef
from changeradar.repository import (
    check_branch,
    default_branch,
    describe_repository,
    open_repository,
    parse_remote,
)
from changeradar.window import day_window
from fixture_day import FIXTURE_ORIGIN
from gitrepo import GitRepo


@pytest.fixture
def server(git_repo: GitRepo, tmp_path: Path) -> Path:
    """A bare repository that serves `git_repo`'s history over file://, partial clones allowed."""
    git_repo.commit("first", {"README.md": "hello\n"}, date="2026-01-28T10:00:00+08:00")
    bare = git_repo.bare_clone(tmp_path / "server" / "acme" / "widget.git")
    GitRepo(bare, create=False).git("config", "uploadpack.allowFilter", "true")
    return bare


def push(repo: GitRepo, server: Path, *refspecs: str) -> None:
    repo.git("push", "--quiet", str(server), *refspecs)


def test_a_work_tree_opens_at_its_top_folder(git_repo: GitRepo) -> None:
    git_repo.commit("first", {"src/app.py": "x = 1\n"})

    assert open_repository(str(git_repo.path / "src"), Path("unused")) == git_repo.path


def test_a_bare_repository_opens_in_place(server: Path) -> None:
    assert open_repository(str(server), Path("unused")) == server


@pytest.mark.parametrize("folder", ["plain-folder", "missing-folder"])
def test_a_path_without_a_repository_is_bad_input(tmp_path: Path, folder: str) -> None:
    (tmp_path / "plain-folder").mkdir()
    path = tmp_path / folder

    with pytest.raises(BadInput, match=f"^not a git repository: {path}"):
        open_repository(str(path), tmp_path / "cache")


def test_a_url_is_cloned_once_then_fetched(git_repo: GitRepo, server: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    git_repo.switch("old-feature", create=True)
    push(git_repo, server, "old-feature")
    git_repo.switch("main")

    clone = open_repository(server.as_uri(), cache)
    new_commit = git_repo.commit("second", {"README.md": "hello again\n"}, date="2026-01-29T10:00:00+08:00")
    push(git_repo, server, "main", ":old-feature")
    assert run_git(["rev-parse", "main"], clone).decode().strip() != new_commit

    again = open_repository(server.as_uri(), cache)

    assert again == clone == cache.joinpath("repos", "file", *server.parts[1:])
    assert run_git(["rev-parse", "--is-bare-repository"], clone).strip() == b"true"
    assert run_git(["rev-parse", "main"], clone).decode().strip() == new_commit
    with pytest.raises(BadInput, match="unknown branch 'old-feature'"):
        check_branch(clone, "old-feature")


def test_a_partial_clone_fetches_the_blobs_collect_needs(
    git_repo: GitRepo, server: Path, tmp_path: Path
) -> None:
    clone = open_repository(server.as_uri(), tmp_path / "cache")

    assert run_git(["config", "remote.origin.partialclonefilter"], clone).strip() == b"blob:none"
    (commit,) = collect_commits(clone, "main", day_window("2026-01-28", "Asia/Shanghai"))
    assert commit.files[0].patch == "@@ -0,0 +1 @@\n+hello\n"


def test_a_failed_clone_leaves_no_cache_entry_and_no_secret(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    url = "https://someone:hunter2@127.0.0.1:9/acme/widget.git"  # nothing listens on port 9

    with pytest.raises(ChangeradarError) as failure:
        open_repository(url, cache)

    assert "hunter2" not in str(failure.value)
    assert list(cache.rglob("*widget*")) == []


def test_default_branch_is_the_checked_out_branch(git_repo: GitRepo) -> None:
    git_repo.commit("first", {"a.txt": "a"})
    git_repo.switch("develop", create=True)

    assert default_branch(git_repo.path) == "develop"


def test_default_branch_of_a_clone_is_the_remote_head(git_repo: GitRepo, tmp_path: Path) -> None:
    git_repo.commit("first", {"a.txt": "a"})
    git_repo.switch("develop", create=True)
    server = git_repo.bare_clone(tmp_path / "server.git")

    assert default_branch(open_repository(server.as_uri(), tmp_path / "cache")) == "develop"


def test_a_detached_head_has_no_default_branch(git_repo: GitRepo) -> None:
    git_repo.commit("first", {"a.txt": "a"})
    git_repo.git("switch", "--quiet", "--detach")

    with pytest.raises(BadInput, match="HEAD is detached"):
        default_branch(git_repo.path)


def test_check_branch_accepts_branches_and_names_an_unknown_one(git_repo: GitRepo) -> None:
    git_repo.commit("first", {"a.txt": "a"})

    check_branch(git_repo.path, "main")
    with pytest.raises(BadInput, match=f"^unknown branch 'nope' in {git_repo.path}$"):
        check_branch(git_repo.path, "nope")
    with pytest.raises(BadInput, match=r"^unknown branch '--all'"):
        check_branch(git_repo.path, "--all")


@pytest.mark.parametrize(
    ("url", "name", "web_url"),
    [
        ("https://github.com/acme/widget.git", "acme/widget", "https://github.com/acme/widget"),
        ("https://github.com/acme/widget", "acme/widget", "https://github.com/acme/widget"),
        ("git@github.com:acme/widget.git", "acme/widget", "https://github.com/acme/widget"),
        (
            "ssh://git@gitlab.com:2222/group/sub/tool.git",
            "group/sub/tool",
            "https://gitlab.com/group/sub/tool",
        ),
        ("http://git.internal:8080/team/tool.git", "team/tool", "http://git.internal:8080/team/tool"),
        ("file:///srv/git/acme/widget.git", "acme/widget", None),
    ],
)
def test_name_and_web_page_come_from_the_url(
    url: str, name: str, web_url: str | None, tmp_path: Path
) -> None:
    assert describe_repository(url, tmp_path) == RepoRef(name=name, source=url, web_url=web_url)


def test_credentials_in_a_url_never_reach_the_description(tmp_path: Path) -> None:
    ref = describe_repository("https://x-access-token:ghs_secret@github.com/acme/widget.git", tmp_path)

    assert ref == RepoRef(
        "acme/widget", "https://***@github.com/acme/widget.git", "https://github.com/acme/widget"
    )


def test_a_local_repository_is_named_after_its_origin(fixture_day_repo: Path) -> None:
    ref = describe_repository(str(fixture_day_repo), fixture_day_repo)

    assert (ref.name, ref.web_url) == ("acme/widget", "https://github.com/acme/widget")
    assert FIXTURE_ORIGIN.startswith(ref.web_url)


def test_a_local_repository_without_origin_is_named_after_its_folder(server: Path) -> None:
    assert describe_repository(str(server), server) == RepoRef("local/widget", str(server), None)


def test_explicit_name_and_web_url_win(fixture_day_repo: Path) -> None:
    ref = describe_repository(
        str(fixture_day_repo), fixture_day_repo, name="acme/widget-mirror", web_url="https://code.acme.dev/w/"
    )

    assert (ref.name, ref.web_url) == ("acme/widget-mirror", "https://code.acme.dev/w")


def test_cache_folders_of_a_url_stay_inside_the_cache() -> None:
    remote = parse_remote("https://example.com/../../etc/./widget.git")

    assert remote is not None and remote.cache_parts == ("example.com", "etc", "widget")


@pytest.mark.parametrize("url", ["https://github.com/", "https:///acme/widget.git", "git@github.com:.git"])
def test_a_url_that_names_no_repository_is_bad_input(url: str, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot tell the repository's owner/name from URL"):
        open_repository(url, tmp_path)


def test_git_failures_carry_git_complaint(git_repo: GitRepo) -> None:
    with pytest.raises(ChangeradarError, match="fatal: Needed a single revision"):
        run_git(["rev-parse", "--verify", "no-such-revision"], git_repo.path)


def test_a_repository_without_commits_says_so(tmp_path: Path) -> None:
    empty = GitRepo(tmp_path / "empty").path
    with pytest.raises(BadInput, match=re.escape(f"{empty} has no commits yet")):
        check_branch(empty, "main")
