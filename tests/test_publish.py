"""publish: where reports are written — one file per distinct window, always inside the output folder."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from changeradar.errors import BadInput
from changeradar.model import DayReport, RepoRef
from changeradar.publish import report_folder, report_stem, write_report
from changeradar.window import day_window, last_window, range_window

TODAY = day_window("2026-01-05", "Asia/Shanghai")


def empty_report(name: str = "acme/widget", window=TODAY) -> DayReport:
    return DayReport(
        repo=RepoRef(name, "/src/widget"),
        branch="main",
        timezone=window.timezone,
        window=window,
        language="en",
        analyzer="offline",
        model=None,
    )


@pytest.mark.parametrize(
    ("window", "stem"),
    [
        (TODAY, "2026-01-05"),
        (range_window("2026-01-01", "2026-01-08", "UTC"), "2026-01-01_2026-01-07"),
        (range_window("2026-01-05T00:00", "2026-01-06T00:00", "UTC"), "2026-01-05"),  # the same day
        (
            range_window("2026-01-05T10:00", "2026-01-05T11:00", "Asia/Shanghai"),
            "2026-01-05T1000+0800_2026-01-05T1100+0800",
        ),
        (
            range_window("2026-01-05T10:00", "2026-01-05T11:00", "UTC"),
            "2026-01-05T1000+0000_2026-01-05T1100+0000",
        ),
        (
            range_window("2026-01-05T10:00:30", "2026-01-07", "UTC"),
            "2026-01-05T100030+0000_2026-01-07T0000+0000",
        ),
    ],
)
def test_a_window_that_is_not_whole_days_is_named_by_its_start_and_end(window, stem: str) -> None:
    assert report_stem(window) == stem
    assert "/" not in stem and ":" not in stem


def test_two_last_windows_a_second_apart_name_two_files() -> None:
    first = last_window("24h", "UTC", datetime(2026, 1, 5, 10, 0, 0, tzinfo=UTC))
    second = last_window("24h", "UTC", datetime(2026, 1, 5, 10, 0, 1, tzinfo=UTC))

    assert report_stem(first) != report_stem(second)


@pytest.mark.parametrize("name", ["../../x/y", "../x", "x/..", "/etc/passwd", "a//b", "."])
def test_a_name_that_would_leave_the_output_folder_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(BadInput, match="would write outside the output folder"):
        report_folder(tmp_path / "out", empty_report(name))


def test_a_plain_name_is_a_folder_below_the_year(tmp_path: Path) -> None:
    assert report_folder(tmp_path, empty_report("acme/widget")) == tmp_path / "2026" / "acme" / "widget"
    assert report_folder(tmp_path, empty_report("widget")) == tmp_path / "2026" / "widget" / "widget"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_report_files_follow_the_umask_and_leave_no_temporary_file(
    tmp_path: Path, umask: int, mode: int
) -> None:
    previous = os.umask(umask)
    try:
        written = write_report(empty_report(), tmp_path, ["md", "json"])
    finally:
        os.umask(previous)

    assert [stat.S_IMODE(path.stat().st_mode) for path in written] == [mode, mode]
    assert sorted(path.name for path in written[0].parent.iterdir()) == ["2026-01-05.json", "2026-01-05.md"]
