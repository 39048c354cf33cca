"""The llm analyser against a real loopback Chat Completions server: limits, faults, repairs, secrets."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from changeradar.analyse import AnalysisRequest, create_analyzer
from changeradar.config import AnalyzerSettings
from changeradar.errors import BadInput
from changeradar.model import CommitReport, Importance, Level, Reason, Signal, SignalKind
from changeradar.verify import find_unverified
from diffs import make_commit, make_file
from openai_server import (
    TEST_KEY,
    TEST_KEY_ENV,
    always_cut,
    always_invalid,
    analysis_request,
    answer_valid,
    by_prompt,
    cut_then_valid,
    hallucinate_path,
    hang,
    http_error,
    invalid_then_valid,
    rate_limited_once,
    slow,
)

PATH = "python/sglang/srt/layers/logits_processor.py"
PATCH = """
@@ -10,4 +10,5 @@ def forward(self, batch):
     hidden = self.embed(batch)
-    return self.head(hidden)
+    logits = self.head(hidden)
+    return logits.float()
"""


def commit_request(subject: str, level: Level = Level.HIGH, language: str = "en") -> AnalysisRequest:
    commit = make_commit(subject, [make_file(PATH, PATCH)])
    return analysis_request(commit, level, language=language)


def day_of(count: int) -> list[AnalysisRequest]:
    levels = (Level.HIGH, Level.MEDIUM, Level.LOW)
    return [commit_request(f"commit {n}", levels[n % 3]) for n in range(count)]


def run(settings: AnalyzerSettings, requests: list[AnalysisRequest]):
    finished: list[int] = []
    results = create_analyzer(settings).analyse(requests, finished.append)
    assert sum(finished) == len(requests)
    return results


def test_answers_are_validated_analyses_at_the_depth_of_each_level(openai_server, llm_settings):
    high, medium, low = run(llm_settings, [commit_request(f"c {level}", level) for level in Level])

    assert [r.analyzer for r in (high, medium, low)] == ["llm:test-model"] * 3
    assert high.analysis.insights is not None and high.analysis.risks
    assert medium.analysis.insights is None and medium.analysis.recommendations
    assert len(low.analysis.summary) == 1 and low.analysis.risks == []
    assert high.analysis.suggested_level is not None and high.analysis.suggested_level_reason
    assert all(
        r.cacheable and r.usage.prompt_tokens > 0 and r.latency_seconds > 0 for r in (high, medium, low)
    )
    schemas = [r.body["response_format"]["json_schema"] for r in openai_server.chat_requests]
    assert {s["name"] for s in schemas} == {"commit_full", "commit_standard", "commit_brief"}
    assert all(s["strict"] is True for s in schemas)


@pytest.mark.parametrize("limit", [1, 3])
def test_calls_in_flight_never_exceed_the_limit(openai_server, llm_settings, limit):
    openai_server.behaviour = slow(0.05)
    settings = llm_settings.model_copy(update={"max_concurrency": limit})

    results = run(settings, day_of(10))

    assert len(openai_server.chat_requests) == 10
    assert all(r.analyzer == "llm:test-model" for r in results)
    assert openai_server.max_in_flight <= limit


def test_calls_run_concurrently_up_to_the_limit(openai_server, llm_settings):
    openai_server.behaviour = slow(0.3)

    run(llm_settings.model_copy(update={"max_concurrency": 4}), day_of(8))

    assert openai_server.max_in_flight > 1


FAULTS = {
    "commit invalid-once": invalid_then_valid,
    "commit invalid-always": always_invalid,
    "commit cut-once": cut_then_valid,
    "commit cut-always": always_cut,
    "commit http-500": http_error(500),
    "commit rate-limited": rate_limited_once(),
    "commit fine": answer_valid,
}


def test_every_commit_survives_every_fault(openai_server, llm_settings):
    openai_server.behaviour = by_prompt(FAULTS)
    settings = llm_settings.model_copy(update={"max_retries": 1})  # a hang: the test below
    requests = [commit_request(subject) for subject in FAULTS]

    results = dict(zip(FAULTS, run(settings, requests), strict=True))

    assert len(results) == len(FAULTS)
    answered = {subject for subject, result in results.items() if result.analyzer == "llm:test-model"}
    assert answered == {"commit invalid-once", "commit cut-once", "commit rate-limited", "commit fine"}
    for subject in FAULTS.keys() - answered:
        fallback = results[subject]
        assert fallback.analyzer == "offline" and not fallback.cacheable
        assert fallback.analysis.summary and fallback.notes
    assert results["commit invalid-always"].notes[-1].startswith("LLM answer invalid after repair: ")
    assert results["commit cut-always"].notes[-1] == "LLM answer cut at 8000 tokens, twice"
    assert results["commit http-500"].notes[-1] == "LLM call failed: HTTP 500: scripted HTTP 500"


def test_a_hung_endpoint_costs_the_timeout_once_per_commit_not_once_per_attempt(openai_server, llm_settings):
    """Accepting connections but never answering must not multiply the wait by the SDK's retries."""
    openai_server.behaviour = hang
    settings = llm_settings.model_copy(update={"timeout_seconds": 1.0, "max_retries": 3})

    results = run(settings, day_of(5))

    # One attempt each (the SDK would make four): the deadline covers the retries.
    assert [request.attempt for request in openai_server.chat_requests] == [0] * 5
    assert [r.analyzer for r in results] == ["offline"] * 5
    assert all(r.notes[-1] == "LLM call failed: no answer within 1 s" for r in results)


