import pytest

from changeradar.model import SignalAction, SignalKind
from changeradar.signals import SignalContext
from changeradar.signals.security import extract
from diffs import make_commit, make_file

# Secret-shaped test values are assembled at run time, so that no scanner mistakes this file for a leak.
GITHUB_TOKEN = "ghp_" + "A1b2C3d4E5" * 4
API_KEY = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8t"
AWS_KEY_ID = "AKIA" + "Q2W3E4R5T6Y7U8I9"
SLACK_TOKEN = "xoxb-" + "1234567890-AbCdEfGhIj"
KEY_BODY = "MIIEpAIBAAKCAQEA" + "7x9Q" * 12


def added(*lines, start=41):
    """A hunk adding `lines` after one context line, the first added line being number `start`."""
    body = "\n".join("+" + line for line in lines)
    return f"@@ -{start - 1},1 +{start - 1},{len(lines) + 1} @@\n context\n{body}\n"


def findings(path, *lines):
    commit = make_commit("Add things", [make_file(path, added(*lines))])
    return [(signal.name, signal.line) for signal in extract(commit, SignalContext())]


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        (
            "python/sglang/srt/utils/common.py",
            "subprocess.run(cmd, shell=True, check=True)",
            "subprocess-shell",
        ),
        (
            "python/sglang/srt/utils/common.py",
            "    proc = await asyncio.create_subprocess_shell(cmd)",
            "subprocess-shell",
        ),
        ("python/sglang/srt/utils/common.py", 'os.system(f"nvidia-smi -i {gpu}")', "os-system"),
        ("python/sglang/srt/utils/common.py", "out = os.popen('rocm-smi').read()", "os-system"),
        ("python/sglang/srt/function_call/utils.py", "    args = eval(call_str)", "eval"),
        ("python/sglang/srt/function_call/utils.py", "exec(compile(source, path, 'exec'))", "eval"),
        ("python/sglang/srt/mem_cache/storage.py", "    obj = pickle.loads(payload)", "pickle-load"),
        (
            "python/sglang/srt/model_loader/loader.py",
            'state = torch.load(path, map_location="cpu")',
            "torch-load",
        ),
        ("python/sglang/srt/configs/load.py", "cfg = yaml.load(f)", "yaml-load"),
        ("python/sglang/srt/configs/load.py", "cfg = yaml.load(f, Loader=yaml.FullLoader)", "yaml-load"),
        ("python/sglang/srt/distributed/pynccl.py", "    lib = ctypes.CDLL(so_file)", "ctypes"),
        ("python/sglang/srt/distributed/pynccl.py", "ctypes.memmove(dst, src, size)", "ctypes"),
        ("python/sglang/srt/distributed/pynccl.py", "from ctypes import CDLL, c_int", "ctypes"),
        ("python/sglang/srt/distributed/shm.py", "arr = (c_char * n).from_address(ptr)", "ctypes"),
        ("docker/Dockerfile", "RUN curl -LsSf https://astral.sh/uv/install.sh | sh", "curl-pipe-shell"),
        (
            "scripts/ci/install.sh",
            "wget -qO- https://sh.rustup.rs | sudo -E bash -s -- -y",
            "curl-pipe-shell",
        ),
        (
            "docker/npu.Dockerfile",
            "    && git clone --depth 1 https://github.com/vllm-project/vllm.git \\",
            "dockerfile-git-clone",
        ),
        ("docker/Dockerfile", "RUN chmod -R 777 /sgl-workspace", "chmod-777"),
        ("python/sglang/srt/utils/common.py", "os.chmod(socket_path, 0o777)", "chmod-777"),
        (
            "python/sglang/srt/connector/remote.py",
            "resp = requests.get(url, timeout=5, verify=False)",
            "tls-verify-disabled",
        ),
        ("python/sglang/srt/connector/remote.py", "        verify=False,", "tls-verify-disabled"),
        ("tests/fixtures/server.key", f'KEY = "-----BEGIN RSA PRIVATE KEY-----\\n{KEY_BODY}', "private-key"),
        ("docs/references/setup.md", f"-----BEGIN OPENSSH PRIVATE KEY----- {KEY_BODY}", "private-key"),
        ("python/sglang/srt/utils/hf.py", f"# token = '{GITHUB_TOKEN}'", "github-token"),
        ("benchmark/bench_serving.py", f'API_KEY = "{API_KEY}"', "api-key"),
        (".github/workflows/nightly.yml", f"  AWS_ACCESS_KEY_ID: {AWS_KEY_ID}", "aws-access-key"),
        ("scripts/notify.py", f'SLACK = "{SLACK_TOKEN}"', "slack-token"),
    ],
)
def test_risky_added_lines_are_found_with_their_line(path, line, rule):
    assert findings(path, line) == [(rule, 41)]


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("python/sglang/srt/utils/common.py", "subprocess.run(cmd, shell=False)"),
        ("python/sglang/srt/utils/common.py", "    use_shell = self.shell_mode"),
        ("python/sglang/srt/model_executor/model_runner.py", "        self.model.eval()"),
        ("python/sglang/srt/function_call/utils.py", "    value = ast.literal_eval(text)"),
        ("python/sglang/srt/function_call/utils.py", "    def eval(self, batch):"),
        ("python/sglang/srt/function_call/utils.py", "    # eval(x) would run arbitrary code here"),
        ("python/sglang/srt/function_call/utils.py", "    evaluate(args)"),
        ("python/sglang/srt/model_loader/loader.py", "state = torch.load(path, weights_only=True)"),
        ("python/sglang/srt/configs/load.py", "cfg = yaml.safe_load(f)"),
        ("python/sglang/srt/configs/load.py", "cfg = yaml.load(f, Loader=yaml.SafeLoader)"),
        ("python/sglang/srt/configs/load.py", "cfg = yaml.load(f, Loader=CSafeLoader)"),
        ("python/sglang/srt/utils/common.py", "# uses ctypes.CDLL under the hood"),
        ("python/sglang/srt/distributed/pynccl.py", "import ctypes"),
        ("flashinfer/fused_moe/utils.py", "    return ctypes.c_float(1.0 / beta_f32).value"),
        ("docker/Dockerfile", "RUN curl -fsSL -o /tmp/get-pip.py https://bootstrap.pypa.io/get-pip.py"),
        ("scripts/ci/install.sh", "curl -s https://api.github.com/repos/x/y/releases | jq .tag_name"),
        ("docs/get_started/install.md", "curl -LsSf https://astral.sh/uv/install.sh | sh"),
        ("scripts/ci/install.sh", "git clone https://github.com/sgl-project/sglang.git"),
        ("docker/Dockerfile", "# RUN git clone https://github.com/vllm-project/vllm.git"),
        ("docker/Dockerfile", "RUN chmod 755 /usr/local/bin/entrypoint.sh"),
        ("python/sglang/srt/connector/remote.py", "resp = requests.get(url, verify=True)"),
        ("python/sglang/srt/connector/remote.py", "    def fetch(self, url, verify=False):"),
        ("python/sglang/srt/connector/remote.py", "        self.verify = False"),
        ("python/sglang/srt/utils/hf.py", 'API_KEY = "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxx"'),
        ("python/sglang/srt/utils/hf.py", 'task = "task-1234567890abcdefghijklmnop"'),
        ("docs/references/setup.md", "-----BEGIN PUBLIC KEY-----"),
        # A detector's test quoting the header alone (our own 183d2bd): no key block follows it.
        ("tests/test_signals_security.py", 'key = added("-----BEGIN RSA PRIVATE KEY-----")'),
    ],
)
def test_near_misses_are_not_findings(path, line):
    assert findings(path, line) == []


