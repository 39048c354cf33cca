"""A loopback HTTP server that speaks the OpenAI Chat Completions protocol, for offline tests.

It serves `POST /v1/chat/completions` and `GET /v1/models` as the official SDK sends and expects them,
records every request (body, headers, arrival time), counts the requests in flight, and answers as the
test's `behaviour` says: a valid instance of the schema in the request (mentioning real paths from the
prompt), invalid JSON, a cut answer, an HTTP error, a rate limit with `Retry-After`, a hang, latency.
Error replies ask the SDK to retry at once unless the behaviour sets their headers, so that no test
sleeps through the SDK's back-off; `stop` returns at once, its hanging replies ended.

conftest.py loads it as a plugin (`pytest_plugins`), so every test can use the `openai_server` and
`llm_settings` fixtures.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from changeradar.analyse import AnalysisRequest
from changeradar.config import AnalyzerSettings
from changeradar.model import Commit, Importance, Level, RepoRef, Signal

TEST_REPO = RepoRef("sgl-project/sglang", "https://github.com/sgl-project/sglang.git")
TEST_MODEL = "test-model"
TEST_KEY_ENV = "CHANGERADAR_TEST_API_KEY"
TEST_KEY = "sk-test-SECRET123"
HANG_SECONDS = 30.0  # far past any timeout a test sets; the server's shutdown ends it sooner
POLL_SECONDS = 0.01  # how soon `stop` is noticed: serve_forever's default 0.5 s, per test, adds up
RETRY_AT_ONCE = {"retry-after-ms": "1"}  # errors ask the SDK to retry now: no test sleeps through back-off

_SCHEMA_IN_PROMPT = re.compile(r"```json\n(\{.*?\})\n```", re.DOTALL)
_PATH_IN_PROMPT = re.compile(r"`([\w.-]+(?:/[\w.-]+)*\.\w+)`")


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """One request as the server received it."""

    path: str
    headers: Mapping[str, str]  # lower-case names
    body: dict[str, Any]
    attempt: int  # earlier requests of the same conversation (same first user message): retries, repairs
    received_at: float  # time.monotonic()

    @property
    def prompt(self) -> str:
        """The first user message: the commit (or day) the conversation is about."""
        return next((m["content"] for m in self.body.get("messages", []) if m["role"] == "user"), "")

    @property
    def last_message(self) -> str:
        messages = self.body.get("messages", [])
        return messages[-1]["content"] if messages else ""

    @property
    def schema(self) -> dict[str, Any] | None:
        """The answer schema: from `response_format`, or, in JSON mode, the one written in the prompt."""
        response_format = self.body.get("response_format") or {}
        if response_format.get("type") == "json_schema":
            return response_format["json_schema"]["schema"]
        found = _SCHEMA_IN_PROMPT.search(self.prompt)
        return json.loads(found.group(1)) if found else None


@dataclass(frozen=True, slots=True)
class Reply:
    """What the server does with one request; `content=None` means a valid instance of the schema."""

    status: int = 200
    content: str | None = None
    finish_reason: str = "stop"
    headers: Mapping[str, str] = field(default_factory=lambda: RETRY_AT_ONCE)  # of an error reply
    delay: float = 0.0
    hang: bool = False
    mention: str | None = None  # a path to name in every text of the generated answer


Behaviour = Callable[[ChatRequest], Reply]


def answer_valid(request: ChatRequest) -> Reply:
    return Reply()


def invalid_then_valid(request: ChatRequest) -> Reply:
    return Reply(content='{"change_types": ["fix"], "summary": ') if request.attempt == 0 else Reply()


def always_invalid(request: ChatRequest) -> Reply:
    return Reply(content='{"summary": "not a list"}')


def cut_then_valid(request: ChatRequest) -> Reply:
    return (
        Reply(content='{"summary": ["The change', finish_reason="length") if request.attempt == 0 else Reply()
    )


def always_cut(request: ChatRequest) -> Reply:
    return Reply(content='{"summary": ["The change', finish_reason="length")


def hang(request: ChatRequest) -> Reply:
    return Reply(hang=True)


def http_error(status: int) -> Behaviour:
    return lambda request: Reply(status=status)


def rate_limited_once(retry_after_seconds: int | None = None) -> Behaviour:
    """429 on the first request of each conversation, with `Retry-After` if given, then valid answers."""
    limited = (
        Reply(status=429)
        if retry_after_seconds is None
        else Reply(status=429, headers={"Retry-After": str(retry_after_seconds)})
    )
    return lambda request: limited if request.attempt == 0 else Reply()


def slow(seconds: float) -> Behaviour:
    return lambda request: Reply(delay=seconds)


def hallucinate_path(path: str) -> Behaviour:
    """Valid answers that name `path`, which is in no diff."""
    return lambda request: Reply(mention=path)


def by_prompt(routes: Mapping[str, Behaviour], default: Behaviour = answer_valid) -> Behaviour:
    """The behaviour of the first route whose text is in the request's prompt (e.g. a commit subject)."""

    def route(request: ChatRequest) -> Reply:
        chosen = next((b for text, b in routes.items() if text in request.prompt), default)
        return chosen(request)

    return route


