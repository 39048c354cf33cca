"""C/C++/CUDA interface facts, from real repositories: exported operators keyed by the name Python calls
them by, and declarations in public headers."""

from __future__ import annotations

from changeradar.collect import collect_commits
from changeradar.git import GitBlobReader
from changeradar.model import SignalAction, SignalKind
from changeradar.signals import SignalContext
from changeradar.signals.native_api import extract, is_public_header
from changeradar.signals.signatures import signature_detail
from changeradar.window import day_window
from gitrepo import GitRepo

ADDED, REMOVED, CHANGED = SignalAction.ADDED, SignalAction.REMOVED, SignalAction.CHANGED

PYBIND_BEFORE = """\
#include <torch/extension.h>

void rmsnorm(at::Tensor& out, at::Tensor& input, double eps);
void silu_and_mul(at::Tensor& out, at::Tensor& input);

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.def("rmsnorm", &rmsnorm, "RMS norm");
  m.def("silu_and_mul", &silu_and_mul, "SiLU and multiply");
}
"""

TORCH_LIBRARY_BEFORE = """\
#include <torch/library.h>
#include "sgl_kernel_ops.h"

TORCH_LIBRARY_FRAGMENT(sgl_kernel, m) {
  m.def("rmsnorm(Tensor! output, Tensor input, Tensor weight, float eps) -> ()");
  m.impl("rmsnorm", torch::kCUDA, &rmsnorm);

  m.def(
      "fused_add_rmsnorm(Tensor! input, Tensor! residual, Tensor weight, "
      "float eps) -> ()");
  m.impl("fused_add_rmsnorm", torch::kCUDA, &sgl_fused_add_rmsnorm);
}
"""

TVM_BINDING_BEFORE = """\
#include "tvm_ffi_utils.h"

void BatchDecodeRun(TensorView q, TensorView paged_kv, TensorView o, int64_t window_left);

Array<int64_t> BatchDecodePlan(TensorView workspace, int64_t batch_size);

// Batched decode run
TVM_FFI_DLL_EXPORT_TYPED_FUNC(run, BatchDecodeRun);
TVM_FFI_DLL_EXPORT_TYPED_FUNC(plan, BatchDecodePlan);
"""

HEADER_BEFORE = """\
#pragma once
#include <cuda_runtime.h>

namespace flashinfer {

namespace detail {
inline int round_up(int x, int to) { return (x + to - 1) / to * to; }
}  // namespace detail

template <typename T>
__global__ void RMSNormKernel(T* input, T* weight, T* output, uint32_t d, float eps) {
  // kernel body
  output[0] = input[0] * weight[0];
}

template <typename T>
cudaError_t RMSNorm(T* input, T* weight, T* output, uint32_t batch_size, uint32_t d, float eps = 1e-5,
                    cudaStream_t stream = 0) {
  return cudaSuccess;
}

struct NormParams {
  uint32_t d;
  float eps;
  void validate() const;

 private:
  void check_internal();
};

}  // namespace flashinfer
"""


def api_facts(repo: GitRepo, date: str = "2026-01-29") -> list[tuple]:
    """The API facts of the repository's newest commit."""
    commits = collect_commits(repo.path, "main", day_window(date, "Asia/Shanghai"))
    with GitBlobReader(repo.path) as blobs:
        signals = list(extract(commits[0], SignalContext(blobs=blobs)))
    assert all(signal.kind is SignalKind.API for signal in signals)
    return [(signal.name, signal.action, signal.detail, signal.path, signal.line) for signal in signals]


def two_commits(repo: GitRepo, path: str, before: str, after: str) -> None:
    repo.commit("Add kernels", {path: before}, date="2026-01-28T10:00:00+08:00")
    repo.commit("Change kernels", {path: after})


def test_pybind11_functions_added_and_removed_are_keyed_by_their_exported_name(git_repo: GitRepo) -> None:
    after = PYBIND_BEFORE.replace(
        '  m.def("silu_and_mul", &silu_and_mul, "SiLU and multiply");\n',
        '  m.def("gelu_tanh_and_mul", &gelu_tanh_and_mul, "GELU (tanh) and multiply");\n',
    )
    two_commits(git_repo, "csrc/ops.cpp", PYBIND_BEFORE, after)
    assert api_facts(git_repo) == [
        ("gelu_tanh_and_mul", ADDED, "pybind11 function", "csrc/ops.cpp", 8),
        ("silu_and_mul", REMOVED, "pybind11 function", "csrc/ops.cpp", 8),
    ]


def test_a_torch_library_op_added_and_a_schema_changed(git_repo: GitRepo) -> None:
    after = TORCH_LIBRARY_BEFORE.replace('"float eps) -> ()");', '"float eps, bool enable_pdl) -> ()");')
    after = after.replace(
        "}\n",
        '  m.def("gemma_rmsnorm(Tensor! output, Tensor input, Tensor weight, float eps) -> ()");\n'
        '  m.impl("gemma_rmsnorm", torch::kCUDA, &gemma_rmsnorm);\n}\n',
    )
    two_commits(git_repo, "sgl-kernel/csrc/common_extension.cc", TORCH_LIBRARY_BEFORE, after)
    path = "sgl-kernel/csrc/common_extension.cc"
    assert api_facts(git_repo) == [
        (
            "sgl_kernel::fused_add_rmsnorm",
            CHANGED,
            signature_detail(
                "fused_add_rmsnorm(Tensor! input, Tensor! residual, Tensor weight, float eps) -> ()",
                "fused_add_rmsnorm(Tensor! input, Tensor! residual, Tensor weight, float eps, "
                "bool enable_pdl) -> ()",
            ),
            path,
            8,
        ),
        ("sgl_kernel::gemma_rmsnorm", ADDED, "torch op", path, 12),
    ]


