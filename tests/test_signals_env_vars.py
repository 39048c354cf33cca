"""Environment-variable signals from code, scripts and Dockerfiles, with their near-misses."""

from __future__ import annotations

from changeradar.model import SignalAction, SignalKind
from changeradar.signals import SignalContext
from changeradar.signals.env_vars import EnvTrait, extract
from diffs import make_commit, make_file

ADDED, REMOVED = SignalAction.ADDED, SignalAction.REMOVED


def env_signals(*files) -> list[tuple]:
    signals = list(extract(make_commit("Add knobs", files), SignalContext()))
    assert all(signal.kind is SignalKind.ENV_VAR for signal in signals)
    return [(signal.name, signal.action, signal.path, signal.line) for signal in signals]


def test_sglang_registry_fields_added_and_removed_but_not_enum_members():
    patch = """\
    @@ -150,12 +150,14 @@ class ToolStrictLevel(IntEnum):
         OFF = 0
    -    FUNCTION = 1
    +    FUNCTION = 3
         PARAMETER = 2


     class Envs:
         # Logging
         SGLANG_LOG_GC = EnvBool(False)
    -    SGLANG_LOG_FORWARD_ITERS = EnvBool(False)
    +    SGLANG_LOG_REQUEST_HEADERS = EnvTuple(tuple())
    +    SGLANG_MORI_NUM_MAX_DISPATCH_TOKENS_PER_RANK: EnvInt = EnvInt(4096)
         SGLANG_LOG_MS = EnvBool(False)
    +    SGLANG_ROLE_NAMESPACES = EnvStr("OFF")
    +
    +
    +ENV = EnvRegistry()
    """
    assert env_signals(make_file("python/sglang/srt/environ.py", patch)) == [
        ("SGLANG_LOG_REQUEST_HEADERS", ADDED, "python/sglang/srt/environ.py", 158),
        ("SGLANG_MORI_NUM_MAX_DISPATCH_TOKENS_PER_RANK", ADDED, "python/sglang/srt/environ.py", 159),
        ("SGLANG_ROLE_NAMESPACES", ADDED, "python/sglang/srt/environ.py", 161),
        ("SGLANG_LOG_FORWARD_ITERS", REMOVED, "python/sglang/srt/environ.py", 158),
    ]


def test_python_reads_through_os_environ_getenv_and_env_helpers():
    patch = """\
    @@ -40,6 +40,11 @@ logger = logging.getLogger(__name__)
     def _init_mori_backend(self):
    -    timeout = int(os.environ.get("MORI_TIMEOUT", "30"))
    +    timeout = int(os.environ.get("SGLANG_MORI_TIMEOUT", "30"))
    +    os.environ.setdefault("MORI_SHMEM_MODE", "isolation")
    +    if "NCCL_DEBUG" in os.environ:
    +        level = os.getenv("NCCL_DEBUG_SUBSYS")
    +    use_fp8 = get_bool_env_var("SGLANG_MORI_FP8_DISP")
    +    cache = os.environ["http_proxy"]
         DEFAULT_TIMEOUT = 30
    """
    names = [
        (name, action) for name, action, _, _ in env_signals(make_file("python/sglang/srt/mori.py", patch))
    ]
    assert names == [
        ("SGLANG_MORI_TIMEOUT", ADDED),
        ("MORI_SHMEM_MODE", ADDED),
        ("NCCL_DEBUG", ADDED),
        ("NCCL_DEBUG_SUBSYS", ADDED),
        ("SGLANG_MORI_FP8_DISP", ADDED),
        ("http_proxy", ADDED),
        ("MORI_TIMEOUT", REMOVED),
    ]


def test_python_near_misses_are_not_environment_variables():
    patch = """\
    @@ -1,3 +1,6 @@
     import os
    +DEFAULT_MAX_TOKENS = 4096
    +mode = resolve_env_mode(config)
    +label = format_envelope("DRAFT")  # a helper whose name merely contains "env"
    """
    assert env_signals(make_file("python/sglang/srt/utils/common.py", patch)) == []


def test_a_read_moved_within_its_file_is_neither_added_nor_removed():
    patch = """\
    @@ -10,4 +10,4 @@ def main():
    -    port = os.getenv("SGLANG_PORT")
         host = "0.0.0.0"
    +    port = os.getenv("SGLANG_PORT")
         serve(host, port)
    """
    assert env_signals(make_file("python/sglang/launch_server.py", patch)) == []


