"""`changeradar report --analyzer llm` from the command line, against the loopback endpoint."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from changeradar.cli import main
from openai_server import TEST_KEY, TEST_MODEL, http_error
from openai_server import by_prompt as fault_for


def report_with_llm(
    repo: Path, tmp_path: Path, capsys, *extra: str, verbose: bool = False
) -> tuple[int, str, str]:
    args = [
        *(["--verbose"] if verbose else []),
        "report",
        str(repo),
        "--date",
        "2026-01-29",
        "--lang",
        "en",
        "--out",
        str(tmp_path / "out"),
    ]
    args += ["--cache-dir", str(tmp_path / "cache"), "--analyzer", "llm", "--model", TEST_MODEL, *extra]
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


@pytest.fixture
def endpoint_in_environment(openai_server, monkeypatch: pytest.MonkeyPatch):
    """The SDK's standard variables, as a user would set them."""
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.url)
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    return openai_server


def test_the_context_line_and_run_summary_count_model_cache_and_fallback(
    fixture_day_repo: Path, endpoint_in_environment, tmp_path: Path, capsys
) -> None:
    endpoint_in_environment.behaviour = fault_for({"uv.lock": http_error(500)})
    code, _out, err = report_with_llm(fixture_day_repo, tmp_path, capsys)

    markdown = next((tmp_path / "out").rglob("*.md")).read_text(encoding="utf-8")
    document = json.loads(next((tmp_path / "out").rglob("*.json")).read_text(encoding="utf-8"))
    assert code == 1  # one commit fell back: done, with a failure named
    assert "LLM call failed: HTTP 500" in err
    assert f"llm:{TEST_MODEL} 14, from cache 0, fallback 1" in err
    assert len(document["commits"]) == 15
    assert document["stats"]["by_model"] == 14 and document["stats"]["fallback"] == 1
    assert document["stats"]["prompt_tokens"] > 0
    assert TEST_MODEL in markdown.split("\n\n")[2]  # the context line under the repository heading

    endpoint_in_environment.behaviour = fault_for({})
    code, _out, err = report_with_llm(fixture_day_repo, tmp_path, capsys)
    assert code == 0
    assert f"llm:{TEST_MODEL} 1, from cache 14, fallback 0" in err


def test_the_key_reaches_no_file_no_cache_row_and_no_message(
    fixture_day_repo: Path, endpoint_in_environment, tmp_path: Path, capsys, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    endpoint_in_environment.behaviour = fault_for({"uv.lock": http_error(401)})
    _code, out, err = report_with_llm(fixture_day_repo, tmp_path, capsys, verbose=True)

    written = [path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()]
    assert len(written) >= 3  # Markdown, JSON and the SQLite store (with its WAL)
    assert all(TEST_KEY.encode() not in content for content in written)
    assert "HTTP Request: POST" in caplog.text  # --verbose logs every call, and still not the key
    assert TEST_KEY not in out + err + caplog.text


def test_without_a_key_the_llm_analyser_is_a_one_line_error(
    fixture_day_repo: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    code, _out, err = report_with_llm(fixture_day_repo, tmp_path, capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "OPENAI_API_KEY" in err
