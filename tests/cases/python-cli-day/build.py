"""acme/lumen, a small Python inference server, on 2026-03-10 (Asia/Shanghai): a new launcher option, a
dependency pinned, a new environment variable, a fix, docs and tests. The repository starts the day before.
"""

from __future__ import annotations

from gitrepo import GitRepo

MEI = "Mei Lin <mei.lin@example.com>"
OMAR = "Omar Haddad <omar@example.com>"
RUTH = "Ruth Okafor <ruth.okafor@example.com>"

PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.25"]
build-backend = "hatchling.build"

[project]
name = "lumen-serve"
version = "0.7.2"
requires-python = ">=3.10"
dependencies = [
    "fastapi>=0.110",
    "uvicorn[standard]>=0.30",
    "transformers>=4.46,<5",
    "pydantic>=2.7",
]

[project.scripts]
lumen-serve = "lumen.launch:main"

[tool.ruff]
line-length = 100
"""

SERVER_ARGS = '''\
"""Launcher options: parsed once, then passed around as a frozen ServerArgs."""

from __future__ import annotations

import argparse
from dataclasses import dataclass


@dataclass(frozen=True)
class ServerArgs:
    model_path: str
    host: str = "127.0.0.1"
    port: int = 30000
    max_running_requests: int = 256
    dtype: str = "auto"

    @staticmethod
    def add_cli_args(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--model-path", required=True, help="Weights folder or hub id.")
        parser.add_argument("--host", default=ServerArgs.host)
        parser.add_argument("--port", type=int, default=ServerArgs.port)
        parser.add_argument(
            "--max-running-requests",
            type=int,
            default=ServerArgs.max_running_requests,
            help="Requests decoded at once.",
        )
        parser.add_argument("--dtype", choices=["auto", "float16", "bfloat16"], default="auto")

    @classmethod
    def from_cli_args(cls, args: argparse.Namespace) -> "ServerArgs":
        return cls(
            model_path=args.model_path,
            host=args.host,
            port=args.port,
            max_running_requests=args.max_running_requests,
            dtype=args.dtype,
        )
'''

LAUNCH = '''\
"""`lumen-serve`: parse the options, build the engine, serve HTTP."""

from __future__ import annotations

import argparse
import logging

import uvicorn

from lumen.engine import Engine
from lumen.http import build_app
from lumen.server_args import ServerArgs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="lumen-serve")
    ServerArgs.add_cli_args(parser)
    args = ServerArgs.from_cli_args(parser.parse_args(argv))
    logging.basicConfig(level=logging.INFO)
    uvicorn.run(build_app(Engine(args)), host=args.host, port=args.port)
'''

ENGINE = '''\
"""The scheduling loop: admit requests while the running set has room, decode one step for all."""

from __future__ import annotations

from collections import deque

from lumen.server_args import ServerArgs


class Engine:
    def __init__(self, args: ServerArgs) -> None:
        self.args = args
        self.waiting: deque = deque()
        self.running: list = []

    def admit(self) -> None:
        while self.waiting and len(self.running) < self.args.max_running_requests:
            self.running.append(self.waiting.popleft())

    def step(self) -> None:
        self.admit()
        for request in self.running:
            request.decode_one()
        self.running = [request for request in self.running if not request.finished]
'''

HTTP = '''\
"""The HTTP surface: one completion route."""

from __future__ import annotations

from fastapi import FastAPI

from lumen.engine import Engine


def build_app(engine: Engine) -> FastAPI:
    app = FastAPI(title="lumen")

    @app.post("/v1/completions")
    async def complete(body: dict) -> dict:
        return {"queued": len(engine.waiting)}

    return app
'''

README = """\
# lumen

A small inference server.

    pip install lumen-serve
    lumen-serve --model-path Qwen/Qwen3-0.6B --port 30000

## Options

| option | default | meaning |
| --- | --- | --- |
| `--max-running-requests` | 256 | requests decoded at once |
| `--dtype` | auto | weight dtype |
"""

TEST_SERVER_ARGS = """\
import argparse

from lumen.server_args import ServerArgs


def parse(*argv: str) -> ServerArgs:
    parser = argparse.ArgumentParser()
    ServerArgs.add_cli_args(parser)
    return ServerArgs.from_cli_args(parser.parse_args(list(argv)))


def test_defaults():
    args = parse("--model-path", "m")
    assert args.port == 30000
    assert args.max_running_requests == 256
