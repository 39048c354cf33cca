"""Public API signals: Python by parsing both sides from a BlobSource, C headers by pattern (Go, Rust and
TypeScript, read with tree-sitter, are tested in test_signals_api_tree.py)."""

from __future__ import annotations

import textwrap

import pytest

from changeradar.model import FileStatus, SignalAction, SignalKind
from changeradar.signals import SignalContext
from changeradar.signals.api import extract, module_name
from changeradar.signals.signatures import signature_detail
from diffs import make_commit, make_file

ADDED, REMOVED, CHANGED = SignalAction.ADDED, SignalAction.REMOVED, SignalAction.CHANGED
SAMPLER = "python/sglang/srt/layers/sampler.py"


class DictBlobs(dict[str, bytes]):
    """An in-memory BlobSource that remembers which blobs were read."""

    def __init__(self, **blobs: str) -> None:
        super().__init__({blob_id: textwrap.dedent(text).encode() for blob_id, text in blobs.items()})
        self.read: list[str] = []

    def read_blob(self, object_id: str) -> bytes | None:
        self.read.append(object_id)
        return self.get(object_id)


def api_signals(*files, blobs: DictBlobs | None = None) -> list[tuple]:
    signals = list(extract(make_commit("Refactor sampler", files), SignalContext(blobs=blobs)))
    assert all(signal.kind is SignalKind.API for signal in signals)
    return [(signal.name, signal.action, signal.detail, signal.path, signal.line) for signal in signals]


SAMPLER_BEFORE = """\
    import torch

    __all__ = ["Sampler", "top_k_top_p_min_p_sampling_from_probs_torch"]


    class Sampler:
        def forward(self, logits, sampling_info):
            return logits

        def _preprocess_logits(self, logits):
            return logits


    def top_k_top_p_min_p_sampling_from_probs_torch(probs, top_ks, top_ps, min_ps):
        return probs


    def sampling_from_probs_torch(probs):
        return probs


    class _Helper:
        def run(self):
            pass
    """
SAMPLER_AFTER = """\
    import torch

    __all__ = ["Sampler", "top_k_top_p_min_p_sampling_from_probs_torch", "apply_custom_logit_processor"]


    class Sampler:
        def forward(self, logits, sampling_info, *, return_logprob=False):
            return logits

        def compute_logprobs_only(self, logits):
            return logits

        def _preprocess_logits(self, logits, sampling_info):
            return logits


    def top_k_top_p_min_p_sampling_from_probs_torch(probs, top_ks, top_ps, min_ps, need_min_p_sampling=False):
        return probs


    def apply_custom_logit_processor(logits, sampling_batch_info):
        return logits


    def multinomial_with_seed(inputs, seed):
        return inputs


    class _Helper:
        def run(self, fast):
            pass
    """
SAMPLER_PATCH = """\
@@ -3,21 +3,31 @@ import torch
-__all__ = ["Sampler", "top_k_top_p_min_p_sampling_from_probs_torch"]
+__all__ = ["Sampler", "top_k_top_p_min_p_sampling_from_probs_torch", "apply_custom_logit_processor"]
"""


def test_signature_change_new_method_and_all_are_read_from_both_sides():
    blobs = DictBlobs(old=SAMPLER_BEFORE, new=SAMPLER_AFTER)
    file = make_file(SAMPLER, SAMPLER_PATCH, old_blob="old", new_blob="new")
    assert api_signals(file, blobs=blobs) == [
        (
            "sglang.srt.layers.sampler.Sampler.forward",
            CHANGED,
            signature_detail(
                "(self, logits, sampling_info)", "(self, logits, sampling_info, *, return_logprob=False)"
            ),
            SAMPLER,
            7,
        ),
        ("sglang.srt.layers.sampler.Sampler.compute_logprobs_only", ADDED, "method", SAMPLER, 10),
        (
            "sglang.srt.layers.sampler.top_k_top_p_min_p_sampling_from_probs_torch",
            CHANGED,
            signature_detail(
                "(probs, top_ks, top_ps, min_ps)",
                "(probs, top_ks, top_ps, min_ps, need_min_p_sampling=False)",
            ),
            SAMPLER,
            17,
        ),
        ("sglang.srt.layers.sampler.apply_custom_logit_processor", ADDED, "function", SAMPLER, 21),
    ]
    # Private methods and classes, and functions left out of `__all__`, are no API:
    # `_preprocess_logits`, `_Helper.run`, `multinomial_with_seed` and `sampling_from_probs_torch`.


