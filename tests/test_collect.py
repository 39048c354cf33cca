"""collect: the commits of a window with their files and patches, read from real scripted repositories."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from changeradar.collect import DEFAULT_MAX_PATCH_BYTES, collect_commits
from changeradar.errors import BadInput
from changeradar.git import GitBlobReader
from changeradar.git_log_format import LOG_FORMAT, parse_log
from changeradar.model import Commit, FileChange, FileStatus
from changeradar.window import day_window
from fixture_day import (
    CAFE_CONFIG_PATH,
    FIXTURE_DATE,
    FIXTURE_DAY_SUBJECTS,
    FIXTURE_TIMEZONE,
    FLASHINFER_AFTER,
    FLASHINFER_BEFORE,
    GENERATED_CONFIG_LINES,
    UNUSUAL_PROMPT_PATHS,
    build_fixture_day,
)
from gitrepo import GitRepo


@pytest.fixture(scope="module")
def day_commits(fixture_day_repo: Path) -> list[Commit]:
    return collect_commits(fixture_day_repo, "main", day_window(FIXTURE_DATE, FIXTURE_TIMEZONE))


def commit_titled(commits: list[Commit], subject_start: str) -> Commit:
    (commit,) = [commit for commit in commits if commit.subject.startswith(subject_start)]
    return commit


def file_at(commit: Commit, path: str) -> FileChange:
    (file,) = [file for file in commit.files if file.path == path]
    return file


def test_the_day_holds_exactly_its_commits_newest_first(day_commits: list[Commit]) -> None:
    # In: the root at 00:00:00 sharp, 23:59:59, a commit dated 01-28 in its own zone (-08:00).
    # Out: 01-30 00:00:00 sharp, later ones, and two commits before the day that sit after the root.
    assert tuple(commit.subject for commit in day_commits) == FIXTURE_DAY_SUBJECTS


def test_root_commit_is_collected_with_every_file_added(day_commits: list[Commit]) -> None:
    root = commit_titled(day_commits, "Initial commit")

    assert root.parents == ()
    assert {file.status for file in root.files} == {FileStatus.ADDED}
    assert all(file.old_blob is None and file.new_blob for file in root.files)
    assert "src/widget/model_loader.py" in {file.path for file in root.files}


def test_commit_times_keep_their_own_offsets(day_commits: list[Commit]) -> None:
    ci = commit_titled(day_commits, "ci:")
    refactor = commit_titled(day_commits, "refactor!:")
    bump = commit_titled(day_commits, "chore(deps):")

    assert ci.committed_at.isoformat() == "2026-01-29T03:00:00+00:00"
    assert refactor.committed_at.isoformat() == "2026-01-28T20:30:00-08:00"
    assert bump.authored_at.isoformat() == "2026-01-29T01:50:00+00:00"
    assert bump.committed_at.utcoffset() == timedelta(hours=8)
    assert (bump.author_name, bump.author_email) == (
        "dependabot[bot]",
        "49699333+dependabot[bot]@users.noreply.github.com",
    )
    assert bump.committer_name == "GitHub"


def test_rename_with_edits_keeps_old_path_and_counts(day_commits: list[Commit]) -> None:
    refactor = commit_titled(day_commits, "refactor!:")
    renamed = file_at(refactor, "src/widget/checkpoint.py")

    assert renamed.status is FileStatus.RENAMED
    assert renamed.old_path == "src/widget/model_loader.py"
    assert (renamed.additions, renamed.deletions) == (1, 1)
    assert "-def load_model(" in renamed.patch
    assert "+def load_checkpoint(" in renamed.patch


def test_deleted_file_has_an_old_blob_and_no_new_one(day_commits: list[Commit]) -> None:
    feature = commit_titled(day_commits, "feat: add custom request header logging")
    revert = commit_titled(day_commits, 'Revert "feat: add custom request header logging')
    added = file_at(feature, "src/widget/middleware/header_logging.py")
    deleted = file_at(revert, "src/widget/middleware/header_logging.py")

    assert deleted.status is FileStatus.DELETED
    assert (deleted.old_blob, deleted.new_blob) == (added.new_blob, None)
    assert (deleted.additions, deleted.deletions) == (0, added.additions)
    assert revert.body.startswith(f"This reverts commit {feature.sha}.")


def test_binary_file_has_no_counts_and_no_patch(day_commits: list[Commit]) -> None:
    docs = commit_titled(day_commits, "docs: document the quantization backends")
    image = file_at(docs, "docs/images/quantization-backends.png")
    text = file_at(docs, "docs/quantization.md")

    assert (image.binary, image.additions, image.deletions, image.patch) == (True, 0, 0, "")
    assert image.new_blob is not None
    assert not text.binary and text.additions == 9


def test_submodule_pointer_change_is_marked(day_commits: list[Commit]) -> None:
    bump = commit_titled(day_commits, "chore: update the flashinfer submodule")
    (pointer,) = bump.files
    added = file_at(commit_titled(day_commits, "Initial commit"), "third_party/flashinfer")

    assert (pointer.path, pointer.status, pointer.submodule) == (
        "third_party/flashinfer",
        FileStatus.MODIFIED,
        True,
    )
    assert (pointer.old_blob, pointer.new_blob) == (FLASHINFER_BEFORE, FLASHINFER_AFTER)
    assert f"+Subproject commit {FLASHINFER_AFTER}" in pointer.patch
    assert added.submodule and added.status is FileStatus.ADDED


def test_empty_commit_has_no_files(day_commits: list[Commit]) -> None:
    empty = commit_titled(day_commits, "chore: trigger the nightly benchmarks")

    assert empty.files == ()
    assert (empty.additions, empty.deletions) == (0, 0)


def test_a_latin1_message_reads_as_latin1_and_a_non_utf8_path_gets_replacement_characters(
    day_commits: list[Commit],
) -> None:
    fix = commit_titled(day_commits, "fix: read caf")

    assert fix.subject == "fix: read café model configs (#17822)"  # Latin-1 bytes read as Latin-1
    assert fix.body == "Config files named with accents, such as café.json, failed to load."
    assert fix.author_name == "José Álvarez"
    assert CAFE_CONFIG_PATH.encode("utf-8", "surrogateescape") == b"configs/caf\xe9.json"
    assert [file.path for file in fix.files] == ["configs/caf\ufffd.json", "src/widget/registry.py"]


def test_paths_git_quotes_are_unquoted(day_commits: list[Commit]) -> None:
    tests_commit = commit_titled(day_commits, "test: cover prompt files")

    assert {file.path for file in tests_commit.files} == {*UNUSUAL_PROMPT_PATHS, "tests/test_prompts.py"}
    assert all(
        file.patch.startswith("@@ -0,0 +1 @@") for file in tests_commit.files if "prompts/" in file.path
    )


def test_message_markup_is_kept_verbatim(day_commits: list[Commit]) -> None:
    fix = commit_titled(day_commits, "fix: escape")

    assert fix.subject == "fix: escape `|` and <script> in `render_table` output (#17825)"
    assert fix.body == (
        "Cells such as `a|b` or `<script>alert(1)</script>` broke the table | and ran in the admin page."
    )


def test_huge_patch_is_cut_between_lines_but_counts_stay_whole(day_commits: list[Commit]) -> None:
    regenerate = commit_titled(day_commits, "chore: regenerate model configs")
    config = file_at(regenerate, "configs/generated/model_config.json")
    lock = file_at(regenerate, "uv.lock")

    assert config.additions == GENERATED_CONFIG_LINES
    assert config.patch_truncated
    assert DEFAULT_MAX_PATCH_BYTES - 200 < len(config.patch.encode()) <= DEFAULT_MAX_PATCH_BYTES
    assert config.patch.startswith("@@ -0,0 +1,5000 @@\n") and config.patch.endswith("},\n")
    assert not lock.patch_truncated
    assert len(lock.patch.splitlines()) == lock.additions + 1  # the hunk header, then every line


def test_patch_holds_only_hunks(day_commits: list[Commit]) -> None:
    patches = [file.patch for commit in day_commits for file in commit.files if file.patch]

    assert patches and all(patch.startswith("@@ ") for patch in patches)
    assert not any(
        line.startswith(("diff --git", "index ", "+++ ", "--- ")) for p in patches for line in p.splitlines()
    )


def test_blob_ids_are_git_object_ids(fixture_day_repo: Path, day_commits: list[Commit]) -> None:
    repo = GitRepo(fixture_day_repo, create=False)
    npu = commit_titled(day_commits, "[NPU]")
    server_args = file_at(npu, "src/widget/server_args.py")

    assert server_args.old_blob == repo.blob_id(f"{npu.sha}^", "src/widget/server_args.py")
    assert server_args.new_blob == repo.blob_id(npu.sha, "src/widget/server_args.py")
    assert server_args.additions == 1
    assert '+    parser.add_argument("--quantization-backend", ' in server_args.patch


def test_patch_bound_is_per_file_and_configurable(fixture_day_repo: Path) -> None:
    commits = collect_commits(
        fixture_day_repo, "main", day_window(FIXTURE_DATE, FIXTURE_TIMEZONE), max_patch_bytes=300
    )
    module = file_at(commit_titled(commits, "[NPU]"), "src/widget/quantization/gptq_npu.py")

    assert module.patch_truncated and len(module.patch.encode()) <= 300
    assert module.additions == 23


BOUNDARY_COMMITS = {  # subject: committer date, in the order they were made
    "a second before the Shanghai day": "2026-01-28T23:59:59+08:00",
    "Shanghai midnight": "2026-01-29T00:00:00+08:00",
    "a second before the Los Angeles day": "2026-01-28T23:59:59-08:00",
    "Los Angeles midnight": "2026-01-29T00:00:00-08:00",
    "next Shanghai midnight": "2026-01-30T00:00:00+08:00",
    "next Los Angeles midnight": "2026-01-30T00:00:00-08:00",
}


@pytest.mark.parametrize(
    ("timezone", "expected"),
    [
        (
            "Asia/Shanghai",
            ["Los Angeles midnight", "a second before the Los Angeles day", "Shanghai midnight"],
        ),
        ("America/Los_Angeles", ["next Shanghai midnight", "Los Angeles midnight"]),
    ],
)
def test_window_starts_at_midnight_inclusive_and_ends_at_next_midnight_exclusive(
    git_repo: GitRepo, timezone: str, expected: list[str]
) -> None:
    for subject, date in BOUNDARY_COMMITS.items():
        git_repo.commit(subject, {"log.txt": subject}, date=date)

    commits = collect_commits(git_repo.path, "main", day_window("2026-01-29", timezone))

    assert [commit.subject for commit in commits] == expected


def test_commits_with_the_same_time_come_children_first(git_repo: GitRepo) -> None:
    parent = git_repo.commit("first", {"a.txt": "1"}, date="2026-01-29T10:00:00+08:00")
    child = git_repo.commit("second", {"a.txt": "2"}, date="2026-01-29T10:00:00+08:00")

    commits = collect_commits(git_repo.path, "main", day_window("2026-01-29", "Asia/Shanghai"))

    assert [commit.sha for commit in commits] == [child, parent]


def test_merges_are_left_out_unless_asked_for_and_then_diffed_against_first_parent(git_repo: GitRepo) -> None:
    git_repo.commit("base", {"a.py": "a = 1\n"}, date="2026-01-29T09:00:00+08:00")
    git_repo.switch("feature", create=True)
    git_repo.commit("feature work", {"b.py": "b = 1\n"}, date="2026-01-29T10:00:00+08:00")
    git_repo.switch("main")
    git_repo.commit("main work", {"c.py": "c = 1\n"}, date="2026-01-29T11:00:00+08:00")
    merge = git_repo.merge("feature", "Merge branch 'feature'", date="2026-01-29T12:00:00+08:00")
    window = day_window("2026-01-29", "Asia/Shanghai")

    without_merges = collect_commits(git_repo.path, "main", window)
    with_merges = collect_commits(git_repo.path, "main", window, include_merges=True)

    assert [commit.subject for commit in without_merges] == ["main work", "feature work", "base"]
    merge_commit = with_merges[0]
    assert merge_commit.sha == merge and len(merge_commit.parents) == 2
    assert [(file.path, file.status) for file in merge_commit.files] == [("b.py", FileStatus.ADDED)]
    assert with_merges[1:] == without_merges


def test_a_quiet_day_is_an_empty_list(fixture_day_repo: Path) -> None:
    assert collect_commits(fixture_day_repo, "main", day_window("2026-02-14", FIXTURE_TIMEZONE)) == []


def test_a_folder_that_is_no_repository_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=f"^not a git repository: {tmp_path}$"):
        collect_commits(tmp_path, "main", day_window("2026-01-29", "UTC"))


def test_blob_reader_reads_collected_blobs(fixture_day_repo: Path, day_commits: list[Commit]) -> None:
    bump = commit_titled(day_commits, "chore(deps):")
    pyproject = file_at(bump, "pyproject.toml")

    with GitBlobReader(fixture_day_repo) as blobs:
        new, old = blobs.read_blob(pyproject.new_blob), blobs.read_blob(pyproject.old_blob)

    assert b'"transformers==4.58.0"' in new and b'"transformers==4.57.1"' in old


def test_blob_reader_skips_missing_oversized_and_non_blob_objects(
    fixture_day_repo: Path, day_commits: list[Commit]
) -> None:
    regenerate = commit_titled(day_commits, "chore: regenerate model configs")
    config, lock = file_at(regenerate, "configs/generated/model_config.json"), file_at(regenerate, "uv.lock")
    tree = GitRepo(fixture_day_repo, create=False).git("rev-parse", "HEAD^{tree}")

    with GitBlobReader(fixture_day_repo, max_bytes=100_000) as blobs:
        assert blobs.read_blob(config.new_blob) is None  # about 400 kB
        assert blobs.read_blob("f" * 40) is None
        assert blobs.read_blob(tree) is None
        assert blobs.read_blob("HEAD\n") is None
        lock_content = blobs.read_blob(lock.new_blob)  # the pipe is still in step after all that

    assert lock_content is not None and lock_content.startswith(b"version = 1\n")


def test_blob_reader_outside_a_repository_is_bad_input(tmp_path: Path) -> None:
    with (
        GitBlobReader(tmp_path) as blobs,
        pytest.raises(BadInput, match=f"^not a git repository: {tmp_path}$"),
    ):
        blobs.read_blob("f" * 40)


def test_the_fixture_day_has_the_same_hashes_every_time_it_is_built(
    fixture_day_repo: Path, tmp_path: Path
) -> None:
    rebuilt = build_fixture_day(tmp_path)

    assert GitRepo(rebuilt, create=False).head() == GitRepo(fixture_day_repo, create=False).head()


def test_counts_are_those_of_git_numstat(fixture_day_repo: Path, day_commits: list[Commit]) -> None:
    """We count added and removed lines from the patch (asking git for --numstat too costs it a second
    diff of every file): text, binary, submodule, renamed, deleted and cut files all count as git does."""
    repo = GitRepo(fixture_day_repo, create=False)
    for commit in day_commits:
        numstat = repo.git("show", "--numstat", "--format=", "--find-renames", commit.sha)
        expected = [line.split("\t", 2)[:2] for line in numstat.splitlines() if line]
        counted = [["-", "-"] if f.binary else [str(f.additions), str(f.deletions)] for f in commit.files]

        assert counted == expected, commit.subject


@pytest.mark.parametrize("piece_size", [1, 7, 4096])
def test_git_output_cut_anywhere_parses_alike(fixture_day_repo: Path, piece_size: int) -> None:
    """git's output reaches the parser in pieces a pipe cuts anywhere: in a message, a line break, a patch
    cut short by the bound, the marker between two commits. However it is cut, the commits are the same."""
    log = ["log", f"--format={LOG_FORMAT}", "--raw", "--no-abbrev", "--patch", "--find-renames", "main"]
    command = ["git", "-c", "diff.suppressBlankEmpty=false", *log]
    output = subprocess.run(command, cwd=fixture_day_repo, capture_output=True, check=True).stdout
    whole = list(parse_log([output], max_patch_bytes=300))
    pieces = [output[start : start + piece_size] for start in range(0, len(output), piece_size)]

    count = GitRepo(fixture_day_repo, create=False).git("rev-list", "--count", "main")
    assert len(whole) == int(count)
    assert any(file.patch_truncated for commit in whole for file in commit.files)
    assert list(parse_log(pieces, max_patch_bytes=300)) == whole
    assert list(parse_log(output.splitlines(keepends=True), max_patch_bytes=300)) == whole
