"""Signal families as units: each kind of fact declared once (`signals.families`), and a new family is one
module in `signals/` (its extractor and the `FAMILY` it declares, with its rules' weights) plus its messages
— nothing in score, the view, the analysers or the prompt."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import changeradar
from changeradar import i18n
from changeradar.model import SignalAction, SignalKind
from changeradar.scoring_rules import RULES
from changeradar.signals import families
from changeradar.signals.families import FAMILIES, KindRule, family_of
from gitrepo import GitRepo


def test_every_kind_has_one_family() -> None:
    assert sorted(family.kind for family in FAMILIES) == sorted(SignalKind)


def test_every_family_message_is_in_every_catalogue_and_every_rule_has_a_weight_entry() -> None:
    for family in FAMILIES:
        for language in i18n.LANGUAGES:
            missing = set(family.message_keys) - set(i18n.catalogue(language))
            assert missing == set(), (family.kind, language)
        assert all(rule.name in RULES for rule in family.rules), family.kind


def test_a_fact_line_has_its_own_message_only_for_the_actions_the_family_declares() -> None:
    cli = family_of(SignalKind.CLI_OPTION)
    assert cli.fact_key(SignalAction.ADDED) == "fact.cli_option.added"
    assert cli.fact_key(SignalAction.CHANGED) == "fact.cli_option"
    assert family_of(SignalKind.SECURITY).fact_key(SignalAction.ADDED) == "fact.security"


def test_kind_rules_follow_the_families_reason_places() -> None:
    assert [rule for rule, *_ in families.kind_rules()][:3] == [
        "breaking_change",
        "security_sensitive",
        "cli_option_added",
    ]
    assert families.fact_kinds()[:3] == (SignalKind.BREAKING, SignalKind.REVERT, SignalKind.DEPENDENCY)
    assert isinstance(family_of(SignalKind.BREAKING).rules[0], KindRule)


# The new family's module, dropped into signals/: a TODO note added to source, with the family it declares
# (its rule carries its default weight). Its kind comes from a StrEnum of its own here, standing in for the
# one member a real family adds to `model.SignalKind`; the JSON document checks kinds against that enum, so
# this test writes the Markdown only.
TODO_MODULE = '''
"""TODO notes added to Python source."""

from enum import StrEnum

from changeradar.hunks import numbered_lines
from changeradar.model import Signal, SignalAction
from changeradar.signals.families import Family, KindRule


class ToyKind(StrEnum):
    TODO = "todo"


FAMILY = Family(
    ToyKind.TODO,
    rules=(KindRule("todo_added", SignalAction.ADDED, weight=2.5),),
    reason_place=9,
    fact_place=9,
)


def extract(commit, context):
    for file in commit.files:
        if file.path.endswith(".py"):
            for line in numbered_lines(file.patch):
                if line.sign == "+" and "TODO" in line.text:
                    note = line.text.split("TODO", 1)[1].strip(" :")
                    yield Signal(ToyKind.TODO, note, SignalAction.ADDED, path=file.path, line=line.new_line)
'''

# Run from a copy of the package holding the new module and messages, and nothing else changed.
RUN_FROM_THE_COPY = """
import sys

import changeradar
from changeradar.cli import main

assert changeradar.__file__.startswith(sys.argv[1]), changeradar.__file__
main(sys.argv[2:])
"""

MESSAGES = {
    "en": '"fact.todo" = "New TODO note {name}"\n"reason.todo_added" = "leaves a TODO: {code}"\n',
    "zh": '"fact.todo" = "新增待办 {name}"\n"reason.todo_added" = "留下待办：{code}"\n',
}


def test_a_new_family_is_one_module_plus_its_messages(git_repo: GitRepo, tmp_path: Path) -> None:
    site = tmp_path / "site"
    package = site / "changeradar"
    shutil.copytree(Path(changeradar.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "signals" / "todos.py").write_text(textwrap.dedent(TODO_MODULE), encoding="utf-8")
    for language, messages in MESSAGES.items():
        catalogue = package / "catalogues" / f"{language}.toml"
        catalogue.write_text(catalogue.read_text(encoding="utf-8") + messages, encoding="utf-8")
    git_repo.commit("Add the server", {"app/server.py": "def serve():\n    pass\n"})
    code = "def serve():\n    # TODO: drain connections on shutdown\n    pass\n"
    git_repo.commit("Note the missing drain", {"app/server.py": code}, date="2026-01-29T11:00:00+08:00")
    args = ["report", str(git_repo.path), "--date", "2026-01-29", "--lang", "en", "--name", "acme/app"]
    args += ["--out", "-", "--format", "md", "--cache-dir", str(tmp_path / "cache")]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}

    run = subprocess.run(
        [sys.executable, "-c", RUN_FROM_THE_COPY, str(package), *args],
        capture_output=True,
        text=True,
        env=environment,
    )

    assert run.returncode == 0, run.stderr
    section = run.stdout.split("### Note the missing drain")[1].split("\n---\n")[0]
    importance = next(line for line in section.splitlines() if "leaves a TODO" in line)
    assert "leaves a TODO: `drain connections on shutdown`" in importance  # scored by its rule
    assert "Medium" in importance  # its weight, 2.5, is the medium threshold
    # Extracted with its place, and listed in the facts block with its own message.
    assert "New TODO note `drain connections on shutdown` (`app/server.py:2`)" in section
