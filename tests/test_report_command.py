"""`changeradar report|run|backfill|init` end to end on the fixture day: files, goldens, re-runs, links.

Golden files: `UPDATE_GOLDEN=1 pytest tests/test_report_command.py` rewrites tests/golden/fixture_day.*.md
from the current output; review the diff by eye before committing it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from changeradar.cli import main
from fixture_day import FIXTURE_DAY_SUBJECTS
from markdown_links import anchor_ids, internal_link_targets

GOLDEN = Path(__file__).parent / "golden"
DAY_FOLDER = Path("2026/acme/widget")


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


def report_day(repo: Path, out: Path, cache: Path, capsys, *extra: str) -> tuple[int, str, str]:
    args = ["report", str(repo), "--date", "2026-01-29", "--out", str(out), "--cache-dir", str(cache)]
    return run_cli([*args, *extra], capsys)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_fixture_day_report_matches_its_golden_file(
    fixture_day_repo: Path, tmp_path: Path, capsys, language: str
) -> None:
    code, out, err = report_day(
        fixture_day_repo, tmp_path / "out", tmp_path / "cache", capsys, "--lang", language
    )

    markdown_path = tmp_path / "out" / DAY_FOLDER / "2026-01-29.md"
    assert code == 0
    summary = "acme/widget 2026-01-29: 15 commits (high 4, medium 3, low 8); analysed offline"
    assert err == f"changeradar: {summary}\n"
    assert out.splitlines() == [f"wrote {markdown_path}", f"wrote {markdown_path.with_suffix('.json')}"]
    markdown = markdown_path.read_text(encoding="utf-8")
    golden = GOLDEN / f"fixture_day.{language}.md"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(markdown, encoding="utf-8")
    assert markdown == golden.read_text(encoding="utf-8")


def test_every_commit_of_the_day_is_in_the_report_and_every_link_resolves(
    fixture_day_repo: Path, tmp_path: Path, capsys
) -> None:
    report_day(fixture_day_repo, tmp_path / "out", tmp_path / "cache", capsys)

    markdown = (tmp_path / "out" / DAY_FOLDER / "2026-01-29.md").read_text(encoding="utf-8")
    document = json.loads((tmp_path / "out" / DAY_FOLDER / "2026-01-29.json").read_text(encoding="utf-8"))
    assert [commit["subject"] for commit in document["commits"]] == list(FIXTURE_DAY_SUBJECTS)
    assert "> 本日共 15 个提交 | " in markdown
    targets = internal_link_targets(markdown)
    assert len(targets) >= 2 * len(FIXTURE_DAY_SUBJECTS)
    assert set(targets) <= anchor_ids(markdown)


def test_a_rerun_gives_the_same_bytes_from_the_cache(fixture_day_repo: Path, tmp_path: Path, capsys) -> None:
    cache = tmp_path / "cache"
    report_day(fixture_day_repo, tmp_path / "first", cache, capsys, "--lang", "en")
    report_day(fixture_day_repo, tmp_path / "second", cache, capsys, "--lang", "en")

    for suffix in (".md", ".json"):
        first = (tmp_path / "first" / DAY_FOLDER / "2026-01-29").with_suffix(suffix).read_bytes()
        second = (tmp_path / "second" / DAY_FOLDER / "2026-01-29").with_suffix(suffix).read_bytes()
        assert first == second
    with sqlite3.connect(cache / "changeradar.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM analyses").fetchone()[0] == len(FIXTURE_DAY_SUBJECTS)
        assert db.execute("SELECT count(*), sum(commits) FROM runs WHERE status = 'done'").fetchone() == (
            2,
            30,
        )


def report_to_stdout(repo: Path, date: str, tmp_path: Path, capsys) -> tuple[int, str]:
    args = [
        "report",
        str(repo),
        "--date",
        date,
        "--out",
        "-",
        "--lang",
        "en",
        "--cache-dir",
        str(tmp_path / "cache"),
    ]
    code, out, _err = run_cli(args, capsys)
    return code, out


def test_markdown_goes_to_standard_output_with_out_dash(
    fixture_day_repo: Path, tmp_path: Path, capsys
) -> None:
    code, out = report_to_stdout(fixture_day_repo, "2026-01-29", tmp_path, capsys)
    assert code == 0
    assert out.startswith("# Daily Update Report (2026-01-29)\n")
    assert "> 15 commits | " in out
    assert not (tmp_path / "reports").exists()


def test_run_as_a_program_it_flushes_every_byte_before_it_ends_and_keeps_its_exit_code(
    fixture_day_repo: Path, tmp_path: Path
) -> None:
    # As a program, the command ends its process without the interpreter's teardown: the report it
    # prints and the one it writes must still be whole, and its exit codes those of the command.
    def program(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "changeradar", "report", str(fixture_day_repo), *args]
        return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", check=False)

    cache = ["--cache-dir", str(tmp_path / "cache")]
    printed = program("--date", "2026-01-29", "--out", "-", *cache)
    written = program("--date", "2026-01-29", "--out", str(tmp_path / "out"), *cache)
    refused = program("--date", "2026-13-29", *cache)

    golden = (GOLDEN / "fixture_day.zh.md").read_text(encoding="utf-8")
    assert (printed.returncode, printed.stdout) == (0, golden)
    assert printed.stderr.endswith("15 commits (high 4, medium 3, low 8); analysed offline\n")
    assert written.returncode == 0
    assert (tmp_path / "out" / DAY_FOLDER / "2026-01-29.md").read_text(encoding="utf-8") == golden
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "2026-13-29" in refused.stderr


def test_run_as_a_program_its_exit_handlers_still_run() -> None:
    # What a coverage tool or a plugin registers with `atexit` must not be lost with the teardown.
    program = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('handler ran', flush=True))\n"
        "from changeradar.cli import main\n"
        "sys.argv = ['changeradar', '--version']\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == "handler ran" and "changeradar, version" in done.stdout


def test_an_empty_day_is_a_short_valid_report(fixture_day_repo: Path, tmp_path: Path, capsys) -> None:
    code, out = report_to_stdout(fixture_day_repo, "2026-02-14", tmp_path, capsys)
    assert code == 0
    # when the branch last had a commit (the fixture's newest, 2026-01-30 09:30 in Shanghai): a stale
    # mirror shows at once
    assert "No commits in this window. The last commit on `main` was committed at 2026-01-30 09:30." in (
        out.splitlines()
    )
    assert "> 0 commits | 🔴 High 0 | 🟡 Medium 0 | 🟢 Low 0" in out.splitlines()
    assert "🚨" not in out  # nothing to attend to on an empty day


def test_a_commit_whose_signals_fail_stays_in_the_report_and_the_exit_code_is_1(
    fixture_day_repo: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from changeradar.signals import security

    original = security.extract

    def fail_on_the_dockerfile_commit(commit, context):
        if commit.subject.startswith("build: add a Dockerfile"):
            raise ValueError("unreadable hunk")
        return original(commit, context)

    monkeypatch.setattr(security, "extract", fail_on_the_dockerfile_commit)
    code, _out, err = report_day(
        fixture_day_repo, tmp_path / "out", tmp_path / "cache", capsys, "--lang", "en"
    )

    document = json.loads((tmp_path / "out" / DAY_FOLDER / "2026-01-29.json").read_text(encoding="utf-8"))
    assert code == 1
    assert len(document["commits"]) == len(FIXTURE_DAY_SUBJECTS)
    assert "signal extraction failed (ValueError: unreadable hunk)" in err
    assert any("unreadable hunk" in failure for failure in document["failures"])


def test_run_reports_every_configured_repository_and_backfill_every_day(
    fixture_day_repo: Path, tmp_path: Path, capsys
) -> None:
    config = tmp_path / "changeradar.toml"
    config.write_text(
        f'output = "out"\nlanguage = "en"\ncache_dir = "cache"\n\n'
        f'[[repositories]]\nsource = "{fixture_day_repo}"\nname = "acme/widget"\n',
        encoding="utf-8",
    )
    code, out, _err = run_cli(["run", "--config", str(config), "--date", "2026-01-29"], capsys)
    assert code == 0
    day_file = tmp_path / "out" / DAY_FOLDER / "2026-01-29"
    assert out.splitlines() == [f"wrote {day_file}.md", f"wrote {day_file}.json"]

    code, _out, _err = run_cli(
        ["backfill", "--config", str(config), "--from", "2026-01-28", "--to", "2026-01-30"], capsys
    )
    assert code == 0
    written = sorted(path.name for path in (tmp_path / "out" / DAY_FOLDER).iterdir())
    assert written == [f"2026-01-{day}.{suffix}" for day in (28, 29, 30) for suffix in ("json", "md")]


def test_a_url_is_cloned_into_the_cache_and_reported(fixture_day_repo: Path, tmp_path: Path, capsys) -> None:
    code, out, _err = run_cli(
        [
            "report",
            f"file://{fixture_day_repo}",
            "--date",
            "2026-01-29",
            "--out",
            "-",
            "--branch",
            "main",
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
        capsys,
    )
    assert code == 0
    assert "> 本日共 15 个提交 | " in out
    assert list((tmp_path / "cache" / "repos").rglob("*.git"))


def test_init_writes_a_config_that_loads_and_refuses_to_overwrite(tmp_path: Path, capsys) -> None:
    config = tmp_path / "changeradar.toml"
    code, out, _err = run_cli(["init", "--path", str(config)], capsys)
    assert code == 0
    assert (tmp_path / ".github/workflows/changeradar.yml").is_file()
    assert f"wrote {config}" in out.splitlines()

    from changeradar.config import load_config

    assert load_config(config).repositories[0].source == "https://github.com/sgl-project/sglang"
    code, _out, err = run_cli(["init", "--path", str(config)], capsys)
    assert code == 2 and str(config) in err


def test_area_rules_from_the_config_name_areas_in_the_report(
    fixture_day_repo: Path, tmp_path: Path, capsys
) -> None:
    config = tmp_path / "changeradar.toml"
    config.write_text(
        'output = "out"\ncache_dir = "cache"\nlanguage = "en"\n\n'
        '[[areas]]\npattern = "src/widget/quantization/**"\narea = "quant-team"\n\n'
        f'[[repositories]]\nsource = "{fixture_day_repo}"\n'
        '[[repositories.areas]]\npattern = "docker/**"\narea = "images"\n',
        encoding="utf-8",
    )
    code, _out, _err = run_cli(["run", "--config", str(config), "--date", "2026-01-29"], capsys)

    document = json.loads((tmp_path / "out" / DAY_FOLDER / "2026-01-29.json").read_text(encoding="utf-8"))
    areas = {
        signal["name"]
        for commit in document["commits"]
        for signal in commit["signals"]
        if signal["kind"] == "area"
    }
    assert code == 0
    assert {"quant-team", "images"} <= areas


def test_an_absolute_output_folder_in_the_config_is_used_as_it_is(
    fixture_day_repo: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "srv" / "reports"
    config = tmp_path / "conf" / "changeradar.toml"
    config.parent.mkdir()
    config.write_text(f'output = "{out}"\ncache_dir = "cache"\n', encoding="utf-8")

    code, _stdout, err = run_cli(
        ["report", str(fixture_day_repo), "--date", "2026-01-29", "--config", str(config)], capsys
    )

    assert code == 0, err
    assert (out / DAY_FOLDER / "2026-01-29.json").is_file()


def test_out_dash_prints_the_one_format_asked_for(fixture_day_repo: Path, tmp_path: Path, capsys) -> None:
    args = ["report", str(fixture_day_repo), "--date", "2026-01-29", "--out", "-", "--lang", "en"]
    code, out, _err = run_cli([*args, "--format", "json", "--cache-dir", str(tmp_path / "cache")], capsys)

    assert code == 0
    assert len(json.loads(out)["commits"]) == len(FIXTURE_DAY_SUBJECTS)


def test_a_window_shorter_than_a_day_does_not_overwrite_the_day_report(
    fixture_day_repo: Path, tmp_path: Path, capsys
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    report_day(fixture_day_repo, out, cache, capsys)
    day = (out / DAY_FOLDER / "2026-01-29.json").read_bytes()

    code, stdout, _err = run_cli(
        [
            *("report", str(fixture_day_repo), "--since", "2026-01-29T10:00", "--until", "2026-01-29T11:00"),
            *("--out", str(out), "--cache-dir", str(cache)),
        ],
        capsys,
    )

    hour = out / DAY_FOLDER / "2026-01-29T1000+0800_2026-01-29T1100+0800.json"
    assert code == 0
    assert f"wrote {hour}" in stdout.splitlines()
    assert (out / DAY_FOLDER / "2026-01-29.json").read_bytes() == day
    assert len(json.loads(hour.read_text(encoding="utf-8"))["commits"]) < len(FIXTURE_DAY_SUBJECTS)


def test_run_reports_every_repository_it_can_and_names_the_one_that_failed(
    fixture_day_repo: Path, tmp_path: Path, capsys
) -> None:
    missing = tmp_path / "gone"
    config = tmp_path / "changeradar.toml"
    config.write_text(
        'output = "out"\nlanguage = "en"\ncache_dir = "cache"\n\n'
        f'[[repositories]]\nsource = "{missing}"\nname = "acme/gone"\n\n'
        f'[[repositories]]\nsource = "{fixture_day_repo}"\nname = "acme/widget"\n',
        encoding="utf-8",
    )

    code, out, err = run_cli(["run", "--config", str(config), "--date", "2026-01-29"], capsys)

    lines = err.splitlines()
    assert code == 1
    assert (tmp_path / "out" / DAY_FOLDER / "2026-01-29.json").is_file()
    assert len(out.splitlines()) == 2
    errors = [line for line in lines if "error" in line]
    assert len(errors) == 1 and errors[0].startswith(f"changeradar: error: {missing} 2026-01-29: ")
    assert lines[-1] == f"changeradar: 1 of 2 reports done; 1 failed: {missing} 2026-01-29"
    assert "Traceback" not in err


def test_backfill_keeps_going_past_a_day_that_fails(
    fixture_day_repo: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from changeradar import cli
    from changeradar.git import GitError

    real_build_report = cli.build_report

    def build_report_failing_on_the_29th(request, *args, **kwargs):
        if request.window.label == "2026-01-29":
            raise GitError("git log failed: fatal: unable to read 0123abcd")
        return real_build_report(request, *args, **kwargs)

    monkeypatch.setattr(cli, "build_report", build_report_failing_on_the_29th)
    config = tmp_path / "changeradar.toml"
    config.write_text(
        f'output = "out"\ncache_dir = "cache"\n[[repositories]]\nsource = "{fixture_day_repo}"\n',
        encoding="utf-8",
    )

    code, _out, err = run_cli(
        ["backfill", "--config", str(config), "--from", "2026-01-28", "--to", "2026-01-30"], capsys
    )

    written = sorted(path.name for path in (tmp_path / "out" / DAY_FOLDER).iterdir())
    assert code == 1
    assert written == [f"2026-01-{day}.{suffix}" for day in (28, 30) for suffix in ("json", "md")]
    assert (
        f"changeradar: error: {fixture_day_repo} 2026-01-29: git log failed: fatal: unable to read 0123abcd"
        in err
    )
    assert (
        err.splitlines()[-1] == f"changeradar: 2 of 3 reports done; 1 failed: {fixture_day_repo} 2026-01-29"
    )


def test_on_a_terminal_the_bars_count_commits_and_the_summary_is_the_last_line(
    fixture_day_repo: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import re
    import time

    from rich.console import Console

    from changeradar import cli

    terminal = io.StringIO()
    monkeypatch.setattr(
        cli, "_terminal_console", lambda: Console(file=terminal, force_terminal=True, width=100)
    )
    real_build_report = cli.build_report

    def build_report_then_let_the_bars_draw(*args, **kwargs):
        report = real_build_report(*args, **kwargs)
        time.sleep(1)  # rich redraws 10 times a second: the finished bars are drawn before they are removed
        return report

    monkeypatch.setattr(cli, "build_report", build_report_then_let_the_bars_draw)
    code, _out, err = report_day(
        fixture_day_repo, tmp_path / "out", tmp_path / "cache", capsys, "--lang", "en"
    )

    screen = terminal.getvalue()
    assert code == 0 and err == ""
    assert re.search(r"acme/widget facts .*15/15", screen)  # the listing tells the total before any diff
    assert "analysis" not in screen  # the offline analyses are made with the facts: no bar of their own
    summary = "changeradar: acme/widget 2026-01-29: 15 commits (high 4, medium 3, low 8); analysed offline"
    assert screen.endswith(f"{summary}\n")
    assert screen.rindex(summary) > screen.rindex("\x1b")  # no bar is drawn over it afterwards
    assert "%" not in screen
