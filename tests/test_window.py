"""window: what users type (a day, a range, "the last 7d") as zone-aware half-open intervals."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from changeradar.errors import BadInput
from changeradar.window import (
    EARLIEST,
    LATEST,
    day_window,
    days_between,
    git_timestamp,
    last_window,
    range_window,
    yesterday,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 1, 29, 17, 0, tzinfo=UTC)  # 01:00 on the 30th in Shanghai, 09:00 on the 29th in LA


def elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time between two moments (Python subtracts same-zone datetimes by wall clock)."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def test_a_day_runs_from_its_midnight_to_the_next_in_the_zone() -> None:
    window = day_window("2026-01-29", "Asia/Shanghai")

    assert window.start == datetime(2026, 1, 29, tzinfo=SHANGHAI)
    assert window.end == datetime(2026, 1, 30, tzinfo=SHANGHAI)
    assert window.start.utcoffset() == timedelta(hours=8)
    assert window.label == "2026-01-29"


def test_a_day_across_a_dst_change_lasts_23_hours() -> None:
    window = day_window("2026-03-08", "America/Los_Angeles")

    assert elapsed(window.start, window.end) == timedelta(hours=23)


def test_a_range_of_dates_ends_before_the_until_day_and_is_labelled_by_the_days_it_covers() -> None:
    window = range_window("2026-01-01", "2026-01-08", "Asia/Shanghai")

    assert (window.start, window.end) == (
        datetime(2026, 1, 1, tzinfo=SHANGHAI),
        datetime(2026, 1, 8, tzinfo=SHANGHAI),
    )
    assert window.label == "2026-01-01 – 2026-01-07"


def test_a_range_of_one_date_to_the_next_is_that_day() -> None:
    window = range_window("2026-01-29", "2026-01-30", "UTC")

    assert elapsed(window.start, window.end) == timedelta(days=1)
    assert window.start.isoformat() == "2026-01-29T00:00:00+00:00"


def test_naive_range_times_are_read_in_the_zone_and_aware_ones_kept() -> None:
    window = range_window("2026-01-29T08:00", "2026-01-29T20:00:00+00:00", "Asia/Shanghai")

    assert window.start == datetime(2026, 1, 29, 8, tzinfo=SHANGHAI)
    assert window.end == datetime(2026, 1, 29, 20, tzinfo=UTC)
    assert window.label == "2026-01-29 08:00 – 2026-01-30 04:00"


@pytest.mark.parametrize(
    ("since", "until"),
    [
        ("2026-01-08", "2026-01-07"),
        ("2026-01-29", "2026-01-29"),
        ("2026-01-29T10:00", "2026-01-29T10:00"),
        ("2026-01-30T09:00+08:00", "2026-01-30"),
    ],
)
def test_since_must_come_before_until(since: str, until: str) -> None:
    with pytest.raises(BadInput, match=re.escape(f"--since '{since}' is not before --until '{until}'")):
        range_window(since, until, "UTC")


@pytest.mark.parametrize(
    ("spec", "duration"),
    [("24h", timedelta(hours=24)), ("7d", timedelta(days=7)), ("2w", timedelta(weeks=2))],
)
def test_last_ends_now_and_spans_elapsed_time(spec: str, duration: timedelta) -> None:
    window = last_window(spec, "Asia/Shanghai", NOW)

    assert window.end == NOW
    assert elapsed(window.start, window.end) == duration


def test_last_24h_across_a_dst_change_is_24_real_hours() -> None:
    now = datetime(2026, 3, 8, 12, tzinfo=LOS_ANGELES)

    window = last_window("24h", "America/Los_Angeles", now)

    assert elapsed(window.start, window.end) == timedelta(hours=24)
    assert window.label == "2026-03-07 11:00 – 2026-03-08 12:00"


@pytest.mark.parametrize("spec", ["7", "d", "0d", "-1d", "7m", "1.5d", "", "7 days"])
def test_a_bad_last_is_bad_input_naming_it(spec: str) -> None:
    with pytest.raises(BadInput, match=f"^bad --last '{spec}'"):
        last_window(spec, "UTC", NOW)


@pytest.mark.parametrize(
    ("timezone", "expected"), [("Asia/Shanghai", "2026-01-29"), ("America/Los_Angeles", "2026-01-28")]
)
def test_yesterday_is_the_day_before_now_in_the_zone(timezone: str, expected: str) -> None:
    assert yesterday(timezone, NOW) == expected


def test_days_between_includes_both_ends() -> None:
    assert days_between("2026-01-30", "2026-02-02") == [
        "2026-01-30",
        "2026-01-31",
        "2026-02-01",
        "2026-02-02",
    ]
    assert days_between("2026-01-29", "2026-01-29") == ["2026-01-29"]


def test_days_between_refuses_a_reversed_range() -> None:
    with pytest.raises(BadInput, match=r"^--from '2026-02-02' is after --to '2026-01-30'$"):
        days_between("2026-02-02", "2026-01-30")


@pytest.mark.parametrize("value", ["2026-02-30", "29/01/2026", "2026-1-29", "yesterday", ""])
def test_a_bad_date_is_bad_input_naming_it(value: str) -> None:
    with pytest.raises(BadInput, match=f"^bad date '{value}'"):
        day_window(value, "Asia/Shanghai")
    with pytest.raises(BadInput, match=f"^bad --to '{value}'"):
        days_between("2026-01-01", value)


@pytest.mark.parametrize("value", ["2026-13-01", "soon", "2026-01-29T25:00"])
def test_a_bad_since_is_bad_input_naming_it(value: str) -> None:
    with pytest.raises(BadInput, match=f"^bad --since '{value}'"):
        range_window(value, "2026-02-01", "UTC")


@pytest.mark.parametrize(
    "build",
    [
        lambda zone: day_window("2026-01-29", zone),
        lambda zone: range_window("2026-01-01", "2026-01-02", zone),
        lambda zone: last_window("7d", zone, NOW),
        lambda zone: yesterday(zone, NOW),
    ],
)
def test_an_unknown_zone_is_bad_input_naming_it(build) -> None:
    with pytest.raises(BadInput, match="unknown time zone 'Mars/Olympus_Mons'"):
        build("Mars/Olympus_Mons")


@pytest.mark.parametrize(
    ("build", "named"),
    [
        (lambda: day_window("9999-12-31", "UTC"), "date '9999-12-31'"),
        (lambda: day_window("1969-12-31", "UTC"), "date '1969-12-31'"),
        (
            lambda: day_window("1970-01-01", "Asia/Shanghai"),
            "date '1970-01-01'",
        ),  # starts 1969-12-31 16:00 UTC
        (lambda: range_window("1800-06-15", "2026-01-01", "UTC"), "--since '1800-06-15'"),
        (lambda: range_window("0001-01-01", "2026-01-01", "Asia/Shanghai"), "--since '0001-01-01'"),
        (lambda: range_window("2026-01-01", "9999-12-31T12:00", "UTC"), "--until '9999-12-31T12:00'"),
        (lambda: last_window("100000d", "UTC", NOW), "--last '100000d'"),
        (lambda: last_window("1000000d", "UTC", NOW), "--last '1000000d'"),
        (lambda: last_window("99999999999w", "UTC", NOW), "--last '99999999999w'"),
        (lambda: days_between("1969-12-31", "1970-01-02"), "--from '1969-12-31'"),
        (lambda: days_between("2026-01-01", "9999-12-31"), "--to '9999-12-31'"),
    ],
)
def test_a_window_outside_what_git_and_python_represent_is_bad_input_naming_it(build, named: str) -> None:
    with pytest.raises(BadInput, match=f"^{re.escape(named)} is outside the supported range 1970-01-01 – "):
        build()


def test_the_supported_range_reaches_from_1970_to_the_end_of_year_9999() -> None:
    first = day_window("1970-01-01", "UTC")
    late = range_window("2100-01-01", "9999-12-30", "UTC")

    assert first.start == EARLIEST
    assert (late.start.year, late.end) == (2100, LATEST)
    assert day_window("9999-12-29", "Pacific/Kiritimati").end.year == 9999


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 1, 29, tzinfo=SHANGHAI), "@1769616000 +0000"),
        (datetime(2100, 1, 2, tzinfo=UTC), "@4102531200 +0000"),
        (datetime(2026, 1, 29, 10, 0, 0, 999_999, tzinfo=UTC), "@1769680800 +0000"),  # rounded down
        (EARLIEST - timedelta(days=1), "@0 +0000"),  # a margin below 1970: no commit is older anyway
    ],
)
def test_git_is_given_exact_timestamps_it_cannot_misread(moment: datetime, expected: str) -> None:
    assert git_timestamp(moment) == expected


def test_last_counts_whole_seconds_so_its_window_names_one_file() -> None:
    window = last_window("24h", "UTC", NOW.replace(microsecond=250_000))

    assert window.end == NOW and window.start == NOW - timedelta(hours=24)
