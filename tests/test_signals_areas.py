import pytest

from changeradar.config import AreaRule
from changeradar.model import FileStatus, SignalKind
from changeradar.signals import SignalContext
from changeradar.signals.areas import extract, file_areas, tag_areas
from diffs import make_commit, make_file

PATCH = """
    @@ -1,3 +1,4 @@
     import torch
    +import torch_npu

     def apply():
"""


def areas_of(commit, area_rules=()):
    signals = list(extract(commit, SignalContext(area_rules=tuple(area_rules))))
    assert all(signal.kind is SignalKind.AREA for signal in signals)
    return [(signal.name, signal.path, signal.detail) for signal in signals]


def test_tag_areas_come_first_backed_by_the_first_file_that_matched():
    commit = make_commit(
        "[NPU] support GPTQ quantization on npu (#15203)",
        [
            make_file("python/sglang/srt/layers/quantization/gptq.py", PATCH),
            make_file("python/sglang/srt/hardware_backend/npu/quantization/linear_method_npu.py", PATCH),
            make_file("python/sglang/srt/layers/quantization/utils.py", PATCH),
            make_file("test/srt/ascend/test_ascend_gptq.py", PATCH, status=FileStatus.ADDED),
        ],
    )
    assert areas_of(commit) == [
        ("npu", "python/sglang/srt/hardware_backend/npu/quantization/linear_method_npu.py", "path word npu"),
        ("quantization", "python/sglang/srt/layers/quantization/gptq.py", "rule quantization*"),
    ]  # the test file's "tests" is left out: the commit changes code that has areas


def test_a_tag_no_file_backs_has_no_path():
    commit = make_commit("[PD] Support KV transfer with MORI-IO (#14626)", [make_file("README.md", PATCH)])
    assert areas_of(commit) == [
        ("disaggregation", None, "tag"),
        ("docs", "README.md", "rule *.md"),
    ]


@pytest.mark.parametrize(
    ("subject", "areas"),
    [
        ("[MUSA][4/N] Add common device utilities, distributed backend (#17246)", ["musa"]),
        ("[smg][mesh] extract mesh to mesh crate to reduce compile time (#17907)", ["smg", "mesh"]),
        ("[AMD] ROCm: route W4A16 MoE to Triton and fix packed-weight loading (#17863)", ["amd"]),
        ("[ROCm] Fix aiter import", ["amd"]),
        ("[Ascend] Fix rope", ["npu"]),
        ("[diffusion]: align sglang diffusion AMD pyproject_other.toml (#16225)", ["diffusion"]),
        ("[JIT Kernel]Support fused_add_rmsnorm in JIT Kernel (#17677)", ["kernel"]),
        ("[CI] Fix CI timeouts by upgrading runai_model_streamer (#17636)", ["ci"]),
        ("[Fix][trtllm-mha] Canonicalize the strides when num_head = 1 (#17732)", ["trtllm-mha"]),
        ("[Perf] Tune Llama-4-Scout-17B-16E-Instruct fused moe kernel (#17891)", []),
        ("[Bugfix][Breaking][WIP][1/3] Remove v0 engine", []),
        ("[NPU][npu] dedupe", ["npu"]),
        ('Revert "[NPU] support GPTQ quantization on npu"', []),
        ("Support LightOnOCR-2-1B (#17806)", []),
    ],
)
def test_tags_name_areas_lowercased_with_aliases(subject, areas):
    assert tag_areas(subject) == areas


@pytest.mark.parametrize(
    ("path", "areas"),
    [
        (".github/workflows/release-docker-npu.yml", ["ci", "npu"]),
        ("scripts/ci/amd/amd_ci_install_dependency.sh", ["ci", "amd"]),
        ("test/srt/test_mxfp8.py", ["tests"]),
        ("sgl-kernel/tests/test_moe_align.py", ["tests"]),
        ("docs/platforms/ascend_npu.md", ["docs", "npu"]),
        ("docker/rocm.Dockerfile", ["docker", "amd"]),
        ("python/pyproject_other.toml", ["build"]),
        ("uv.lock", ["build"]),
        ("benchmark/kernels/fused_moe_triton/tuning_fused_moe_triton.py", ["benchmark"]),
        ("sgl-kernel/csrc/moe/moe_align_kernel.cu", ["kernel"]),
        ("sgl-kernel/csrc/musa/cuda_compat.h", ["kernel", "musa"]),
        ("python/sglang/jit_kernel/norm.py", ["kernel"]),
        ("python/sglang/srt/layers/quantization/mxfp8.py", ["quantization"]),
        ("python/sglang/srt/layers/moe/fused_moe_triton/configs/E=16,N=1024.json", ["moe"]),
        ("python/sglang/srt/layers/attention/aiter_backend.py", ["attention", "amd"]),
        ("python/sglang/srt/speculative/eagle_worker.py", ["speculative"]),
        ("python/sglang/srt/lora/lora_manager.py", ["lora"]),
        ("python/sglang/multimodal_gen/runtime/models/dits/wan.py", ["diffusion"]),
        ("python/sglang/srt/disaggregation/mori/conn.py", ["disaggregation"]),
        ("sgl-model-gateway/src/mesh/mod.rs", ["router"]),
        ("python/sglang/srt/distributed/parallel_state.py", ["distributed"]),
        ("python/sglang/srt/managers/scheduler.py", ["scheduler"]),
        ("python/sglang/srt/server_args.py", ["cli"]),
        ("python/sglang/srt/entrypoints/openai/serving_chat.py", ["server"]),
        ("python/sglang/srt/models/qwen3_moe.py", ["models"]),
        ("python/sgl_jax/srt/layers/linear.py", []),  # JAX runs on more than TPUs
        ("python/sgl_jax/srt/kernels/ragged_paged_attention/tpu_kernel.py", ["kernel", "tpu"]),
        ("python/sglang/srt/layers/input_layernorm.py", []),  # "input" holds "npu", not as a word
        ("python/sglang/srt/utils/hipify_helpers.py", []),
    ],
)
def test_built_in_rules_give_one_kind_of_code_and_one_platform(path, areas):
    assert [area for area, _ in file_areas(path)] == areas


