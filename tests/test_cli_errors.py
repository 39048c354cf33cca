"""Bad usage, config or input: exit 2, one line on standard error naming the bad value, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from changeradar.cli import main


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


@pytest.fixture
def config_file(tmp_path: Path):
    written = []

    def write(text: str) -> Path:
        written.append(text)
        path = tmp_path / f"config-{len(written)}.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def bad_input_cases(repo: Path, tmp_path: Path, config_file) -> list[tuple[list[str], str]]:
    """(arguments, the text the error line must contain)."""
    not_a_repo = tmp_path / "plain-folder"
    not_a_repo.mkdir()
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    report = ["report", str(repo), "--cache-dir", str(tmp_path / "cache")]
    return [
        (["report", str(not_a_repo), "--date", "2026-01-29"], str(not_a_repo)),
        ([*report, "--date", "2026-13-45"], "2026-13-45"),
        ([*report, "--since", "2026-01-30", "--until", "2026-01-29"], "2026-01-30"),
        ([*report, "--date", "2026-01-29", "--branch", "no-such-branch"], "no-such-branch"),
        ([*report, "--date", "2026-01-29", "--tz", "Mars/Olympus_Mons"], "Mars/Olympus_Mons"),
        ([*report, "--config", str(config_file('colour = "blue"\n'))], "colour"),
        ([*report, "--config", str(config_file("language = 3\n"))], "language"),
        (
            [*report, "--config", str(config_file("[analyzer]\nmax_concurrency = 'many'\n"))],
            "max_concurrency",
        ),
        ([*report, "--config", str(config_file("output = [\n"))], "not valid TOML"),
        ([*report, "--config", str(config_file('timezone = "Nowhere/Town"\n'))], "Nowhere/Town"),
        ([*report, "--config", str(tmp_path)], str(tmp_path)),
        ([*report, "--config", str(tmp_path / "missing.toml")], "missing.toml"),
        ([*report, "--date", "2026-01-29", "--out", str(a_file / "reports")], str(a_file)),
        ([*report, "--last", "7x"], "7x"),
        ([*report, "--since", "1800-06-15"], "1800-06-15"),
        ([*report, "--since", "0001-01-01"], "0001-01-01"),
        ([*report, "--date", "1969-07-20"], "1969-07-20"),
        ([*report, "--date", "9999-12-31"], "9999-12-31"),
        ([*report, "--since", "2026-01-29", "--until", "10000-01-01"], "10000-01-01"),
        ([*report, "--last", "100000d"], "100000d"),
        ([*report, "--last", "1000000d"], "1000000d"),
        ([*report, "--date", "2026-01-29", "--format", "md,pdf"], "pdf"),
        ([*report, "--date", "2026-01-29", "--lang", "fr"], "fr"),
        ([*report, "--date", "2026-01-29", "--last", "7d"], "--last"),
        ([*report, "--date", "2026-01-29", "--analyzer", "magic"], "magic"),
        ([*report, "--date", "2026-01-29", "--until", "2026-01-30"], "--until"),
        (["report"], "REPO"),
        ([*report, "--date", "2026-01-29", "--tz", ""], "--tz"),
        ([*report, "--date", "2026-01-29", "--format", ""], "--format"),
        ([*report, "--date", "2026-01-29", "--out", ""], "--out"),
        ([*report, "--date", "2026-01-29", "--analyzer", ""], "--analyzer"),
        ([*report, "--last", ""], "--last"),
        ([*report, "--date", "2026-01-29", "--cache-dir", " "], "--cache-dir"),
        ([*report, "--config", str(config_file('timezone = ""\n'))], "timezone"),
        ([*report, "--config", str(config_file("formats = []\n"))], "formats"),
        ([*report, "--config", str(config_file('output = ""\n'))], "output"),
        ([*report, "--config", str(config_file('[analyzer]\nname = ""\n'))], "analyzer.name"),
        ([*report, "--config", str(config_file("[importance]\nhigh = 2.0\nmedium = 6.0\n"))], "high"),
        (
            [*report, "--config", str(config_file('templates_dir = "no-such-templates"\n'))],
            "no-such-templates",
        ),
        ([*report, "--date", "2026-01-29", "--web-url", "javascript:alert(1)"], "javascript:alert(1)"),
        ([*report, "--date", "2026-01-29", "--name", "../../x/y"], "../../x/y"),
        ([*report, "--date", "2026-01-29", "--name", "/etc/x"], "/etc/x"),
        ([*report, "--date", "2026-01-29", "--name", "a/b/c"], "a/b/c"),
        ([*report, "--date", "2026-01-29", "--out", "-", "--format", "md,json"], "md,json"),
        (
            [
                "run",
                "--config",
                str(config_file(f'[[repositories]]\nsource = "{repo}"\nname = "../../x/y"\n')),
            ],
            "../../x/y",
        ),
        (
            [
                "run",
                "--config",
                str(config_file(f'[[repositories]]\nsource = "{repo}"\nweb_url = "javascript:alert(1)"\n')),
            ],
            "javascript:alert(1)",
        ),
        (
            [
                "run",
                "--config",
                str(
                    config_file(
                        f'[[repositories]]\nsource = "{repo}"\nname = "acme/widget"\n'
                        f'[[repositories]]\nsource = "{not_a_repo}"\nname = "acme/widget"\n'
                    )
                ),
            ],
            f"{repo} and {not_a_repo} would both be reported as 'acme/widget'",
        ),
        (["run", "--config", str(config_file("output = 'x'\n"))], "repositories"),
        (
            [
                "backfill",
                "--from",
                "2026-02-01",
                "--to",
                "2026-01-01",
                "--config",
                str(tmp_path / "none.toml"),
            ],
            "none",
        ),
    ]


def test_every_bad_input_exits_2_with_one_line_naming_the_value(
    fixture_day_repo: Path, tmp_path: Path, config_file, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = bad_input_cases(fixture_day_repo, tmp_path, config_file)
    assert len(cases) >= 12
    for args, named in cases:
        code, out, err = run_cli(args, capsys)
        lines = err.strip().splitlines()
        assert code == 2, (args, err)
        assert len(lines) == 1, (args, err)
        assert named in lines[0], (args, lines[0])
        assert "Traceback" not in err and out == "", (args, out, err)


def test_backfill_with_its_days_reversed_names_them(
    fixture_day_repo: Path, tmp_path: Path, config_file, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_file(f'[[repositories]]\nsource = "{fixture_day_repo}"\n')
    code, _out, err = run_cli(
        ["backfill", "--from", "2026-02-01", "--to", "2026-01-01", "--config", str(config)], capsys
    )
    assert code == 2
    assert "2026-02-01" in err


def test_windows_far_from_today_report_their_commits_or_are_refused(
    git_repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Years git's date parser misreads (2100 and later) are reported exactly; 1969 is refused."""
    git_repo.commit("feat: 2026", {"a.txt": "1"}, date="2026-01-29T10:00:00+00:00")
    git_repo.commit("feat: 2100", {"a.txt": "2"}, date="2100-01-01T10:00:00+00:00")
    git_repo.commit("feat: 9999", {"a.txt": "3"}, date="9999-12-29T10:00:00+00:00")
    report = ["report", str(git_repo.path), "--tz", "UTC", "--lang", "en", "--format", "json", "--out", "-"]
    report += ["--cache-dir", str(tmp_path / "cache")]

    def subjects(*window: str) -> list[str]:
        code, out, err = run_cli([*report, *window], capsys)
        assert code == 0, err
        return [commit["subject"] for commit in json.loads(out)["commits"]]

    assert subjects("--since", "2026-01-29", "--until", "2100-01-02") == ["feat: 2100", "feat: 2026"]
    assert subjects("--date", "2100-01-01") == ["feat: 2100"]
    assert subjects("--date", "9999-12-29") == ["feat: 9999"]
    assert subjects("--since", "1970-01-01", "--until", "2026-01-29") == []
    code, out, err = run_cli([*report, "--since", "1969-12-31", "--until", "2026-01-30"], capsys)
    assert (code, out) == (2, "")
    assert "--since '1969-12-31' is outside the supported range 1970-01-01 – 9999-12-30 (UTC)" in err
