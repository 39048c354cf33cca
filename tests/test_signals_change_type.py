import pytest

from changeradar.model import SignalKind
from changeradar.signals import SignalContext
from changeradar.signals.change_type import conventional_prefix, extract, split_tags
from diffs import make_commit, make_file

PATCH = """
    @@ -1,2 +1,2 @@
    -old
    +new
     same
"""
CODE = (make_file("python/sglang/srt/managers/scheduler.py", PATCH),)
DOCS = (make_file("docs/platforms/ascend_npu.md", PATCH), make_file("README.md", PATCH))
TESTS = (make_file("test/srt/test_kimi_k2.py", PATCH), make_file("python/sglang/test/conftest.py", PATCH))
CI = (
    make_file(".github/workflows/pr-test.yml", PATCH),
    make_file("scripts/ci/ci_install_dependency.sh", PATCH),
)


def types_of(subject, files=CODE):
    signals = list(extract(make_commit(subject, files), SignalContext()))
    assert all(signal.kind is SignalKind.CHANGE_TYPE and signal.path is None for signal in signals)
    return [(signal.name, signal.detail) for signal in signals]


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("feat: add custom request header logging (#17786)", [("feature", "prefix `feat:`")]),
        ("Fix(scheduler)!: drop the legacy overlap flag", [("fix", "prefix `Fix(scheduler)!:`")]),
        ("perf: speed up radix tree match", [("perf", "prefix `perf:`")]),
        ("style: run ruff format", [("chore", "prefix `style:`")]),
        (
            "chore(deps): bump torch from 2.8.0 to 2.9.0",
            [("chore", "prefix `chore(deps):`"), ("deps", "prefix `chore(deps):`")],
        ),
        ("[diffusion] fix: resolve library mismatch in scheduler (#17916)", [("fix", "prefix `fix:`")]),
        ("[Fix][trtllm-mha] Canonicalize the strides when num_head = 1 (#17732)", [("fix", "tag [Fix]")]),
        ("[FIX] kimi_k2 reasoning parser (#17901)", [("fix", "tag [FIX]")]),
        ("[Bugfix] Handle empty prompts", [("fix", "tag [Bugfix]")]),
        ("[Minor] Tidy imports", [("chore", "tag [Minor]")]),
        ("[Perf] Tune Llama-4-Scout-17B-16E-Instruct fused moe kernel (#17891)", [("perf", "tag [Perf]")]),
        (
            "[CI] Fix CI timeouts by upgrading runai_model_streamer (#17636)",
            [("ci", "tag [CI]"), ("fix", "verb Fix")],
        ),
        ("Support LightOnOCR-2-1B (#17806)", [("feature", "verb Support")]),
        ("[MUSA][4/N] Add common device utilities (#17246)", [("feature", "verb Add")]),
        (
            "Integration mori backend for EP a2a data communication (#17012)",
            [("feature", "verb Integration")],
        ),
        ("[diffusion] model: support MOVA (#17704)", [("feature", "verb support")]),
        (
            "[smg][mesh] extract mesh to mesh crate to reduce compile time (#17907)",
            [("refactor", "verb extract")],
        ),
        (
            "Make the functions in logits_processor.py and sampler.py more modular (#17885)",
            [("refactor", "verb Make … more modular")],
        ),
        ("Speed up radix cache lookups", [("perf", "verb Speed up")]),
        ("Improve performance of the detokenizer", [("perf", "verb Improve performance")]),
        ("Bump sgl-kernel to 0.3.21", [("deps", "verb Bump")]),
        ("Pin transformers to 4.57.1", [("deps", "verb Pin")]),
        ('Revert "[NPU] support GPTQ quantization on npu (#15203)"', [("revert", "verb Revert")]),
        ("Update the installation docs for Blackwell", [("docs", "verb Update … installation docs")]),
        ("[gaudi] idefics2-8b issue fix (#3264)", [("fix", "word fix")]),
        ("Neuron backend bugfixes and patch version 3.3.4", [("fix", "word bugfixes")]),
        ("fp8 compressed tensors w8a8 support for Gaudi backend (#3242)", [("feature", "word support")]),
        ("IPEX support FP8 kvcache/softcap/slidingwindow (#3144)", [("feature", "word support")]),
        ("[Minor] add extra sync to fix issue #58", [("chore", "tag [Minor]"), ("feature", "verb add")]),
        # Each verb in its other forms: -ing and -ed, and a hotfix is a fix.
        ("Adding KimiK2.5 ViT (#1388)", [("feature", "verb Adding")]),
        ("Hotfixing gaudi deps. (#3174)", [("fix", "verb Hotfixing")]),
        ("hotfix to helm chart. missing quotes (#1825)", [("fix", "verb hotfix")]),
        ("Upgrading the dependencies in Gaudi backend. (#3170)", [("deps", "verb Upgrading")]),
        ("Moving the scheduling plugins under epp/framework/plugins", [("refactor", "verb Moving")]),
        ("Introducing a lease-based registry", [("feature", "verb Introducing")]),
    ],
)
def test_subject_hints(subject, expected):
    assert types_of(subject) == expected


@pytest.mark.parametrize(
    "subject",
    [
        "Fixture loader for the model tests",  # not "Fix"
        "Address review comments on the scheduler",  # not "Add"
        "model: rework weight loading",  # a prefix that is no conventional type
        "Pinned memory pool for the host KV cache",  # "Pin" without a version
        "Update docker image tags",  # not "Update docs"
        "Prefix caching for the fixtures loader",  # "fix" only inside a word
        "Regenerate the supported models table",  # "support" only inside a word
        "Movement of pages between tiers",  # "Move" only at the head of a longer word
        "[AMD] ROCm: route W4A16 MoE to Triton (#17863)",
        "",
    ],
)
def test_near_misses_give_no_type(subject):
    assert types_of(subject) == []


def test_a_known_prefix_silences_the_verb_after_it():
    assert types_of("fix: add a missing guard in the scheduler") == [("fix", "prefix `fix:`")]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (DOCS, [("docs", "docs-only files")]),
        (TESTS, [("test", "tests-only files")]),
        (CI, [("ci", "CI-only files")]),
        (DOCS + CODE, []),
        ((), []),
    ],
)
def test_files_of_one_kind_make_that_type(files, expected):
    assert types_of("Tidy things", files) == expected


def test_each_type_once_with_its_strongest_evidence_first():
    assert types_of("[Docs] Update ascend docs (#17741)", DOCS) == [("docs", "tag [Docs]")]
    assert types_of("update ascend docs (#17741)", DOCS) == [("docs", "docs-only files")]
    assert types_of("[Test] Fix flaky tool calls in the Kimi K2.5 model", TESTS) == [
        ("test", "tag [Test]"),
        ("fix", "verb Fix"),
    ]


def test_subject_grammar():
    assert split_tags("[MUSA][4/N] Add common utilities") == (("MUSA", "4/N"), "Add common utilities")
    assert split_tags("[diffusion]: align deps") == (("diffusion",), "align deps")
    assert split_tags("No tags [here]") == ((), "No tags [here]")
    prefix = conventional_prefix("feat(api)!: remove --enable-foo")
    assert prefix is not None
    assert (prefix.text, prefix.type, prefix.scope, prefix.breaking, prefix.rest) == (
        "feat(api)!:",
        "feat",
        "api",
        True,
        "remove --enable-foo",
    )
    assert conventional_prefix("Fix the scheduler: drop stale requests") is None
    assert conventional_prefix("http://example.com is down") is None
