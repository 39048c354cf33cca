import pytest

from changeradar.model import SignalKind
from changeradar.signals import SignalContext
from changeradar.signals.markers import extract
from diffs import make_commit

REVERTED_SHA = "7b79326a9d1c0e4f5b6a7c8d9e0f1a2b3c4d5e6f"


def markers_of(subject, body=""):
    return [
        (signal.kind, signal.name, signal.detail, signal.path)
        for signal in extract(make_commit(subject, body=body), SignalContext())
    ]


@pytest.mark.parametrize(
    ("subject", "body", "expected"),
    [
        ("feat(api)!: remove --enable-legacy-overlap", "", [("!:", "prefix `feat(api)!:`")]),
        ("[Core] refactor!: drop the v0 engine", "", [("!:", "prefix `refactor!:`")]),
        (
            "Remove the deprecated --disable-cuda-graph-padding flag",
            "Cleans up server_args.\n\nBREAKING CHANGE: --disable-cuda-graph-padding is gone.\n",
            [("BREAKING CHANGE", "--disable-cuda-graph-padding is gone.")],
        ),
        (
            "Rename the metrics endpoint",
            "BREAKING-CHANGE: /metrics moved to /v1/metrics",
            [("BREAKING CHANGE", "/metrics moved to /v1/metrics")],
        ),
        ("[Breaking][Router] Drop the v0 API", "", [("[Breaking]", "tag [Breaking]")]),
    ],
)
def test_breaking_markers(subject, body, expected):
    assert markers_of(subject, body) == [
        (SignalKind.BREAKING, name, detail, None) for name, detail in expected
    ]


def test_a_long_footer_is_cut_with_an_ellipsis():
    [(_, _, detail, _)] = markers_of("Rework config", "BREAKING CHANGE: " + "every key is renamed " * 20)
    assert len(detail) == 120
    assert detail.endswith("…")


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("feat: make breaking the loop cheaper!", ""),  # "!" outside the prefix
        ("Fix the scheduler!: drop stale requests", ""),  # no prefix: two words before the colon
        ("Tidy the docs", "This is not a breaking change: nothing moved."),
        ("Tidy the docs", "Note that BREAKING CHANGE: must start a line."),
        ("Tidy the docs", "breaking change: lower case is prose, not a footer"),
        ("[Fix] Breaking loops early in the sampler", ""),
    ],
)
def test_near_misses_are_not_breaking(subject, body):
    assert markers_of(subject, body) == []


def test_a_git_revert_names_the_reverted_sha_and_subject():
    assert markers_of(
        'Revert "[NPU] support GPTQ quantization on npu (#15203)" (#17950)',
        f"This reverts commit {REVERTED_SHA}.\n",
    ) == [(SignalKind.REVERT, REVERTED_SHA, "[NPU] support GPTQ quantization on npu (#15203)", None)]


def test_a_revert_without_a_sha_is_named_by_its_quoted_subject():
    assert markers_of('Revert "Use nvfp4 MoE on Blackwell" (#17951)') == [
        (SignalKind.REVERT, "Use nvfp4 MoE on Blackwell", "subject", None)
    ]


def test_a_body_that_reverts_a_commit_is_a_revert_whatever_the_subject():
    assert markers_of("Back out the MoE change", "This reverts commit 7b79326.") == [
        (SignalKind.REVERT, "7b79326", "", None)
    ]


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Revert to the old scheduling policy when the queue is empty", ""),
        ("Reverted kernels run slower", ""),
        ("Fix revert handling", "Mentions this reverts commit ordering in prose only."),
    ],
)
def test_near_misses_are_not_reverts(subject, body):
    assert markers_of(subject, body) == []
