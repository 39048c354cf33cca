"""One structured question to the model: ask, repair an invalid answer once, retry a cut answer once.

Whatever happens, `ask` returns an `Outcome`: a validated value, or the reason there is none (one line,
no secret), with the tokens and time spent either way. It never raises for a failed call.

Each call has one deadline, the endpoint's timeout, that covers the SDK's retries too: an endpoint that
accepts connections but never answers costs that timeout once, not once per attempt.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import openai

from changeradar.llm.client import Endpoint
from changeradar.llm.prompt import Message, PromptTemplates, repair_message
from changeradar.llm.schema import InvalidAnswer
from changeradar.model import TokenUsage

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam
    from openai.types.chat.completion_create_params import ResponseFormat

T = TypeVar("T")
INVALID_AFTER_REPAIR = "LLM answer invalid after repair"


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    value: T | None
    failure: str | None  # why there is no value
    usage: TokenUsage = field(default_factory=TokenUsage)
    latency_seconds: float = 0.0  # time spent in calls, waiting for a free slot excluded


@dataclass(frozen=True, slots=True)
class Question(Generic[T]):
    messages: list[Message]
    response_format: dict[str, Any]
    parse: Callable[[str | None], T]  # raises InvalidAnswer
    max_tokens: int


@dataclass(frozen=True, slots=True)
class _Reply:
    content: str | None
    finish_reason: str | None
    usage: TokenUsage
    seconds: float


class Session:
    """An open client to one endpoint, allowing at most `limit` calls in flight."""

    def __init__(self, endpoint: Endpoint, templates: PromptTemplates, limit: int) -> None:
        self.endpoint = endpoint
        self._templates = templates
        self._client = endpoint.connect()
        self._slots = asyncio.Semaphore(limit)

    async def close(self) -> None:
        await self._client.close()

    async def model_ids(self) -> list[str]:
        """The models the endpoint lists; raises openai.APIError when it cannot be asked."""
        return [model.id async for model in self._client.models.list()]

    async def ask(self, question: Question[T]) -> Outcome[T]:
        messages = list(question.messages)
        max_tokens = question.max_tokens
        usage, latency = TokenUsage(), 0.0
        repaired = lengthened = False
        while True:
            try:
                reply = await self._complete(messages, question.response_format, max_tokens)
            except (openai.APIError, TimeoutError) as error:
                return Outcome(
                    None, f"LLM call failed: {self.endpoint.describe_error(error)}", usage, latency
                )
            usage, latency = _add(usage, reply.usage), latency + reply.seconds
            if reply.finish_reason == "length":
                if lengthened:
                    return Outcome(None, f"LLM answer cut at {max_tokens} tokens, twice", usage, latency)
                lengthened, max_tokens = True, max_tokens * 2
                continue
            try:
                return Outcome(question.parse(reply.content), None, usage, latency)
            except InvalidAnswer as error:
                if repaired:
                    reason = self.endpoint.redact(f"{INVALID_AFTER_REPAIR}: {error}")
                    return Outcome(None, reason, usage, latency)
                repaired = True
                messages += [{"role": "assistant", "content": reply.content or ""}]
                messages += [repair_message(self._templates, str(error))]

    async def _complete(
        self, messages: list[Message], response_format: dict[str, Any], max_tokens: int
    ) -> _Reply:
        async with self._slots:
            started = time.perf_counter()
            async with asyncio.timeout(self.endpoint.timeout_seconds):  # raises TimeoutError
                response = await self._client.chat.completions.create(
                    model=self.endpoint.model,
                    # Plain dicts on our side (templates fill them); the SDK's TypedDicts describe the same.
                    messages=cast("list[ChatCompletionMessageParam]", messages),
                    response_format=cast("ResponseFormat", response_format),
                    max_tokens=max_tokens,
                )
            seconds = time.perf_counter() - started
        usage = (
            TokenUsage(response.usage.prompt_tokens, response.usage.completion_tokens)
            if response.usage
            else TokenUsage()
        )
        if not response.choices:
            return _Reply(None, None, usage, seconds)
        choice = response.choices[0]
        return _Reply(choice.message.content, choice.finish_reason, usage, seconds)


def _add(total: TokenUsage, more: TokenUsage) -> TokenUsage:
    return TokenUsage(
        total.prompt_tokens + more.prompt_tokens, total.completion_tokens + more.completion_tokens
    )
