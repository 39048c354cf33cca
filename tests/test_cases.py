"""End-to-end cases, one folder each under tests/cases/, in the manner of git-cliff's fixture folders:
a script that builds a repository, the arguments of the report, and the expected reports beside them.

To add a case, add a folder `tests/cases/<case-name>/` holding `build.py` with a `build(repo: GitRepo) ->
None` function that commits the history (every date with an offset, every author, message and file content
pinned: the expected files print commit hashes); `case.toml` with `args`, the `changeradar report` options
that choose the window and name the repository (`--date`, `--tz`, `--name`, `--web-url`…), and optionally
`languages` (default `["en", "zh"]`); optionally `changeradar.toml`, the run's config file (area rules,
importance…), passed with `--config`; and the expected outputs: `expected.<lang>.md` for each language, the
whole Markdown report, and `expected.json`, the language-neutral part of the JSON report that says what
was found and how it ranked (the summary, and each commit's level, score, rules and facts). Nothing else
changes: the test finds every folder. Write or rewrite the expected files from the current output with
`UPDATE_GOLDEN=1 python -m pytest tests/test_cases.py` (`-k <case-name>` for one case) and read their diff
before committing it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from changeradar.cli import main
from gitrepo import GitRepo

CASES = Path(__file__).parent / "cases"
DEFAULT_LANGUAGES = ("en", "zh")
UPDATING = os.environ.get("UPDATE_GOLDEN") == "1"


@dataclass(frozen=True)
class Case:
    """One case folder, read."""

    folder: Path
    args: tuple[str, ...]
    languages: tuple[str, ...]

    @property
    def config(self) -> Path | None:
        path = self.folder / "changeradar.toml"
        return path if path.is_file() else None

    def build(self, repo: GitRepo) -> None:
        """Run the folder's build.py on `repo`; loaded under a name of its own, so no two cases collide."""
        script = self.folder / "build.py"
        assert script.is_file(), f"{self.folder.name}: missing build.py"
        spec = importlib.util.spec_from_file_location(f"case_{self.folder.name}", script)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.build(repo)


def read_case(folder: Path) -> Case:
    settings = tomllib.loads((folder / "case.toml").read_text(encoding="utf-8"))
    unknown = set(settings) - {"args", "languages"}
    assert not unknown, f"{folder.name}/case.toml: unknown keys {sorted(unknown)}"
    return Case(
        folder=folder,
        args=tuple(settings["args"]),
        languages=tuple(settings.get("languages", DEFAULT_LANGUAGES)),
    )


def case_folders() -> list[Path]:
    return sorted(path.parent for path in CASES.glob("*/case.toml"))


def facts(document: dict[str, Any]) -> dict[str, Any]:
    """What a report found and how it ranked, without its wording: the same in every language.

    Facts are one line each (`kind action name @ path:line`), so that an extractor's change reads as a
    short diff of the expected file.
    """
    return {
        "summary": document["summary"],
        "commits": [
            {
                "commit": f"{commit['short_sha']} {commit['subject']}",
                "level": commit["importance"]["level"],
                "score": commit["importance"]["score"],
                "rules": [
                    f"{reason['rule']} {reason['weight']:+g} {reason['subject']}".rstrip()
                    for reason in commit["importance"]["reasons"]
                ],
                "facts": [_fact_line(signal) for signal in commit["signals"]],
            }
            for commit in document["commits"]
        ],
        "failures": document["failures"],
    }


def _fact_line(signal: dict[str, Any]) -> str:
    line = f"{signal['kind']} {signal['action']} {signal['name']}"
    if signal["path"]:
        line += f" @ {signal['path']}" + (f":{signal['line']}" if signal["line"] is not None else "")
    return line


def compare_or_update(expected: Path, actual: str) -> None:
    if UPDATING:
        expected.write_text(actual, encoding="utf-8")
    assert expected.is_file(), f"{expected} is missing: run with UPDATE_GOLDEN=1 to write it"
    assert actual == expected.read_text(encoding="utf-8"), f"differs from {expected}"


@pytest.mark.parametrize("folder", case_folders(), ids=lambda folder: folder.name)
def test_the_case_reports_match_the_expected_files(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = read_case(folder)
    repo = GitRepo(tmp_path / "repo")
    case.build(repo)
    monkeypatch.chdir(tmp_path)  # so that no changeradar.toml of the folder pytest runs in is read
    config = ["--config", str(case.config)] if case.config else []

    found_facts = []
    for language in case.languages:
        out = tmp_path / "out" / language
        args = ["report", str(repo.path), *case.args, *config, "--lang", language]
        with pytest.raises(SystemExit) as exit_info:
            main([*args, "--out", str(out), "--cache-dir", str(tmp_path / "cache" / language)])
        err = capsys.readouterr().err
        assert exit_info.value.code == 0, err

        (markdown,) = out.rglob("*.md")
        compare_or_update(folder / f"expected.{language}.md", markdown.read_text(encoding="utf-8"))
        document = json.loads(markdown.with_suffix(".json").read_text(encoding="utf-8"))
        found_facts.append(json.dumps(facts(document), ensure_ascii=False, indent=2) + "\n")

    assert all(text == found_facts[0] for text in found_facts), "the facts differ between languages"
    compare_or_update(folder / "expected.json", found_facts[0])


def test_every_case_folder_is_complete() -> None:
    """A folder missing its script or its expected files would otherwise pass, or vanish, unnoticed."""
    folders = [path for path in CASES.iterdir() if path.is_dir() and not path.name.startswith(("_", "."))]
    assert folders, "no case folders"
    for folder in folders:
        assert (folder / "case.toml").is_file(), f"{folder.name}: missing case.toml"
        case = read_case(folder)
        expected = ["build.py", "expected.json", *(f"expected.{language}.md" for language in case.languages)]
        missing = [name for name in expected if not (folder / name).is_file()]
        assert not missing, f"{folder.name}: missing {missing}"
