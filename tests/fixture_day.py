"""The canonical test day: 2026-01-29 (Asia/Shanghai) in acme/widget, a small ML model server.

Every commit exercises something collect, signals and the reports must get right. Times are committer
times, +08:00 unless shown; IN/OUT is membership of the day's window [01-29 00:00, 01-30 00:00).

| committed         | subject                                 | exercises                              |
| ----------------- | --------------------------------------- | -------------------------------------- |
| 01-29 00:00:00    | Initial commit: widget model server…    | IN at the exact start; root commit;    |
|                   |                                         | submodule added; authored 01-26        |
| 01-28 18:00:00    | docs: add a quickstart to the README    | OUT, before the day. These two ran a   |
| 01-28 23:59:59    | chore: pin the Python version           | clock behind the root's: the window    |
|                   |                                         | goes by committer date, not history    |
| 01-29 09:12:00    | [NPU] support GPTQ quantization on npu  | new module; new CLI option; [TAG]      |
| 01-29 09:40:00    | feat: add custom request header logg…   | new env var; author in -08:00          |
| 01-29 10:05:00    | chore(deps): bump transformers …        | pyproject.toml + requirements.txt      |
| 01-29 10:30:00    | docs: document the quantization back…   | docs only; binary file (PNG)           |
| 01-29 03:00:00Z   | ci: run the test suite on Python 3.12   | CI only; committer offset +00:00       |
| 01-29 11:20:00    | test: cover prompt files with unusual…  | tests only; C-quoted paths (tab,       |
|                   |                                         | double quote, backslash)               |
| 01-29 11:45:00    | Revert "feat: add custom request…"      | "This reverts commit <sha>."; deletion |
| 01-28 20:30:00-08 | refactor!: rename load_model to load_c… | BREAKING CHANGE; public function       |
|                   |                                         | removed; rename with edits; 01-28 in   |
|                   |                                         | its own zone, 01-29 in ours: IN        |
| 01-29 13:15:00    | build: add a Dockerfile for the NPU im… | `git clone`, `curl | sh` in a          |
|                   |                                         | Dockerfile; subprocess shell=True      |
| 01-29 14:00:00    | chore: update the flashinfer submodule… | submodule pointer change               |
| 01-29 14:30:00    | chore: trigger the nightly benchmarks   | empty commit                           |
| 01-29 15:10:00    | fix: read café model configs            | Latin-1 message, no encoding header;   |
|                   |                                         | non-UTF-8 path                         |
| 01-29 16:20:00    | fix: escape `|` and <script> in `rend…  | `|`, `<script>`, backticks in message  |
| 01-29 23:59:59    | chore: regenerate model configs and uv… | IN at the last second; 5,000-line JSON |
|                   |                                         | (patch over 200 kB); uv.lock           |
| 01-30 00:00:00    | perf: cache tokenizer instances         | OUT at the exact end                   |
| 01-30 09:30:00    | docs: add the 0.4.0 changelog           | OUT, after the day                     |
"""

from __future__ import annotations

from pathlib import Path

from gitrepo import GitRepo

FIXTURE_DATE = "2026-01-29"
FIXTURE_TIMEZONE = "Asia/Shanghai"
FIXTURE_ORIGIN = "https://github.com/acme/widget.git"
FIXTURE_DAY_SUBJECTS = (  # newest first, as collect returns them
    "chore: regenerate model configs and uv.lock (#17830)",
    "fix: escape `|` and <script> in `render_table` output (#17825)",
    "fix: read café model configs (#17822)",
    "chore: trigger the nightly benchmarks (#17820)",
    "chore: update the flashinfer submodule to v0.6.2 (#17818)",
    "build: add a Dockerfile for the NPU image (#17815)",
    "refactor!: rename load_model to load_checkpoint (#17810)",
    'Revert "feat: add custom request header logging (#17786)"',
    "test: cover prompt files with unusual names (#17803)",
    "ci: run the test suite on Python 3.12 (#17801)",
    "docs: document the quantization backends (#17795)",
    "chore(deps): bump transformers from 4.57.1 to 4.58.0 (#17790)",
    "feat: add custom request header logging (#17786)",
    "[NPU] support GPTQ quantization on npu (#15203)",
    "Initial commit: widget model server skeleton",
)

ALICE = "Alice Zhang <alice@example.com>"
CHEN = "Chen Wei <chenwei@example.com>"
DANA = "Dana Ruiz <dana.ruiz@example.com>"
JOSE = "José Álvarez <jose@example.com>"
PRIYA = "Priya Natarajan <priya@example.com>"
DEPENDABOT = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"

