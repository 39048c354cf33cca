"""The SQLite store: analyses survive re-runs, a killed writer leaves it whole, old rows are re-analysed.

A run that fails is recorded as failed; a store that cannot be written or read is one line naming it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from changeradar.cli import main
from changeradar.config import Settings
from changeradar.errors import ChangeradarError
from changeradar.model import Analysis, AnalysisResult, ChangeType, TokenUsage
from changeradar.pipeline import ReportRequest, build_report
from changeradar.store import Store
from changeradar.window import day_window
from gitrepo import GitRepo

ZONE = "Asia/Shanghai"

ANALYSIS = Analysis(change_types=[ChangeType.FIX], summary=["Fixes `load_model` on empty folders."])


def entry(notes: tuple[str, ...] = ()) -> AnalysisResult:
    return AnalysisResult(ANALYSIS, "llm:test-model", notes, 0.5, TokenUsage(1200, 300), 1.25, grounded=True)


def test_an_analysis_round_trips_under_its_full_key(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.put_analysis("acme/widget", "a" * 40, "llm:m:p1:en", entry(("fell back once",)))

        assert store.get_analysis("acme/widget", "a" * 40, "llm:m:p1:en") == entry(("fell back once",))
        assert store.get_analysis("acme/widget", "a" * 40, "llm:m:p2:en") is None
        assert store.get_analysis("acme/other", "a" * 40, "llm:m:p1:en") is None


def test_a_result_without_a_model_call_reads_back_without_usage(tmp_path: Path) -> None:
    offline = AnalysisResult(ANALYSIS, "offline", grounded=True)
    with Store.open(tmp_path) as store:
        store.put_analysis("acme/widget", "c" * 40, "offline:1:en", offline)
        assert store.get_analysis("acme/widget", "c" * 40, "offline:1:en") == offline


def test_the_store_uses_wal_and_records_runs(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        run = store.start_run("acme/widget", "2026-01-29", "offline")
        store.finish_run(run, commits=15, failures=1)
        assert [(r["repo"], r["commits"], r["failures"], r["status"]) for r in store.runs()] == [
            ("acme/widget", 15, 1, "partial")
        ]
    with sqlite3.connect(tmp_path / "changeradar.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] >= 1


def test_a_row_an_older_version_wrote_is_analysed_again(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.put_analysis("acme/widget", "b" * 40, "offline:1:en", entry())
    with sqlite3.connect(tmp_path / "changeradar.sqlite3") as db:
        db.execute("UPDATE analyses SET analysis_json = '{\"summary\": 3}'")
    with Store.open(tmp_path) as store:
        assert store.get_analysis("acme/widget", "b" * 40, "offline:1:en") is None


def test_a_writer_killed_mid_run_leaves_a_whole_store(tmp_path: Path) -> None:
    writer = textwrap.dedent(
        f"""
        from pathlib import Path
        from changeradar.model import Analysis, AnalysisResult, ChangeType
        from changeradar.store import Store
        analysis = Analysis(change_types=[ChangeType.FIX], summary=["x" * 2000])
        store = Store.open(Path({str(tmp_path)!r}))
        number = 0
        while True:
            store.put_analysis("acme/widget", f"{{number:040x}}", "offline:1:en",
                               AnalysisResult(analysis, "offline"))
            number += 1
            if number == 50:
                print("writing", flush=True)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "writing"
    time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()

    with sqlite3.connect(tmp_path / "changeradar.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute("SELECT sha FROM analyses").fetchall()
    assert len(rows) >= 50
    with Store.open(tmp_path) as store:
        assert all(store.get_analysis("acme/widget", sha, "offline:1:en") is not None for (sha,) in rows)


def test_a_failed_run_is_recorded_as_failed_with_its_reason(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        run = store.start_run("acme/widget", "2026-01-29", "offline")
        store.fail_run(run, "git failed in /srv/widget: fatal: bad object 1234abcd")
        (row,) = store.runs()
    assert (row["status"], row["error"]) == (
        "failed",
        "git failed in /srv/widget: fatal: bad object 1234abcd",
    )
    assert row["finished_at"] is not None


def test_a_report_that_raises_leaves_a_failed_run_not_a_running_one(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    git_repo.commit("first", {"a.txt": "a\n"}, date="2026-01-29T09:00:00+08:00")
    lost = git_repo.commit("second", {"a.txt": "b\n"}, date="2026-01-29T10:00:00+08:00")
    git_repo.commit("third", {"a.txt": "c\n"}, date="2026-01-29T11:00:00+08:00")
    (git_repo.path / ".git" / "objects" / lost[:2] / lost[2:]).unlink()  # a broken repository
    request = ReportRequest(str(git_repo.path), day_window("2026-01-29", ZONE), ZONE, "en")

    with Store.open(tmp_path / "cache") as store:
        with pytest.raises(ChangeradarError) as failure:
            build_report(request, Settings(), store, tmp_path / "cache")
        (run,) = store.runs()

    assert run["status"] == "failed"
    assert run["error"] == str(failure.value) and run["finished_at"] is not None


@pytest.fixture
def make_unwritable():
    """Make a file or folder unwritable even for root (who ignores modes): `chattr +i` as root, else chmod.

    Skips when neither really stops a write here, so a pass always means the store met a read-only path.
    """
    made: list[tuple[Path, int]] = []

    def make(path: Path) -> None:
        mode = path.stat().st_mode
        if os.geteuid() == 0:
            done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
            if done.returncode != 0:
                pytest.skip(f"running as root and chattr +i does not work here: {done.stderr!r}")
        else:
            path.chmod(mode & ~0o222)
        made.append((path, mode))
        probe = path / "probe" if path.is_dir() else path
        try:
            with probe.open("a"):
                pytest.skip(f"{path} is still writable after chattr/chmod")
        except PermissionError:
            pass

    yield make
    for path, mode in reversed(made):
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(mode)


def run_report(cache: Path, repo: Path, capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["report", str(repo), "--date", "2026-01-29", "--out", "-", "--cache-dir", str(cache)])
    return exit_info.value.code, capsys.readouterr().err


def test_a_read_only_store_file_is_one_line_naming_it(
    fixture_day_repo: Path, tmp_path: Path, make_unwritable, capsys
) -> None:
    cache = tmp_path / "cache"
    Store.open(cache).close()
    make_unwritable(cache / "changeradar.sqlite3")

    code, err = run_report(cache, fixture_day_repo, capsys)

    assert code == 2
    assert err == (
        f"changeradar: error: cannot write the store {cache / 'changeradar.sqlite3'}: attempt to write a "
        "readonly database (make it writable, or choose another --cache-dir)\n"
    )


def test_a_read_only_cache_folder_is_one_line_naming_it(
    fixture_day_repo: Path, tmp_path: Path, make_unwritable, capsys
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    make_unwritable(cache)

    code, err = run_report(cache, fixture_day_repo, capsys)

    assert code == 2
    assert err.count("\n") == 1 and err.startswith("changeradar: error: ") and str(cache) in err


def test_a_cache_folder_that_cannot_be_created_is_one_line_naming_it(
    fixture_day_repo: Path, tmp_path: Path, capsys
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")

    code, err = run_report(a_file / "cache", fixture_day_repo, capsys)

    assert code == 2
    assert err.count("\n") == 1 and f"cannot use cache folder {a_file / 'cache'}" in err


@pytest.mark.parametrize(
    ("damage", "complaint"),
    [("not a database", "file is not a database"), ("a damaged page", "database disk image is malformed")],
)
def test_a_store_that_is_not_a_database_is_one_line_naming_it(
    fixture_day_repo: Path, tmp_path: Path, capsys, damage: str, complaint: str
) -> None:
    cache = tmp_path / "cache"
    store_file = cache / "changeradar.sqlite3"
    if damage == "not a database":
        cache.mkdir()
        store_file.write_bytes(b"these are my notes, not a database\n" * 200)
    else:
        with Store.open(cache) as store:
            store.put_analysis("acme/widget", "a" * 40, "offline:1:en", entry())
        with store_file.open("r+b") as data:
            data.seek(4096)  # page 2: the first table's root page, after the valid header page
            data.write(b"\xff" * 4096)

    code, err = run_report(cache, fixture_day_repo, capsys)

    assert code == 2
    assert err == (
        f"changeradar: error: cannot use the store {store_file}: {complaint} "
        "(move the file away to start a new store)\n"
    )