def test_a_call_is_read_over_the_lines_it_spans():
    loader = "python/sglang/srt/model_loader/weight_utils.py"
    assert findings(loader, "state = torch.load(", "    path,", "    weights_only=True,", ")") == []
    assert findings(loader, "state = torch.load(", "    path,", ")", "opts = dict(weights_only=True)") == [
        ("torch-load", 41)
    ]


def test_a_fixed_command_through_a_shell_is_no_finding_but_one_built_from_values_is():
    utils = "backends/gaudi/server/utils/version.py"
    assert findings(utils, "output = subprocess.run(", '    "hl-smi",', "    shell=True,", ")") == []
    assert findings(utils, "proc = await asyncio.create_subprocess_shell('nvidia-smi -L')") == []
    assert findings(
        utils, "output = subprocess.run(", '    f"hl-smi -i {device}",', "    shell=True,", ")"
    ) == [("subprocess-shell", 43)]
    assert findings(utils, 'subprocess.run("py-spy dump --pid " + pid, shell=True)') == [
        ("subprocess-shell", 41)
    ]


def test_a_finding_the_removed_lines_already_held_moved_or_was_reformatted():
    reformatted = make_file(
        "python/sgl_jax/srt/utils/common_utils.py",
        "@@ -9,3 +9,1 @@\n-result = subprocess.run(\n-    cmd, shell=True, check=True\n-)\n"
        "+result = subprocess.run(cmd, shell=True, check=True)\n",
    )
    one_more = make_file(
        "python/sgl_jax/srt/utils/launch.py",
        "@@ -9,1 +9,2 @@\n-subprocess.run(cmd, shell=True)\n+subprocess.run(cmd, shell=True)\n"
        "+subprocess.run(other, shell=True)\n",
    )
    signals = extract(make_commit("Run ruff format", [reformatted, one_more]), SignalContext())
    assert [(signal.name, signal.path) for signal in signals] == [
        ("subprocess-shell", "python/sgl_jax/srt/utils/launch.py")
    ]


