"""Prompts are rendered from template files a user can override; their hash changes with their content."""

from __future__ import annotations

import pytest

from changeradar.analyse import AnalysisRequest
from changeradar.errors import BadInput
from changeradar.llm.prompt import build_commit_prompt, load_templates, system_prompt
from changeradar.llm.schema import Depth
from changeradar.model import Importance, Level, Reason, Signal, SignalAction, SignalKind
from diffs import make_commit, make_file
from openai_server import TEST_REPO

PATCH = "@@ -1,1 +1,2 @@\n import os\n+SGLANG_USE_MORI = os.environ.get('SGLANG_USE_MORI')\n"


def mori_request(language: str = "en") -> AnalysisRequest:
    commit = make_commit(
        "[PD] Support KV transfer with MORI-IO (#14626)",
        [make_file("python/sglang/srt/disaggregation/mori/conn.py", PATCH)],
        body="Adds a MORI backend.",
    )
    signals = (
        Signal(SignalKind.ENV_VAR, "SGLANG_USE_MORI", SignalAction.ADDED, path=commit.files[0].path, line=2),
        Signal(SignalKind.DEPENDENCY, "mori", SignalAction.ADDED, detail="mori>=0.3"),
    )
    importance = Importance(Level.HIGH, 7.5, (Reason("env_var_added", 2.0, "SGLANG_USE_MORI"),))
    return AnalysisRequest(TEST_REPO, commit, signals, importance, language)


def test_the_user_prompt_states_metadata_signals_and_the_diff():
    prompt = build_commit_prompt(load_templates(None), mori_request(), Depth.FULL, 12_000)

    user = prompt.messages[1]["content"]
    assert "Repository: sgl-project/sglang" in user
    assert "Subject: [PD] Support KV transfer with MORI-IO (#14626)" in user
    assert "Message:\nAdds a MORI backend." in user
    assert "Importance by rule: high (env_var_added: SGLANG_USE_MORI)" in user
    assert (
        "- env_var: added `SGLANG_USE_MORI` in `python/sglang/srt/disaggregation/mori/conn.py` line 2" in user
    )
    assert "- dependency: added `mori` (mori>=0.3)" in user
    assert "+SGLANG_USE_MORI = os.environ.get('SGLANG_USE_MORI')" in user
    assert "`insights`" in user and prompt.seen_share is None


def test_facts_users_meet_come_first_and_each_says_its_traits_and_audience():
    from dataclasses import replace

    from changeradar.model import Signal, SignalAction, SignalKind

    request = mori_request()
    signals = (
        Signal(
            SignalKind.CLI_OPTION, "--iters", SignalAction.ADDED, "benchmark", "benchmark/bench_mori.py", 3
        ),
        Signal(
            SignalKind.ENV_VAR,
            "MORI_TILE",
            SignalAction.ADDED,
            path="python/sglang/mori.py",
            traits=("internal",),
        ),
        Signal(
            SignalKind.API, "sglang.mori.connect", SignalAction.ADDED, "function", "python/sglang/mori.py", 9
        ),
    )
    prompt = build_commit_prompt(load_templates(None), replace(request, signals=signals), Depth.FULL, 12_000)
    facts = [line for line in prompt.messages[1]["content"].splitlines() if line.startswith("- ")][:3]
    assert facts == [
        "- api: added `sglang.mori.connect` (function) in `python/sglang/mori.py` line 9",
        "- cli_option: added `--iters` (benchmark) in `benchmark/bench_mori.py` line 3 [not user-facing]",
        "- env_var: added `MORI_TILE` in `python/sglang/mori.py` [internal] [not user-facing]",
    ]


def test_a_changed_signature_reaches_the_model_as_its_changed_parameters_not_two_long_lines():
    """Both signatures would pass the fact's length limit and be cut; what changed fits."""
    from dataclasses import replace

    from changeradar.signals.signatures import signature_detail

    many = ", ".join(f"arg_{index}=None" for index in range(12))
    detail = signature_detail(f"(self, {many})", f"(self, {many}, *, stream=False)")
    signal = Signal(
        SignalKind.API, "sglang.Engine.generate", SignalAction.CHANGED, detail, "python/sglang/engine.py", 40
    )
    request = replace(mori_request(), signals=(signal,))
    prompt = build_commit_prompt(load_templates(None), request, Depth.FULL, 12_000)
    assert (
        "- api: changed `sglang.Engine.generate` (signature: added `stream=False`) in "
        "`python/sglang/engine.py` line 40"
    ) in prompt.messages[1]["content"]


@pytest.mark.parametrize(("language", "named"), [("zh", "Simplified Chinese"), ("en", "English")])
def test_the_system_prompt_sets_the_language_and_the_grounding_rules(language, named):
    system = system_prompt(load_templates(None), language)

    assert f"Write every text field in {named}" in system
    assert "Ground every claim in the diff" in system and "No marketing" in system


def test_a_template_in_the_prompt_dir_replaces_the_built_in_one(tmp_path):
    (tmp_path / "system.md").write_text("Reply tersely in {{ language_name }}.\n", encoding="utf-8")
    built_in, custom = load_templates(None), load_templates(tmp_path)

    assert system_prompt(custom, "en") == "Reply tersely in English.\n"
    assert custom.render("repair.md", error="x") == built_in.render("repair.md", error="x")
    assert custom.fingerprint != built_in.fingerprint


def test_a_broken_template_is_bad_input_naming_the_file(tmp_path):
    (tmp_path / "commit.md").write_text("{% if %}\n", encoding="utf-8")

    with pytest.raises(BadInput, match=r"prompt template commit.md: .* \(line 1\)"):
        load_templates(tmp_path)


def test_a_missing_prompt_dir_is_bad_input(tmp_path):
    with pytest.raises(BadInput, match=r"analyzer\.prompt_dir is not a folder"):
        load_templates(tmp_path / "nowhere")
