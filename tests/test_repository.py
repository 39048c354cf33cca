"""repository: local repositories used in place, URLs cloned once and fetched, names and links guessed.

Names never collide: a local repository without a remote is named from its path; clashes are found.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from changeradar.collect import collect_commits
from changeradar.config import RepositorySettings
from changeradar.errors import BadInput, ChangeradarError
from changeradar.git import run_git
from changeradar.model import RepoRef
from changeradar.repository import (
    check_branch,
    default_branch,
    describe_repository,
    find_name_collisions,
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


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        # nothing listens on port 9; the token must never be shown
        ("https://someone:hunter2@127.0.0.1:9/acme/widget.git", "https://***@127.0.0.1:9/acme/widget.git"),
        ("file:///no/such/server/widget.git", "file:///no/such/server/widget.git"),
    ],
)
def test_a_failed_clone_is_bad_input_naming_the_url_and_leaves_no_folder(
    tmp_path: Path, url: str, shown: str
) -> None:
    cache = tmp_path / "cache"
    (cache / "repos" / "example.org").mkdir(parents=True)  # another clone's folder: it must stay

    with pytest.raises(BadInput) as failure:
        open_repository(url, cache)

    message = str(failure.value)
    assert message.startswith(f"cannot clone {shown}: fatal: ")
    assert "hunter2" not in message and str(cache) not in message
    assert [path.relative_to(cache) for path in cache.rglob("*")] == [
        Path("repos"),
        Path("repos/example.org"),
    ]


def test_a_relative_cache_folder_holds_the_clone_itself(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    clone = open_repository(server.as_uri(), Path("cache"))

    assert clone == tmp_path.joinpath("cache", "repos", "file", *server.parts[1:])
    assert run_git(["rev-list", "--count", "main"], clone).strip() == b"1"
    assert [path.name for path in clone.parent.iterdir()] == [clone.name]


def test_a_failed_clone_into_a_relative_cache_folder_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("cache").mkdir()

    with pytest.raises(BadInput, match=re.escape("cannot clone file:///no/such/widget.git: fatal: ")):
        open_repository("file:///no/such/widget.git", Path("cache"))

    assert list(Path("cache").iterdir()) == []


def test_a_url_is_never_cloned_shallow_and_a_shallow_cache_is_deepened(
    git_repo: GitRepo, server: Path, tmp_path: Path
) -> None:
    git_repo.commit("second", {"README.md": "again\n"}, date="2026-01-29T10:00:00+08:00")
    push(git_repo, server, "main")
    fresh = open_repository(server.as_uri(), tmp_path / "fresh")
    cache = tmp_path / "cache"
    shallow = cache.joinpath("repos", "file", *server.parts[1:])
    GitRepo(tmp_path, create=False).git(
        "clone", "--quiet", "--bare", "--depth=1", server.as_uri(), str(shallow)
    )
    assert run_git(["rev-parse", "--is-shallow-repository"], shallow).strip() == b"true"

    assert open_repository(server.as_uri(), cache) == shallow
    for clone in (fresh, shallow):
        assert run_git(["rev-parse", "--is-shallow-repository"], clone).strip() == b"false"
        assert run_git(["rev-list", "--count", "main"], clone).strip() == b"2"


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


def test_a_local_repository_without_origin_is_named_after_its_path(server: Path) -> None:
    ref = describe_repository(str(server), server)

    assert re.fullmatch(r"local/acme-widget-[0-9a-f]{6}", ref.name)
    assert (ref.source, ref.web_url) == (str(server), None)
    assert describe_repository(str(server), server) == ref  # stable from run to run


def test_mirrors_in_folders_of_the_same_name_get_names_of_their_own(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    git_repo.commit("first", {"a.txt": "a"})
    folders = ["orhun+git-cliff/repo", "kubernetes-sigs+lws/repo", "one/mirror/repo", "two/mirror/repo"]
    mirrors = [git_repo.bare_clone(tmp_path / "mirrors" / folder) for folder in folders]
    worktree_git_folder = git_repo.path / ".git"

    names = [describe_repository(str(mirror), mirror).name for mirror in mirrors]

    assert len(set(names)) == len(names)
    assert names[0].startswith("local/orhun+git-cliff-repo-")
    assert names[2].startswith("local/mirror-repo-") and names[3].startswith("local/mirror-repo-")
    assert describe_repository(str(worktree_git_folder), worktree_git_folder).name.startswith(
        f"local/{tmp_path.name}-repo-"
    )


def test_an_odd_folder_name_still_makes_a_plain_owner_name_pair(git_repo: GitRepo, tmp_path: Path) -> None:
    git_repo.commit("first", {"a.txt": "a"})
    mirror = git_repo.bare_clone(tmp_path / "数据 集" / "..my repo..")

    name = describe_repository(str(mirror), mirror).name

    assert re.fullmatch(r"local/数据-集-my-repo-[0-9a-f]{6}", name)


def test_repositories_reported_under_one_name_are_found_in_pairs(
    git_repo: GitRepo, fixture_day_repo: Path, tmp_path: Path
) -> None:
    git_repo.commit("first", {"a.txt": "a"})
    mirrors = [git_repo.bare_clone(tmp_path / folder / "repo") for folder in ("a", "b", "c")]
    configured = [
        *(RepositorySettings(source=str(mirror)) for mirror in mirrors),
        RepositorySettings(source=str(fixture_day_repo), branch="main"),
        RepositorySettings(source=str(fixture_day_repo), branch="release"),
        RepositorySettings(source="https://tok:secret@github.com/acme/gadget.git", name="Acme/Tools"),
        RepositorySettings(source="https://github.com/acme/tools"),
        RepositorySettings(source=str(tmp_path / "gone")),
        RepositorySettings(source=str(tmp_path / "gone")),
    ]

    collisions = find_name_collisions(configured)

    assert [(c.name, c.first, c.second) for c in collisions] == [
        ("acme/widget", str(fixture_day_repo), str(fixture_day_repo)),
        ("acme/tools", "https://***@github.com/acme/gadget.git", "https://github.com/acme/tools"),
    ]
    assert str(collisions[1]) == (
        "https://***@github.com/acme/gadget.git and https://github.com/acme/tools would both be reported "
        "as 'acme/tools': give one of them its own `name` in the config"
    )
    assert find_name_collisions(configured[:3]) == []


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