def test_without_all_public_means_not_starting_with_an_underscore():
    before = "def run(x):\n    pass\n\ndef _kernel(x):\n    pass\n"
    after = "def run(x):\n    pass\n\ndef launch(x):\n    pass\n\ndef _kernel(x, y):\n    pass\n"
    patch = """\
    @@ -3,2 +3,5 @@ def run(x):
    -def _kernel(x):
    +def launch(x):
    +    pass
    +
    +def _kernel(x, y):
         pass
    """
    file = make_file("python/sglang/jit_kernel/norm.py", patch, old_blob="old", new_blob="new")
    assert api_signals(file, blobs=DictBlobs(old=before, new=after)) == [
        ("sglang.jit_kernel.norm.launch", ADDED, "function", "python/sglang/jit_kernel/norm.py", 4)
    ]


def test_a_function_moved_within_its_module_is_neither_added_nor_removed():
    before = "def first():\n    pass\n\ndef second():\n    pass\n"
    after = "def second():\n    pass\n\ndef first():\n    pass\n"
    patch = """\
    @@ -1,5 +1,5 @@
    -def first():
    +def second():
         pass

    -def second():
    +def first():
         pass
    """
    file = make_file("python/sglang/utils.py", patch, old_blob="old", new_blob="new")
    assert api_signals(file, blobs=DictBlobs(old=before, new=after)) == []


def test_a_file_whose_patch_touches_no_definition_is_not_read():
    patch = """\
    @@ -8,3 +8,3 @@ class Sampler:
         def forward(self, logits, sampling_info):
    -        return logits
    +        return logits.float()
    """
    blobs = DictBlobs(old=SAMPLER_BEFORE, new=SAMPLER_AFTER)
    assert api_signals(make_file(SAMPLER, patch, old_blob="old", new_blob="new"), blobs=blobs) == []
    assert blobs.read == []


def test_parameters_changed_below_a_multi_line_def_are_a_signature_change():
    before = "def fused_moe(\n    hidden_states,\n    w1,\n):\n    pass\n"
    after = "def fused_moe(\n    hidden_states,\n    w1,\n    bias=None,\n):\n    pass\n"
    patch = """\
    @@ -1,4 +1,5 @@
     def fused_moe(
         hidden_states,
         w1,
    +    bias=None,
     ):
    """
    path = "python/sglang/srt/layers/moe/fused_moe.py"
    file = make_file(path, patch, old_blob="old", new_blob="new")
    assert api_signals(file, blobs=DictBlobs(old=before, new=after)) == [
        (
            "sglang.srt.layers.moe.fused_moe.fused_moe",
            CHANGED,
            signature_detail("(hidden_states, w1)", "(hidden_states, w1, bias=None)"),
            path,
            1,
        )
    ]


def test_a_syntax_error_falls_back_to_the_declaration_lines():
    before = "def load(path):\n    pass\n"
    after = "def load(path, strict=True):\n    pass\n\ndef save(path:\n    pass\n"
    patch = """\
    @@ -1,2 +1,5 @@
    -def load(path):
    +def load(path, strict=True):
         pass
    +
    +def save(path:
    +    pass
    """
    path = "python/sglang/srt/model_loader/loader.py"
    file = make_file(path, patch, old_blob="old", new_blob="new")
    assert api_signals(file, blobs=DictBlobs(old=before, new=after)) == [
        (
            "sglang.srt.model_loader.loader.load",
            CHANGED,
            signature_detail("(path)", "(path, strict=True)"),
            path,
            1,
        ),
        ("sglang.srt.model_loader.loader.save", ADDED, "function", path, 4),
    ]


def test_without_blobs_methods_are_found_under_a_class_the_hunk_shows():
    patch = """\
    @@ -40,6 +40,9 @@ import torch
     class LogitsProcessor(nn.Module):
         def forward(self, input_ids, hidden_states):
             pass
    +
    +    def compute_logprobs(self, hidden_states):
    +        pass
    @@ -90,3 +93,6 @@ class LogitsProcessor(nn.Module):
             return x
    +
    +    def orphan_method(self):
    +        pass
    """
    path = "python/sglang/srt/layers/logits_processor.py"
    assert api_signals(make_file(path, patch)) == [
        ("sglang.srt.layers.logits_processor.LogitsProcessor.compute_logprobs", ADDED, "method", path, 44)
    ]


