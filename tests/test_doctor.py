"""`changeradar doctor`: one line per check, exit 1 when any fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from changeradar.cli import main
from openai_server import TEST_KEY, TEST_KEY_ENV, TEST_MODEL


def run_doctor(config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    with pytest.raises(SystemExit) as exit_info:
        main(["doctor", "--config", str(config)])
    return exit_info.value.code, capsys.readouterr().out.splitlines()


def test_a_sound_offline_setup_passes_every_check(fixture_day_repo: Path, tmp_path: Path, capsys) -> None:
    config = tmp_path / "changeradar.toml"
    config.write_text(
        f'cache_dir = "cache"\n[[repositories]]\nsource = "{fixture_day_repo}"\n', encoding="utf-8"
    )

    code, lines = run_doctor(config, capsys)

    assert code == 0
    assert [line.split(":")[0] for line in lines] == [
        "✓ git",
        "✓ config",
        "✓ cache",
        "✓ repository",
        "✓ analyzer",
    ]


def test_a_missing_repository_and_a_bad_config_are_named(tmp_path: Path, capsys) -> None:
    config = tmp_path / "changeradar.toml"
    config.write_text(
        f'cache_dir = "cache"\n[[repositories]]\nsource = "{tmp_path / "gone"}"\n', encoding="utf-8"
    )
    code, lines = run_doctor(config, capsys)
    assert code == 1
    assert f"✗ repository: {tmp_path / 'gone'}: no such folder" in lines

    config.write_text("[analyzer]\nnmae = 'llm'\n", encoding="utf-8")
    code, lines = run_doctor(config, capsys)
    assert code == 1
    assert any(line.startswith("✗ config:") and "analyzer.nmae" in line for line in lines)


def test_with_the_llm_analyser_the_endpoint_is_checked_too(
    openai_server, tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv(TEST_KEY_ENV, TEST_KEY)
    config = tmp_path / "changeradar.toml"
    analyzer = f'[analyzer]\nname = "llm"\nbase_url = "{openai_server.url}"\napi_key_env = "{TEST_KEY_ENV}"\n'
    config.write_text(f'cache_dir = "cache"\n{analyzer}model = "{TEST_MODEL}"\n', encoding="utf-8")
    code, lines = run_doctor(config, capsys)
    assert code == 0
    assert [line.split(":")[0] for line in lines][-2:] == ["✓ llm models", "✓ llm structured answer"]

    config.write_text(f'cache_dir = "cache"\n{analyzer}model = "no-such-model"\n', encoding="utf-8")
    code, lines = run_doctor(config, capsys)
    assert code == 1
    assert any(line.startswith("✗ llm models") and "no-such-model" in line for line in lines)
    assert TEST_KEY not in "\n".join(lines)
