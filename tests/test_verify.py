"""The ground check: names an analysis uses are looked up in the commit; what is missing is flagged or cut."""

from __future__ import annotations

import pytest

from changeradar.model import (
    Analysis,
    ChangeType,
    FileStatus,
    Insights,
    Signal,
    SignalAction,
    SignalKind,
)
from changeradar.verify import NEUTRAL_PHRASE, find_unverified, strip_unverified
from diffs import make_commit, make_file

MOE_COMMIT = make_commit(
    "Add mxfp8 support for online quantization and CUTLASS MoE (#17449)",
    body="Route MoE to CUTLASS when MXFP8 is on; see MoriKVManager/TRT notes.\n\nCo-authored-by: kk",
    files=[
        make_file(
            "python/sglang/srt/layers/moe/fused_moe_triton/layer.py",
            """\
            @@ -10,7 +10,8 @@ class FusedMoE(torch.nn.Module):
                 def __init__(self, num_experts, use_mxfp8=False):
            -        self.use_fp8_w8a8 = False
            +        self.use_mxfp8 = use_mxfp8
            +        self.moe_runner_backend = get_moe_runner_backend()
                     self.num_experts = num_experts
            """,
        ),
        make_file(
            "python/sglang/srt/server_args.py",
            """\
            @@ -2200,6 +2200,12 @@ def add_cli_args(parser):
                     parser.add_argument(
            +            "--moe-runner-backend",
            +            choices=["auto", "triton", "cutlass"],
            +            help="Kernel used by MoE layers; x-smg-routing-key is logged.",
            +        )
            +        if is_sm100_supported() and self.quantization == "mxfp8":
            +            self.moe_runner_backend = "cutlass"  # try/except below
            """,
        ),
        make_file(
            "python/sglang/srt/layers/quantization/fp8_utils.py",
            "@@ -1 +1 @@\n-import fp8_helpers\n+from triton.tools import TensorDescriptor\n",
            status=FileStatus.RENAMED,
            old_path="python/sglang/srt/layers/quantization/fp8_helpers.py",
        ),
        make_file(
            "python/sglang/srt/disaggregation/mori/conn.py",
            """\
            @@ -0,0 +1,4 @@
            +class MoriKVManager(CommonKVManager):
            +    qp_per_transfer = get_int_env_var("SGLANG_MORI_QP_PER_TRANSFER", 1)
            +class MoriKVSender(CommonKVSender):
            +class MoriKVReceiver(CommonKVReceiver):
            """,
            status=FileStatus.ADDED,
        ),
        make_file(
            "python/sglang/srt/layers/moe/fused_moe_triton/configs/E=16,N=2048,device_name=NVIDIA_B200.json",
            '@@ -0,0 +1 @@\n+{"1": {"BLOCK_SIZE_M": 16}}\n',
            status=FileStatus.ADDED,
        ),
    ],
)

REQUEST_LOGGER_COMMIT = make_commit(
    "feat: add custom request header logging (#17786)",
    files=[
        make_file(
            "python/sglang/srt/environ.py",
            """\
            @@ -60,6 +60,11 @@ class EnvBool(EnvField):
            +class EnvTuple(EnvField):
            +    def parse(self, value: str) -> tuple:
            +        return tuple(h.strip() for h in value.split(",") if h.strip())
            +
             class Envs:
                 SGLANG_LOG_MS = EnvBool(False)
            +    SGLANG_LOG_REQUEST_HEADERS = EnvTuple(tuple())
            """,
        ),
        make_file(
            "python/sglang/srt/utils/request_logger.py",
            """\
            @@ -15,3 +15,5 @@ logger = logging.getLogger(__name__)
            -WHITELISTED_HEADERS = ["x-smg-routing-key"]
            +WHITELISTED_HEADERS = ["x-smg-routing-key"] + [
            +    h.lower() for h in envs.SGLANG_LOG_REQUEST_HEADERS.get()
            +]
            """,
        ),
        make_file(
            "docs/references/environment_variables.md",
            "@@ -40,0 +41 @@\n+| `SGLANG_LOG_REQUEST_HEADERS` | Headers logged with `--log-requests` | |\n",
        ),
        make_file(
            "test/registered/utils/test_request_logger.py",
            "@@ -0,0 +1,2 @@\n+def test_custom_headers_are_logged():\n+    assert True\n",
            status=FileStatus.ADDED,
        ),
    ],
)