def test_go_and_rust_reads():
    go_patch = """\
    @@ -20,3 +20,4 @@ func loadConfig() Config {
     \tcfg := Config{}
    +\tif token, ok := os.LookupEnv("SGL_ROUTER_API_KEY"); ok {
    -\tcfg.Host = os.Getenv("ROUTER_HOST")
    """
    rust_patch = """\
    @@ -5,2 +5,4 @@ use std::env;
     fn workers() -> usize {
    +    let version = option_env!("SMG_BUILD_VERSION");
    +    env::var("SMG_WORKER_THREADS").ok().and_then(|v| v.parse().ok()).unwrap_or(4)
    """
    assert env_signals(make_file("router/config.go", go_patch), make_file("src/config.rs", rust_patch)) == [
        ("SGL_ROUTER_API_KEY", ADDED, "router/config.go", 21),
        ("ROUTER_HOST", REMOVED, "router/config.go", 21),
        ("SMG_BUILD_VERSION", ADDED, "src/config.rs", 6),
        ("SMG_WORKER_THREADS", ADDED, "src/config.rs", 7),
    ]


def test_a_product_script_reads_inherited_variables_but_not_its_own_or_the_system_s():
    patch = """\
    @@ -1,4 +1,12 @@
     #!/bin/bash
    +export SGLANG_NPU_USE_MLAPO=1
    +SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    +PORT="${SERVER_PORT:-30000}"
    +MODEL_PATH="${MODEL_PATH:-/models/default}"
    +echo "running on $HOSTNAME in $SCRIPT_DIR with ${ASCEND_HOME_PATH:-/usr/local/Ascend} $MODEL_PATH"
    +[ -n "$DEBUG" ] && set -x
    +# echo "${SGLANG_OLD_FLAG}"
    +PATH="$PATH:$SCRIPT_DIR/bin" CC=gcc python3 -m sglang.launch_server --port $PORT
    """
    assert [name for name, *_ in env_signals(make_file("docker/npu_entrypoint.sh", patch))] == [
        "SERVER_PORT",
        "MODEL_PATH",
        "ASCEND_HOME_PATH",
    ]


def test_test_ci_and_dev_scripts_have_no_environment_interface():
    patch = """\
    @@ -1,2 +1,4 @@
     #!/bin/bash
    +echo "${SGLANG_CI_TOKEN} ${PASS_COUNT_TOTAL}"
    +export HF_HUB_CACHE_DIR=/cache
    """
    paths = ("scripts/ci/npu_ci_install.sh", "benchmark/run_bench.sh", "test/run_suite.sh")
    assert env_signals(*(make_file(path, patch) for path in paths)) == []


def test_dockerfile_env_pairs_continuations_and_legacy_form_but_not_build_arguments():
    """An image's `ENV` configures its own tools more often than it offers users anything: internal
    unless the message or the docs name it. An `ARG` (a pin such as `MORI_COMMIT`) is no variable."""
    patch = """\
    @@ -10,7 +10,11 @@ FROM nvidia/cuda:${CUDA_VERSION}-cudnn-devel-ubuntu22.04
     ARG BUILD_TYPE=all
    +ARG MORI_COMMIT=2f8a6c1
     ENV DEBIAN_FRONTEND=noninteractive \\
         CUDA_HOME=/usr/local/cuda \\
    +    NVSHMEM_DIR=/sgl-workspace/nvshmem/install \\
         GDRCOPY_HOME=/usr/src/gdrdrv-2.4.4/
    +ENV PYTHONUNBUFFERED 1
    +ENV SGLANG_PORT=30000
     RUN apt-get update && apt-get install -y \\
    +    LIBRARY_FLAG=ignored-by-design \\
         git
    """
    commit = make_commit("Pin MORI; the image serves on SGLANG_PORT", [make_file("docker/Dockerfile", patch)])
    found = [(s.name, s.line, s.traits) for s in extract(commit, SignalContext())]
    assert found == [("NVSHMEM_DIR", 14, ("internal",)), ("SGLANG_PORT", 17, ())]


def test_build_arguments_are_no_environment_variables():
    patch = """\
    @@ -1,3 +1,6 @@
     FROM golang:1.26 AS builder
    +ARG TARGETOS
    +ARG TARGETARCH
    +ARG GIT_TAG=dev
     WORKDIR /workspace
    """
    assert env_signals(make_file("Dockerfile", patch)) == []


def test_docs_tests_and_unknown_files_are_not_sources():
    patch = """\
    @@ -1,1 +1,2 @@
     intro
    +| `SGLANG_ENABLE_MORI` | os.getenv("SGLANG_ENABLE_MORI") |
    """
    files = [
        make_file("docs/references/environment_variables.md", patch),
        make_file("test/srt/test_mori.py", patch),
        make_file(".github/workflows/pr-test.yml", patch),
    ]
    assert env_signals(*files) == []


