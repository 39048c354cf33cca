"""The endpoint settings: where the key comes from, and error descriptions that never show it."""

from __future__ import annotations

import asyncio

import openai
import pytest

from changeradar.cli import main
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


KEYS_WHERE_A_NAME_BELONGS = [
    "sk-abc123def456ghi789jkl012mno345pqr",
    "sk_live_51HxYzAbCdEf1234567890",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "AKIAIOSFODNN7EXAMPLE",
    "OPENAI API KEY",
]


@pytest.mark.parametrize("value", KEYS_WHERE_A_NAME_BELONGS)
def test_a_key_written_as_api_key_env_is_refused_with_exit_2_and_not_shown(
    value, fixture_day_repo, tmp_path, capsys
):
    config = tmp_path / "changeradar.toml"
    config.write_text(f'[analyzer]\nname = "llm"\nmodel = "m"\napi_key_env = "{value}"\n')

    with pytest.raises(SystemExit) as exit_info:
        main(["report", str(fixture_day_repo), "--date", "2026-01-29", "--config", str(config), "--out", "-"])

    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and len(err.strip().splitlines()) == 1
    assert "api_key_env is not the name of an environment variable" in err
    assert value not in err and value[:12] not in err


@pytest.mark.parametrize("name", ["OPENAI_API_KEY", "DASHSCOPE_API_KEY", "my_key_2", "_PRIVATE"])
def test_variable_names_are_accepted_as_api_key_env(name):
    assert AnalyzerSettings(api_key_env=name).api_key_env == name


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