"""


def build(repo: GitRepo) -> None:
    repo.commit(
        "Initial commit: lumen 0.7.2",
        {
            "pyproject.toml": PYPROJECT,
            "README.md": README,
            "src/lumen/__init__.py": '__version__ = "0.7.2"\n',
            "src/lumen/server_args.py": SERVER_ARGS,
            "src/lumen/launch.py": LAUNCH,
            "src/lumen/engine.py": ENGINE,
            "src/lumen/http.py": HTTP,
            "tests/test_server_args.py": TEST_SERVER_ARGS,
        },
        author=MEI,
        date="2026-03-09T15:00:00+08:00",
    )

    server_args = (
        SERVER_ARGS.replace(
            '    dtype: str = "auto"\n', '    dtype: str = "auto"\n    max_batch_tokens: int = 8192\n'
        )
        .replace(
            '        parser.add_argument("--dtype",',
            "        parser.add_argument(\n"
            '            "--max-batch-tokens",\n'
            "            type=int,\n"
            "            default=ServerArgs.max_batch_tokens,\n"
            '            help="Prompt and decode tokens scheduled in one step.",\n'
            "        )\n"
            '        parser.add_argument("--dtype",',
        )
        .replace(
            "            dtype=args.dtype,\n",
            "            dtype=args.dtype,\n            max_batch_tokens=args.max_batch_tokens,\n",
        )
    )
    engine = ENGINE.replace(
        "        while self.waiting and len(self.running) < self.args.max_running_requests:\n"
        "            self.running.append(self.waiting.popleft())\n",
        "        budget = self.args.max_batch_tokens - sum(request.tokens for request in self.running)\n"
        "        while self.waiting and len(self.running) < self.args.max_running_requests:\n"
        "            if self.waiting[0].tokens > budget:\n"
        "                break\n"
        "            budget -= self.waiting[0].tokens\n"
        "            self.running.append(self.waiting.popleft())\n",
    )
    repo.commit(
        "feat: add --max-batch-tokens to bound the tokens of a step (#212)\n\n"
        "Long prompts admitted together could exceed the activation memory; the scheduler now stops\n"
        "admitting once the step's token budget is spent.",
        {"src/lumen/server_args.py": server_args, "src/lumen/engine.py": engine},
        author=OMAR,
        date="2026-03-10T10:12:00+08:00",
    )

    repo.commit(
        "chore(deps): pin fastapi to 0.115.6 (#214)\n\n"
        "fastapi 0.116 changed how a dict body is validated and broke /v1/completions.",
        {"pyproject.toml": PYPROJECT.replace('"fastapi>=0.110"', '"fastapi==0.115.6"')},
        author=RUTH,
        date="2026-03-10T11:05:00+08:00",
    )

    launch = LAUNCH.replace("import logging\n", "import logging\nimport os\n").replace(
        "    logging.basicConfig(level=logging.INFO)\n",
        '    logging.basicConfig(level=os.environ.get("LUMEN_LOG_LEVEL", "INFO").upper())\n',
    )
    repo.commit(
        "feat: set the log level with LUMEN_LOG_LEVEL (#215)",
        {"src/lumen/launch.py": launch},
        author=MEI,
        date="2026-03-10T13:40:00+08:00",
    )

    repo.commit(
        "docs: document --max-batch-tokens and LUMEN_LOG_LEVEL (#216)",
        {
            "README.md": README + "| `--max-batch-tokens` | 8192 | tokens scheduled in one step |\n\n"
            "Set `LUMEN_LOG_LEVEL=debug` to see every scheduling decision.\n"
        },
        author=RUTH,
        date="2026-03-10T14:20:00+08:00",
    )

    repo.commit(
        "test: cover the batch token default (#217)",
        {
            "tests/test_server_args.py": TEST_SERVER_ARGS + "\n\ndef test_max_batch_tokens():\n"
            '    assert parse("--model-path", "m", "--max-batch-tokens", "4096").max_batch_tokens == 4096\n'
        },
        author=OMAR,
        date="2026-03-10T16:02:00+08:00",
    )

    repo.commit(
        "fix: never stall when one prompt is longer than the step budget (#219)\n\n"
        "A single request above --max-batch-tokens was never admitted; admit it alone.",
        {
            "src/lumen/engine.py": engine.replace(
                "            if self.waiting[0].tokens > budget:\n",
                "            if self.waiting[0].tokens > budget and self.running:\n",
            )
        },
        author=OMAR,
        date="2026-03-10T18:30:00+08:00",
    )
