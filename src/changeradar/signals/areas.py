"""Areas a commit touches, from the paths of its files and the `[TAG]`s of its subject.

A file takes the area of the first rule its path matches: the user's rules (`AreaRule`) first, then
`AREA_RULES`. Unless a user rule decided, it may also name a platform through a word of its path
(`npu/…`, `rocm_utils.py`), an axis of its own: an Ascend attention backend is both attention and npu.

Areas say where the code a commit changes lives, weightiest first: an area weighs the lines its files
change, source lines fully and other files (configs, manifests) a quarter. Areas that only docs, tests,
CI or tooling give (`docs`, `tests`, a platform named by a test's path) are left out when the commit
changes code that has an area, so a new MoE backend with its docs and tests reads "moe", not "docs, tests".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from changeradar.config import AreaRule
from changeradar.file_kinds import (
    CI_PATTERNS,
    DOC_PATTERNS,
    DOCKERFILE_PATTERNS,
    LOCK_PATTERNS,
    TEST_PATTERNS,
    file_kind,
    first_match,
    glob_matches,
    is_source,
)
from changeradar.model import Commit, FileChange, Signal, SignalKind
from changeradar.signals.change_type import TAG_TYPES, split_tags
from changeradar.signals.context import SignalContext

# Ordered: the first match wins. Kinds of file first (a test of the MoE layer is a test), then
# sub-projects, then kernels, then subsystems by folder, and model implementations last.
AREA_RULES: tuple[tuple[str, str], ...] = (
    *((pattern, "ci") for pattern in CI_PATTERNS),
    *((pattern, "tests") for pattern in TEST_PATTERNS),
    *((pattern, "docs") for pattern in DOC_PATTERNS),
    ("docker/", "docker"),
    *((pattern, "docker") for pattern in DOCKERFILE_PATTERNS),
    (".dockerignore", "docker"),
    ("docker-compose*.y*ml", "docker"),
    *((pattern, "build") for pattern in LOCK_PATTERNS),
    ("pyproject*.toml", "build"),
    ("setup.py", "build"),
    ("setup_*.py", "build"),
    ("setup.cfg", "build"),
    ("requirements*.txt", "build"),
    ("requirements/", "build"),
    ("Cargo.toml", "build"),
    ("go.mod", "build"),
    ("package.json", "build"),
    ("CMakeLists.txt", "build"),
    ("*.cmake", "build"),
    ("Makefile", "build"),
    ("BUILD.bazel", "build"),
    ("*.bzl", "build"),
    ("benchmark*/", "benchmark"),
    ("bench_*.py", "benchmark"),
    ("examples/", "examples"),
    ("example/", "examples"),
    ("sgl-router/", "router"),
    ("sgl-model-gateway/", "router"),
    ("router/", "router"),
    ("gateway/", "router"),
    ("multimodal_gen/", "diffusion"),
    ("diffusion/", "diffusion"),
    ("disaggregation/", "disaggregation"),
    ("csrc/", "kernel"),
    ("sgl-kernel/", "kernel"),
    ("jit_kernel/", "kernel"),
    ("kernels/", "kernel"),
    ("triton_ops/", "kernel"),
    ("*.cu", "kernel"),
    ("*.cuh", "kernel"),
    ("*_kernel.py", "kernel"),
    ("*_kernels.py", "kernel"),
    ("quantization*", "quantization"),
    ("moe/", "moe"),
    ("fused_moe*", "moe"),
    ("attention/", "attention"),
    ("*attention*.py", "attention"),
    ("speculative/", "speculative"),
    ("spec_decode/", "speculative"),
    ("eagle*", "speculative"),
    ("lora/", "lora"),
    ("multimodal/", "multimodal"),
    ("multimodal_*", "multimodal"),
    ("mm_utils.py", "multimodal"),
    ("distributed/", "distributed"),
    ("*parallel*", "distributed"),
    ("schedule*", "scheduler"),
    ("sched/", "scheduler"),
    ("server_args.py", "cli"),
    ("arg_groups/", "cli"),
    ("arg_utils.py", "cli"),
    ("cli/", "cli"),
    ("cli.py", "cli"),
    ("entrypoints/", "server"),
    ("openai_api/", "server"),
    ("*http_server*", "server"),
    ("*grpc_server*", "server"),
    ("api_server*", "server"),
    ("serving_*", "server"),
    ("models/", "models"),
    ("model_loader/", "models"),
)
# Ordered: the first word found decides, so `musa/cuda_compat.h` is musa, not cuda.
_AREA_PATTERNS = tuple(pattern for pattern, _ in AREA_RULES)

PLATFORM_WORDS: tuple[tuple[str, str], ...] = (
    ("npu", "npu"),
    ("ascend", "npu"),
    ("musa", "musa"),
    ("rocm", "amd"),
    ("hip", "amd"),
    ("amd", "amd"),
    ("aiter", "amd"),
    ("tpu", "tpu"),
    ("pallas", "tpu"),
    ("xpu", "xpu"),
    ("cpu", "cpu"),
    ("cuda", "cuda"),
)
TAG_ALIASES: dict[str, str] = {
    "pd": "disaggregation",
    "rocm": "amd",
    "hip": "amd",
    "ascend": "npu",
    "ci": "ci",
    "ci/build": "ci",
    "doc": "docs",
    "docs": "docs",
    "test": "tests",
    "tests": "tests",
    "build": "build",
    "jit kernel": "kernel",
    "spec decode": "speculative",
    "model": "models",
}
NOT_AREA_TAGS = frozenset({"breaking", "breaking change", "wip", "rfc", "draft"})
# Areas a tag may name that are about the work around the code, never the code itself.
PERIPHERAL_AREAS = frozenset({"docs", "tests", "ci"})
# How much a changed line of a file that is not source (config, manifest, template) weighs.
NON_SOURCE_LINE_WEIGHT = 0.25
# Folders that hold a project's code without naming a part of it; the folder below one of them does.
CONTAINER_FOLDERS = frozenset(
    {"src", "pkg", "internal", "lib", "libs", "python", "crates", "cmd", "include", "csrc", "app", "apps"}
)
_NUMBERING_TAG = re.compile(r"\d+\s*/\s*(?:\d+|n)", re.IGNORECASE)  # [4/N], [1/3]
_PATH_WORD_SEPARATORS = re.compile(r"[/_.\-]+")


def extract(commit: Commit, context: SignalContext) -> Iterator[Signal]:
    """One signal per area: the author's tags first, each backed by a file when one matched it, then the
    areas of the changed code by weight; docs, tests and the like only when the commit changes no code."""
    weighed = _areas_from_paths(commit.files, context.area_rules)
    # Code no rule or folder names (a module at the top of its package) still makes docs, tests and CI
    # the lesser part of the commit: they are no area of it.
    has_code = any(file_kind(file.path) == "core" for file in commit.files)
    kept = {name: area for name, area in weighed.items() if area.in_code or not has_code}
    for name in tag_areas(commit.subject):
        if has_code and name in PERIPHERAL_AREAS:
            continue
        area = kept.pop(name, None)
        yield area.signal if area else Signal(SignalKind.AREA, name, detail="tag")
    for area in sorted(kept.values(), key=lambda area: -area.weight):  # stable: commit order on ties
        yield area.signal


def tag_areas(subject: str) -> list[str]:
    """Areas named by the subject's leading tags: `[PD][4/N] [Fix]` → ["disaggregation"]."""
    tags, _ = split_tags(subject)
    areas = [_tag_area(tag.lower()) for tag in tags]
    return list(dict.fromkeys(area for area in areas if area))


