"""The endpoint settings: where the key comes from, and error descriptions that never show it."""

from __future__ import annotations

import asyncio

import openai
import pytest

from changeradar.config import AnalyzerSettings
from changeradar.errors import BadInput
from changeradar.llm.client import Endpoint, endpoint_from_settings
from openai_server import TEST_KEY, TEST_MODEL, hang


def test_the_key_comes_from_the_variable_the_settings_name_and_is_never_shown():
    settings = AnalyzerSettings(name="llm", model="qwen-plus", api_key_env="DASHSCOPE_API_KEY")

    endpoint = endpoint_from_settings(
        settings, {"DASHSCOPE_API_KEY": TEST_KEY, "OPENAI_BASE_URL": "http://h/v1"}
    )

    assert endpoint.api_key == TEST_KEY and endpoint.base_url == "http://h/v1"
    assert TEST_KEY not in repr(endpoint)


def test_the_configured_base_url_wins_over_the_environment():
    settings = AnalyzerSettings(name="llm", model="m", base_url="http://configured/v1")

    endpoint = endpoint_from_settings(
        settings, {"OPENAI_API_KEY": TEST_KEY, "OPENAI_BASE_URL": "http://env/v1"}
    )

    assert endpoint.base_url == "http://configured/v1"


def test_a_missing_key_names_the_variable():
    with pytest.raises(BadInput, match="set the environment variable DEEPSEEK_API_KEY"):
        endpoint_from_settings(AnalyzerSettings(name="llm", model="m", api_key_env="DEEPSEEK_API_KEY"), {})


def test_error_descriptions_are_one_line_without_the_key(openai_server):
    """The SDK's own errors, provoked through the loopback server: no hand-built ones, whose constructor
    differs from one SDK version to the next."""
    openai_server.behaviour = hang
    endpoint = Endpoint(TEST_MODEL, openai_server.url, TEST_KEY, timeout_seconds=0.2, max_retries=0)

    surprise = RuntimeError(f"bad header Authorization: Bearer {TEST_KEY}\ntraceback follows")
    timeout = asyncio.run(sdk_error(endpoint))

    assert isinstance(timeout, openai.APITimeoutError)
    assert endpoint.describe_error(surprise) == "RuntimeError: bad header Authorization: Bearer [redacted]"
    assert endpoint.describe_error(timeout) == "no answer within 0.2 s"
    assert endpoint.describe_error(TimeoutError()) == "no answer within 0.2 s"  # the call's deadline


async def sdk_error(endpoint: Endpoint) -> openai.APIError:
    """What the SDK raises for one chat call to `endpoint`."""
    client = endpoint.connect()
    try:
        await client.chat.completions.create(
            model=endpoint.model, messages=[{"role": "user", "content": "hi"}]
        )
    except openai.APIError as error:
        return error
    finally:
        await client.close()
    raise AssertionError("the call succeeded")
