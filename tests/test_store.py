"""The SQLite store: analyses survive re-runs, a killed writer leaves it whole, old rows are re-analysed."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from changeradar.model import Analysis, ChangeType
from changeradar.store import CachedAnalysis, Store

ANALYSIS = Analysis(change_types=[ChangeType.FIX], summary=["Fixes `load_model` on empty folders."])


def entry(notes: tuple[str, ...] = ()) -> CachedAnalysis:
    return CachedAnalysis(ANALYSIS, "llm:test-model", notes, 0.5, 1200, 300, 1.25)


def test_an_analysis_round_trips_under_its_full_key(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.put_analysis("acme/widget", "a" * 40, "llm:m:p1:en", entry(("fell back once",)))

        assert store.get_analysis("acme/widget", "a" * 40, "llm:m:p1:en") == entry(("fell back once",))
        assert store.get_analysis("acme/widget", "a" * 40, "llm:m:p2:en") is None
        assert store.get_analysis("acme/other", "a" * 40, "llm:m:p1:en") is None


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
        from changeradar.model import Analysis, ChangeType
        from changeradar.store import CachedAnalysis, Store
        analysis = Analysis(change_types=[ChangeType.FIX], summary=["x" * 2000])
        store = Store.open(Path({str(tmp_path)!r}))
        number = 0
        while True:
            store.put_analysis("acme/widget", f"{{number:040x}}", "offline:1:en",
                               CachedAnalysis(analysis, "offline", (), None, 0, 0, None))
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
