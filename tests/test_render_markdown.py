"""The Markdown report: whole output against golden files, links that resolve, text that cannot break it.

Golden files: run with `UPDATE_GOLDEN=1` to rewrite tests/golden/render_*.md from the current output,
then review the diff by eye before committing it.
"""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from changeradar.errors import BadInput
from changeradar.i18n import message
from changeradar.model import AnalysisStats, RepoRef, Signal, SignalAction, SignalKind, Window
from changeradar.render.escape import inline_code, markdown_heading, markdown_prose, markdown_text
from changeradar.render.markdown import render_markdown
from changeradar.render.view import MAX_FACTS, commit_anchors
from day_reports import HOSTILE_SUBJECT, REPO, day_window, empty_report, sample_report
from markdown_links import anchor_ids, internal_link_targets, markdown_parser

GOLDEN = Path(__file__).parent / "golden"
LANGUAGES = ("zh", "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_whole_report_matches_the_golden_file(language: str) -> None:
    rendered = render_markdown(sample_report(language))
    golden = GOLDEN / f"render_{language}.md"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("language", LANGUAGES)
def test_rendering_twice_gives_the_same_bytes_ending_in_one_newline(language: str) -> None:
    first = render_markdown(sample_report(language))
    assert first == render_markdown(sample_report(language))
    assert first.endswith("\n") and not first.endswith("\n\n")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_internal_link_has_its_anchor(language: str) -> None:
    markdown = render_markdown(sample_report(language))
    targets = internal_link_targets(markdown)
    anchors = anchor_ids(markdown)
    assert len(targets) >= 10  # the table and the table of contents both link every commit
    assert set(targets) <= anchors
    assert {"c-cbf90d7", "c-3c2f4c7", "c-3fcda00", "c-0ff0d18", "stats", "tier-high"} <= set(targets)


@pytest.mark.parametrize("language", LANGUAGES)
def test_headings_nest_commits_under_their_tier_under_the_repository(language: str) -> None:
    markdown = render_markdown(sample_report(language))
    tokens = markdown_parser().parse(markdown)
    levels = [int(token.tag[1]) for token in tokens if token.type == "heading_open"]
    assert all(later - earlier <= 1 for earlier, later in itertools.pairwise(levels))
    tier = markdown.index('<a id="tier-high"></a>')
    assert markdown[tier:].split("\n")[1].startswith("### ")
    commit = markdown.index('<a id="c-cbf90d7"></a>')
    assert markdown[commit:].split("\n")[1].startswith("#### ")


@pytest.mark.parametrize("language", LANGUAGES)
def test_hostile_text_neither_breaks_the_table_nor_creates_links_or_html(language: str) -> None:
    html = markdown_parser().render(render_markdown(sample_report(language)))
    commit_table = html.split("<table>")[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", commit_table, re.DOTALL)
    assert len(rows) == 5  # header and four commits
    assert all(len(re.findall(r"<t[hd]>", row)) == 3 for row in rows)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in commit_table
    assert "<script>" not in html and "<b>" not in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert all(href.startswith(("#", REPO.web_url)) for href in hrefs)


def test_hostile_subject_reads_literally_in_its_link() -> None:
    html = markdown_parser().render(render_markdown(sample_report("en")))
    literal = HOSTILE_SUBJECT.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f'<a href="#c-0ff0d18">{literal}</a>' in html


def test_stats_line_is_exactly_the_reference_line() -> None:
    lines = render_markdown(sample_report("zh")).splitlines()
    assert "> 本日共 4 个提交 | 🔴高 1 | 🟡中 1 | 🟢低 2" in lines
    assert (
        "> 4 commits | 🔴 High 1 | 🟡 Medium 1 | 🟢 Low 2"
        in render_markdown(sample_report("en")).splitlines()
    )


def test_tiers_keep_their_order_and_omit_empty_ones() -> None:
    report = sample_report("zh")
    report.commits = [commit for commit in report.commits if commit.importance.level.value != "medium"]
    markdown = render_markdown(report)
    assert "### 🟡" not in markdown
    assert markdown.index("### 🔴 高重要度变更 (1)") < markdown.index("### 🟢 低重要度变更 (2)")
    assert "🟡中 0" in markdown


@pytest.mark.parametrize(
    ("language", "line", "stats"),
    [
        ("zh", "本日无提交。", "> 本日共 0 个提交 | 🔴高 0 | 🟡中 0 | 🟢低 0"),
        ("en", "No commits in this window.", "> 0 commits | 🔴 High 0 | 🟡 Medium 0 | 🟢 Low 0"),
    ],
)
def test_an_empty_day_says_so_in_one_line(language: str, line: str, stats: str) -> None:
    markdown = render_markdown(empty_report(language))
    lines = markdown.splitlines()
    assert lines[0] in ("# 每日更新报告（2026-01-29）", "# Daily Update Report (2026-01-29)")
    assert "## sgl-project/sglang" in lines
    assert line in lines and stats in lines
    assert "|----------|" not in markdown and "## 📋" not in markdown


def test_a_range_window_uses_its_label_and_speaks_of_a_period() -> None:
    start = day_window("2026-01-01").start
    report = replace(
        empty_report("zh"), window=Window(start, start + timedelta(days=7), "2026-01-01 – 2026-01-07")
    )
    markdown = render_markdown(report)
    assert markdown.startswith("# 每日更新报告（2026-01-01 – 2026-01-07）\n")
    assert "本期无提交。" in markdown and "> 本期共 0 个提交 | 🔴高 0 | 🟡中 0 | 🟢低 0" in markdown


def test_without_a_web_url_there_are_no_external_links() -> None:
    report = replace(sample_report("en"), repo=RepoRef("sgl-project/sglang", "/srv/mirrors/sglang"))
    html = markdown_parser().render(render_markdown(report))
    assert all(href.startswith("#") for href in re.findall(r'href="([^"]*)"', html))
    assert "🔀 PR #14626" in html


def test_context_line_names_branch_zone_analyser_and_count() -> None:
    report = replace(sample_report("en"), analyzer="llm", model="qwen3-32b")
    lines = render_markdown(report).splitlines()
    assert "Branch `main` · Time zone Asia/Shanghai · Analyzer llm (model qwen3-32b) · 4 commits" in lines


def test_an_offline_report_shows_no_model_figures() -> None:
    report = replace(sample_report("en"), stats=AnalysisStats(by_model=4))
    assert (
        "Branch `main` · Time zone Asia/Shanghai · Analyzer offline · 4 commits"
        in render_markdown(report).splitlines()
    )


def test_context_line_tells_how_the_analyses_were_had_when_a_model_ran() -> None:
    stats = AnalysisStats(
        by_model=2, from_cache=1, fallback=1, prompt_tokens=12345, completion_tokens=678, cost_usd=0.0123
    )
    report = replace(sample_report("zh"), analyzer="llm", model="qwen3-32b", stats=stats)
    expected = (
        "分支 `main` · 时区 Asia/Shanghai · 分析器 llm（模型 qwen3-32b） · 4 个提交 · 模型分析 3/4 · 缓存 1"
        " · 回退离线 1 · tokens 12,345 + 678 · 费用 $0.01"
    )
    assert expected in render_markdown(report).splitlines()


def test_failures_are_listed_under_their_heading() -> None:
    report = replace(empty_report("en"), failures=["commit abc1234: git show failed <exit 128>"])
    markdown = render_markdown(report)
    assert "**⚠️ Failures**\n\n- commit abc1234: git show failed \\<exit 128\\>\n" in markdown


def test_user_templates_override_the_package_ones(tmp_path: Path) -> None:
    (tmp_path / "_commit.md.j2").write_text("CUSTOM {{ commit.short_sha }}\n", encoding="utf-8")
    markdown = render_markdown(sample_report("en"), templates_dir=tmp_path)
    assert "CUSTOM cbf90d7" in markdown
    assert "> 4 commits | 🔴 High 1 | 🟡 Medium 1 | 🟢 Low 2" in markdown  # the rest still from the package


def test_a_missing_or_broken_user_template_folder_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="templates folder not found"):
        render_markdown(sample_report("en"), templates_dir=tmp_path / "missing")
    (tmp_path / "_commit.md.j2").write_text("{{ commit.no_such_field }}\n", encoding="utf-8")
    with pytest.raises(BadInput, match="no_such_field"):
        render_markdown(sample_report("en"), templates_dir=tmp_path)


def test_an_unknown_language_is_bad_input() -> None:
    with pytest.raises(BadInput, match="'fr'"):
        render_markdown(replace(empty_report("en"), language="fr"))


def test_anchors_grow_past_seven_characters_only_where_short_shas_collide() -> None:
    reports = sample_report("en").commits[:2]
    twin = replace(reports[1], commit=replace(reports[1].commit, sha="cbf90d7" + "1" * 33))
    anchors = commit_anchors([reports[0], reports[1], twin])
    assert anchors[reports[0].commit.sha] == "c-3c2f4c7"
    assert anchors[reports[1].commit.sha] == "c-cbf90d70"
    assert anchors[twin.commit.sha] == "c-cbf90d71"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a | b", r"a \| b"),
        ("[x](http://e)", r"\[x\](http://e)"),
        ("<b>&amp;", r"\<b\>\&amp;"),
        ("line\nbreak", "line break"),
        ("1. not a list", r"1\. not a list"),
        ("- not a bullet", r"\- not a bullet"),
        ("snake_case *x*", r"snake\_case \*x\*"),
    ],
)
def test_markdown_text_escapes_whatever_markdown_would_read(text: str, expected: str) -> None:
    assert markdown_text(text) == expected


