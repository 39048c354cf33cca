"""The shared data types keep the promises the renderers rely on."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from changeradar.model import Analysis, ChangeType, Commit, Level, RepoRef, Window


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


def test_a_commit_reads_its_own_pull_request_from_the_end_of_its_subject() -> None:
    def commit(subject: str) -> Commit:
        moment = datetime(2026, 1, 29, tzinfo=ZoneInfo("UTC"))
        return Commit("a" * 40, (), "A", "a@example.com", moment, "A", moment, subject, "")

    squashed = commit("[CI] Fix timeouts (related to #16937) (#17636)")
    assert (squashed.pull_request, squashed.title) == (17636, "[CI] Fix timeouts (related to #16937)")
    revert = commit('Revert "feat: add header logging (#17786)"')
    assert (revert.pull_request, revert.title) == (None, revert.subject)
    assert commit("(#12)").pull_request is None


def test_levels_compare_by_importance_not_by_their_names() -> None:
    assert Level.LOW < Level.MEDIUM < Level.HIGH
    assert Level.HIGH >= Level.HIGH > Level.LOW
    assert max(Level.LOW, Level.HIGH, Level.MEDIUM) is Level.HIGH
    assert [level.rank for level in Level] == [2, 1, 0]  # declared most important first
    assert sorted([Level.MEDIUM, Level.HIGH, Level.LOW], reverse=True) == list(Level)