def schema_instance(schema: dict[str, Any], texts: Iterator[str]) -> Any:
    """A value conforming to `schema` (the strict subset: objects, arrays, enums, strings, nullable)."""
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        return schema_instance(next(s for s in schema["anyOf"] if s.get("type") != "null"), texts)
    kind = schema.get("type")
    if kind == "object":
        return {name: schema_instance(sub, texts) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        count = min(max(schema.get("minItems", 0), 2), schema.get("maxItems", 2))
        return [schema_instance(schema["items"], texts) for _ in range(count)]
    if kind == "string":
        return next(texts)
    return {"integer": 1, "number": 1.0, "boolean": True, "null": None}[kind]


class FakeOpenAI:
    """The server: start it, point the SDK at `url`, set `behaviour`, read `requests` and `max_in_flight`."""

    def __init__(self, models: tuple[str, ...] = (TEST_MODEL,)) -> None:
        self.models = models
        self.behaviour: Behaviour = answer_valid
        self.requests: list[ChatRequest] = []
        self.max_in_flight = 0
        self._in_flight = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._http = _LoopbackHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def chat_requests(self) -> list[ChatRequest]:
        return [request for request in self.requests if request.path.endswith("/chat/completions")]

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._http.shutdown()
        self._http.server_close()
        self._thread.join()

    def record(self, path: str, headers: Mapping[str, str], body: dict[str, Any]) -> ChatRequest:
        with self._lock:
            conversation = json.dumps(body.get("messages", [])[:2], sort_keys=True)
            attempt = sum(
                json.dumps(r.body.get("messages", [])[:2], sort_keys=True) == conversation
                for r in self.requests
            )
            request = ChatRequest(path, headers, body, attempt, time.monotonic())
            self.requests.append(request)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        return request

    def finished(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)


class _LoopbackHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 drops connections when a test opens many at once


def _handler_for(server: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else each small response waits ~40 ms for a delayed ACK

        def do_GET(self) -> None:
            if not self._authorised():
                return
            if not self.path.endswith("/models"):
                self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                return
            self._send(200, {"object": "list", "data": [_model(name) for name in server.models]})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            request = server.record(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            try:
                self._answer(request)
            finally:
                server.finished()

        def _answer(self, request: ChatRequest) -> None:
            if not self._authorised():
                return
            reply = server.behaviour(request)
            server.wait(HANG_SECONDS if reply.hang else reply.delay)
            if reply.status != 200:
                error = {"error": {"message": f"scripted HTTP {reply.status}", "type": "server_error"}}
                self._send(reply.status, error, reply.headers)
                return
            content = reply.content if reply.content is not None else _valid_content(request, reply.mention)
            self._send(200, _completion(request, content, reply.finish_reason))

        def _authorised(self) -> bool:
            """True for the test key; else a 401 that echoes what was sent, as some servers do."""
            sent = self.headers.get("Authorization", "")
            if sent == f"Bearer {TEST_KEY}":
                return True
            message = f"Incorrect API key provided: {sent}"
            self._send(401, {"error": {"message": message, "type": "invalid_request_error"}})
            return False

        def _send(
            self, status: int, payload: dict[str, Any], headers: Mapping[str, str] | None = None
        ) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout): nothing to tell it

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read `server.requests`, not the access log."""

    return Handler


def _valid_content(request: ChatRequest, mention: str | None) -> str:
    schema = request.schema
    if schema is None:
        return json.dumps({"answer": "no schema was given"})
    paths = [mention] if mention else _PATH_IN_PROMPT.findall(request.prompt) or ["the diff"]
    texts = (f"Changes `{path}` (point {n})." for n, path in zip(itertools.count(1), itertools.cycle(paths)))
    return json.dumps(schema_instance(schema, texts))


def _completion(request: ChatRequest, content: str, finish_reason: str) -> dict[str, Any]:
    prompt_tokens = sum(len(m["content"]) for m in request.body.get("messages", [])) // 4
    completion_tokens = len(content) // 4
    return {
        "id": f"chatcmpl-{len(content)}",
        "object": "chat.completion",
        "created": 0,
        "model": request.body.get("model", TEST_MODEL),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def _model(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": 0, "owned_by": "test"}


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture
def llm_settings(openai_server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> AnalyzerSettings:
    """Settings for the llm analyser on the loopback server, its key in the environment; no SDK retries."""
    monkeypatch.setenv(TEST_KEY_ENV, TEST_KEY)
    return AnalyzerSettings(
        name="llm",
        model=TEST_MODEL,
        base_url=openai_server.url,
        api_key_env=TEST_KEY_ENV,
        max_retries=0,
        timeout_seconds=5.0,
    )


def analysis_request(
    commit: Commit, level: Level = Level.HIGH, signals: tuple[Signal, ...] = (), language: str = "en"
) -> AnalysisRequest:
    """What the pipeline hands the analyser for `commit`, ranked `level` by the rules."""
    return AnalysisRequest(TEST_REPO, commit, signals, Importance(level, 1.0), language)