def file_areas(path: str, user_rules: Sequence[AreaRule] = ()) -> list[tuple[str, str]]:
    """(area, evidence) pairs for one path: a user rule alone, or a built-in rule and a platform."""
    user = next((rule for rule in user_rules if glob_matches(rule.pattern, path)), None)
    if user is not None:
        return [(user.area, f"user rule {user.pattern}")]
    return list(_built_in_areas(path))


@lru_cache(maxsize=8192)  # a busy day touches the same paths again and again
def _built_in_areas(path: str) -> tuple[tuple[str, str], ...]:
    rule = first_match(_AREA_PATTERNS, path)
    words = set(_PATH_WORD_SEPARATORS.split(path.lower()))
    platforms = ((area, f"path word {word}") for word, area in PLATFORM_WORDS if word in words)
    by_rule = (AREA_RULES[rule][1], f"rule {AREA_RULES[rule][0]}") if rule is not None else None
    return tuple(found for found in (by_rule, next(platforms, None)) if found is not None)


@dataclass(slots=True)
class _WeighedArea:
    """An area as the commit's files give it: evidenced by its first file, weighed by all of them."""

    signal: Signal
    weight: float
    in_code: bool  # some file that gives it is code (not docs, tests, CI or tooling)


def _areas_from_paths(files: Sequence[FileChange], user_rules: Sequence[AreaRule]) -> dict[str, _WeighedArea]:
    """Each area the files touch, in commit order of the first file that matched it."""
    found: dict[str, _WeighedArea] = {}
    for file in files:
        weight, in_code = _line_weight(file), file_kind(file.path) == "core"
        paths = dict.fromkeys(filter(None, (file.path, file.old_path)))
        areas = [area for path in paths for area in file_areas(path, user_rules)]
        if not areas and in_code and is_source(file.path):
            areas = _folder_area(file.path)
        for name, evidence in areas:
            area = found.get(name)
            if area is None:
                signal = Signal(SignalKind.AREA, name, detail=evidence, path=file.path)
                found[name] = _WeighedArea(signal, weight, in_code)
            else:
                area.weight += weight
                area.in_code |= in_code
    return found


def _folder_area(path: str) -> list[tuple[str, str]]:
    """Source code no rule names takes the name of the part of the project it lives in: the first folder
    that is not a mere container (`pkg/epp/…` → epp, `crates/git-cliff-core/src/…` → git-cliff-core).

    A Python file's first such folder is its top-level package, the project itself, so the subpackage
    below it names the part (`flashinfer/gemm/…` → gemm); a module at the package's top has none.
    """
    folders = [folder for folder in path.split("/")[:-1] if folder.lower() not in CONTAINER_FOLDERS]
    if path.endswith((".py", ".pyi")):
        folders = folders[1:]
    return [(folders[0].lower(), f"folder {folders[0]}")] if folders else []


def _line_weight(file: FileChange) -> float:
    lines = file.additions + file.deletions
    return lines if is_source(file.path) else lines * NON_SOURCE_LINE_WEIGHT


def _tag_area(tag: str) -> str | None:
    if tag in TAG_ALIASES:
        return TAG_ALIASES[tag]
    if tag in TAG_TYPES or tag in NOT_AREA_TAGS or _NUMBERING_TAG.fullmatch(tag):
        return None
    return tag
