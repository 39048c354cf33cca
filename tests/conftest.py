"""Fixtures shared by every test: scripted git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixture_day import build_fixture_day
from gitrepo import GitRepo

pytest_plugins = ("openai_server",)  # the loopback Chat Completions server and its fixtures


@pytest.fixture
def git_repo(tmp_path: Path) -> GitRepo:
    """An empty repository on branch `main`, for a test to script."""
    return GitRepo(tmp_path / "repo")


@pytest.fixture(scope="session")
def fixture_day_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The work tree of the canonical test day (see fixture_day.py); shared, so tests must not change it."""
    return build_fixture_day(tmp_path_factory.mktemp("fixture-day"))
