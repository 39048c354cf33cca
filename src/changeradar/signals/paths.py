"""What kind of file a repository path is (test, doc, CI, lock/vendored/generated), by gitignore-style globs.

Public API: `glob_matches`, `matches_any`, `is_test_path`, `is_doc_path`, `is_ci_path`, `generated_kind`,
and the pattern tables they read (so area rules can reuse them instead of restating them).
Paths are repository-relative with `/` separators; matching is case-sensitive, as git's is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import pathspec

TEST_PATTERNS: tuple[str, ...] = (
    "test/",
    "tests/",
    "integration-tests/",
    "integration_tests/",
    "__tests__/",
    "test_*.py",
    "*_test.py",
    "conftest.py",
    "*_test.go",
    "*_test.cc",
    "*_test.cpp",
    "*.test.[jt]s",
    "*.test.[jt]sx",
    "*.spec.[jt]s",
)
DOC_PATTERNS: tuple[str, ...] = (
    "docs/",
    "doc/",
    "*.md",
    "*.mdx",
    "*.rst",
    "*.adoc",
    "README*",
    "CHANGELOG*",
)
CI_PATTERNS: tuple[str, ...] = (
    ".github/",
    ".gitlab-ci.yml",
    ".gitlab/",
    ".buildkite/",
    ".circleci/",
    "**/scripts/ci/",
    ".pre-commit-config.yaml",
    "Jenkinsfile",
    "azure-pipelines.yml",
)
DOCKERFILE_PATTERNS: tuple[str, ...] = ("Dockerfile*", "*.Dockerfile", "*.dockerfile")
LOCK_PATTERNS: tuple[str, ...] = (
    "*.lock",  # uv, poetry, Cargo, Pipfile, yarn, Gemfile, flake…
    "go.sum",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
)
# Ordered: the first kind whose patterns match wins (a minified file under vendor/ is vendored).
GENERATED_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("lock", LOCK_PATTERNS),
    ("vendored", ("vendor/", "_vendor/", "third_party/", "thirdparty/", "3rdparty/", "node_modules/")),
    ("minified", ("*.min.js", "*.min.mjs", "*.min.css")),
    ("generated", ("*_pb2.py", "*_pb2.pyi", "*_pb2_grpc.py", "*.pb.go", "*.pb.cc", "*.pb.h", "*.js.map")),
)


def glob_matches(pattern: str, path: str) -> bool:
    """Whether `path` is matched by `pattern` as a `.gitignore` line would match it.

    A pattern without an inner `/` matches at any depth; `**` crosses folders; a trailing `/` matches
    only folders; a matched folder matches every path below it (`docs/` matches `docs/a/b.md`).
    """
    return _compile(pattern).match(path) is not None


def matches_any(patterns: Iterable[str], path: str) -> bool:
    """Whether any of `patterns` matches `path`."""
    return any(glob_matches(pattern, path) for pattern in patterns)


@lru_cache(maxsize=8192)  # every extractor asks about the same paths
def is_test_path(path: str) -> bool:
    return matches_any(TEST_PATTERNS, path)


@lru_cache(maxsize=8192)  # every extractor asks about the same paths
def is_doc_path(path: str) -> bool:
    return matches_any(DOC_PATTERNS, path)


@lru_cache(maxsize=8192)  # every extractor asks about the same paths
def is_ci_path(path: str) -> bool:
    return matches_any(CI_PATTERNS, path)


@lru_cache(maxsize=8192)  # every extractor asks about the same paths
def generated_kind(path: str) -> str | None:
    """Why the path says a file is not hand-written: "lock", "vendored", "minified", "generated", or None."""
    return next((kind for kind, patterns in GENERATED_PATTERNS if matches_any(patterns, path)), None)


@lru_cache(maxsize=1024)
def _compile(pattern: str) -> re.Pattern[str]:
    """The regular expression pathspec builds for one `.gitignore` line (used with `match`).

    pathspec is what git-aware Python tools share for gitignore semantics; on every pattern in our tables
    and thousands of real upstream paths it agrees with the hand translation it replaced.
    """
    regex = pathspec.GitIgnoreSpec.from_lines([pattern]).patterns[0].regex
    assert isinstance(regex, re.Pattern), "a non-empty gitignore line always compiles to a regex"
    return regex


# Files no user runs: scripts, benchmarks, examples and repository housekeeping (gitignore-style globs).
TOOLING_PATTERNS: tuple[str, ...] = (
    "benchmark*/",
    "bench/",
    "bench_*.py",
    "examples/",
    "example/",
    "scripts/",
    "tools/",
    "hack/",  # Kubernetes projects' developer scripts
    ".gitignore",
    ".gitattributes",
    ".dockerignore",
    ".editorconfig",
    "LICENSE*",
    "COPYING*",
    "CODEOWNERS",
    ".vscode/",
    ".devcontainer/",
)


@lru_cache(maxsize=8192)
def file_kind(path: str) -> str:
    """What a file is to a team that depends on the repository: "generated", "tests", "docs", "ci",
    "tooling" (scripts, benchmarks, examples, housekeeping) or "core" (what users run)."""
    if generated_kind(path):
        return "generated"
    if is_test_path(path):
        return "tests"
    if is_doc_path(path):
        return "docs"
    if is_ci_path(path):
        return "ci"
    if matches_any(TOOLING_PATTERNS, path):
        return "tooling"
    return "core"