def test_one_finding_per_rule_and_file_at_its_first_line_with_a_count():
    commit = make_commit(
        "[MUSA][7/N] Enhance PyNccl wrapper",
        [
            make_file(
                "python/sglang/srt/distributed/device_communicators/pynccl_wrapper.py",
                added(
                    "lib = ctypes.CDLL(path)",
                    "x = 1",
                    "buf = ctypes.c_void_p()",
                    "ctypes.memset(buf, 0, 8)",
                    start=7,
                ),
            )
        ],
    )
    [signal] = extract(commit, SignalContext())
    assert (signal.kind, signal.name, signal.action, signal.line) == (
        SignalKind.SECURITY,
        "ctypes",
        SignalAction.ADDED,
        7,
    )
    assert signal.detail == "ctypes: native library or raw memory (2 lines)"
    assert signal.path == "python/sglang/srt/distributed/device_communicators/pynccl_wrapper.py"


def test_removed_lines_and_generated_files_are_not_read():
    removed = make_file(
        "python/sglang/srt/function_call/utils.py", "@@ -9,2 +9,1 @@\n-args = eval(s)\n x = 1\n"
    )
    generated = make_file("python/sglang/srt/grpc/scheduler_pb2.py", added("exec(_SERIALIZED)"))
    vendored = make_file("sgl-kernel/3rdparty/tools/setup.py", added("os.system('make')"))
    assert (
        list(extract(make_commit("Regenerate stubs", [removed, generated, vendored]), SignalContext())) == []
    )


def test_secrets_never_reach_the_signal():
    secrets = (GITHUB_TOKEN, API_KEY, AWS_KEY_ID, SLACK_TOKEN, KEY_BODY)
    lines = [
        f'GITHUB = "{GITHUB_TOKEN}"',
        f"OPENAI = '{API_KEY}'",
        f"AWS={AWS_KEY_ID}",
        f"SLACK={SLACK_TOKEN}",
    ]
    lines += ["-----BEGIN EC PRIVATE KEY-----", KEY_BODY, "-----END EC PRIVATE KEY-----"]
    commit = make_commit("Add deploy config", [make_file("deploy/settings.env", added(*lines))])
    signals = list(extract(commit, SignalContext()))
    assert [signal.name for signal in signals] == [
        "github-token",
        "api-key",
        "aws-access-key",
        "slack-token",
        "private-key",
    ]
    shown = repr(signals)
    for secret in secrets:
        assert secret[4:12] not in shown


def test_a_secret_is_marked_as_one_and_code_that_runs_a_shell_is_not():
    """A secret matters wherever it is committed (`signals.audience`); a shell call only in the product."""
    key = make_file("tests/fixtures/server.key", added("-----BEGIN RSA PRIVATE KEY-----", KEY_BODY))
    shell = make_file("tests/test_launch.py", added("subprocess.run(cmd, shell=True)"))
    signals = extract(make_commit("Add things", [key, shell]), SignalContext())
    assert [(signal.name, signal.traits) for signal in signals] == [
        ("private-key", ("secret",)),
        ("subprocess-shell", ()),
    ]
