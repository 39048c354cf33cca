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


def test_chinese_sentences_are_kept_whole() -> None:
    body = "修复 NPU 上 GPTQ 权重加载的问题。新增 4-bit 打包路径。"
    assert author_statement(body) == body