def analysis_of(*summary: str, **fields) -> Analysis:
    return Analysis(change_types=[ChangeType.FEATURE], summary=list(summary), **fields)


def unverified_in(text: str, signals: tuple[Signal, ...] = ()) -> tuple[str, ...]:
    return find_unverified(analysis_of(text), MOE_COMMIT, signals)


# --- paths ---------------------------------------------------------------------------------------------


def test_a_file_the_diff_does_not_touch_is_flagged() -> None:
    analysis = analysis_of(
        "Adds MXFP8 to the MoE layer.",
        impact=["`python/sglang/srt/layers/moe/fused_moe.py`（MoE forward）"],
    )

    assert find_unverified(analysis, MOE_COMMIT) == ("python/sglang/srt/layers/moe/fused_moe.py",)


@pytest.mark.parametrize(
    "text",
    [
        "`python/sglang/srt/layers/moe/fused_moe_triton/layer.py`",
        "`sglang/srt/layers/moe/fused_moe_triton/layer.py`",  # a suffix of whole segments
        "`layer.py`",
        "`python/sglang/srt/layers/moe/`",  # a folder
        "`sglang/srt/layers`",
        "`sglang/srt/layers/quantization/*`",
        "`sglang/srt/**/conn.py`",
        "`python/sglang/srt/layers/quantization/fp8_helpers.py`",  # the old path of a rename
        "`./python/sglang/srt/server_args.py:2204`",
        "`.py`",  # a kind of file
        "`E=16,N=2048,device_name=NVIDIA_B200.json`",
        "Edits sglang/srt/server_args.py and fp8_utils.py.",
    ],
)
def test_paths_in_the_commit_are_verified(text: str) -> None:
    assert unverified_in(text) == ()


@pytest.mark.parametrize(
    "path",
    [
        "ayer.py",  # part of a segment only
        "moe/layer.py",  # segments that are not adjacent
        "sglang/srt/layers/moe/fused_moe.py",
        "sglang/srt/layers/quantization/*.cu",
        "sglang/srt/disaggregation/nixl",
        ".cu",
        "E=16,N=4096,device_name=NVIDIA_H100.json",
    ],
)
def test_paths_not_in_the_commit_are_flagged(path: str) -> None:
    assert unverified_in(f"See `{path}`.") == (path,)


def test_a_path_in_prose_is_checked_too() -> None:
    assert unverified_in("The kernel moved to python/sglang/srt/layers/moe/fused_moe.py.") == (
        "python/sglang/srt/layers/moe/fused_moe.py",
    )


# --- identifiers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "`use_fp8_w8a8` is gone.",  # a removed line
        "`num_experts` is unchanged.",  # a context line
        "`.use_mxfp8` is set in `__init__`.",
        "`FusedMoE.__init__()` takes it.",  # a hunk header, and the last part of a dotted name
        "`is_sm100_supported()` guards it.",
        "`torch.nn.Module` subclasses change.",
        "`triton.tools.TensorDescriptor` is imported.",
        '`self.quantization == "mxfp8"` selects it.',
        "`server_args` decides.",  # a touched file's name
        "Co-authored by kk, as the message says: MoriKVManager.",
        "`SGLANG_MORI_QP_PER_TRANSFER` tunes it.",
        "新增 `use_mxfp8=True` 开关。",
    ],
)
def test_identifiers_in_the_commit_are_verified(text: str) -> None:
    assert unverified_in(text) == ()


def test_an_identifier_from_a_signal_is_verified() -> None:
    signal = Signal(SignalKind.ENV_VAR, "SGLANG_ENABLE_MXFP8", SignalAction.ADDED, path="README.md")

    assert unverified_in("`SGLANG_ENABLE_MXFP8` turns it on.", (signal,)) == ()
    assert unverified_in("`SGLANG_ENABLE_MXFP8` turns it on.") == ("SGLANG_ENABLE_MXFP8",)


