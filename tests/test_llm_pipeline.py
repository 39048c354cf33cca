"""The llm analyser inside the pipeline, on the fixture day: cached answers, no commit lost, no key kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from changeradar.config import AreaRule, ImportanceSettings, Settings
from changeradar.pipeline import ReportRequest, build_report
from changeradar.store import Store
from changeradar.window import day_window
from openai_server import TEST_KEY, hallucinate_path, http_error
from openai_server import by_prompt as fault_for

ZONE = "Asia/Shanghai"


def report_day(repo: Path, settings: Settings, cache_dir: Path):
    request = ReportRequest(str(repo), day_window("2026-01-29", ZONE), ZONE, "zh")
    with Store.open(cache_dir) as store:
        return build_report(request, settings, store, cache_dir)


def commit_calls(server) -> list:
    return [
        r for r in server.chat_requests if r.body["response_format"]["json_schema"]["name"] != "day_overview"
    ]


def asked_shas(calls: list) -> set[str]:
    return {re.search(r"^SHA: (\w+)$", call.prompt, re.MULTILINE).group(1) for call in calls}


def prompt_inputs(report) -> tuple:
    """What the rules hand the model about a commit: its facts, its level and the reasons for it."""
    reasons = [(reason.rule, reason.subject) for reason in report.importance.reasons]
    return report.signals, report.importance.level, reasons


@pytest.mark.parametrize(
    "changed",
    [
        {"importance": ImportanceSettings(weights={"api_added": 6.0, "core_lines": 0.5})},
        {"areas": [AreaRule(pattern="**/*.py", area="python-code")]},
    ],
    ids=["weights", "area rule"],
)
def test_the_model_is_asked_again_exactly_for_commits_whose_prompt_changed(
    fixture_day_repo, openai_server, llm_settings, tmp_path, changed
):
    before = report_day(fixture_day_repo, Settings(analyzer=llm_settings), tmp_path / "cache")
    asked = len(commit_calls(openai_server))
    settings = Settings(analyzer=llm_settings, **changed)

    after = report_day(fixture_day_repo, settings, tmp_path / "cache")
    again = commit_calls(openai_server)[asked:]
    report_day(fixture_day_repo, settings, tmp_path / "cache")

    different = {
        old.commit.sha
        for old, new in zip(before.commits, after.commits, strict=True)
        if prompt_inputs(old) != prompt_inputs(new)
    }
    assert different and asked_shas(again) == different and len(again) == len(different)
    assert len(commit_calls(openai_server)) == asked + len(again)  # unchanged settings: all from the cache


def test_a_rerun_asks_the_model_nothing(fixture_day_repo, openai_server, llm_settings, tmp_path):
    settings = Settings(analyzer=llm_settings)

    first = report_day(fixture_day_repo, settings, tmp_path / "cache")
    asked = len(openai_server.chat_requests)
    second = report_day(fixture_day_repo, settings, tmp_path / "cache")

    assert len(commit_calls(openai_server)) == len(first.commits) > 10
    assert asked == len(first.commits) + 1  # and one overview
    assert len(openai_server.chat_requests) == asked
    assert all(report.from_cache for report in second.commits)
    assert [r.analysis for r in second.commits] == [r.analysis for r in first.commits]
    assert second.highlights == first.highlights
    assert (second.stats.from_cache, second.stats.by_model, second.stats.prompt_tokens) == (
        len(first.commits),
        0,
        0,
    )


def test_failed_commits_stay_in_the_report_and_are_asked_again(
    fixture_day_repo, openai_server, llm_settings, tmp_path
):
    settings = Settings(analyzer=llm_settings)
    openai_server.behaviour = fault_for({"uv.lock": http_error(500)})

    first = report_day(fixture_day_repo, settings, tmp_path / "cache")
    failed = [r for r in first.commits if r.analyzer == "offline"]
    openai_server.behaviour = fault_for({})
    second = report_day(fixture_day_repo, settings, tmp_path / "cache")

    assert len(failed) == 1 and failed[0].notes[-1] == "LLM call failed: HTTP 500: scripted HTTP 500"
    assert len(second.commits) == len(first.commits)
    assert [r.analyzer for r in second.commits if r.commit.sha == failed[0].commit.sha] == ["llm:test-model"]


def test_the_key_is_in_no_cache_row(fixture_day_repo, openai_server, llm_settings, tmp_path):
    report = report_day(fixture_day_repo, Settings(analyzer=llm_settings), tmp_path / "cache")

    assert TEST_KEY not in repr(report)
    for stored in (tmp_path / "cache").iterdir():
        assert TEST_KEY.encode() not in stored.read_bytes()


def report_in_mode(repo: Path, llm_settings, tmp_path: Path, **analyzer_settings):
    settings = Settings(analyzer=llm_settings.model_copy(update=analyzer_settings))
    return report_day(repo, settings, tmp_path / "cache")


def test_the_rules_decide_importance_unless_the_config_lets_the_model_weigh_in(
    fixture_day_repo, openai_server, llm_settings, tmp_path
):
    by_rules = report_in_mode(fixture_day_repo, llm_settings, tmp_path / "rules", importance="rules")
    by_model = report_in_mode(fixture_day_repo, llm_settings, tmp_path / "llm", importance="llm")
    raised = report_in_mode(fixture_day_repo, llm_settings, tmp_path / "max", importance="max")

    order = ["low", "medium", "high"]
    for rules, model, highest in zip(by_rules.commits, by_model.commits, raised.commits, strict=True):
        suggested = model.analysis.suggested_level
        assert all(reason.rule != "analyzer_level" for reason in rules.importance.reasons)
        if suggested is None or suggested == rules.importance.level:
            assert model.importance == rules.importance == highest.importance
            continue
        assert model.importance.level == suggested
        assert model.importance.reasons[-1].rule == "analyzer_level"
        expected = max(rules.importance.level, suggested, key=order.index)
        assert highest.importance.level == expected
    assert any(r.importance != m.importance for r, m in zip(by_rules.commits, by_model.commits, strict=True))


def test_verify_flags_strips_or_ignores_a_path_in_no_diff(
    fixture_day_repo, openai_server, llm_settings, tmp_path
):
    invented = "src/widget/imaginary_scheduler.py"
    openai_server.behaviour = hallucinate_path(invented)

    flagged = report_in_mode(fixture_day_repo, llm_settings, tmp_path / "flag", verify="flag")
    stripped = report_in_mode(fixture_day_repo, llm_settings, tmp_path / "strip", verify="strip")
    ignored = report_in_mode(fixture_day_repo, llm_settings, tmp_path / "off", verify="off")

    model_answers = [r for r in flagged.commits if r.analyzer.startswith("llm:")]
    assert model_answers and all(invented in r.unverified for r in model_answers)
    assert all(invented in r.analysis.model_dump_json() for r in model_answers)
    assert all(invented not in r.analysis.model_dump_json() for r in stripped.commits)
    assert all(r.unverified == () for r in ignored.commits)


def test_refresh_asks_the_model_again(fixture_day_repo, openai_server, llm_settings, tmp_path):
    settings = Settings(analyzer=llm_settings)
    first = report_day(fixture_day_repo, settings, tmp_path / "cache")
    asked = len(openai_server.chat_requests)
    request = ReportRequest(str(fixture_day_repo), day_window("2026-01-29", ZONE), ZONE, "zh", refresh=True)
    with Store.open(tmp_path / "cache") as store:
        again = build_report(request, settings, store, tmp_path / "cache")

    assert len(openai_server.chat_requests) == 2 * asked
    assert again.stats.by_model == len(first.commits) and again.stats.from_cache == 0


def test_low_commits_left_to_the_offline_analyser_are_not_counted_as_model_answers(
    fixture_day_repo, openai_server, llm_settings, tmp_path
):
    report = report_in_mode(fixture_day_repo, llm_settings, tmp_path, low_importance="offline")

    low = [r for r in report.commits if r.importance.level == "low"]
    assert low and all(r.analyzer == "offline" and not r.notes for r in low)
    assert report.stats.by_model == len(report.commits) - len(low) == len(commit_calls(openai_server))
    assert report.stats.fallback == 0
