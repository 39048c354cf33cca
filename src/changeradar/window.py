"""The time windows reports cover, built from what users type: a day, a range, or "the last 7d".

Windows are zone-aware and half-open, `[start, end)`: a commit at midnight belongs to the day it opens.
Calendar arithmetic (days) is done on dates in the zone, so a day across a DST change lasts 23 or 25
hours; durations (`--last`) are exact elapsed time.

Every window is checked against what git and Python can represent (`EARLIEST` to `LATEST`) before any
git command runs, and git is handed exact timestamps (`git_timestamp`), never a date to parse: git's own
date parser reads years from 2100 or before 1970 as something else, silently.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from changeradar.config import check_timezone
from changeradar.errors import BadInput
from changeradar.model import Window

_DURATION = re.compile(r"(?P<count>[1-9]\d*)(?P<unit>[hdw])")
_UNIT = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")

# git stores commit times as unsigned seconds since 1970: no commit can be older, and an earlier bound
# cannot be written in a form git reads exactly.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
# Python's last year is 9999; a day's margin keeps the bound's local time representable in every zone.
LATEST = datetime(9999, 12, 30, tzinfo=UTC)
SUPPORTED_RANGE = f"{EARLIEST:%Y-%m-%d} – {LATEST:%Y-%m-%d} (UTC)"


def day_window(date: str, timezone: str) -> Window:
    """The calendar day `date` (YYYY-MM-DD) in `timezone`, from its midnight to the next."""
    zone = _zone(timezone)
    day = _parse_date(date, "date")
    with _in_range("date", date):
        window = Window(_midnight(day, zone), _midnight(day + timedelta(days=1), zone), day.isoformat())
    return _checked(window, "date", date)


def range_window(since: str, until: str, timezone: str) -> Window:
    """From `since` (inclusive) to `until` (exclusive), ISO dates or date-times read in `timezone`.

    A date-only range is labelled by the days it covers: `--since 2026-01-01 --until 2026-01-08` is
    "2026-01-01 – 2026-01-07".
    """
    zone = _zone(timezone)
    start = _parse_moment(since, "--since", zone)
    end = _parse_moment(until, "--until", zone)
    _check_moment(start, "--since", since)
    _check_moment(end, "--until", until)
    if start >= end:
        raise BadInput(f"--since {since!r} is not before --until {until!r}")
    if _DATE_ONLY.fullmatch(since) and _DATE_ONLY.fullmatch(until):
        label = f"{start.date().isoformat()} – {(end - timedelta(days=1)).date().isoformat()}"
    else:
        label = f"{_moment_label(start)} – {_moment_label(end)}"
    return Window(start, end, label)


def last_window(spec: str, timezone: str, now: datetime) -> Window:
    """The `spec` ("24h", "7d", "2w") of elapsed time that ends at `now`."""
    zone = _zone(timezone)
    duration = _DURATION.fullmatch(spec.strip())
    if duration is None:
        raise BadInput(f"bad --last {spec!r} (expected a count and a unit h, d or w, such as 24h, 7d or 2w)")
    end = _aware(now, zone).replace(microsecond=0)  # whole seconds: the window names the report's file
    with _in_range("--last", spec):
        elapsed = int(duration["count"]) * _UNIT[duration["unit"]]
        # Subtract in UTC: wall-clock arithmetic in the zone would be off by an hour across a DST change.
        start = (end.astimezone(UTC) - elapsed).astimezone(zone)
    return _checked(Window(start, end, f"{_moment_label(start)} – {_moment_label(end)}"), "--last", spec)


def yesterday(timezone: str, now: datetime) -> str:
    """The date (YYYY-MM-DD) before `now`'s date in `timezone`: what a morning run reports on."""
    zone = _zone(timezone)
    return (_aware(now, zone).date() - timedelta(days=1)).isoformat()


def days_between(start_date: str, end_date: str) -> list[str]:
    """Every date from `start_date` to `end_date`, both included, for backfilling reports day by day."""
    first, last = _parse_date(start_date, "--from"), _parse_date(end_date, "--to")
    for day, what, value in ((first, "--from", start_date), (last, "--to", end_date)):
        _check_moment(_midnight(day, UTC), what, value)
    if first > last:
        raise BadInput(f"--from {start_date!r} is after --to {end_date!r}")
    return [(first + timedelta(days=offset)).isoformat() for offset in range((last - first).days + 1)]


def git_timestamp(moment: datetime) -> str:
    """`moment` as git's exact `@<seconds> +0000`, which its date parser cannot misread.

    Whole seconds, rounded down: commit times are whole seconds, so an inclusive `--since`/`--until`
    bound keeps every commit of the window. A moment before 1970 (a margin below `EARLIEST`) is 1970.
    """
    return f"@{max(0, math.floor(moment.timestamp()))} +0000"


def _checked(window: Window, what: str, value: str) -> Window:
    _check_moment(window.start, what, value)
    _check_moment(window.end, what, value)
    return window


def _check_moment(moment: datetime, what: str, value: str) -> None:
    """BadInput naming `value` unless `moment` lies in the range git and Python can represent."""
    with _in_range(what, value):
        if EARLIEST <= moment <= LATEST:
            return
    raise _out_of_range(what, value)


@contextmanager
def _in_range(what: str, value: str) -> Iterator[None]:
    """Date arithmetic that leaves Python's range is the same user error as a date outside git's."""
    try:
        yield
    except OverflowError:
        raise _out_of_range(what, value) from None


def _out_of_range(what: str, value: str) -> BadInput:
    return BadInput(f"{what} {value!r} is outside the supported range {SUPPORTED_RANGE}")


def _zone(timezone: str) -> ZoneInfo:
    return ZoneInfo(check_timezone(timezone))


def _parse_date(value: str, what: str) -> date:
    if _DATE_ONLY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise BadInput(f"bad {what} {value!r} (expected a date such as 2026-01-29)")


def _parse_moment(value: str, what: str, zone: ZoneInfo) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(
            f"bad {what} {value!r} (expected an ISO date or date-time such as 2026-01-29T08:00)"
        ) from None
    return _aware(moment, zone)


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
    """`moment` in `zone`; a naive moment is taken to be wall-clock time there."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _moment_label(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
