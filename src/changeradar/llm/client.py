"""The configured endpoint: an async OpenAI client for it, and descriptions of its errors safe to show.

The API key is read from the environment variable the settings name, is kept out of every repr, and is
scrubbed from any text this module returns: it must never reach a report, a log, the cache or an error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import openai

from changeradar.errors import BadInput

if TYPE_CHECKING:
    from changeradar.config import AnalyzerSettings

BASE_URL_ENV = "OPENAI_BASE_URL"
MAX_DETAIL_CHARS = 200


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where and how to call the model; `api_key` is secret and never shown."""

    model: str
    base_url: str | None  # None: the SDK's default (api.openai.com)
    api_key: str = field(repr=False)
    timeout_seconds: float = 120.0  # bounds a whole call, its retries included (see `Session`)
    max_retries: int = 3

    def connect(self) -> openai.AsyncOpenAI:
        """A new client; its retries back off and honour `Retry-After`, its timeout bounds each attempt."""
        return openai.AsyncOpenAI(
            api_key=self.api_key,
            base_url=self.base_url,
            timeout=self.timeout_seconds,
            max_retries=self.max_retries,
        )

    def redact(self, text: str) -> str:
        return text.replace(self.api_key, "[redacted]")

    def describe_error(self, error: BaseException) -> str:
        """One line saying what went wrong with a call, without the key or a traceback."""
        if isinstance(error, openai.APITimeoutError | TimeoutError):  # an attempt's, or the call's deadline
            detail = f"no answer within {self.timeout_seconds:g} s"
        elif isinstance(error, openai.APIConnectionError):
            cause = error.__cause__ or error
            detail = f"cannot reach {self.base_url or 'the OpenAI API'}: {cause}"
        elif isinstance(error, openai.AuthenticationError):
            detail = "the endpoint rejected the API key (HTTP 401)"
        elif isinstance(error, openai.APIStatusError):
            body = error.body if isinstance(error.body, dict) else {}
            detail = f"HTTP {error.status_code}: {body.get('message') or 'no message'}"
        else:
            detail = f"{type(error).__name__}: {error}"
        first_line = detail.strip().splitlines()[0] if detail.strip() else type(error).__name__
        return self.redact(first_line)[:MAX_DETAIL_CHARS]


def endpoint_from_settings(settings: AnalyzerSettings, environ: Mapping[str, str] = os.environ) -> Endpoint:
    """The endpoint the settings describe, or BadInput naming what is missing (never a key's value)."""
    if not settings.model:
        raise BadInput("the llm analyzer needs a model: set analyzer.model in the config or pass --model")
    api_key = environ.get(settings.api_key_env, "")
    if not api_key:
        raise BadInput(
            f"no API key for the llm analyzer: set the environment variable {settings.api_key_env} "
            "(any non-empty value for a local server that takes none)"
        )
    return Endpoint(
        model=settings.model,
        base_url=settings.base_url or environ.get(BASE_URL_ENV) or None,
        api_key=api_key,
        timeout_seconds=settings.timeout_seconds,
        max_retries=settings.max_retries,
    )
