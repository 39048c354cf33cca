"""The `files` output: where reports are written — one file per distinct window, always inside the output
folder, atomically, with the modes the umask gives."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from changeradar.config import FilesOutputSettings
from changeradar.errors import BadInput
from changeradar.model import DayReport, RepoRef
from changeradar.outputs import OutputContext
from changeradar.outputs.files import FilesOutput, report_folder, report_stem
from changeradar.render.view import build_view
from changeradar.store import Store
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
    report = empty_report()
    output = FilesOutput(FilesOutputSettings(folder=tmp_path / "out"), OutputContext())
    previous = os.umask(umask)
    try:
        with Store.open(tmp_path / "cache") as store:
            written = [
                Path(path)
                for path in output.deliver(report, output.render(report, build_view(report)), store)
            ]
    finally:
        os.umask(previous)

    assert [stat.S_IMODE(path.stat().st_mode) for path in written] == [mode, mode]
    assert sorted(path.name for path in written[0].parent.iterdir()) == ["2026-01-05.json", "2026-01-05.md"]


def test_the_files_output_writes_what_it_rendered(tmp_path: Path) -> None:
    report = empty_report()
    output = FilesOutput(FilesOutputSettings(folder=tmp_path, formats=["json"]), OutputContext())
    rendered = output.render(report, build_view(report))

    with Store.open(tmp_path / "cache") as store:
        (written,) = output.deliver(report, rendered, store)

    assert list(rendered) == ["json"]
    assert Path(written) == tmp_path / "2026" / "acme" / "widget" / "2026-01-05.json"
    assert Path(written).read_text(encoding="utf-8") == rendered["json"]


def test_doctor_names_an_output_folder_below_a_file(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    folder = tmp_path / "a-file" / "reports"

    (check,) = FilesOutput(FilesOutputSettings(folder=folder), OutputContext()).checks()

    assert not check.ok
    assert check.detail == f"{folder}: {tmp_path / 'a-file'} is not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to any folder")
def test_doctor_names_an_output_folder_it_cannot_write(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        (check,) = FilesOutput(FilesOutputSettings(folder=locked / "reports"), OutputContext()).checks()
    finally:
        locked.chmod(0o700)

    assert not check.ok
    assert check.detail.endswith(f"{locked} is not writable")


def test_doctor_passes_an_output_folder_that_a_run_will_create(tmp_path: Path) -> None:
    (check,) = FilesOutput(FilesOutputSettings(folder=tmp_path / "new" / "reports"), OutputContext()).checks()

    assert check.ok
    assert check.detail == f"{tmp_path / 'new' / 'reports'} (md, json)"
