"""`changeradar doctor`: everything a run needs, checked before the morning job finds out the hard way.

Each check is one line: what was found, or what is wrong and what to try. Nothing here raises for a
problem it can describe.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from changeradar.checks import Check
from changeradar.config import RepositorySettings, Settings, load_config
from changeradar.errors import BadInput, ChangeradarError
from changeradar.git import without_credentials
from changeradar.llm.doctor import check_endpoint
from changeradar.outputs import OutputContext, create_outputs
from changeradar.repository import (
    check_branch,
    check_remote,
    default_branch,
    find_name_collisions,
    open_repository,
    parse_remote,
)
from changeradar.store import Store, default_cache_dir

MINIMUM_GIT = (2, 31)  # --diff-merges=first-parent


def run_checks(config_path: Path | None) -> list[Check]:
    checks = [check_git()]
    settings, config_check = _load(config_path)
    checks.append(config_check)
    if settings is None:
        return checks
    cache_dir = settings.cache_dir or default_cache_dir()
    checks.append(check_cache(cache_dir))
    checks += check_repositories(settings, cache_dir)
    if settings.analyzer.name == "llm":
        checks += check_endpoint(settings.analyzer)
    else:
        checks.append(Check("analyzer", True, f"{settings.analyzer.name} (no endpoint to check)"))
    return checks + check_outputs(settings)


def check_git() -> Check:
    if shutil.which("git") is None:
        return Check("git", False, "git is not on PATH: install git 2.31 or newer")
    output = subprocess.run(["git", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    numbers = [int(part) for part in output.removeprefix("git version ").split(".")[:2] if part.isdigit()]
    if tuple(numbers) < MINIMUM_GIT:
        return Check("git", False, f"{output}: changeradar needs git 2.31 or newer")
    return Check("git", True, output)


def check_cache(cache_dir: Path) -> Check:
    try:
        with Store.open(cache_dir) as store:
            runs = len(store.runs())
    except BadInput as error:
        return Check("cache", False, str(error))
    return Check("cache", True, f"{cache_dir} ({runs} runs recorded)")


def check_repositories(settings: Settings, cache_dir: Path) -> list[Check]:
    """Each repository as a run will meet it: there, answering, with its branch; then no two share a name.

    A URL's remote is asked for its refs (`git ls-remote`, a few seconds at most); nothing is cloned.
    """
    checks = [check_repository(repository, cache_dir) for repository in settings.repositories]
    collisions = find_name_collisions(settings.repositories)
    checks += [Check("report names", False, str(collision)) for collision in collisions]
    if settings.repositories and not collisions:
        checks.append(Check("report names", True, "every repository is reported under its own name"))
    return checks


def check_repository(repository: RepositorySettings, cache_dir: Path) -> Check:
    source = repository.source
    shown = without_credentials(source)
    try:
        if parse_remote(source) is not None:
            branch = check_remote(source, repository.branch)
        elif not Path(source).expanduser().exists():
            return Check("repository", False, f"{shown}: no such folder")
        else:
            repo_dir = open_repository(source, cache_dir)  # a local path: opened in place, not cached
            branch = repository.branch or default_branch(repo_dir)
            check_branch(repo_dir, branch)
    except ChangeradarError as error:
        problem = str(error)
        return Check("repository", False, problem if shown in problem else f"{shown}: {problem}")
    return Check("repository", True, f"{shown} (branch {branch})")


def check_outputs(settings: Settings) -> list[Check]:
    """Each configured output's own checks; an output that cannot be loaded is one failed check naming it."""
    try:
        outputs = create_outputs(settings.outputs, OutputContext(templates_dir=settings.templates_dir))
    except BadInput as error:
        return [Check("outputs", False, str(error))]
    return [check for output in outputs for check in output.checks()]


def _load(config_path: Path | None) -> tuple[Settings | None, Check]:
    if config_path is None:
        return Settings(), Check("config", True, "no changeradar.toml here: built-in defaults")
    try:
        return load_config(config_path), Check("config", True, str(config_path))
    except BadInput as error:
        return None, Check("config", False, str(error))