FLASHINFER_BEFORE = "4f1c3a9e2b7d8c6f5a0e1d2c3b4a59687f1e2d3c"
FLASHINFER_AFTER = "9b2e7d41c0a3f5e6d8b9a0c1e2f3a4b5c6d7e8f9"
CAFE_CONFIG_PATH = "configs/caf\udce9.json"  # the byte 0xE9 (Latin-1 é): not valid UTF-8
UNUSUAL_PROMPT_PATHS = (
    "tests/fixtures/prompts/tab\tseparated.txt",
    'tests/fixtures/prompts/say "hello".txt',
    "tests/fixtures/prompts/back\\slash.txt",
)
GENERATED_CONFIG_LINES = 5_000

_PYPROJECT = """\
[project]
name = "widget"
version = "0.3.0"
requires-python = ">=3.10"
dependencies = [
    "fastapi>=0.115",
    "safetensors>=0.4.5",
    "torch==2.9.1",
    "transformers==4.57.1",
    "uvicorn>=0.32",
]
"""

_REQUIREMENTS = """\
fastapi>=0.115
safetensors>=0.4.5
torch==2.9.1
transformers==4.57.1
uvicorn>=0.32
"""

_SERVER_ARGS = '''\
"""Command-line arguments of the widget server."""

import argparse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="widget-server")
    parser.add_argument("--model-path", required=True, help="Path or Hub id of the model.")
    parser.add_argument("--port", type=int, default=30000)
    parser.add_argument("--tp-size", type=int, default=1, help="Tensor parallel size.")
    parser.add_argument("--quantization", choices=["fp8", "awq", "gptq"], default=None)
    return parser
'''

_SERVER = '''\
"""HTTP entry point of the widget server."""

from widget.model_loader import load_model
from widget.server_args import build_parser


def handle_request(request: dict, headers: dict[str, str]) -> dict:
    return {"text": request.get("prompt", ""), "model": request.get("model")}


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    model = load_model(args.model_path, tp_size=args.tp_size)
    print(f"serving {args.model_path} on port {args.port} ({len(model['state'])} tensors)")
'''

_MODEL_LOADER = '''\
"""Loading model weights from a local folder."""

from pathlib import Path

from safetensors.torch import load_file

SUPPORTED_SUFFIXES = (".safetensors",)


def resolve_weights(model_path: str) -> list[Path]:
    """Weight files of the model, in a stable order."""
    folder = Path(model_path)
    return sorted(path for path in folder.iterdir() if path.suffix in SUPPORTED_SUFFIXES)


def load_model(model_path: str, tp_size: int = 1) -> dict:
    """Weights of every shard, merged into one state dict."""
    state = {}
    for path in resolve_weights(model_path):
        state.update(load_file(path))
    return {"state": state, "tp_size": tp_size}
'''

_REGISTRY = '''\
"""Model configurations known to the server, by name."""

import json
from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"


def load_config(name: str) -> dict:
    return json.loads((CONFIG_DIR / f"{name}.json").read_text())
'''

_RENDER = '''\
"""Markdown tables for the admin page."""


def render_table(rows: list[list[str]]) -> str:
    return "\\n".join("| " + " | ".join(row) + " |" for row in rows)
'''

_CI_WORKFLOW = """\
name: CI
on:
  pull_request:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python-version: ["3.11"]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: ${{ matrix.python-version }}
      - run: pip install -e ".[test]"
      - run: pytest -q
"""

_README = """\
# widget

A small model server for transformer language models.
"""

_GITMODULES = """\
[submodule "third_party/flashinfer"]
\tpath = third_party/flashinfer
\turl = https://github.com/flashinfer-ai/flashinfer.git
"""

_GPTQ_NPU = '''\
"""GPTQ-quantized linear layers on Ascend NPUs."""

import torch

try:
    import torch_npu
except ImportError:  # importable on machines without an NPU
    torch_npu = None


class GPTQNpuLinearMethod:
    """Runs GPTQ int4 matmuls through the NPU's weight-quantized batch matmul kernel."""

    def __init__(self, bits: int = 4, group_size: int = 128) -> None:
        if bits != 4:
            raise ValueError(f"GPTQ on NPU supports 4-bit weights only, got {bits}")
        self.bits = bits
        self.group_size = group_size

    def apply(self, x: torch.Tensor, qweight: torch.Tensor, scales: torch.Tensor) -> torch.Tensor:
        if torch_npu is None:
            raise RuntimeError("torch_npu is required for GPTQ on NPU")
        return torch_npu.npu_weight_quant_batchmatmul(x, qweight, antiquant_scale=scales)
'''

