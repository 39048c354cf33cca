"""The SQLite store: analysis results cached so that a re-run costs nothing, the history of runs, and what
each output delivered, so that a re-run delivers once.

The cache stores `model.AnalysisResult` itself, one column per field (the analysis as its JSON), so what a
re-run reads back is what the analyser answered; only `cached`, which the pipeline sets, is not stored.

WAL journaling and one transaction per write mean a run killed at any moment leaves the store as it was
after its last completed write. Schema changes are named migrations applied in order, each in its own
transaction, tracked by `PRAGMA user_version`. A store that cannot be written or read (read-only file or
folder, not a database, damaged) is one BadInput line naming the file, found when it is opened where possible.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from changeradar.errors import BadInput
from changeradar.model import Analysis, AnalysisResult, TokenUsage

CACHE_DIR_VARIABLE = "CHANGERADAR_CACHE_DIR"

_MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "create analyses and runs",
        """
        CREATE TABLE analyses (
            repo TEXT NOT NULL,
            sha TEXT NOT NULL,
            analyzer_key TEXT NOT NULL,
            analyzer TEXT NOT NULL,
            analysis_json TEXT NOT NULL,
            notes_json TEXT NOT NULL,
            seen_share REAL,
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            latency_seconds REAL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (repo, sha, analyzer_key)
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            repo TEXT NOT NULL,
            window TEXT NOT NULL,
            analyzer TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            commits INTEGER,
            failures INTEGER,
            status TEXT NOT NULL DEFAULT 'running'
        );
        """,
    ),
    (
        "remember which analyses need no verification",
        "ALTER TABLE analyses ADD COLUMN grounded INTEGER NOT NULL DEFAULT 0",
    ),
    (
        "cache day overviews",
        """
        CREATE TABLE overviews (
            key TEXT PRIMARY KEY,
            highlights_json TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """,
    ),
    (
        "say why a run failed",
        "ALTER TABLE runs ADD COLUMN error TEXT",
    ),
    (
        "record deliveries",
        """
        CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            repo TEXT NOT NULL,
            window TEXT NOT NULL,
            output TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            reference TEXT NOT NULL,
            delivered_at TEXT NOT NULL
        );
        CREATE INDEX deliveries_by_content ON deliveries (repo, window, output, content_hash)
        """,
    ),
)


def default_cache_dir() -> Path:
    """`$CHANGERADAR_CACHE_DIR`, else the user cache folder (XDG on Linux)."""
    from platformdirs import user_cache_dir  # here: a run given its cache folder never needs it

    return Path(os.environ.get(CACHE_DIR_VARIABLE) or user_cache_dir("changeradar"))


class Store:
    """One SQLite file; open it with `Store.open(cache_dir)` and close it (or use `with`).

    Every SQLite failure surfaces as BadInput naming the file, never as a `sqlite3` traceback.
    """

    FILE_NAME = "changeradar.sqlite3"

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, cache_dir: Path) -> Store:
        """The store in `cache_dir`, created if need be and proven writable before any work is done."""
        path = cache_dir / cls.FILE_NAME
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise BadInput(f"cannot use cache folder {cache_dir}: {error}") from None
        store = cls(connection, path)
        try:
            with store._sqlite_errors():
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=NORMAL")
                store._migrate()
                store._check_writable()
        except BadInput:
            connection.close()
            raise
        return store

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _sqlite_errors(self) -> Iterator[None]:
        """Turn SQLite's failures into one line that names the file and what to do about it."""
        try:
            yield
        except sqlite3.Error as error:
            raise BadInput(_describe_failure(self.path, error)) from None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._sqlite_errors():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _migrate(self) -> None:
        applied = self._db.execute("PRAGMA user_version").fetchone()[0]
        for number, (_name, script) in enumerate(_MIGRATIONS[applied:], start=applied + 1):
            with self._transaction() as db:
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    def _check_writable(self) -> None:
        """Write and roll back: SQLite opens a read-only file quietly and fails only at the first write."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            self._db.execute(f"PRAGMA user_version = {version}")
        finally:
            self._db.execute("ROLLBACK")

    def get_analysis(self, repo: str, sha: str, analyzer_key: str) -> AnalysisResult | None:
        """The result stored under the key, or None (never stored, or stored by an incompatible version)."""
        with self._sqlite_errors():
            row = self._db.execute(
                "SELECT analyzer, analysis_json, notes_json, seen_share, prompt_tokens, completion_tokens,"
                " latency_seconds, grounded FROM analyses WHERE repo = ? AND sha = ? AND analyzer_key = ?",
                (repo, sha, analyzer_key),
            ).fetchone()
        if row is None:
            return None
        try:
            analysis = Analysis.model_validate_json(row[1])
        except ValidationError:  # written by an older, incompatible version: analyse again
            return None
        notes = tuple(json.loads(row[2]))
        usage = TokenUsage(row[4], row[5]) if row[4] or row[5] else None  # no tokens: no model was called
        return AnalysisResult(
            analysis,
            row[0],
            notes,
            seen_share=row[3],
            usage=usage,
            latency_seconds=row[6],
            grounded=bool(row[7]),
        )

    def put_analysis(self, repo: str, sha: str, analyzer_key: str, result: AnalysisResult) -> None:
        self.put_analyses(repo, [(sha, analyzer_key, result)])

    def put_analyses(self, repo: str, entries: Iterable[tuple[str, str, AnalysisResult]]) -> None:
        """Each (sha, analyzer key, result) of `repo`, in one transaction: a year is a thousand commits."""
        now = _now()
        rows = [
            (
                repo,
                sha,
                analyzer_key,
                result.analyzer,
                result.analysis.model_dump_json(),
                json.dumps(list(result.notes), ensure_ascii=False),
                result.seen_share,
                result.usage.prompt_tokens if result.usage else 0,
                result.usage.completion_tokens if result.usage else 0,
                result.latency_seconds,
                now,
                result.grounded,
            )
            for sha, analyzer_key, result in entries
        ]
        if not rows:
            return
        with self._transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO analyses VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
            )

    def get_overview(self, key: str) -> list[str] | None:
        with self._sqlite_errors():
            row = self._db.execute("SELECT highlights_json FROM overviews WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put_overview(self, key: str, highlights: list[str]) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO overviews VALUES (?, ?, ?)",
                (key, json.dumps(highlights, ensure_ascii=False), _now()),
            )

    def start_run(self, repo: str, window: str, analyzer: str) -> int:
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO runs (repo, window, analyzer, started_at) VALUES (?, ?, ?, ?)",
                (repo, window, analyzer, _now()),
            )
        assert cursor.lastrowid is not None, "an INSERT always sets lastrowid"
        return cursor.lastrowid

    def finish_run(self, run_id: int, commits: int, failures: int) -> None:
        """A run that produced its report: `done`, or `partial` when some commits had failures."""
        with self._transaction() as db:
            db.execute(
                "UPDATE runs SET finished_at = ?, commits = ?, failures = ?, status = ? WHERE id = ?",
                (_now(), commits, failures, "partial" if failures else "done", run_id),
            )

    def fail_run(self, run_id: int, error: str) -> None:
        """A run that ended without a report: `failed`, with the one line that says why."""
        with self._transaction() as db:
            db.execute(
                "UPDATE runs SET finished_at = ?, status = 'failed', error = ? WHERE id = ?",
                (_now(), error, run_id),
            )

    def delivered(self, repo: str, window: str, output: str, content_hash: str) -> tuple[str, ...] | None:
        """Where `output` first delivered this content for `repo` and `window`, or None if it never did."""
        with self._sqlite_errors():
            row = self._db.execute(
                "SELECT reference FROM deliveries WHERE repo = ? AND window = ? AND output = ?"
                " AND content_hash = ? ORDER BY id LIMIT 1",
                (repo, window, output, content_hash),
            ).fetchone()
        return tuple(row[0].splitlines()) if row else None

    def record_delivery(
        self, repo: str, window: str, output: str, content_hash: str, references: tuple[str, ...]
    ) -> None:
        """One delivery; `references` (paths, message addresses) are kept one per line."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO deliveries (repo, window, output, content_hash, reference, delivered_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (repo, window, output, content_hash, "\n".join(references), _now()),
            )

    def runs(self) -> list[dict]:
        """The run history, newest first."""
        with self._sqlite_errors():
            cursor = self._db.execute("SELECT * FROM runs ORDER BY id DESC")
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor]


def _describe_failure(path: Path, error: sqlite3.Error) -> str:
    if "readonly" in str(error) or "unable to open" in str(error):
        return f"cannot write the store {path}: {error} (make it writable, or choose another --cache-dir)"
    return f"cannot use the store {path}: {error} (move the file away to start a new store)"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