def test_heading_keeps_a_trailing_hash() -> None:
    html = markdown_parser().render("### " + markdown_heading("Support C #") + "\n")
    assert html == "<h3>Support C #</h3>\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "`plain`"),
        ("a`b", "``a`b``"),
        ("`edge", "`` `edge ``"),
        ("x|y", "`x|y`"),
    ],
)
def test_inline_code_survives_backticks(text: str, expected: str) -> None:
    assert inline_code(text) == expected


def test_inline_code_in_a_table_escapes_pipes() -> None:
    html = markdown_parser().render(f"| a |\n|---|\n| {inline_code('x|y', in_table=True)} |\n")
    assert "<td><code>x|y</code></td>" in html


def test_prose_keeps_code_spans_and_emphasis_but_no_links_or_html() -> None:
    prose = markdown_prose("See `a[b](c)` and **bold** [link](http://e) <img src=x> `unclosed")
    html = markdown_parser().render(prose)
    assert "<code>a[b](c)</code>" in html and "<strong>bold</strong>" in html
    assert "<a " not in html and "<img" not in html and "`unclosed" in html


def test_a_long_facts_block_is_cut_and_points_to_the_json() -> None:
    report = sample_report("en")
    first = report.commits[0]
    moved = tuple(
        Signal(SignalKind.API, f"pkg.kv.name_{n}", SignalAction.ADDED, "function", "pkg/kv.py", n)
        for n in range(20)
    )
    report.commits[0] = replace(first, signals=(*first.signals, *moved))
    own_section = render_markdown(report).split(f'<a id="c-{first.commit.short_sha}"></a>')[1]
    section = own_section.split("🧾 Facts")[1].split("\n---\n")[0]
    facts = [line for line in section.splitlines() if line.startswith("- ")]

    assert len(facts) == MAX_FACTS + 1
    assert facts[-1].endswith("more facts in the JSON report.")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_day_s_table_has_its_heading_even_when_nothing_is_highlighted(language: str) -> None:
    """Without the heading the table would read as part of "Needs attention" above it."""
    report = replace(sample_report(language), highlights=[])
    text = render_markdown(report)
    heading = f"### {message(language, 'highlights')}"
    table_head = f"| {message(language, 'column.time')} |"
    assert text.index("### 🚨") < text.index(heading) < text.index(table_head) < text.index("### 📊")
    assert text[text.index(heading) : text.index(table_head)].strip() == heading
    assert f"  - [{message(language, 'highlights')}](#highlights)" in text