_HEADER_LOGGING = '''\
"""Log selected request headers, when the operator asks for it."""

import logging
import os

logger = logging.getLogger(__name__)


def logged_header_names() -> list[str]:
    """Header names listed in WIDGET_LOG_REQUEST_HEADERS (comma-separated); none by default."""
    names = os.environ.get("WIDGET_LOG_REQUEST_HEADERS", "")
    return [name.strip().lower() for name in names.split(",") if name.strip()]


def log_request_headers(headers: dict[str, str]) -> None:
    for name in logged_header_names():
        if name in headers:
            logger.info("request header %s: %s", name, headers[name])
'''

_QUANTIZATION_DOC = """\
# Quantization backends

`--quantization` picks the method (fp8, awq, gptq); `--quantization-backend` picks where its kernels run:

- `auto` (default): the best backend for the device found.
- `cuda`: NVIDIA GPUs.
- `npu`: Ascend NPUs, through `torch_npu` (GPTQ int4 only).

![Backends](images/quantization-backends.png)
"""

# A 4×4 RGBA PNG: real image bytes, NULs included, so git sees a binary file.
_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x04\x00\x00\x00\x04\x08\x06\x00\x00\x00\xa9\xf1\x9e~"
    b"\x00\x00\x00\x12IDATx\xdac\x90\xcf\x7f\xfd\x1f\x193\x90.\x00\x00&\xaf'\x81N\xbf\xcd\n"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)

_PROMPT_TEST = '''\
"""Prompt files are read whatever their names."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "prompts"


@pytest.mark.parametrize("name", ["tab\\tseparated.txt", 'say "hello".txt', "back\\\\slash.txt"])
def test_prompt_file_is_read(name):
    assert (FIXTURES / name).read_text().strip()
'''

_DOCKERFILE = """\
FROM ascendai/cann:8.0.0-910b-ubuntu22.04-py3.11
WORKDIR /opt/widget
RUN git clone https://github.com/acme/npu-kernels.git /opt/npu-kernels
RUN curl -fsSL https://get.acme.dev/install.sh | sh
COPY . .
RUN python scripts/build_kernels.py all && pip install --no-cache-dir -e ".[npu]"
CMD ["python", "-m", "widget.server"]
"""

_BUILD_KERNELS = '''\
"""Build the NPU kernels before packaging the image."""

import subprocess
import sys


def build(target: str) -> None:
    command = f"cmake --build /opt/npu-kernels/build --target {target} -j"
    subprocess.run(command, shell=True, check=True)


if __name__ == "__main__":
    build(sys.argv[1] if len(sys.argv) > 1 else "all")
'''

_ESCAPE_CELL = '''\n
def escape_cell(text: str) -> str:
    """Cell text that cannot break the table or inject HTML."""
    return text.replace("|", "\\\\|").replace("<", "&lt;").replace(">", "&gt;")
'''

_LOCKED_PACKAGES = (
    ("fastapi", "0.128.0"),
    ("safetensors", "0.7.0"),
    ("tokenizers", "0.22.2"),
    ("torch", "2.9.1"),
    ("transformers", "4.58.0"),
    ("uvicorn", "0.40.0"),
)


def _generated_model_config() -> str:
    """A JSON config of one line per layer: the kind of file a converter script rewrites wholesale."""
    layers = [
        f'    {{"index": {index}, "attention": "gqa", "kv_heads": 8, "rope_theta": 1000000.0, '
        f'"sliding_window": {4096 if index % 4 else "null"}}}'
        for index in range(GENERATED_CONFIG_LINES - 2)
    ]
    return '{"layers": [\n' + ",\n".join(layers) + "\n]}\n"


def _uv_lock() -> str:
    entries = [
        f'[[package]]\nname = "{name}"\nversion = "{version}"\n'
        'source = { registry = "https://pypi.org/simple" }\n'
        for name, version in _LOCKED_PACKAGES
    ]
    return 'version = 1\nrequires-python = ">=3.10"\n\n' + "\n".join(entries)


