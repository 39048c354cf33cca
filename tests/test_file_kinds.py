"""One notion of a file's kind and language, read by signals, scoring, the LLM budget and the ground check."""

from __future__ import annotations

from changeradar.file_kinds import (
    PROSE_FILE_SUFFIXES,
    file_kind,
    file_suffix,
    first_match,
    glob_matches,
    is_source,
)
from changeradar.llm.budget import FileRole, classify_file


def test_a_file_has_one_kind_whoever_asks():
    cases = {
        "python/sglang/srt/server_args.py": ("core", FileRole.CORE_SOURCE),
        "benchmark/kernels/bench_moe.py": ("tooling", FileRole.OTHER_SOURCE),
        ".github/scripts/release.py": ("ci", FileRole.OTHER_SOURCE),
        "test/srt/test_moe.py": ("tests", FileRole.TESTS),
        "docs/conf.py": ("docs", FileRole.OTHER_SOURCE),
        "uv.lock": ("generated", FileRole.GENERATED),
        "api/v1/service_pb2.py": ("generated", FileRole.GENERATED),
        "docs/openapi.json": ("core", FileRole.CONFIG),  # the interface it describes
        "tests/fixtures/openapi.yaml": ("tests", FileRole.TESTS),
        "pkg/epp/plugins/extractor/mocks/endpoint_extractor.go": ("tests", FileRole.TESTS),
        "pkg/scheduler/mock_client.go": ("tests", FileRole.TESTS),
        "pkg/config/testdata/config.yaml": ("tests", FileRole.TESTS),
        "pkg/scheduler/mockery.go": ("core", FileRole.CORE_SOURCE),
        "website/docusaurus.config.ts": ("docs", FileRole.OTHER_SOURCE),  # a documentation site
        "web/website/index.ts": ("core", FileRole.CORE_SOURCE),
        "flashinfer/moe_ep/kernels/benchmark_p2p.py": ("tooling", FileRole.OTHER_SOURCE),
        "flashinfer/moe_ep/run_token_sweep_benchmark.py": ("tooling", FileRole.OTHER_SOURCE),
    }
    assert {path: (file_kind(path), classify_file(path, {})) for path in cases} == cases


def test_the_language_comes_from_the_suffix_whatever_its_case():
    assert file_suffix("include/Norm.CUH") == ".cuh"
    assert file_suffix("Makefile") == ""
    assert is_source("csrc/kernel.cu") and is_source("web/App.TSX")
    assert not is_source("pyproject.toml") and not is_source("run.sh")


def test_prose_names_a_file_by_its_suffix_unless_the_suffix_reads_as_an_attribute():
    assert {"py", "toml", "lock", "md", "cuh", "sh"} <= PROSE_FILE_SUFFIXES
    assert not {"env", "conf", "m"} & PROSE_FILE_SUFFIXES  # os.env, self.conf, "a.m."


def test_first_match_names_the_first_pattern_of_an_ordered_table_that_matches():
    table = ("docs/", "*.md", "python/sglang/srt/layers/moe/", "moe/")
    assert first_match(table, "docs/moe/README.md") == 0
    assert first_match(table, "python/sglang/srt/layers/moe/router.py") == 2
    assert first_match(table, "kernels/moe/fused.py") == 3
    assert first_match(table, "python/sglang/srt/server_args.py") is None
    assert [first_match(table, path) for path in ("a/README.md", "a.py")] == [
        next((i for i, pattern in enumerate(table) if glob_matches(pattern, path)), None)
        for path in ("a/README.md", "a.py")
    ]