def test_an_invalid_answer_gets_one_repair_carrying_the_validation_error(openai_server, llm_settings):
    openai_server.behaviour = invalid_then_valid

    [result] = run(llm_settings, [commit_request("repair me")])

    first, repair = openai_server.chat_requests
    assert result.analyzer == "llm:test-model"
    assert repair.body["messages"][:2] == first.body["messages"]
    assert repair.body["messages"][2] == {
        "role": "assistant",
        "content": '{"change_types": ["fix"], "summary": ',
    }
    assert "the answer is not valid JSON: Expecting value" in repair.last_message
    # Usage counts both calls (the server bills a token per four characters of the messages).
    billed = [sum(len(m["content"]) for m in r.body["messages"]) // 4 for r in (first, repair)]
    assert result.usage.prompt_tokens == sum(billed)


def test_a_schema_violation_is_named_field_by_field_in_the_repair(openai_server, llm_settings):
    openai_server.behaviour = always_invalid

    [result] = run(llm_settings, [commit_request("still wrong", Level.LOW)])

    assert len(openai_server.chat_requests) == 2
    assert "summary: Input should be a valid list" in openai_server.chat_requests[1].last_message
    assert "change_types: Field required" in result.notes[-1]


def test_a_cut_answer_is_retried_once_with_a_larger_limit(openai_server, llm_settings):
    openai_server.behaviour = cut_then_valid

    [result] = run(llm_settings.model_copy(update={"max_output_tokens": 1000}), [commit_request("long")])

    assert [r.body["max_tokens"] for r in openai_server.chat_requests] == [1000, 2000]
    assert openai_server.chat_requests[1].body["messages"] == openai_server.chat_requests[0].body["messages"]
    assert result.analyzer == "llm:test-model"


def test_the_sdk_waits_as_long_as_retry_after_says(openai_server, llm_settings):
    openai_server.behaviour = rate_limited_once(1)

    [result] = run(llm_settings.model_copy(update={"max_retries": 1}), [commit_request("busy")])

    limited, retried = openai_server.chat_requests
    assert result.analyzer == "llm:test-model"
    # Without Retry-After the SDK's first backoff is at most 0.5 s.
    assert retried.received_at - limited.received_at >= 1.0


def test_json_object_mode_puts_the_schema_in_the_prompt(openai_server, llm_settings):
    settings = llm_settings.model_copy(update={"structured_output": "json_object"})

    [result] = run(settings, [commit_request("json mode", Level.MEDIUM)])

    [request] = openai_server.chat_requests
    assert request.body["response_format"] == {"type": "json_object"}
    assert '"recommendations"' in request.prompt and '"additionalProperties": false' in request.prompt
    assert result.analyzer == "llm:test-model" and result.analysis.recommendations


def test_the_prompt_carries_language_rules_metadata_and_real_paths(openai_server, llm_settings):
    run(llm_settings, [commit_request("Make logits float", language="zh")])

    [request] = openai_server.chat_requests
    system, user = (m["content"] for m in request.body["messages"])
    assert "Simplified Chinese" in system and "Never invent a path" in system
    assert "Subject: Make logits float" in user
    assert "+    return logits.float()" in user


def test_the_key_reaches_no_result_note_or_log(openai_server, llm_settings, caplog):
    openai_server.behaviour = by_prompt({"fails": http_error(500)})
    caplog.set_level(logging.DEBUG)

    results = run(llm_settings, [commit_request("fails"), commit_request("works")])

    assert openai_server.chat_requests[0].headers["authorization"] == f"Bearer {TEST_KEY}"
    assert TEST_KEY not in repr(results)
    assert TEST_KEY not in caplog.text
    assert all(TEST_KEY not in str(record.args) for record in caplog.records)


def test_a_key_echoed_by_the_endpoint_is_redacted(openai_server, llm_settings, monkeypatch, caplog):
    """The server echoes a wrong key in its 401 body, as some do; the note must not repeat it."""
    monkeypatch.setenv(TEST_KEY_ENV, "sk-wrong-SECRET456")
    caplog.set_level(logging.DEBUG)

    [result] = run(llm_settings, [commit_request("denied")])

    assert result.notes[-1] == "LLM call failed: the endpoint rejected the API key (HTTP 401)"
    assert "SECRET456" not in repr(result) and "SECRET456" not in caplog.text


def test_without_a_key_or_model_the_error_names_what_to_set(llm_settings, monkeypatch):
    monkeypatch.delenv(TEST_KEY_ENV)
    with pytest.raises(BadInput, match=f"set the environment variable {TEST_KEY_ENV}"):
        create_analyzer(llm_settings)
    monkeypatch.setenv(TEST_KEY_ENV, TEST_KEY)
    with pytest.raises(BadInput, match="needs a model"):
        create_analyzer(llm_settings.model_copy(update={"model": None}))


def test_low_commits_can_go_to_the_offline_analyser_without_a_call(openai_server, llm_settings):
    settings = llm_settings.model_copy(update={"low_importance": "offline"})
    analyzer = create_analyzer(settings)
    low, high = commit_request("low one", Level.LOW), commit_request("high one")

    results = analyzer.analyse([low, high], lambda finished: None)

    assert [r.analyzer for r in results] == ["offline", "llm:test-model"]
    assert results[0].notes == () and results[0].cacheable
    assert len(openai_server.chat_requests) == 1 and "high one" in openai_server.chat_requests[0].prompt
    assert analyzer.cache_key(low) is None


def test_commits_past_the_spending_limit_fall_back_with_a_note(openai_server, llm_settings):
    openai_server.behaviour = slow(0.05)
    # $1 per million tokens each way: a call's worst case is ~$0.0105 (~500 prompt + 10,000 answer tokens).
    settings = llm_settings.model_copy(
        update={"budget_usd": 0.025, "prices": {"test-model": (1.0, 1.0)}, "max_output_tokens": 10_000}
    )

    results = run(settings, day_of(6))

    answered = [n for n, r in enumerate(results) if r.analyzer == "llm:test-model"]
    limited = [r for r in results if r.analyzer == "offline"]
    assert answered == [0, 3]  # the high commits are asked first
    assert all(r.notes[-1] == "LLM spending limit of $0.025 reached" for r in limited)
    assert len(openai_server.chat_requests) == 2


def test_a_spending_limit_needs_a_price(llm_settings):
    with pytest.raises(BadInput, match="needs a price for model 'test-model'"):
        create_analyzer(llm_settings.model_copy(update={"budget_usd": 1.0}))


def test_the_cache_key_covers_model_templates_and_everything_in_the_prompt(llm_settings, tmp_path):
    analyzer = create_analyzer(llm_settings)
    request = commit_request("x")
    key = analyzer.cache_key(request)
    (tmp_path / "system.md").write_text("You are terse. Write in {{ language_name }}.\n")
    area = Signal(SignalKind.AREA, "npu", path=PATH)
    reason = Reason("api_added", 1.0, "forward")
    variants = [
        analyzer.cache_key(commit_request("x", language="zh")),
        analyzer.cache_key(commit_request("x", Level.MEDIUM)),
        analyzer.cache_key(commit_request("another commit")),
        analyzer.cache_key(replace(request, signals=(area,))),
        analyzer.cache_key(replace(request, importance=Importance(Level.HIGH, 1.0, (reason,)))),
        create_analyzer(llm_settings.model_copy(update={"model": "other"})).cache_key(request),
        create_analyzer(llm_settings.model_copy(update={"prompt_dir": tmp_path})).cache_key(request),
        create_analyzer(llm_settings.model_copy(update={"max_output_tokens": 999})).cache_key(request),
    ]

    assert key.startswith("llm|test-model|en|full|sha256:")
    assert len({key, *variants}) == 1 + len(variants)
    assert (
        create_analyzer(llm_settings).cache_key(commit_request("x")) == key
    )  # the same prompt, the same key


def test_the_overview_is_one_call_over_the_analyses(openai_server, llm_settings):
    analyzer = create_analyzer(llm_settings)
    reports = _reports(analyzer, ["Add MORI-IO transfer", "Fix kimi parser"])
    calls_before = len(openai_server.chat_requests)

    lines = analyzer.overview(reports, "en")

    [request] = openai_server.chat_requests[calls_before:]
    assert request.body["response_format"]["json_schema"]["name"] == "day_overview"
    assert '"subject": "Add MORI-IO transfer"' in request.prompt and "```diff" not in request.prompt
    # Two headlines, then "area: summary" per theme.
    assert lines[1:3] == [
        f"Changes `{PATH}` (point 2).",
        f"Changes `{PATH}` (point 3).: Changes `{PATH}` (point 4).",
    ]


def test_a_failed_overview_falls_back_to_the_offline_one(openai_server, llm_settings):
    analyzer = create_analyzer(llm_settings)
    reports = _reports(analyzer, ["Add MORI-IO transfer"])
    openai_server.behaviour = http_error(503)

    lines = analyzer.overview(reports, "en")

    assert lines == create_analyzer(AnalyzerSettings()).overview(reports, "en")


def test_a_hallucinated_path_reaches_verification_and_is_flagged(openai_server, llm_settings):
    openai_server.behaviour = hallucinate_path("python/sglang/srt/imaginary.py")
    request = commit_request("grounded?")

    [result] = run(llm_settings, [request])

    assert "`python/sglang/srt/imaginary.py`" in result.analysis.summary[0]
    assert "python/sglang/srt/imaginary.py" in find_unverified(
        result.analysis, request.commit, request.signals
    )


def _reports(analyzer, subjects: list[str]) -> list[CommitReport]:
    requests = [commit_request(subject) for subject in subjects]
    results = analyzer.analyse(requests, lambda finished: None)
    return [
        CommitReport(r.commit, r.signals, r.importance, result.analysis, result.analyzer)
        for r, result in zip(requests, results, strict=True)
    ]
