"""Every commit of the window, whatever git can or cannot read: missing blobs, partial and shallow clones."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from changeradar.cli import main
from changeradar.collect import collect_commits
from changeradar.model import Commit, DiffStatus, Window
from changeradar.outputs.files import report_stem
from changeradar.window import day_window, range_window
from gitrepo import GitRepo

DAY = "2026-01-29"
BIG = "x" * 5000 + "\n"  # over the partial clone's blob limit


def at(hour: int, day: str = DAY) -> str:
    return f"{day}T{hour:02d}:00:00+08:00"


def drop_object(git_dir: Path, object_id: str) -> None:
    (git_dir / "objects" / object_id[:2] / object_id[2:]).unlink()


def titled(commits: list[Commit], subject: str) -> Commit:
    (commit,) = [commit for commit in commits if commit.subject == subject]
    return commit


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


def report(repo: Path, tmp_path: Path, capsys, *window: str) -> tuple[int, str, str]:
    args = ["report", str(repo), "--name", "acme/widget", "--lang", "en", *(window or ["--date", DAY])]
    return run_cli([*args, "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache")], capsys)


def written(tmp_path: Path, window: Window | None = None) -> tuple[str, dict]:
    """The Markdown and JSON reports the command wrote for `window` (default: the day)."""
    label = report_stem(window or day_window(DAY, "Asia/Shanghai"))
    folder = tmp_path / "out" / "2026" / "acme" / "widget"
    return (folder / f"{label}.md").read_text(encoding="utf-8"), json.loads(
        (folder / f"{label}.json").read_text(encoding="utf-8")
    )


@pytest.fixture
def lost_blob(git_repo: GitRepo, tmp_path: Path) -> tuple[Path, str]:
    """A bare repository of one day whose middle commit adds a file whose content is gone."""
    git_repo.commit("Add the loader", {"src/loader.py": "def load():\n    return 1\n"}, date=at(9))
    git_repo.commit(
        "Add a picture and its page",
        {"docs/picture.png": BIG, "docs/page.md": "# Page\n\nsee the picture\n"},
        date=at(10),
    )
    git_repo.commit("Speed up the loader", {"src/loader.py": "def load():\n    return 2\n"}, date=at(11))
    bare = git_repo.bare_clone(tmp_path / "mirror.git")
    missing = git_repo.blob_id("HEAD", "docs/picture.png")
    drop_object(bare, missing)
    return bare, missing


def test_a_missing_blob_marks_its_commit_partial_and_keeps_every_other(lost_blob: tuple[Path, str]) -> None:
    bare, missing = lost_blob
    commits = collect_commits(bare, "main", day_window(DAY, "Asia/Shanghai"))

    assert [commit.subject for commit in commits] == [
        "Speed up the loader",
        "Add a picture and its page",
        "Add the loader",
    ]
    partial = titled(commits, "Add a picture and its page")
    assert partial.diff_status is DiffStatus.PARTIAL
    assert partial.missing_objects == (missing,)
    assert missing in partial.diff_error and "not in the local repository" in partial.diff_error
    page, picture = sorted(partial.files, key=lambda file: file.path)
    assert (page.path, page.additions, page.patch.startswith("@@")) == ("docs/page.md", 3, True)
    assert (picture.path, picture.additions, picture.patch) == ("docs/picture.png", 0, "")
    for subject in ("Speed up the loader", "Add the loader"):
        whole = titled(commits, subject)
        assert (whole.diff_status, whole.missing_objects, whole.diff_error) == (DiffStatus.COMPLETE, (), "")
        assert whole.files[0].path == "src/loader.py" and whole.files[0].patch


def test_the_report_is_written_marks_the_commit_and_exits_1(
    lost_blob: tuple[Path, str], tmp_path: Path, capsys
) -> None:
    bare, missing = lost_blob
    code, _, err = report(bare, tmp_path, capsys)

    markdown, document = written(tmp_path)
    assert code == 1 and "Traceback" not in err
    short = next(c["short_sha"] for c in document["commits"] if c["subject"].startswith("Add a picture"))
    assert f"changeradar: acme/widget {DAY}: {short}: diff partial: object {missing}" in err
    summary = err.splitlines()[-1]
    assert summary.startswith(f"changeradar: acme/widget {DAY}: 3 commits (high 0, ")
    assert summary.endswith("); 1 not read fully; analysed offline")
    assert [c["diff_status"] for c in document["commits"]] == ["complete", "partial", "complete"]
    assert document["commits"][1]["missing_objects"] == [missing]
    assert len(document["failures"]) == 1
    assert "⚠️ 1 commit could not be read fully" in markdown
    assert "The diff could be read only in part" in markdown


def test_a_day_where_no_diff_can_be_read_still_lists_every_commit(git_repo: GitRepo, tmp_path: Path) -> None:
    git_repo.commit("Add one picture", {"a.png": BIG}, date=at(9))
    git_repo.commit("Add another picture", {"b.png": BIG + "y"}, date=at(10))
    bare = git_repo.bare_clone(tmp_path / "mirror.git")
    for path in ("a.png", "b.png"):
        drop_object(bare, git_repo.blob_id("HEAD", path))

    commits = collect_commits(bare, "main", day_window(DAY, "Asia/Shanghai"))

    assert [(c.subject, c.diff_status) for c in commits] == [
        ("Add another picture", DiffStatus.UNREADABLE),
        ("Add one picture", DiffStatus.UNREADABLE),
    ]
    assert [[file.path for file in commit.files] for commit in commits] == [["b.png"], ["a.png"]]
    assert all(commit.additions == 0 for commit in commits)


def test_a_range_report_keeps_going_past_a_bad_commit(git_repo: GitRepo, tmp_path: Path, capsys) -> None:
    git_repo.commit("Monday's change", {"a.py": "A = 1\n"}, date=at(9, "2026-01-26"))
    git_repo.commit("Tuesday's picture", {"t.png": BIG}, date=at(9, "2026-01-27"))
    git_repo.commit("Wednesday's change", {"a.py": "A = 2\n"}, date=at(9, "2026-01-28"))
    bare = git_repo.bare_clone(tmp_path / "mirror.git")
    drop_object(bare, git_repo.blob_id("HEAD", "t.png"))

    code, _, err = report(bare, tmp_path, capsys, "--since", "2026-01-26", "--until", "2026-01-29")

    assert code == 1 and "Traceback" not in err
    # the two one-line core changes name no kind of work: medium (untyped_core_change)
    assert "3 commits (high 0, medium 2, low 1); 1 not read fully" in err.splitlines()[-1]
    window = range_window("2026-01-26", "2026-01-29", "Asia/Shanghai")
    statuses = [(c.subject, c.diff_status.value) for c in collect_commits(bare, "main", window)]
    assert statuses == [
        ("Wednesday's change", "complete"),
        ("Tuesday's picture", "unreadable"),
        ("Monday's change", "complete"),
    ]


def test_a_missing_commit_object_ends_the_run_with_one_line_and_exit_2(
    git_repo: GitRepo, tmp_path: Path, capsys
) -> None:
    git_repo.commit("First", {"a.py": "A = 1\n"}, date=at(9))
    lost = git_repo.commit("Second", {"a.py": "A = 2\n"}, date=at(10))
    git_repo.commit("Third", {"a.py": "A = 3\n"}, date=at(11))
    bare = git_repo.bare_clone(tmp_path / "mirror.git")
    drop_object(bare, lost)

    code, out, err = report(bare, tmp_path, capsys)

    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and lost in err and "Traceback" not in err


def partial_clone(source: GitRepo, tmp_path: Path) -> Path:
    source.git("config", "uploadpack.allowFilter", "true")
    source.git("config", "uploadpack.allowAnySHA1InWant", "true")
    clone = tmp_path / "partial.git"
    source.git("clone", "--quiet", "--bare", "--filter=blob:limit=1k", f"file://{source.path}", str(clone))
    return clone


@pytest.mark.parametrize("no_lazy_fetch", [False, True])
def test_a_partial_clone_whose_remote_is_gone_names_the_object_and_the_remote(
    git_repo: GitRepo, tmp_path: Path, capsys, no_lazy_fetch: bool
) -> None:
    git_repo.commit("Add the loader", {"src/loader.py": "X = 1\n"}, date=at(9))
    git_repo.commit("Add a model card", {"docs/card.md": BIG, "src/loader.py": "X = 2\n"}, date=at(10))
    missing = git_repo.blob_id("HEAD", "docs/card.md")
    clone = partial_clone(git_repo, tmp_path)
    subprocess.run(["rm", "-rf", str(git_repo.path)], check=True)

    flags = ["--no-lazy-fetch"] if no_lazy_fetch else []
    code, _, err = report(clone, tmp_path, capsys, "--date", DAY, *flags)

    _, document = written(tmp_path)
    assert code == 1 and "Traceback" not in err
    card, loader = document["commits"]
    assert (card["diff_status"], card["missing_objects"], loader["diff_status"]) == (
        "partial",
        [missing],
        "complete",
    )
    assert [(f["path"], f["additions"]) for f in card["files"]] == [("docs/card.md", 0), ("src/loader.py", 1)]
    expected = (
        "lazy fetch from promisor remote 'origin' is off"
        if no_lazy_fetch
        else ("the promisor remote 'origin' could not be reached")
    )
    assert card["diff_error"].startswith(f"object {missing} not in the local repository; {expected}")


@pytest.fixture
def shallow_clone(git_repo: GitRepo, tmp_path: Path) -> Path:
    """A clone cut at 01-28: its 01-28 commit is the boundary, whose parent added a big tree."""
    tree = {f"src/pkg/module_{index}.py": f"def api_{index}():\n    return {index}\n" for index in range(30)}
    git_repo.commit("Initial import", tree, date=at(9, "2026-01-27"))
    git_repo.commit(
        "Fix a typo in module 1",
        {"src/pkg/module_1.py": "def api_1():\n    return 11\n"},
        date=at(9, "2026-01-28"),
    )
    git_repo.commit(
        "Fix a typo in module 2", {"src/pkg/module_2.py": "def api_2():\n    return 22\n"}, date=at(9)
    )
    clone = tmp_path / "shallow.git"
    git_repo.git(
        "clone",
        "--quiet",
        "--bare",
        "--shallow-since=2026-01-28T00:00:00+08:00",
        f"file://{git_repo.path}",
        str(clone),
    )
    return clone


def test_a_shallow_boundary_commit_has_no_invented_diff(shallow_clone: Path, tmp_path: Path, capsys) -> None:
    code, _, err = report(shallow_clone, tmp_path, capsys, "--since", "2026-01-28", "--until", "2026-01-30")

    markdown, document = written(tmp_path, range_window("2026-01-28", "2026-01-30", "Asia/Shanghai"))
    assert code == 0 and "Traceback" not in err
    newest, boundary = document["commits"]
    assert (boundary["subject"], boundary["diff_status"], boundary["files"]) == (
        "Fix a typo in module 1",
        "history_cut",
        [],
    )
    assert boundary["importance"]["level"] != "high" and boundary["additions"] == 0
    assert not any(signal["kind"] in ("api", "module") for signal in boundary["signals"])
    assert newest["diff_status"] == "complete" and newest["files"][0]["path"] == "src/pkg/module_2.py"
    assert document["shallow_since"] == "2026-01-28T09:00:00+08:00"
    assert "shallow repository: history can be trusted from 2026-01-28 09:00" in markdown
    assert "Shallow clone boundary" in markdown