@pytest.mark.parametrize(
    ("text", "invented"),
    [
        ("Factor the branches into `Mxfp8Mixin`.", "Mxfp8Mixin"),
        ("Factor the branches into Mxfp8Mixin.", "Mxfp8Mixin"),
        ("`FusedMoE.apply_mxfp8()` does the work.", "FusedMoE.apply_mxfp8()"),
        ("The flag use_fp8_w8a16 is removed.", "use_fp8_w8a16"),
        ("Set SGLANG_MXFP8_FORCE=1.", "SGLANG_MXFP8_FORCE"),
        ("`USE_MXFP8` is read.", "USE_MXFP8"),  # identifiers are case-sensitive
        ("Calls moe_utils.upscale_mxfp8 first.", "moe_utils.upscale_mxfp8"),
    ],
)
def test_invented_identifiers_are_flagged(text: str, invented: str) -> None:
    assert unverified_in(text) == (invented,)


# --- options, globs, shorthands, literals ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["`--moe-runner-backend`", "`--moe-runner-backend=cutlass`", "use --moe-runner-backend."]
)
def test_an_option_in_the_patch_is_verified(text: str) -> None:
    assert unverified_in(text) == ()


def test_an_option_is_matched_whole_and_may_come_from_a_signal() -> None:
    signal = Signal(SignalKind.CLI_OPTION, "--fallback-to-mooncake", SignalAction.ADDED)

    assert unverified_in("`--moe-runner` or `--fallback-to-mooncake`") == (
        "--moe-runner",
        "--fallback-to-mooncake",
    )
    assert unverified_in("`--fallback-to-mooncake`", (signal,)) == ()


@pytest.mark.parametrize(
    "text",
    [
        "`SGLANG_MORI_*`",
        "`CommonKV*`",
        "`MoriKVManager/Sender/Receiver`",  # alternatives, abbreviated
        "`try/except`",
        "`x-smg-routing-key`",
    ],
)
def test_globs_shorthands_and_literals_in_the_commit_are_verified(text: str) -> None:
    assert unverified_in(text) == ()


@pytest.mark.parametrize("name", ["SGLANG_NIXL_*", "MoriKVManager/Cleaner", "x-smg-tenant-key"])
def test_globs_shorthands_and_literals_not_in_the_commit_are_flagged(name: str) -> None:
    assert unverified_in(f"`{name}`") == (name,)


# --- what is not a name --------------------------------------------------------------------------------


def test_versions_acronyms_urls_and_plain_words_are_not_names() -> None:
    text = (
        "Bumps torch from 2.9.0 to 2.9.1 (v0.5.2, Qwen2.5-VL, DeepSeek-V3) for CUDA, ROCm, GPU, CI, API, "
        "JSON, FP8, MoE and NPU users, e.g. on H100 GPUs, i.e. SM90; 1.5–2× faster. See "
        "https://github.com/sgl-project/sglang/pull/17449 or github.com/sgl-project/sglang, built on "
        "x86_64 with PyTorch and SGLang. Commit cbf90d7 follows."
    )
    backticked = "`2.9.1`, `v0.5.2`, `CUDA`, `ROCm`, `MoE`, `cbf90d7`, `-`, `https://example.com/a_b.py`"
    analysis = analysis_of(text, backticked)

    # The request-logger commit mentions none of these words, so only the rules can keep them unflagged.
    assert find_unverified(analysis, REQUEST_LOGGER_COMMIT) == ()


def test_a_command_between_backticks_is_checked_by_its_code_like_words() -> None:
    assert unverified_in("`git clone https://github.com/ROCm/mori.git && make install`") == ()
    assert unverified_in("`python -m sglang.launch_server --moe-runner-backend cutlass`") == (
        "sglang.launch_server",
    )


