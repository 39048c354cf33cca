"""The shared data types keep the promises the renderers rely on."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from changeradar.model import Analysis, ChangeType, RepoRef, Window


def test_an_analysis_names_each_change_type_once() -> None:
    analysis = Analysis(change_types=["feature", "fix", "feature"], summary=["Adds and fixes."])
    assert analysis.change_types == [ChangeType.FEATURE, ChangeType.FIX]


def test_links_exist_only_where_the_web_address_is_known() -> None:
    assert RepoRef("acme/widget", "/src/widget").commit_url("abc") is None
    linked = RepoRef("acme/widget", "/src/widget", "https://github.com/acme/widget")
    assert linked.commit_url("abc") == "https://github.com/acme/widget/commit/abc"
    assert linked.pull_url(17) == "https://github.com/acme/widget/pull/17"


def test_a_window_knows_its_zone_by_name() -> None:
    zone = ZoneInfo("Asia/Shanghai")
    window = Window(datetime(2026, 1, 29, tzinfo=zone), datetime(2026, 1, 30, tzinfo=zone), "2026-01-29")
    assert window.timezone == "Asia/Shanghai"
