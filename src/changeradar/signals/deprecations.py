"""Interfaces a commit deprecates, marked so in their language's own way on a line the commit adds.

A deprecation tells the users of an interface to move off it before it goes: the notice a dependent team
wants a release ahead of the removal. Each language marks one its own way, and only that counts:

- Go: a `// Deprecated:` paragraph in the doc comment of an exported declaration (the convention gopls
  and staticcheck read), named by the declaration below it;
- Rust: a `#[deprecated]` attribute, named by the item below it;
- Python: a `@deprecated(…)` decorator (PEP 702, `typing_extensions`), named by the `def` or `class` below
  it, or a `DeprecationWarning` or `FutureWarning` the code warns with, named by the function it is in.

A name the old side already deprecated (a declaration moved with its notice, a reworded notice) is no
news, nor is a notice in a file the commit adds (a copy of another project's code brings its own).
Tests, docs, examples and generated files (`zz_generated.*`, a generator's banner) deprecate nothing
users meet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

from changeradar.file_kinds import file_kind, is_kubernetes_generated
from changeradar.hunks import SideLine
from changeradar.model import Commit, FileStatus, Signal, SignalAction, SignalKind
from changeradar.signals import rust_source
from changeradar.signals.api import module_name
from changeradar.signals.context import SignalContext
from changeradar.signals.dependencies import Run, Side, hunk_runs, side_text
from changeradar.signals.families import Family, KindRule
from changeradar.signals.files import file_generated_kind, opens_with_generated_banner

FAMILY = Family(
    SignalKind.DEPRECATION,
    rules=(KindRule("deprecation_added", SignalAction.ADDED, weight=1.5),),
    reason_place=4,  # beside the API it is about
    surface=True,
    fact_place=5,
    fact_actions=(SignalAction.ADDED,),
)

_HINTS = ("eprecat", "FutureWarning")  # Deprecated, deprecated, DeprecationWarning
_GO_MARK = re.compile(r"\s*//\s*Deprecated:")
_GO_DECLARATION = re.compile(
    r"\s*(?:func\s+(?:\([^)]*?\*?\s*(?P<receiver>[A-Z]\w*)(?:\[[^\]]*\])?\)\s*)?(?P<func>[A-Z]\w*)"
    r"|type\s+(?P<type>[A-Z]\w*)|(?:const|var)\s+(?P<value>[A-Z]\w*)|(?P<field>[A-Z]\w*)\s+[^=(\s])"
)
_GO_NAMES = ("func", "type", "value", "field")
_RUST_MARK = re.compile(r"\s*#\[deprecated\b")
_RUST_ITEM = re.compile(
    r"\s*(?:pub(?!\s*\()\s+)(?:(?:async|unsafe|const|extern\s+\"\w+\")\s+)*"
    r"(?:(?:fn|struct|enum|trait|type|const|static|mod|union)\s+)?(?P<name>\w+)"
)
_PYTHON_DECORATOR = re.compile(r"\s*@(?:[\w.]+\.)?deprecated\b")
_PYTHON_WARNING = re.compile(r"\b(?:DeprecationWarning|PendingDeprecationWarning|FutureWarning)\b")
_PYTHON_DEFINITION = re.compile(r"(?P<indent>\s*)(?:async\s+)?(?:def|class)\s+(?P<name>\w+)")


def extract(commit: Commit, context: SignalContext) -> Iterator[Signal]:
    """What the commit deprecates that its old side did not, in any of its files (a notice that moves
    with its declaration to another file is no news, and neither is one in a file the commit adds)."""
    files = [
        (file, language)
        for file in commit.files
        if (language := _LANGUAGES.get(file.path.rpartition(".")[2])) is not None
        and file.status is not FileStatus.ADDED
        and not file.binary
        and any(hint in file.patch for hint in _HINTS)
        and file_kind(file.path) == "core"
        and not is_kubernetes_generated(file.path)
        and file_generated_kind(file, context.blobs) is None
    ]
    before = {
        name
        for file, language in files
        for run in hunk_runs(file, Side.OLD)
        for name, _ in language.read(run)
    }
    for file, language in files:
        found: dict[str, int] = {}
        for run in hunk_runs(file, Side.NEW):
            for name, line in language.read(run):
                if name not in before:
                    found.setdefault(name, line)
        if found and opens_with_generated_banner(side_text(file, Side.NEW, context.blobs) or ""):
            continue  # a generator's output (`clientset_generated.go`): its notices are the generator's
        module = language.module(file.path)
        for name, line in found.items():
            qualified = f"{module}{language.separator}{name}" if module else name
            yield Signal(SignalKind.DEPRECATION, qualified, SignalAction.ADDED, path=file.path, line=line)


def _go(run: Run) -> Iterator[tuple[str, int]]:
    """(name, line of the notice) of each exported declaration a changed `// Deprecated:` line marks."""
    for index, line in enumerate(run):
        if line.changed and _GO_MARK.match(line.text):
            below = _below(run, index, lambda text: text.lstrip().startswith("//"))
            declaration = _GO_DECLARATION.match(below) if below is not None else None
            if declaration is not None:
                name = next(declaration[group] for group in _GO_NAMES if declaration[group])
                receiver = declaration["receiver"]
                yield (f"{receiver}.{name}" if receiver else name), line.number


def _rust(run: Run) -> Iterator[tuple[str, int]]:
    """(name, line of the attribute) of each public item or field a changed `#[deprecated]` marks."""
    for index, line in enumerate(run):
        if line.changed and _RUST_MARK.match(line.text):
            below = _below(run, index, lambda text: text.lstrip().startswith(("#[", "//")))
            item = _RUST_ITEM.match(below) if below is not None else None
            if item is not None:
                yield item["name"], line.number


def _python(run: Run) -> Iterator[tuple[str, int]]:
    """(name, line of the notice) of each public function or class a changed decorator or warning marks."""
    for index, line in enumerate(run):
        if not line.changed:
            continue
        if _PYTHON_DECORATOR.match(line.text):
            below = _below(run, index, lambda text: text.lstrip().startswith("@"))
            definition = _PYTHON_DEFINITION.match(below) if below is not None else None
        elif _PYTHON_WARNING.search(line.text) and not line.text.lstrip().startswith(("#", "import", "from")):
            definition = _enclosing(run[:index], _indentation(line.text))
        else:
            continue
        if definition is not None and not definition["name"].startswith("_"):
            owner = _enclosing(run[:index], len(definition["indent"])) if definition["indent"] else None
            name = definition["name"]
            yield (f"{owner['name']}.{name}" if owner is not None else name), line.number


def _below(run: Run, index: int, skipped: Callable[[str], bool]) -> str | None:
    """The first line under `run[index]` that is not blank and that `skipped` does not pass over."""
    for line in run[index + 1 :]:
        if line.text.strip() and not skipped(line.text):
            return line.text
    return None


def _enclosing(lines: Sequence[SideLine], indent: int) -> re.Match[str] | None:
    """The nearest `def` or `class` above, indented less than `indent`: what the line is inside."""
    for line in reversed(lines):
        definition = _PYTHON_DEFINITION.match(line.text)
        if definition is not None and len(definition["indent"]) < indent:
            return definition
    return None


def _indentation(text: str) -> int:
    return len(text) - len(text.lstrip())


class _Language(NamedTuple):
    """How a language marks a deprecation, and how its public API facts name the item marked: Go's
    package folder, Rust's module path, Python's module (`pkg.epp.scorer.Scorer.Timeout`,
    `git_cliff_core::changelog::render`, `widget.engine.load_model`)."""

    read: Callable[[Run], Iterator[tuple[str, int]]]
    module: Callable[[str], str]
    separator: str = "."


_PYTHON = _Language(_python, module_name)
_LANGUAGES = {
    "go": _Language(_go, module_name),
    "rs": _Language(_rust, rust_source.module_path, "::"),
    "py": _PYTHON,
    "pyi": _PYTHON,
}
