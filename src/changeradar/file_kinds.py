"""What a repository path is, decided in one place for every stage: its kind and its language.

The kind (`file_kind`: core, tooling, ci, tests, docs, generated, and the finer `generated_kind`,
`is_test_path`, …) comes from gitignore-style globs; paths are repository-relative with `/` separators and
matched case-sensitively, as git does. What a file is written in comes from its suffix (`file_suffix`,
lower-cased): `SOURCE_SUFFIXES` are the languages whose files are modules with an interface,
`SCRIPT_SUFFIXES`, `CONFIG_SUFFIXES` and `DOC_SUFFIXES` the rest a reader may want to see, and
`PROSE_FILE_SUFFIXES` those that make a word in prose a file name. Signals, scoring, the LLM budget and the
ground check all read these tables, so a top-level module: none of them imports the signals package for it.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pathspec

# --- languages, by suffix ---------------------------------------------------------------------------------
PYTHON_SUFFIXES = frozenset({".py", ".pyi", ".pyx"})
HEADER_SUFFIXES = frozenset({".h", ".hh", ".hpp", ".hxx", ".cuh"})  # C, C++ and CUDA headers
NATIVE_SUFFIXES = HEADER_SUFFIXES | {".c", ".cc", ".cpp", ".cxx", ".cu"}  # C, C++ and CUDA
# Languages whose files are modules with an interface; what a "module added or removed" fact is about.
SOURCE_SUFFIXES = (
    PYTHON_SUFFIXES
    | NATIVE_SUFFIXES
    | {".go", ".rs", ".java", ".kt", ".scala", ".swift", ".m", ".mm", ".cs", ".rb"}
    | {".js", ".jsx", ".mjs", ".ts", ".tsx", ".proto"}
)
# Code that is not a module: scripts, queries, Cython declarations.
SCRIPT_SUFFIXES = frozenset({".pxd", ".php", ".sh", ".bash", ".sql", ".lua", ".jl", ".zig"})
# fmt: off
CONFIG_SUFFIXES = frozenset({
    ".toml", ".yaml", ".yml", ".json", ".ini", ".cfg", ".conf", ".cmake", ".bzl", ".bazel", ".gradle", ".env",
})
# fmt: on
CONFIG_NAMES = frozenset({"dockerfile", "makefile", "cmakelists.txt", "build", "workspace", "setup.cfg"})
DOC_SUFFIXES = frozenset({".md", ".rst", ".adoc", ".txt", ".ipynb"})
# Suffixes that are also common attribute names (`os.env`, `self.conf`) or abbreviations ("a.m."): a word
# in prose ending in one is code or a plain word, not a file name.
_AMBIGUOUS_IN_PROSE = frozenset({".m", ".mm", ".cs", ".rb", ".env", ".conf"})
# Without the dot: a word ending in ".<one of these>" is a file name even without a folder ("fp8.py").
PROSE_FILE_SUFFIXES = frozenset(
    suffix[1:]
    for suffix in (SOURCE_SUFFIXES | SCRIPT_SUFFIXES | CONFIG_SUFFIXES | DOC_SUFFIXES | {".lock"})
    - _AMBIGUOUS_IN_PROSE
)


def file_suffix(path: str) -> str:
    """The path's last suffix, lower-cased (".py"; "" for "Makefile" and ".gitignore"), as
    `PurePosixPath(path).suffix` reads it, without building a path object for every question."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def is_source(path: str) -> bool:
    """Whether the path is a module in a programming language (`SOURCE_SUFFIXES`), whatever its kind."""
    return file_suffix(path) in SOURCE_SUFFIXES


# --- kinds, by gitignore-style globs ----------------------------------------------------------------------