def test_user_rules_come_before_built_in_rules_and_the_first_one_wins():
    rules = [
        AreaRule(pattern="python/sglang/srt/layers/quantization/**", area="quant-team"),
        AreaRule(pattern="*.py", area="python"),
    ]
    commit = make_commit(
        "Add mxfp8 support",
        [
            make_file("python/sglang/srt/layers/quantization/mxfp8_npu.py", PATCH),
            make_file("python/sglang/srt/server_args.py", PATCH),
            make_file("docs/advanced_features/quantization.md", PATCH),
        ],
    )
    assert areas_of(commit, rules) == [
        (
            "quant-team",
            "python/sglang/srt/layers/quantization/mxfp8_npu.py",
            "user rule python/sglang/srt/layers/quantization/**",
        ),
        ("python", "python/sglang/srt/server_args.py", "user rule *.py"),
    ]


def test_a_renamed_file_touches_the_area_it_left():
    moved = make_file(
        "python/sglang/srt/utils/common.py",
        status=FileStatus.RENAMED,
        old_path="python/sglang/srt/distributed/common.py",
    )
    assert areas_of(make_commit("Move helpers", [moved])) == [
        ("distributed", "python/sglang/srt/utils/common.py", "rule distributed/"),
    ]


def lines(count: int, sign: str = "+") -> str:
    body = "\n".join(f"{sign}value_{index} = {index}" for index in range(count))
    return f"@@ -1,0 +1,{count} @@\n{body}\n"


def test_a_new_kernel_backend_reads_as_its_code_areas_heaviest_first_not_docs_and_tests():
    commit = make_commit(
        "Add a FlashInfer CuteDSL MoE backend (#16001)",
        [
            make_file("docs/advanced_features/moe_backends.md", lines(120)),
            make_file("test/srt/test_moe_cutedsl.py", lines(300)),
            make_file("python/sglang/srt/server_args.py", lines(6)),
            make_file("python/sglang/srt/layers/moe/cutedsl_backend.py", lines(410)),
        ],
    )
    assert [name for name, _, _ in areas_of(commit)] == ["moe", "cli"]


def test_source_lines_outweigh_as_many_lines_of_configuration():
    commit = make_commit(
        "Tune the scheduler",
        [
            make_file("deploy/docker/values.yaml", lines(100)),
            make_file("pkg/scheduler/queue.go", lines(40)),
        ],
    )
    assert [name for name, _, _ in areas_of(commit)] == ["scheduler", "docker"]


def test_a_rust_cli_option_with_its_docs_reads_cli():
    commit = make_commit(
        "feat: add --body-file (#412)",
        [
            make_file("README.md", lines(30)),
            make_file("docs/usage.md", lines(40)),
            make_file("crates/tool/src/cli/args.rs", lines(12)),
        ],
    )
    assert [name for name, _, _ in areas_of(commit)] == ["cli"]


def test_docs_and_tests_stay_when_the_commit_changes_no_code_area():
    commit = make_commit(
        "[Doc] Fix the MoE tutorial; add a test",
        [
            make_file("docs/moe.md", lines(5)),
            make_file("test/srt/test_moe.py", lines(50)),
        ],
    )
    assert [name for name, _, _ in areas_of(commit)] == ["docs", "tests"]


def test_a_docs_tag_on_a_code_commit_is_not_an_area():
    commit = make_commit(
        "[Doc][NPU] document and fix the npu allocator",
        [make_file("docs/npu.md", lines(5)), make_file("python/sglang/srt/npu/allocator.py", lines(5))],
    )
    assert [name for name, _, _ in areas_of(commit)] == ["npu"]


@pytest.mark.parametrize(
    ("path", "area"),
    [
        ("pkg/epp/framework/plugins/scorer/scorer.go", "epp"),
        ("crates/git-cliff-core/src/changelog.rs", "git-cliff-core"),
        ("flashinfer/gemm/gemm_base.py", "gemm"),
        ("python/sglang/srt/managers/io_struct.py", "srt"),
    ],
)
def test_code_no_rule_names_takes_the_part_of_the_project_it_lives_in(path, area):
    commit = make_commit(
        "Rename the data producer hook",
        [
            make_file(path, lines(40)),
            make_file("docs/plugins.md", lines(5)),
            make_file("tests/test_x.py", lines(9)),
        ],
    )
    assert [name for name, _, _ in areas_of(commit)] == [area]


def test_a_module_at_the_top_of_its_python_package_or_a_crate_root_gets_no_folder_area():
    """Nor do the docs, tests and CI beside it become the commit's areas: flashinfer's 9dd5f75 added
    `flashinfer/collect_env.py` with issue templates, a test and a doc, and read "Areas: ci, tests, docs"."""
    commit = make_commit(
        "Tidy",
        [
            make_file("src/widget/app.py", lines(20)),
            make_file("src/main.rs", lines(20)),
            make_file(".github/ISSUE_TEMPLATE/bug_report.yml", lines(60)),
            make_file("tests/test_app.py", lines(9)),
        ],
    )
    assert areas_of(commit) == []
