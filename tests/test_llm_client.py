"""The endpoint settings: where the key comes from, and error descriptions that never show it."""

from __future__ import annotations

import openai
import pytest

from changeradar.config import AnalyzerSettings
from changeradar.errors import BadInput
from changeradar.llm.client import Endpoint, endpoint_from_settings

KEY = "sk-test-SECRET123"


def test_the_key_comes_from_the_variable_the_settings_name_and_is_never_shown():
    settings = AnalyzerSettings(name="llm", model="qwen-plus", api_key_env="DASHSCOPE_API_KEY")

    endpoint = endpoint_from_settings(settings, {"DASHSCOPE_API_KEY": KEY, "OPENAI_BASE_URL": "http://h/v1"})

    assert endpoint.api_key == KEY and endpoint.base_url == "http://h/v1"
    assert KEY not in repr(endpoint)


def test_the_configured_base_url_wins_over_the_environment():
    settings = AnalyzerSettings(name="llm", model="m", base_url="http://configured/v1")

    endpoint = endpoint_from_settings(settings, {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": "http://env/v1"})

    assert endpoint.base_url == "http://configured/v1"


def test_a_missing_key_names_the_variable():
    with pytest.raises(BadInput, match="set the environment variable DEEPSEEK_API_KEY"):
        endpoint_from_settings(AnalyzerSettings(name="llm", model="m", api_key_env="DEEPSEEK_API_KEY"), {})


def test_error_descriptions_are_one_line_without_the_key():
    endpoint = Endpoint("m", "http://127.0.0.1:9/v1", KEY, timeout_seconds=2, max_retries=1)

    surprise = RuntimeError(f"bad header Authorization: Bearer {KEY}\ntraceback follows")
    timeout = openai.APITimeoutError(request=None)

    assert endpoint.describe_error(surprise) == "RuntimeError: bad header Authorization: Bearer [redacted]"
    assert endpoint.describe_error(timeout) == "no answer within 2 s (after 1 retries)"