TEST_PATTERNS: tuple[str, ...] = (
    "test/",
    "tests/",
    "integration-tests/",
    "integration_tests/",
    "__tests__/",
    "testdata/",  # Go's fixtures folder
    "mocks/",  # test doubles (mockgen, mockery, unittest.mock helpers)
    "mock_*.go",
    "*_mock.go",
    "test_*.py",
    "*_test.py",
    "conftest.py",
    "*_test.go",
    "*_test.cc",
    "*_test.cpp",
    "*.test.[jt]s",
    "*.test.[jt]sx",
    "*.spec.[jt]s",
    "test*.sh",  # a shell script that runs tests (`run_mega_tests.sh`): its variables are its own
    "*[_-]test.sh",
    "*[_-]tests.sh",
)
DOC_PATTERNS: tuple[str, ...] = (
    "docs/",
    "doc/",
    "/website/",  # a documentation site (Docusaurus, Hugo) kept beside the code
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
    "/ci/",  # a repository's own CI scripts at its root (flashinfer's `ci/bash.sh`)
    "/.ci/",
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
# API descriptions (OpenAPI, Swagger): the interface they describe, wherever they live (`docs/openapi.json`).
INTERFACE_SPEC_PATTERNS: tuple[str, ...] = tuple(
    f"{name}{suffix}" for name in ("openapi", "*.openapi", "swagger") for suffix in (".json", ".yaml", ".yml")
)
# Ordered: the first kind whose patterns match wins (a minified file under vendor/ is vendored).
GENERATED_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("lock", LOCK_PATTERNS),
    ("vendored", ("vendor/", "_vendor/", "third_party/", "thirdparty/", "3rdparty/", "node_modules/")),
    ("minified", ("*.min.js", "*.min.mjs", "*.min.css")),
    ("generated", ("*_pb2.py", "*_pb2.pyi", "*_pb2_grpc.py", "*.pb.go", "*.pb.cc", "*.pb.h", "*.js.map")),
)


def is_kubernetes_generated(path: str) -> bool:
    """`zz_generated.deepcopy.go` and its kin, which Kubernetes code generators write beside API types:
    their banner is at the top, where a hunk further down does not show it."""
    return path.rpartition("/")[2].startswith("zz_generated")


def glob_matches(pattern: str, path: str) -> bool:
    """Whether `path` is matched by `pattern` as a `.gitignore` line would match it.

    A pattern without an inner `/` matches at any depth; `**` crosses folders; a trailing `/` matches
    only folders; a matched folder matches every path below it (`docs/` matches `docs/a/b.md`).
    """
    return _compile(pattern).match(path) is not None


@lru_cache(maxsize=65536)  # every extractor asks about the same few hundred paths, with the same tables
def matches_any(patterns: tuple[str, ...], path: str) -> bool:
    """Whether any of `patterns` matches `path`."""
    return _compile_any(patterns).match(path) is not None


@lru_cache(maxsize=256)
def _compile_any(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression for a table of patterns: one match per path instead of one per pattern."""
    return re.compile("|".join(f"(?:{_unnamed(pattern)})" for pattern in patterns))


def first_match(patterns: tuple[str, ...], path: str) -> int | None:
    """The index of the first of `patterns` that matches `path`, or None: one match for an ordered table."""
    match = _compile_first(patterns).match(path)
    return int(match.lastgroup[1:]) if match is not None and match.lastgroup else None


@lru_cache(maxsize=64)
def _compile_first(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """The table as alternatives tried in order, each in a group named for its index: the group that
    matched is the first pattern that does."""
    return re.compile(
        "|".join(f"(?P<p{index}>{_unnamed(pattern)})" for index, pattern in enumerate(patterns))
    )


def _unnamed(pattern: str) -> str:
    """The pattern's regular expression without the group pathspec names in each: the names would clash."""
    return _compile(pattern).pattern.replace("(?P<ps_d>", "(?:")


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
BENCHMARK_PATTERNS: tuple[str, ...] = (
    "benchmark*/",
    "bench/",
    "bench_*.py",
    "bench_*.sh",
    "benchmark_*.py",  # a benchmark by its name, wherever it lives (`…/moe/benchmark_p2p.py`)
    "*_benchmark.py",
)
EXAMPLE_PATTERNS: tuple[str, ...] = ("examples/", "example/")
TOOLING_PATTERNS: tuple[str, ...] = (
    *BENCHMARK_PATTERNS,
    *EXAMPLE_PATTERNS,
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
    "tooling" (scripts, benchmarks, examples, housekeeping) or "core" (what users run or call, an API
    description included)."""
    if generated_kind(path):
        return "generated"
    if is_test_path(path):
        return "tests"
    if matches_any(INTERFACE_SPEC_PATTERNS, path):
        return "core"
    if is_doc_path(path):
        return "docs"
    if is_ci_path(path):
        return "ci"
    if matches_any(TOOLING_PATTERNS, path):
        return "tooling"
    return "core"
