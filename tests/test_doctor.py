"""`changeradar doctor`: one line per check, exit 1 when any fails; repositories checked as runs see them."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from changeradar.cli import main
from changeradar.git import GitError
from changeradar.repository import check_remote
from gitrepo import GitRepo
from openai_server import TEST_KEY, TEST_KEY_ENV, TEST_MODEL


def run_doctor(config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    with pytest.raises(SystemExit) as exit_info:
        main(["doctor", "--config", str(config)])
    return exit_info.value.code, capsys.readouterr().out.splitlines()


def test_a_sound_offline_setup_passes_every_check(fixture_day_repo: Path, tmp_path: Path, capsys) -> None:
    config = tmp_path / "changeradar.toml"
    config.write_text(
        f'cache_dir = "cache"\n[[repositories]]\nsource = "{fixture_day_repo}"\n', encoding="utf-8"
    )

    code, lines = run_doctor(config, capsys)

    assert code == 0
    assert [line.split(":")[0] for line in lines] == [
        "✓ git",
        "✓ config",
        "✓ cache",
        "✓ repository",
        "✓ report names",
        "✓ analyzer",
        "✓ output files",
    ]


def test_a_missing_repository_and_a_bad_config_are_named(tmp_path: Path, capsys) -> None:
    config = tmp_path / "changeradar.toml"
    config.write_text(
        f'cache_dir = "cache"\n[[repositories]]\nsource = "{tmp_path / "gone"}"\n', encoding="utf-8"
    )
    code, lines = run_doctor(config, capsys)
    assert code == 1
    assert f"✗ repository: {tmp_path / 'gone'}: no such folder" in lines

    config.write_text("[analyzer]\nnmae = 'llm'\n", encoding="utf-8")
    code, lines = run_doctor(config, capsys)
    assert code == 1
    assert any(line.startswith("✗ config:") and "analyzer.nmae" in line for line in lines)


def test_with_the_llm_analyser_the_endpoint_is_checked_too(
    openai_server, tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv(TEST_KEY_ENV, TEST_KEY)
    config = tmp_path / "changeradar.toml"
    analyzer = f'[analyzer]\nname = "llm"\nbase_url = "{openai_server.url}"\napi_key_env = "{TEST_KEY_ENV}"\n'
    config.write_text(f'cache_dir = "cache"\n{analyzer}model = "{TEST_MODEL}"\n', encoding="utf-8")
    code, lines = run_doctor(config, capsys)
    assert code == 0
    assert [line.split(":")[0] for line in lines][-3:] == [
        "✓ llm models",
        "✓ llm structured answer",
        "✓ output files",
    ]

    config.write_text(f'cache_dir = "cache"\n{analyzer}model = "no-such-model"\n', encoding="utf-8")
    code, lines = run_doctor(config, capsys)
    assert code == 1
    assert any(line.startswith("✗ llm models") and "no-such-model" in line for line in lines)
    assert TEST_KEY not in "\n".join(lines)


@pytest.fixture
def remote(git_repo: GitRepo, tmp_path: Path) -> Path:
    """A bare repository served over file://, with a `main` branch."""
    git_repo.commit("first", {"README.md": "hello\n"})
    return git_repo.bare_clone(tmp_path / "server" / "acme" / "widget.git")


def write_config(tmp_path: Path, *repositories: str) -> Path:
    config = tmp_path / "changeradar.toml"
    tables = "".join(f"[[repositories]]\n{table}\n" for table in repositories)
    config.write_text(f'cache_dir = "cache"\n{tables}', encoding="utf-8")
    return config


def repository_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if line.split(":")[0] in ("✓ repository", "✗ repository")]


def test_a_remote_that_answers_is_checked_with_its_branch_and_nothing_is_cloned(
    remote: Path, tmp_path: Path, capsys
) -> None:
    url = remote.as_uri()
    config = write_config(tmp_path, f'source = "{url}"', f'source = "{url}"\nbranch = "main"\nname = "a/b"')

    code, lines = run_doctor(config, capsys)

    assert code == 0
    assert repository_lines(lines) == [f"✓ repository: {url} (branch main)"] * 2
    assert not (tmp_path / "cache" / "repos").exists()


def test_a_remote_that_does_not_exist_or_lacks_the_branch_is_named(
    remote: Path, tmp_path: Path, capsys
) -> None:
    missing = (tmp_path / "server" / "acme" / "gone.git").as_uri()
    config = write_config(
        tmp_path, f'source = "{missing}"', f'source = "{remote.as_uri()}"\nbranch = "relaese"\nname = "a/b"'
    )

    code, lines = run_doctor(config, capsys)

    assert code == 1
    missing_line, branch_line = repository_lines(lines)
    assert missing_line.startswith(f"✗ repository: {missing} does not answer: fatal: ")
    assert branch_line == f"✗ repository: unknown branch 'relaese' in {remote.as_uri()}"


def test_a_local_repository_with_a_wrong_branch_is_named(
    fixture_day_repo: Path, tmp_path: Path, capsys
) -> None:
    config = write_config(tmp_path, f'source = "{fixture_day_repo}"\nbranch = "no-such-branch"')

    code, lines = run_doctor(config, capsys)

    assert code == 1
    assert repository_lines(lines) == [f"✗ repository: unknown branch 'no-such-branch' in {fixture_day_repo}"]


def test_two_repositories_reported_under_one_name_are_named(
    fixture_day_repo: Path, tmp_path: Path, capsys
) -> None:
    config = write_config(
        tmp_path, f'source = "{fixture_day_repo}"', f'source = "{fixture_day_repo}"\nbranch = "main"'
    )

    code, lines = run_doctor(config, capsys)

    assert code == 1
    assert (
        f"✗ report names: {fixture_day_repo} and {fixture_day_repo} would both be reported as "
        in "\n".join(lines)
    )


def test_a_remote_that_accepts_but_never_answers_costs_only_the_timeout() -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # the kernel accepts; nobody ever replies
        url = f"git://127.0.0.1:{silent.getsockname()[1]}/acme/widget.git"
        started = time.monotonic()
        with pytest.raises(GitError) as failure:
            check_remote(url, "main", timeout=1)
        waited = time.monotonic() - started

    assert str(failure.value) == f"{url} does not answer: git ls-remote gave no answer within 1 s"
    assert waited < 10