def traits_of(*files) -> dict[str, tuple[str, ...]]:
    commit = make_commit("Add knobs", files)
    return {signal.name: signal.traits for signal in extract(commit, SignalContext())}


READS_A_KNOB = """\
@@ -10,1 +10,3 @@ def warmup(self):
 steps = 1
+base = int(os.getenv("SEQ_LEN_EXPONENT_BASE", "2"))
+rank = int(os.getenv("LOCAL_RANK", "0"))
"""


def test_a_distributed_runtime_variable_is_not_the_products():
    names = traits_of(make_file("backends/gaudi/server/models/causal_lm.py", READS_A_KNOB))
    assert "LOCAL_RANK" not in names and "SEQ_LEN_EXPONENT_BASE" in names


def test_an_accelerator_runtime_s_or_a_toolchain_s_variable_is_not_the_products():
    """text-generation-inference's 83634dc read Intel's device mask, as others read CUDA's."""
    patch = """\
@@ -1,1 +1,4 @@
 import os
+devices = os.getenv("ZE_AFFINITY_MASK", "0")
+home = os.environ.get("CUDA_HOME")
+debug = os.environ.get("TGI_XPU_DEBUG")
"""
    assert list(traits_of(make_file("server/text_generation_server/utils/dist.py", patch))) == [
        "TGI_XPU_DEBUG"
    ]


def test_a_variable_read_deep_in_the_code_is_internal_unless_declared_or_documented():
    internal = traits_of(make_file("backends/gaudi/server/models/causal_lm.py", READS_A_KNOB))
    assert internal["SEQ_LEN_EXPONENT_BASE"] == (EnvTrait.INTERNAL,)
    for settings_file in ("python/minisgl/env.py", "backends/neuron/server/tgi_env.py", "cmd/serve.py"):
        assert traits_of(make_file(settings_file, READS_A_KNOB))["SEQ_LEN_EXPONENT_BASE"] == ()
    documented = traits_of(
        make_file("backends/gaudi/server/models/causal_lm.py", READS_A_KNOB),
        make_file("docs/reference/gaudi.md", "@@ -1,1 +1,2 @@\n intro\n+Set `SEQ_LEN_EXPONENT_BASE` to …\n"),
    )
    assert documented["SEQ_LEN_EXPONENT_BASE"] == ()
    announced = make_commit(
        "Exponential warmup buckets",
        [make_file("backends/gaudi/server/models/causal_lm.py", READS_A_KNOB)],
        body="Set SEQ_LEN_EXPONENT_BASE to change the growth of the buckets.",
    )
    [signal] = extract(announced, SignalContext())
    assert (signal.name, signal.traits) == ("SEQ_LEN_EXPONENT_BASE", ())


MINISGL_ENV = """\
@@ -48,10 +48,11 @@ def _PARSE_MEM_BYTES(mem: str) -> int:
 MINISGL_ENV_PREFIX = "MINISGL_"
 EnvInt = partial(EnvVar[int], fn=int)


 class EnvClassSingleton:
     SHELL_MAX_TOKENS = EnvInt(2048)
-    SHELL_TOP_K = EnvInt(-1)
+    SHELL_TOP_P = EnvFloat(1.0)
+    MINISGL_DEBUG = EnvBool(False)
+    PREFIX_CACHE = os.environ.get("PREFIX_CACHE_DIR")

     def __init__(self) -> None:
         for attr_name in dir(self):
             getattr(self, attr_name)._init(f"{MINISGL_ENV_PREFIX}{attr_name}")
"""


def test_a_registry_that_prefixes_its_entries_at_run_time_names_them_as_users_set_them():
    # The entries gain the prefix (unless they hold it already); a variable read by name stays as it is.
    assert env_signals(make_file("python/minisgl/env.py", MINISGL_ENV)) == [
        ("MINISGL_SHELL_TOP_P", ADDED, "python/minisgl/env.py", 54),
        ("MINISGL_DEBUG", ADDED, "python/minisgl/env.py", 55),
        ("PREFIX_CACHE_DIR", ADDED, "python/minisgl/env.py", 56),
        ("MINISGL_SHELL_TOP_K", REMOVED, "python/minisgl/env.py", 54),
    ]


def test_a_prefix_constant_that_builds_no_name_leaves_the_entries_as_they_are():
    patch = MINISGL_ENV.replace('f"{MINISGL_ENV_PREFIX}{attr_name}"', "attr_name")
    assert [name for name, *_ in env_signals(make_file("python/minisgl/env.py", patch))] == [
        "SHELL_TOP_P",
        "MINISGL_DEBUG",
        "PREFIX_CACHE_DIR",
        "SHELL_TOP_K",
    ]