def test_names_in_chinese_text_are_read_without_the_punctuation_around_them() -> None:
    summary = (
        "新增 MoriKVManager（位于 conn.py），并读取 SGLANG_MORI_QP_PER_TRANSFER：默认 1；"
        "另见 MoriKVCleaner，用于回收。在`server_args.py`中新增`--moe-runner-backend`参数，"
        "并引入「TensorDescriptor」与“is_sm100_supported”检查、MoriKVPool。"
    )

    assert unverified_in(summary) == ("MoriKVCleaner", "MoriKVPool")


def test_unverified_names_come_once_each_in_reading_order() -> None:
    analysis = analysis_of(
        "Adds `Mxfp8Mixin` and `FusedMoE`.",
        impact=["`sglang/srt/layers/moe/fused_moe.py`", "`Mxfp8Mixin` again"],
        insights=Insights(
            architecture="`FakeRegistry` holds configs.",
            performance="unknown",
            security="no change",
            maintainability="`Mxfp8Mixin` dedupes branches.",
        ),
        risks=["`--mxfp8-strict` may reject old checkpoints."],
        recommendations=["Test `use_mxfp8=False` and `apply_scales_ue8m0`."],
        suggested_level_reason="touches `ue8m0_scale_layout`",
    )

    assert find_unverified(analysis, MOE_COMMIT) == (
        "Mxfp8Mixin",
        "sglang/srt/layers/moe/fused_moe.py",
        "FakeRegistry",
        "--mxfp8-strict",
        "apply_scales_ue8m0",
        "ue8m0_scale_layout",
    )


# --- fully grounded analyses -------------------------------------------------------------------------


def test_a_grounded_chinese_analysis_has_nothing_unverified() -> None:
    analysis = Analysis(
        change_types=[ChangeType.FEATURE],
        summary=[
            "本次提交在 SGLang 中引入了 `SGLANG_LOG_REQUEST_HEADERS` 环境变量，"
            "用于在开启 `--log-requests` 时额外记录用户自定义的 HTTP 请求头。"
            "实现方式是将默认白名单 `x-smg-routing-key` 与环境变量指定的头列表合并，并在日志中统一输出。"
        ],
        impact=[
            "`python/sglang/srt/environ.py`（环境变量定义）",
            "`python/sglang/srt/utils/request_logger.py`（日志白名单逻辑）",
            "`docs/references/environment_variables.md`（文档）",
            "`test/registered/utils/test_request_logger.py`（新增测试）",
        ],
        insights=Insights(
            architecture="仅在 `request_logger` 模块内部使用新变量；`Envs` 类统一管理环境变量，新增的 "
            "`EnvTuple` 类型确保解析时始终返回不可变的 `tuple`。",
            performance="每次记录请求日志时遍历 `WHITELISTED_HEADERS`（默认 1 条），开销可忽略。",
            security="默认仍只记录 `x-smg-routing-key`；自定义头可能把敏感信息写入日志。",
            maintainability="新增测试 test_request_logger.py，覆盖自定义请求头。",
        ),
        risks=["代码中使用 `h.lower()` 归一化，查询日志时需统一使用小写键。"],
        recommendations=["在文档中提醒：不要把敏感头部加入 SGLANG_LOG_REQUEST_HEADERS。"],
    )

    assert find_unverified(analysis, REQUEST_LOGGER_COMMIT) == ()


def test_a_grounded_english_analysis_has_nothing_unverified() -> None:
    analysis = Analysis(
        change_types=[ChangeType.FEATURE, ChangeType.PERF],
        summary=[
            "FusedMoE gains a use_mxfp8 switch (python/sglang/srt/layers/moe/fused_moe_triton/layer.py), "
            "replacing use_fp8_w8a8.",
            "When is_sm100_supported() and the quantization is mxfp8, --moe-runner-backend is forced to "
            "`cutlass`.",
        ],
        impact=["`sglang/srt/layers/quantization/*` (fp8_utils.py, renamed from fp8_helpers.py)"],
        insights=Insights(
            architecture="MoriKVManager/Sender/Receiver extend the `CommonKV*` classes.",
            performance="Block-scaled GEMMs on SM100 GPUs, e.g. B200; unknown elsewhere.",
            security="No new inputs beyond `SGLANG_MORI_QP_PER_TRANSFER`.",
            maintainability="`TensorDescriptor` couples fp8_utils to Triton 3.x.",
        ),
        risks=["Old configs passing `--moe-runner-backend=triton` on MXFP8 checkpoints now get `cutlass`."],
        recommendations=["Pin Triton; re-run MoE benchmarks on H100 and B200."],
    )

    assert find_unverified(analysis, MOE_COMMIT) == ()