def test_renaming_the_function_behind_an_unchanged_export_is_no_fact(git_repo: GitRepo) -> None:
    after = TVM_BINDING_BEFORE.replace("BatchDecodeRun", "BatchDecodeWithPagedKVCacheRun")
    after = after.replace("BatchDecodePlan", "BatchDecodeWithPagedKVCachePlan")
    two_commits(git_repo, "csrc/batch_decode_jit_binding.cu", TVM_BINDING_BEFORE, after)
    assert api_facts(git_repo) == []


def test_a_new_parameter_of_the_function_behind_an_export_changes_the_exports_signature(
    git_repo: GitRepo,
) -> None:
    after = TVM_BINDING_BEFORE.replace("int64_t window_left);", "int64_t window_left, bool enable_pdl);")
    after = after.replace("TVM_FFI_DLL_EXPORT_TYPED_FUNC(plan, BatchDecodePlan);\n", "")
    two_commits(git_repo, "csrc/batch_decode_jit_binding.cu", TVM_BINDING_BEFORE, after)
    assert api_facts(git_repo) == [
        (
            "batch_decode_jit_binding.run",  # each JIT binding exports `run`: its file says which
            CHANGED,
            signature_detail(
                "void(TensorView, TensorView, TensorView, int64_t)",
                "void(TensorView, TensorView, TensorView, int64_t, bool)",
            ),
            "csrc/batch_decode_jit_binding.cu",
            8,
        ),
        ("batch_decode_jit_binding.plan", REMOVED, "TVM-FFI function", "csrc/batch_decode_jit_binding.cu", 9),
    ]


def test_public_header_declarations_added_removed_and_re_signed(git_repo: GitRepo) -> None:
    after = HEADER_BEFORE.replace(
        "struct NormParams {",
        "template <typename T>\ncudaError_t GemmaRMSNorm(T* input, T* weight, T* output, uint32_t d);\n\n"
        "struct NormParams {",
    )
    after = after.replace("float eps = 1e-5,", "float eps = 1e-6,")
    after = after.replace("  void validate() const;\n", "  bool enable_pdl;\n")
    after = after.replace("void check_internal();", "void check_internal(int level);")
    after = after.replace("inline int round_up(int x, int to)", "inline int round_up(int x, int to, int min)")
    two_commits(git_repo, "include/flashinfer/norm.cuh", HEADER_BEFORE, after)
    path = "include/flashinfer/norm.cuh"
    assert api_facts(git_repo) == [
        (
            "flashinfer::RMSNorm",
            CHANGED,
            signature_detail(
                "cudaError_t(T*, T*, T*, uint32_t, uint32_t, float =1e-5, cudaStream_t =0)",
                "cudaError_t(T*, T*, T*, uint32_t, uint32_t, float =1e-6, cudaStream_t =0)",
            ),
            path,
            16,
        ),
        ("flashinfer::GemmaRMSNorm", ADDED, "function", path, 22),
        ("flashinfer::NormParams::validate", REMOVED, "method", path, 25),
    ]
    # Not API: `detail::round_up` (a detail namespace) and `check_internal` (private).


def test_a_header_moved_unchanged_to_another_public_folder_is_no_fact(git_repo: GitRepo) -> None:
    git_repo.commit(
        "Add norm", {"include/flashinfer/norm.cuh": HEADER_BEFORE}, date="2026-01-28T10:00:00+08:00"
    )
    git_repo.commit("Move norm", renames={"include/flashinfer/norm.cuh": "include/flashinfer/norm/norm.cuh"})
    assert api_facts(git_repo) == []


def test_a_header_in_a_private_folder_is_no_api(git_repo: GitRepo) -> None:
    after = HEADER_BEFORE.replace("struct NormParams {", "void Launch(int x);\n\nstruct NormParams {")
    two_commits(git_repo, "csrc/nv_internal/include/norm.cuh", HEADER_BEFORE, after)
    assert api_facts(git_repo) == []
    assert not is_public_header("csrc/tvm_ffi_utils.h")
    assert not is_public_header("include/flashinfer/detail/helpers.cuh")
    assert is_public_header("include/flashinfer/norm.cuh")
    assert is_public_header("mylib.h")


def test_an_unreadable_side_is_read_from_the_hunks_alone() -> None:
    from diffs import make_commit, make_file

    patch = """\
    @@ -40,2 +40,4 @@ void rmsnorm(at::Tensor& output, at::Tensor& input, double eps);
    +void fused_add_rmsnorm(torch::Tensor& input, torch::Tensor& residual, double eps = 1e-6);
    +static inline int helper(int x);
     #define SGL_KERNEL_VERSION "0.3.21"
    """
    file = make_file("sgl-kernel/include/ops.h", patch, old_blob="gone", new_blob="gone too")
    signals = list(extract(make_commit("Add op", [file]), SignalContext(blobs=None)))
    assert [(s.name, s.action, s.line) for s in signals] == [("fused_add_rmsnorm", ADDED, 40)]


def test_a_renamed_binding_file_with_an_unrelated_edit_changes_no_export(
    git_repo: GitRepo,
) -> None:
    old, new = "csrc/batch_decode_jit_binding.cu", "csrc/decode_jit_binding.cu"
    git_repo.commit("Binding", {old: TVM_BINDING_BEFORE}, date="2026-01-28T10:00:00+08:00")
    git_repo.commit(
        "Rename the binding",
        {old: None, new: TVM_BINDING_BEFORE + "static int helper(int x) { return x; }\n"},
    )
    assert api_facts(git_repo) == []
