"""The message catalogues: the same keys in every language, every key the code asks for present, no
Markdown syntax in our own words, and a new language as one file."""

from __future__ import annotations

import ast
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from changeradar import i18n
from changeradar.inline import Code, commonmark
from changeradar.model import ChangeType, DiffStatus, FileStatus, Level
from changeradar.render.markdown import render_markdown
from changeradar.render.view import FACT_KINDS
from changeradar.scoring_rules import RULES
from changeradar.signals.areas import AREA_RULES, PLATFORM_WORDS, TAG_ALIASES
from changeradar.signals.interfaces import Interface
from day_reports import sample_report

SOURCE = Path(i18n.__file__).parent
_KEY = re.compile(r"[a-z_]+(?:\.[a-z_]+)*")


def _keys_asked_for() -> tuple[set[str], set[str]]:
    """(keys written whole, prefixes of keys built with an f-string) anywhere in src/: every string that
    reads as a key of one of the catalogues' namespaces ("risk.", "fact."…), in a call or in a table."""
    namespaces = {key.split(".")[0] for key in i18n.catalogue(i18n.SOURCE_LANGUAGE)}
    whole, prefixes = set(), set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _KEY.fullmatch(node.value):
                is_file_name = node.value.endswith((".md", ".py", ".toml", ".json", ".j2"))  # "overview.md"
                if node.value.split(".")[0] in namespaces and "." in node.value and not is_file_name:
                    whole.add(node.value)
            elif isinstance(node, ast.JoinedStr) and isinstance(node.values[0], ast.Constant):
                prefix = str(node.values[0].value)
                if _KEY.fullmatch(prefix.rstrip(".")) and prefix.split(".")[0] in namespaces:
                    prefixes.add(prefix)
    return whole, prefixes


def test_every_language_has_exactly_the_keys_of_every_other() -> None:
    keys = {language: set(i18n.catalogue(language)) for language in i18n.LANGUAGES}
    assert len(keys) >= 2
    for language, found in keys.items():
        assert found == keys[i18n.SOURCE_LANGUAGE], language


def test_every_key_the_code_asks_for_exists() -> None:
    whole, prefixes = _keys_asked_for()
    known = set(i18n.catalogue(i18n.SOURCE_LANGUAGE))
    assert len(whole) > 70 and {"list.more", "attention.none"} <= whole
    assert whole - known == set()
    assert all(any(key.startswith(prefix) for key in known) for prefix in prefixes), prefixes
    # The keys built at run time, from every value they can take.
    built = (
        [f"level.{level.value}" for level in Level]
        + [f"tier.{level.value}" for level in Level]
        + [f"type.{change_type.value}" for change_type in ChangeType]
        + [f"reason.{rule}" for rule in RULES]
        + [f"fact.{kind.value}" for kind in FACT_KINDS]
        + [f"interface.{interface.name.lower()}" for interface in Interface]
        + [f"diff.{status.value}" for status in DiffStatus if status is not DiffStatus.COMPLETE]
        + [
            f"impact.file.{status.value}"
            for status in (FileStatus.ADDED, FileStatus.DELETED, FileStatus.RENAMED)
        ]
        + [f"{period}.{scope}" for period in ("stats", "empty") for scope in ("day", "range")]
        + [
            f"architecture.{what}_{action}"
            for what in ("modules", "api", "schema", "deployment", "image", "cli")
            for action in ("added", "removed")
        ]
        + [f"risk.{surface}_removed" for surface in ("api", "schema", "deployment", "image")]
    )
    assert set(built) - known == set()


def test_our_words_hold_no_markdown_syntax() -> None:
    """The Markdown writes catalogue words as they are; only a stats line (never in a table) has a `|`."""
    for language in i18n.LANGUAGES:
        for key, message in i18n.catalogue(language).items():
            words = re.sub(r"\{[^}]*\}", "", message)
            allowed = "|" if key.startswith("stats.") else ""
            assert not set(words) & (set("\\`*_[]<>|~&") - set(allowed)), (language, key, message)


def test_the_languages_are_the_catalogue_files_default_first() -> None:
    assert i18n.LANGUAGES[0] == i18n.DEFAULT_LANGUAGE
    assert set(i18n.LANGUAGES) == {path.stem for path in i18n.CATALOGUES.glob("*.toml")}


def test_a_new_language_is_one_catalogue_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in i18n.CATALOGUES.glob("*.toml"):
        shutil.copy(path, tmp_path)
    fake = (tmp_path / "en.toml").read_text(encoding="utf-8")
    (tmp_path / "xx.toml").write_text(fake.replace('"title" = "Daily Update Report', '"title" = "XX Report'))
    monkeypatch.setattr(i18n, "CATALOGUES", tmp_path)
    monkeypatch.setattr(i18n, "LANGUAGES", i18n.languages(tmp_path))
    english = render_markdown(sample_report("en"))
    report = sample_report("en")
    rendered = render_markdown(replace(report, language="xx"))
    assert rendered.startswith("# XX Report (2026-01-29)\n")
    assert rendered.split("\n", 1)[1] == english.split("\n", 1)[1]


def test_an_unknown_language_is_named_in_one_line() -> None:
    with pytest.raises(i18n.BadInput, match=r"'fr'.*choose from: zh, en"):
        i18n.text("fr", "title", label="x")


def test_every_area_the_signals_name_has_a_label_in_every_language() -> None:
    built_in = {area for _, area in AREA_RULES} | {area for _, area in PLATFORM_WORDS}
    built_in |= set(TAG_ALIASES.values())
    for language in i18n.LANGUAGES:
        assert {area for area in built_in if f"area.{area}" not in i18n.catalogue(language)} == set()
    assert i18n.area_label("docs", "zh") == "文档" and i18n.area_label("tests", "zh") == "测试"
    assert i18n.area_label("my-team-area", "zh") == "my-team-area"  # a user's own area, as named


def test_and_n_more_counts_the_hidden_items_in_every_language() -> None:
    items = [(Code(name),) for name in "abcdef"]
    assert commonmark(i18n.join_items(items, "en", 4)) == "`a`, `b`, `c`, `d` and 2 more"
    assert commonmark(i18n.join_items(items, "zh", 4)) == "`a`、`b`、`c`、`d` 等另外 2 项"