def test_a_renamed_module_reports_only_what_it_changes_not_its_unchanged_items():
    before = "class MoriEPDispatcher:\n    pass\n\ndef dispatch(x):\n    pass\n"
    after = "class MoriEPDispatcher:\n    pass\n\ndef dispatch(x, async_finish=False):\n    pass\n"
    patch = """\
    @@ -4,2 +4,2 @@ class MoriEPDispatcher:
    -def dispatch(x):
    +def dispatch(x, async_finish=False):
         pass
    """
    new_path = "python/sglang/srt/layers/moe/token_dispatcher/mori.py"
    file = make_file(
        new_path,
        patch,
        status=FileStatus.RENAMED,
        old_path="python/sglang/srt/layers/moe/mori_dispatcher.py",
        old_blob="old",
        new_blob="new",
    )
    assert api_signals(file, blobs=DictBlobs(old=before, new=after)) == [
        (
            "sglang.srt.layers.moe.token_dispatcher.mori.dispatch",
            CHANGED,
            signature_detail("(x)", "(x, async_finish=False)"),
            new_path,
            4,
        )
    ]


def test_new_module_honours_its_all_and_a_class_constructor_is_its_signature():
    added = make_file(
        "python/sglang/srt/layers/moe/mori_ep.py",
        "@@ -0,0 +1,3 @@\n+__all__ = ['MoriEP']\n+class MoriEP:\n+    pass\n",
        status=FileStatus.ADDED,
        new_blob="new_module",
    )
    constructor_patch = """\
    @@ -1,3 +1,3 @@
     class DeepEPBuffer:
    -    def __init__(self, group, hidden_bytes):
    +    def __init__(self, group, hidden_bytes, num_qps=24):
             pass
    """
    changed = make_file("python/sglang/srt/deepep.py", constructor_patch, old_blob="old", new_blob="new")
    blobs = DictBlobs(
        new_module="__all__ = ['MoriEP']\n\nclass MoriEP:\n    pass\n\ndef helper():\n    pass\n",
        old="class DeepEPBuffer:\n    def __init__(self, group, hidden_bytes):\n        pass\n",
        new="class DeepEPBuffer:\n    def __init__(self, group, hidden_bytes, num_qps=24):\n        pass\n",
    )
    assert api_signals(added, changed, blobs=blobs) == [
        (
            "sglang.srt.layers.moe.mori_ep.MoriEP",
            ADDED,
            "class",
            "python/sglang/srt/layers/moe/mori_ep.py",
            3,
        ),
        (
            "sglang.srt.deepep.DeepEPBuffer",
            CHANGED,
            signature_detail("(self, group, hidden_bytes)", "(self, group, hidden_bytes, num_qps=24)"),
            "python/sglang/srt/deepep.py",
            1,
        ),
    ]


def test_deleted_module_removes_its_api_at_the_old_lines():
    patch = "@@ -1,4 +0,0 @@\n-def _private():\n-    pass\n-def launch_server(server_args):\n-    pass\n"
    file = make_file("python/sglang/srt/entrypoints/legacy.py", patch, status=FileStatus.DELETED)
    assert api_signals(file) == [
        (
            "sglang.srt.entrypoints.legacy.launch_server",
            REMOVED,
            "function",
            "python/sglang/srt/entrypoints/legacy.py",
            3,
        )
    ]


def test_tests_docs_examples_benchmarks_and_private_modules_are_no_api():
    patch = "@@ -0,0 +1,2 @@\n+def helper():\n+    pass\n"
    paths = [
        "test/srt/test_sampler.py",
        "docs/conf.py",
        "examples/runtime/engine/offline_batch_inference.py",
        "benchmark/kernels/bench_moe.py",
        "python/sglang/srt/_custom_ops.py",
    ]
    files = [make_file(path, patch, status=FileStatus.ADDED) for path in paths]
    assert api_signals(*files) == []


@pytest.mark.parametrize(
    ("path", "module"),
    [
        ("python/sglang/srt/server_args.py", "sglang.srt.server_args"),
        ("python/sglang/srt/layers/__init__.py", "sglang.srt.layers"),
        ("src/changeradar/model.py", "changeradar.model"),
        ("vllm/config.py", "vllm.config"),
        ("sgl-kernel/python/sgl_kernel/elementwise.py", "sgl_kernel.elementwise"),
        ("sgl-model-gateway/src/routers/mod.rs", "routers"),
        ("router/cmd/main.go", "router.cmd"),
        ("web/src/components/index.ts", "components"),
    ],
)
def test_module_name_follows_the_import_path(path: str, module: str):
    assert module_name(path) == module