# --- strip -----------------------------------------------------------------------------------------------


def test_strip_removes_only_what_names_unverified_things() -> None:
    analysis = Analysis(
        change_types=[ChangeType.FEATURE],
        summary=[
            "为 MoE 层加入 `use_mxfp8` 开关。分支由 `Mxfp8Mixin` 统一处理。",
            "`--moe-runner-backend` 在 SM100 上自动切换为 `cutlass`。",
        ],
        impact=[
            "`python/sglang/srt/layers/moe/fused_moe_triton/layer.py`（MoE forward）",
            "`python/sglang/srt/layers/moe/fused_moe.py`（kernel）",
        ],
        insights=Insights(
            architecture="可将 `use_mxfp8` 相关分支抽象为 **`Mxfp8Mixin`**，统一处理 scale。",
            performance="`Mxfp8Mixin`",
            security="（`FakeGuard`、`is_sm100_supported()`）检查设备。",
            maintainability="unknown",
        ),
        risks=[
            "1. Checkpoints fail.\n2. `Mxfp8Mixin` hides `FakeGuard`.\n3. Old GPUs error out.",
            "Track https://github.com/sgl-project/sglang/issues?q=mxfp8 for `FakeGuard` reports.",
        ],
        recommendations=["Adopt `Mxfp8Mixin`."],
        suggested_level_reason="adds `FakeGuard` and a CLI default",
    )
    unverified = find_unverified(analysis, MOE_COMMIT)

    stripped = strip_unverified(analysis, unverified)

    assert unverified == ("Mxfp8Mixin", "python/sglang/srt/layers/moe/fused_moe.py", "FakeGuard")
    assert stripped.summary == [
        "为 MoE 层加入 `use_mxfp8` 开关。",
        "`--moe-runner-backend` 在 SM100 上自动切换为 `cutlass`。",
    ]
    assert stripped.impact == ["`python/sglang/srt/layers/moe/fused_moe_triton/layer.py`（MoE forward）"]
    assert stripped.insights == Insights(
        architecture="可将 `use_mxfp8` 相关分支抽象为，统一处理 scale。",
        performance=NEUTRAL_PHRASE["en"],
        security="（`is_sm100_supported()`）检查设备。",
        maintainability="unknown",
    )
    assert stripped.risks == ["1. Checkpoints fail.\n3. Old GPUs error out."]
    assert stripped.recommendations == []
    assert stripped.suggested_level_reason == "adds and a CLI default"
    assert find_unverified(stripped, MOE_COMMIT) == ()
    assert analysis.summary[0].endswith("`Mxfp8Mixin` 统一处理。")  # the input is left as it was


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "Adds `Mxfp8Mixin` to share the scale handling.",
            f"Adds {NEUTRAL_PHRASE['en']} to share the scale handling.",
        ),
        ("新增 **`Mxfp8Mixin`** 统一 scale 处理。", f"新增 {NEUTRAL_PHRASE['zh']} 统一 scale 处理。"),
    ],
)
def test_strip_keeps_one_summary_item_when_every_item_names_something_unverified(
    summary: str, expected: str
) -> None:
    analysis = analysis_of(summary, "Mxfp8Mixin wraps FakeGuard.")

    stripped = strip_unverified(analysis, find_unverified(analysis, MOE_COMMIT))

    assert stripped.summary == [expected]
    assert Analysis.model_validate(stripped.model_dump()) == stripped


def test_strip_with_nothing_unverified_returns_an_equal_copy() -> None:
    analysis = analysis_of("Adds `use_mxfp8`.", risks=["`FusedMoE` changes."])

    stripped = strip_unverified(analysis, ())

    assert stripped == analysis
    assert stripped is not analysis
