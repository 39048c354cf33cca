"""Quoting a commit message's own explanation: prose only, whole sentences only."""

from __future__ import annotations

from changeradar.analyse.commit_message import MAX_QUOTE_CHARS, author_statement


def test_a_pull_request_template_gives_its_motivation_paragraph() -> None:
    body = """<!-- Thank you for your contribution! -->
## Motivation

MORI-IO gives RDMA transfers between AMD GPUs. This adds it as a KV transfer backend.

## Modifications

- [x] Add `MoriKVManager`

Signed-off-by: Niko Ma <niko@example.com>
Co-authored-by: Ann <ann@example.com>"""
    assert author_statement(body) == (
        "MORI-IO gives RDMA transfers between AMD GPUs. This adds it as a KV transfer backend."
    )


def test_trailers_checklists_and_reverts_alone_give_nothing() -> None:
    assert author_statement("Signed-off-by: A <a@example.com>\n\n- [ ] Tests pass") is None
    assert author_statement("This reverts commit 0123456789abcdef0123456789abcdef01234567.") is None
    assert author_statement("fix typo") is None
    assert author_statement("") is None


def test_only_whole_sentences_are_quoted() -> None:
    first = "The scheduler now batches host-side work before each step."
    long_second = "It " + "really " * 60 + "helps."
    assert author_statement(f"{first} {long_second}") == first
    assert author_statement("word " * (MAX_QUOTE_CHARS // 4)) is None  # one sentence too long to quote


def test_a_stop_after_an_abbreviation_or_inside_brackets_ends_no_sentence() -> None:
    body = """`Remote` derived `Default`, so `http_timeout` was `Duration::ZERO` unless
the field went through serde. Any configuration file without a
`[remote.*]` table (e.g. the default configuration) therefore ended up
with a zero timeout. Requests failed (see the log. It said so) at once."""
    assert author_statement(body) == (
        "`Remote` derived `Default`, so `http_timeout` was `Duration::ZERO` unless the field went through "
        "serde. Any configuration file without a `[remote.*]` table (e.g. the default configuration) "
        "therefore ended up with a zero timeout. Requests failed (see the log. It said so) at once."
    )
    assert author_statement("Options, i.e. flags, are read twice. " + "More words here. " * 30) == (
        "Options, i.e. flags, are read twice. " + " ".join(["More words here."] * 15)
    )


def test_chinese_sentences_are_kept_whole() -> None:
    body = "修复 NPU 上 GPTQ 权重加载的问题。新增 4-bit 打包路径。"
    assert author_statement(body) == body


def test_a_pull_request_template_left_unfilled_gives_nothing() -> None:
    body = """<!-- .github/pull_request_template.md -->

## 📌 Description

<!-- What does this PR do? Briefly describe the changes and why they're
needed. -->

## 🚀 Pull Request Checklist

Thank you for contributing to FlashInfer! Before we review your pull
request, please make sure the following items are complete.

### ✅ Pre-commit Checks

- [ ] I have installed `pre-commit` by running `pip install pre-commit`"""
    assert author_statement(body, "Add @Anerudhan to CODEOWNERS for core review (#4622)") is None


def test_a_quoted_note_is_passed_over_for_the_authors_summary() -> None:
    body = """# feat(moe_ep): SM100 BF16 CuTeDSL MegaMoE kernel

> Note: This PR is a rebased version of
https://github.com/flashinfer-ai/flashinfer/pull/4120 from @djns99

## Summary

Adds an unquantized BF16 MegaMoE backend to `flashinfer.moe_ep`. It runs as one fused kernel."""
    assert author_statement(body, "feat(moe_ep): SM100 BF16 CuTeDSL MegaMoE kernel (#4386)") == (
        "Adds an unquantized BF16 MegaMoE backend to `flashinfer.moe_ep`. It runs as one fused kernel."
    )


def test_squashed_subjects_and_a_restated_title_are_not_quoted() -> None:
    body = """* fix(git): match directory include/exclude patterns on Windows

normalize_pattern checked the platform separator to decide whether a pattern is a directory, but glob
patterns always use '/'.

* test(git): compare repository errors through Display"""
    title = "fix(git): match directory include/exclude patterns on Windows (#1593)"
    assert author_statement(body, title) == (
        "normalize_pattern checked the platform separator to decide whether a pattern is a directory, "
        "but glob patterns always use '/'."
    )
    restated = "Support KV transfer with MORI-IO for disaggregated serving\n\nMORI is now a transfer backend."
    title = "Support KV transfer with MORI-IO for disaggregated serving (#14626)"
    assert author_statement(restated, title) == "MORI is now a transfer backend."


def test_wrapped_checklist_items_and_trailer_paragraphs_are_not_quoted() -> None:
    body = """- [ ] I have installed `pre-commit` by running `pip install pre-commit`
(or used your preferred method).
- [ ] I have run the hooks manually with `pre-commit run --all-files`
and fixed any reported issues.

Constraint: Keep --body unchanged while adding the file-based body template path.

Tested: cargo test
Confidence: high"""
    assert author_statement(body) is None


def test_an_underlined_heading_is_no_part_of_the_quote() -> None:
    body = """Bug mechanism
-------------
The penalty orchestrator does not own the requests it penalizes. It holds them through a weakref.

Fix
===
Rebind the weakref after the merge."""
    assert author_statement(body) == (
        "The penalty orchestrator does not own the requests it penalizes. It holds them through a weakref."
    )


def test_a_list_after_a_whole_sentence_is_left_out_with_the_line_that_introduces_it() -> None:
    bumps = """Bumps [clap](https://github.com/clap-rs/clap) from 4.4.10 to 4.4.11.
- [Release notes](https://github.com/clap-rs/clap/releases)
- [Changelog](https://github.com/clap-rs/clap/blob/master/CHANGELOG.md)"""
    assert author_statement(bumps) == "Bumps [clap](https://github.com/clap-rs/clap) from 4.4.10 to 4.4.11."
    shards = """Split the long fused MoE test into shards to stay under the CI timeout. Changes:
- Move shared helpers into `tests/moe/utils.py`.
- One file per routing method."""
    assert (
        author_statement(shards) == "Split the long fused MoE test into shards to stay under the CI timeout."
    )


def test_a_lead_that_only_introduces_its_list_keeps_it_and_wrapped_prose_is_no_list() -> None:
    introduced = (
        "This PR speeds up JIT compilation by:\n- loading modules in parallel.\n- splitting sampling.cu."
    )
    assert author_statement(introduced) == (
        "This PR speeds up JIT compilation by: - loading modules in parallel. - splitting sampling.cu."
    )
    wrapped = """The monolithic scorer is superseded by the decomposed stack (producer + filter
+ latency-scorer). Configure the three plugins instead."""
    assert author_statement(wrapped) == (
        "The monolithic scorer is superseded by the decomposed stack (producer + filter + latency-scorer). "
        "Configure the three plugins instead."
    )


def test_a_list_is_quoted_from_its_first_item_without_its_marker_or_a_bold_heading() -> None:
    summary = """* **Bug Fixes**
  * Restored valid MoE execution tactics for certain TensorRT-LLM configurations.
  * Improved handling of workloads with fewer tokens than experts."""
    assert author_statement(summary) == (
        "Restored valid MoE execution tactics for certain TensorRT-LLM configurations."
    )
    assert author_statement("- [ x] I have installed the hooks with `pre-commit install`.") is None


def test_a_paragraph_that_is_a_list_is_quoted_from_its_first_item() -> None:
    bullets = "- cancel the previous build when a new commit comes\n- add task 3\n- accelerate the rope test"
    assert author_statement(bullets) == "cancel the previous build when a new commit comes"
    numbered = """1. Make mypy happy about the re-exports
2. Adopt the `from .x import y as y` idiom in `__init__.py`, see PEP 484"""
    assert author_statement(numbered) == "Make mypy happy about the re-exports"
    wrapped = """- Add --test-path to parse_args() and honor TEST_PATH, set by the
  pipeline's variables
- Scope find in task_run_unit_tests.sh"""
    assert author_statement(wrapped) == (
        "Add --test-path to parse_args() and honor TEST_PATH, set by the pipeline's variables"
    )


def test_a_body_of_squashed_commits_is_quoted_from_the_one_the_title_is_about() -> None:
    """sglang-jax's cddbf6f: the branch carried the earlier pull request's commit, whose text comes first;
    the fix the title names is the last squashed commit. Without such a subject, the first text is quoted."""
    body = """* feat(dsa): fused sparse-MLA prefill for DeepSeek Sparse Attention (opt-in)
Add an opt-in sparse prefill path for the DeepSeek Sparse Attention backend on TPU.

* fix(dsa): require explicit sm_scale in sparse_mla_attention

sparse_mla_attention now requires an explicit sm_scale and raises if None.

* fix(dsa): run skip_offset "full" layers sparse, not dense
The dense short-circuit gated on `layer_id < self.skip_offset`, forcing the first layers through MLA.
Drop the skip_offset gate."""
    title = 'fix(dsa): route skip_offset "full" layers sparse in decode + prefill (#1512)'
    assert author_statement(body, title) == (
        "The dense short-circuit gated on `layer_id < self.skip_offset`, forcing the first layers through "
        "MLA. Drop the skip_offset gate."
    )
    assert (
        author_statement(body, "Bump the version")
        == "sparse_mla_attention now requires an explicit sm_scale and raises if None."
    )
