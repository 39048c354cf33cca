"""`doctor` on the LLM endpoint: a good one passes, a bad one is named in one line per problem."""

from __future__ import annotations

import socket

from changeradar.llm.doctor import check_endpoint
from openai_server import TEST_KEY_ENV, always_invalid


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def test_a_good_endpoint_passes_both_checks(openai_server, llm_settings):
    checks = check_endpoint(llm_settings)

    assert [(c.name, c.ok) for c in checks] == [("llm models", True), ("llm structured answer", True)]
    assert checks[0].detail == f"{openai_server.url} serves 'test-model'"
    [probe] = openai_server.chat_requests
    assert probe.body["response_format"]["json_schema"]["strict"] is True


def test_an_unreachable_endpoint_is_one_line(llm_settings):
    url = closed_port_url()

    [check] = check_endpoint(llm_settings.model_copy(update={"base_url": url}))

    assert not check.ok and check.detail.startswith(f"cannot reach {url}: ")
    assert "\n" not in check.detail


def test_an_unknown_model_and_a_wrong_key_are_named(openai_server, llm_settings, monkeypatch):
    models, _ = check_endpoint(llm_settings.model_copy(update={"model": "gpt-5"}))
    monkeypatch.setenv(TEST_KEY_ENV, "sk-wrong-SECRET456")
    wrong_key = check_endpoint(llm_settings)

    assert models.detail == "'gpt-5' is not served (it serves test-model)"
    assert [c.detail for c in wrong_key] == ["the endpoint rejected the API key (HTTP 401)"]


def test_an_endpoint_without_structured_output_gets_a_hint(openai_server, llm_settings):
    openai_server.behaviour = always_invalid

    _, answer = check_endpoint(llm_settings)

    assert not answer.ok
    assert answer.detail.startswith("LLM answer invalid after repair: ")
    assert answer.detail.endswith('(try structured_output = "json_object")')


def test_missing_settings_are_reported_not_raised(llm_settings, monkeypatch):
    monkeypatch.delenv(TEST_KEY_ENV)

    [check] = check_endpoint(llm_settings)

    assert not check.ok and TEST_KEY_ENV in check.detail