def build_fixture_day(root: Path) -> Path:
    """Create the fixture repository under `root` (its work tree is `root / "widget"`) and return it."""
    repo = GitRepo(root / "widget")
    repo.add_remote("origin", FIXTURE_ORIGIN)

    repo.set_submodule("third_party/flashinfer", FLASHINFER_BEFORE)
    repo.commit(
        "Initial commit: widget model server skeleton",
        {
            "README.md": _README,
            "pyproject.toml": _PYPROJECT,
            "requirements.txt": _REQUIREMENTS,
            ".gitmodules": _GITMODULES,
            ".github/workflows/ci.yml": _CI_WORKFLOW,
            "src/widget/__init__.py": '"""widget: a small model server."""\n',
            "src/widget/server_args.py": _SERVER_ARGS,
            "src/widget/server.py": _SERVER,
            "src/widget/model_loader.py": _MODEL_LOADER,
            "src/widget/registry.py": _REGISTRY,
            "src/widget/render.py": _RENDER,
        },
        author=ALICE,
        date="2026-01-26T10:00:00+08:00",
        committer_date="2026-01-29T00:00:00+08:00",
    )
    repo.commit(
        "docs: add a quickstart to the README",
        {
            "README.md": _README
            + "\n## Quickstart\n\n    pip install -e .\n    widget-server --model-path ./model\n"
        },
        author=ALICE,
        date="2026-01-28T18:00:00+08:00",
    )
    repo.commit(
        "chore: pin the Python version",
        {".python-version": "3.11\n"},
        author=ALICE,
        date="2026-01-28T23:59:59+08:00",
    )

    repo.commit(
        "[NPU] support GPTQ quantization on npu (#15203)\n\n"
        "Adds a GPTQ int4 linear method backed by torch_npu and a --quantization-backend option.",
        {
            "src/widget/quantization/gptq_npu.py": _GPTQ_NPU,
            "src/widget/server_args.py": _edited(
                _SERVER_ARGS,
                (
                    "    return parser",
                    '    parser.add_argument("--quantization-backend", '
                    'choices=["auto", "cuda", "npu"], default="auto")\n'
                    "    return parser",
                ),
            ),
        },
        author=CHEN,
        date="2026-01-27T16:40:00+08:00",
        committer_date="2026-01-29T09:12:00+08:00",
    )
    header_logging_sha = repo.commit(
        "feat: add custom request header logging (#17786)\n\n"
        "Operators can list header names in WIDGET_LOG_REQUEST_HEADERS to have them logged.",
        {
            "src/widget/middleware/header_logging.py": _HEADER_LOGGING,
            "src/widget/server.py": _edited(
                _SERVER,
                (
                    "from widget.model_loader",
                    "from widget.middleware.header_logging import log_request_headers\n"
                    "from widget.model_loader",
                ),
                ("    return {", "    log_request_headers(headers)\n    return {"),
            ),
        },
        author=DANA,
        date="2026-01-28T08:05:00-08:00",
        committer_date="2026-01-29T09:40:00+08:00",
    )
    repo.commit(
        "chore(deps): bump transformers from 4.57.1 to 4.58.0 (#17790)",
        {
            "pyproject.toml": _edited(_PYPROJECT, ("transformers==4.57.1", "transformers==4.58.0")),
            "requirements.txt": _edited(_REQUIREMENTS, ("transformers==4.57.1", "transformers==4.58.0")),
        },
        author=DEPENDABOT,
        date="2026-01-29T01:50:00+00:00",
        committer_date="2026-01-29T10:05:00+08:00",
    )
    repo.commit(
        "docs: document the quantization backends (#17795)",
        {"docs/quantization.md": _QUANTIZATION_DOC, "docs/images/quantization-backends.png": _PNG},
        author=PRIYA,
        date="2026-01-28T21:00:00+08:00",
        committer_date="2026-01-29T10:30:00+08:00",
    )
    repo.commit(
        "ci: run the test suite on Python 3.12 (#17801)",
        {".github/workflows/ci.yml": _edited(_CI_WORKFLOW, ('["3.11"]', '["3.11", "3.12"]'))},
        author=PRIYA,
        date="2026-01-29T02:40:00+00:00",
        committer_date="2026-01-29T03:00:00+00:00",
    )
    repo.commit(
        "test: cover prompt files with unusual names (#17803)",
        {"tests/test_prompts.py": _PROMPT_TEST} | dict.fromkeys(UNUSUAL_PROMPT_PATHS, "Summarise: {text}\n"),
        author=ALICE,
        date="2026-01-29T11:00:00+08:00",
        committer_date="2026-01-29T11:20:00+08:00",
    )
    repo.commit(
        'Revert "feat: add custom request header logging (#17786)"\n\n'
        f"This reverts commit {header_logging_sha}.\n\n"
        "Logging raw headers can leak credentials; it needs an allow-list first.",
        {"src/widget/middleware/header_logging.py": None, "src/widget/server.py": _SERVER},
        author=ALICE,
        date="2026-01-29T11:40:00+08:00",
        committer_date="2026-01-29T11:45:00+08:00",
    )
    repo.commit(
        "refactor!: rename load_model to load_checkpoint (#17810)\n\n"
        "The loader now lives in widget.checkpoint.\n\n"
        "BREAKING CHANGE: load_model was removed; call widget.checkpoint.load_checkpoint instead.",
        {
            "src/widget/checkpoint.py": _edited(_MODEL_LOADER, ("def load_model(", "def load_checkpoint(")),
            "src/widget/server.py": _edited(
                _SERVER,
                (
                    "from widget.model_loader import load_model",
                    "from widget.checkpoint import load_checkpoint",
                ),
                ("model = load_model(", "model = load_checkpoint("),
            ),
        },
        renames={"src/widget/model_loader.py": "src/widget/checkpoint.py"},
        author=DANA,
        date="2026-01-28T17:10:00-08:00",
        committer_date="2026-01-28T20:30:00-08:00",
    )
    repo.commit(
        "build: add a Dockerfile for the NPU image (#17815)",
        {"docker/Dockerfile.npu": _DOCKERFILE, "scripts/build_kernels.py": _BUILD_KERNELS},
        author=CHEN,
        date="2026-01-29T12:50:00+08:00",
        committer_date="2026-01-29T13:15:00+08:00",
    )
    repo.set_submodule("third_party/flashinfer", FLASHINFER_AFTER)
    repo.commit(
        "chore: update the flashinfer submodule to v0.6.2 (#17818)",
        author=CHEN,
        date="2026-01-29T13:30:00+08:00",
        committer_date="2026-01-29T14:00:00+08:00",
    )
    repo.commit(
        "chore: trigger the nightly benchmarks (#17820)",
        author=PRIYA,
        date="2026-01-29T14:30:00+08:00",
        allow_empty=True,
    )
    repo.commit(
        "fix: read café model configs (#17822)\n\n"
        "Config files named with accents, such as café.json, failed to load.",
        {
            CAFE_CONFIG_PATH: '{"name": "café", "architectures": ["LlamaForCausalLM"]}\n',
            "src/widget/registry.py": _edited(_REGISTRY, (".read_text()", '.read_text(encoding="utf-8")')),
        },
        author=JOSE,
        date="2026-01-29T15:00:00+08:00",
        committer_date="2026-01-29T15:10:00+08:00",
        encoding="latin-1",
    )
    repo.commit(
        "fix: escape `|` and <script> in `render_table` output (#17825)\n\n"
        "Cells such as `a|b` or `<script>alert(1)</script>` broke the table | and ran in the admin page.",
        {
            "src/widget/render.py": _edited(
                _RENDER, ('" | ".join(row)', '" | ".join(escape_cell(cell) for cell in row)')
            )
            + _ESCAPE_CELL
        },
        author=ALICE,
        date="2026-01-29T16:00:00+08:00",
        committer_date="2026-01-29T16:20:00+08:00",
    )
    repo.commit(
        "chore: regenerate model configs and uv.lock (#17830)",
        {"configs/generated/model_config.json": _generated_model_config(), "uv.lock": _uv_lock()},
        author=CHEN,
        date="2026-01-29T23:30:00+08:00",
        committer_date="2026-01-29T23:59:59+08:00",
    )

    repo.commit(
        "perf: cache tokenizer instances (#17833)",
        {"src/widget/tokenizer_cache.py": '"""Tokenizers, loaded once per model."""\n\nimport functools\n'},
        author=DANA,
        date="2026-01-29T08:00:00-08:00",
        committer_date="2026-01-30T00:00:00+08:00",
    )
    repo.commit(
        "docs: add the 0.4.0 changelog (#17836)",
        {"CHANGELOG.md": "# Changelog\n\n## 0.4.0\n\n- GPTQ on NPU.\n"},
        author=PRIYA,
        date="2026-01-30T09:30:00+08:00",
    )
    return repo.path


def _edited(text: str, *replacements: tuple[str, str]) -> str:
    """`text` with each (old, new) applied; an `old` not found fails loudly instead of changing nothing."""
    for old, new in replacements:
        if old not in text:
            raise ValueError(f"fixture edit does not apply: {old!r}")
        text = text.replace(old, new)
    return text
