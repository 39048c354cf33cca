"""Public API added, removed or re-signed. Python modules are compared by parsing both versions with `ast`
(and, when they cannot be read or parsed, by the shape of the declaration lines a commit adds and removes);
Go, Rust and TypeScript/JavaScript with tree-sitter (see syntax_tree). C, C++ and CUDA are read by
`native_api`.

Names are qualified by module (`sglang.srt.server_args.ServerArgs.from_cli_args`); a declaration that
only moves within its file is neither added nor removed.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from changeradar.file_kinds import (
    generated_kind,
    is_doc_path,
    is_kubernetes_generated,
    is_test_path,
    matches_any,
)
from changeradar.model import Commit, FileChange, FileStatus, Signal, SignalKind
from changeradar.signals import (
    go_source,
    rust_source,
    syntax_tree,
    typescript_source,
)
from changeradar.signals.context import BlobSource, SignalContext
from changeradar.signals.dependencies import (
    Found,
    Side,
    bracket_depth,
    compare_found,
    hunk_runs,
    side_text,
)
from changeradar.signals.diff import added_lines, removed_lines
from changeradar.signals.hunk_scope import SourceShape, only_bodies_change
from changeradar.signals.python_api import (
    ClassMembers,
    bound_by_other_statements,
    class_members,
    inherits,
    public_api,
    signature,
)
from changeradar.signals.python_packages import import_path
from changeradar.signals.python_regions import binding_statements, statements_touched
from changeradar.signals.signatures import signature_detail
from changeradar.signals.syntax_tree import Declaration, DeclarationReader

if TYPE_CHECKING:
    from tree_sitter import Node

_READ_IN_PART = (FileStatus.MODIFIED, FileStatus.RENAMED, FileStatus.ADDED, FileStatus.DELETED)
_NOT_API = ("docs/", "doc/", "examples/", "example/", "benchmarks/", "benchmark/")
_PACKAGE_ROOTS = ("src", "python")  # the import path starts below the last of these folders
_FOLDER_NAMING_FILES = {"py": ("__init__",), "rs": ("mod", "lib", "main"), "ts": ("index",), "js": ("index",)}

# A line that can change public Python API: a def at module or method level that is not private
# (`__init__` is the class's signature), a public class, or `__all__`.
_PUBLIC_DEFINITION = re.compile(
    r"(?:    )?(?:async\s+)?def\s+(?:__init__|[A-Za-z])|class\s+[A-Za-z]|\s*__all__\b"
)
_CHANGED_PUBLIC_DEFINITION = re.compile(r"^[-+](?:" + _PUBLIC_DEFINITION.pattern + ")", re.MULTILINE)
_CONTEXT_PUBLIC_DEFINITION = re.compile(r"^ (?:" + _PUBLIC_DEFINITION.pattern + ")", re.MULTILINE)


def extract(commit: Commit, context: SignalContext) -> Iterator[Signal]:
    """Public functions, classes, methods and types added or removed, and signatures changed. (One
    removed from a file and declared again in another, or aliased there, still resolves:
    `signals.extract_signals` leaves such moves out.)"""
    for file in commit.files:
        extension = file.path.rpartition(".")[2]
        tree_language = _TREE_LANGUAGES.get(extension)
        if tree_language is not None:
            if (
                not file.binary
                and tree_language.covers(file.path)
                and _is_api_source(file.path, extension)
                and not _only_bodies_change(file, tree_language.shape)
                and tree_language.in_library(file.path, commit.sha, context.blobs)
            ):
                sides = syntax_tree.file_sides(file, context.blobs, tree_language.grammar, tree_language.read)
                yield from compare_found(SignalKind.API, file, *sides, signature_detail)
            continue
        syntax = _SYNTAXES.get(extension)
        if syntax is None or file.binary or not _is_api_source(file.path, extension):
            continue
        if syntax is _PYTHON and not _touches_public_definitions(file):
            continue  # parsing both sides costs more than everything else here; spare it when it is moot
        parsed = _parsed_python_sides(file, context.blobs) if syntax is _PYTHON else None
        before, after = parsed or [list(_declarations(file, side, syntax)) for side in Side]
        signals = compare_found(SignalKind.API, file, before, after, signature_detail)
        yield from (
            _by_import_path(list(signals), file, commit, context.blobs) if syntax is _PYTHON else signals
        )


def _by_import_path(signals: list[Signal], file: FileChange, commit: Commit, blobs: object) -> list[Signal]:
    """Python API facts named from the module's import path in the commit's tree (or its parent's, for a
    module that is gone) instead of the path's guess: `text_generation_server.…`, not `server.…`."""
    if not signals:
        return signals
    commits = (commit.sha, *commit.parents[:1])
    renamed: dict[str, str] = {}
    for path in dict.fromkeys((file.path, file.old_path or file.path)):
        guessed, imported = module_name(path), import_path(path, commits, blobs, _PACKAGE_ROOTS)
        if imported is not None and imported != guessed:
            renamed[f"{guessed}."] = f"{imported}."
    if not renamed:
        return signals
    return [_renamed(signal, renamed) for signal in signals]


def _renamed(signal: Signal, prefixes: dict[str, str]) -> Signal:
    for guessed, imported in prefixes.items():
        if signal.name.startswith(guessed):
            return replace(signal, name=imported + signal.name[len(guessed) :])
    return signal


def module_name(path: str) -> str:
    """`python/sglang/srt/server_args.py` → `sglang.srt.server_args`; Go packages are their folders. The
    path's guess: a Python fact is then named from the commit's tree (`python_packages.import_path`)."""
    folders, _, filename = path.rpartition("/")
    parts = folders.split("/") if folders else []
    roots = [index for index, part in enumerate(parts) if part in _PACKAGE_ROOTS]
    if roots:
        parts = parts[roots[-1] + 1 :]
    stem, extension = filename.split(".")[0], filename.rpartition(".")[2]
    if extension != "go" and stem not in _FOLDER_NAMING_FILES.get(extension, ()):
        parts.append(stem)
    return ".".join(parts)


def _is_api_source(path: str, extension: str) -> bool:
    if is_test_path(path) or is_doc_path(path) or generated_kind(path) or matches_any(_NOT_API, path):
        return False
    # A Python module under a `_private` name is not importable API, whatever it defines.
    return extension != "py" or not any(part.startswith("_") for part in module_name(path).split("."))


def _touches_public_definitions(file: FileChange) -> bool:
    """Whether parsing can find a change: the file comes, goes or moves with edits, or a changed line is a
    public-looking `def`, `class` or `__all__` line, or lies inside the parameters (or list) of one the
    hunk shows."""
    if file.status is FileStatus.RENAMED and file.old_blob == file.new_blob:
        return False  # the same content under a new module name: each item's key pairs with itself
    if file.status is not FileStatus.MODIFIED:
        return True
    if _CHANGED_PUBLIC_DEFINITION.search(file.patch):
        return True  # the common case, without walking the hunks
    if not _CONTEXT_PUBLIC_DEFINITION.search(file.patch):
        return False  # no definition in sight whose parameters a changed line could continue
    for side in Side:
        for run in hunk_runs(file, side):
            open_brackets = 0  # left open by the definition line above: its parameters continue
            for _number, text, changed in run:
                starts_definition = _PUBLIC_DEFINITION.match(text) is not None
                if changed and (starts_definition or open_brackets > 0):
                    return True
                if starts_definition or open_brackets > 0:
                    open_brackets = bracket_depth(text) + (0 if starts_definition else open_brackets)
    return False


def _parsed_python_sides(file: FileChange, blobs: BlobSource | None) -> list[Sequence[Found]] | None:
    """Both sides' public API, old then new; None when either cannot be read or parsed, or when patterns
    serve as well: a module that comes or goes is all changed lines, whose declarations read the same by
    pattern at a fraction of a parse's cost, unless `__all__` decides which of them are public."""
    if file.status in (FileStatus.ADDED, FileStatus.DELETED) and "__all__" not in file.patch:
        return None
    old_text, new_text = (side_text(file, side, blobs) for side in Side)
    if old_text is None or new_text is None:
        return None
    texts = [old_text, new_text]
    modules = [module_name(_side_path(file, side)) for side in Side]
    # Any side can be read in part, cut to the statements the patch touches with the bodies left out: a
    # module that comes or goes is all touched. Items are keyed by their name within the module, so an
    # untouched item of a moved module pairs with itself whatever the module is called. A cut patch does
    # not show every changed line.
    partly = file.status in _READ_IN_PART and not file.patch_truncated
    reduced = statements_touched(old_text, new_text, *_changed_lines(file)) if partly else None
    sides = None
    if reduced is not None:
        sides = [public_api(text, module) for text, module in zip(reduced, modules, strict=True)]
    if sides is None or None in sides:
        sides = [public_api(text, module) for text, module in zip(texts, modules, strict=True)]
    if sides[0] is None or sides[1] is None:
        return None
    before, after = _without_reexports(sides[0], sides[1], *texts)
    return _without_inherited(before, after, *texts)


def _without_reexports(
    before: Sequence[Found], after: Sequence[Found], old_text: str, new_text: str
) -> list[Sequence[Found]]:
    """Both sides without the items that only moved out of (or into) the module while their import
    path still resolves: a `def` replaced by `from .elsewhere import name` (or an assignment) is no
    removed API, nor is a `def` that replaces such an import an added one."""
    sides: list[Sequence[Found]] = [list(before), list(after)]
    for side, other, other_text in ((0, 1, new_text), (1, 0, old_text)):
        keys = {found.key for found in sides[other]}
        gone = {_top_level(found.key) for found in sides[side] if found.key not in keys}
        if not any(name in other_text for name in gone):  # the cheap test spares the parse
            continue
        binding = binding_statements(other_text)
        if not any(name in binding for name in gone):  # the names only occur in functions and classes
            continue
        bound = bound_by_other_statements(binding)
        if bound is None:  # the split went wrong: read the whole module
            bound = bound_by_other_statements(other_text) or frozenset()
        sides[side] = [f for f in sides[side] if f.key in keys or _top_level(f.key) not in bound]
    return sides


def _without_inherited(
    before: Sequence[Found], after: Sequence[Found], old_text: str, new_text: str
) -> list[Sequence[Found]]:
    """Both sides without the members that still resolve on the other side's class: a method the class
    gets from a base class of the module (flashinfer's 27b8a80 moved `get_cache_key_extras` up into
    `MoERunner`), and a property the class now holds as an attribute (6104afe turned `HandleExchanger`
    into a dataclass whose field is `handle_type`). Neither is a removed API, nor the reverse an added one."""
    sides: list[Sequence[Found]] = [list(before), list(after)]
    for side, other, other_text in ((0, 1, new_text), (1, 0, old_text)):
        keys = {found.key for found in sides[other]}
        lone = [f for f in sides[side] if f.key not in keys and "." in str(f.key)]
        lone = [  # its class is on both sides, with a base class of this module or the name bound otherwise
            f for f in lone if _top_level(f.key) in keys and _may_still_resolve(f, other_text)
        ]
        if not lone:  # the cheap tests spare parsing the whole module, which most commits would cost
            continue
        members = class_members(other_text) or {}
        resolving = {f.key for f in lone if _still_resolves(f, members)}
        sides[side] = [f for f in sides[side] if f.key not in resolving]
    return sides


def _may_still_resolve(found: Found, other_text: str) -> bool:
    """Whether the other side's text may still resolve the member, by a look that needs no parse."""
    name = str(found.key).rpartition(".")[2]
    attribute = rf"^(?: {{4}}|\t){re.escape(name)}\s*[:=]"  # bound one level in, as a class body does
    if found.detail == "property" and name in other_text and re.search(attribute, other_text, re.MULTILINE):
        return True
    return f"def {name}(" in other_text and _has_base_here(other_text, _top_level(found.key))


def _still_resolves(found: Found, members: dict[str, ClassMembers]) -> bool:
    owner, name = _top_level(found.key), str(found.key).rpartition(".")[2]
    if found.detail == "property" and owner in members and name in members[owner].attributes:
        return True
    return inherits(members, owner, name)


def _has_base_here(text: str, class_name: str) -> bool:
    """Whether `class_name` names, on its `class` line, a base class that `text` itself defines (not
    `nn.Module`): only then can it inherit a method from this module."""
    line = re.search(rf"^class {re.escape(class_name)}\s*\(([^)]*)\)", text, re.MULTILINE)
    bases = [base.strip() for base in line[1].split(",")] if line else []
    return any(base.isidentifier() and re.search(rf"^class {base}\b", text, re.MULTILINE) for base in bases)


def _top_level(key: Hashable) -> str:
    """The module-level name an item is reached through (`Sampler` for `Sampler.forward`)."""
    return str(key).partition(".")[0]


def _changed_lines(file: FileChange) -> tuple[list[int], list[int]]:
    """Zero-based numbers of the removed lines (old file) and the added lines (new file)."""
    return [number - 1 for number, _ in removed_lines(file)], [number - 1 for number, _ in added_lines(file)]


def _side_path(file: FileChange, side: Side) -> str:
    return file.old_path or file.path if side is Side.OLD else file.path


# --- Declarations by pattern -----------------------------------------------------------------------------


def _normalised_parameters(text: str) -> str:
    return re.sub(r"\s*,\s*", ", ", " ".join(text.split()))


def _python_parameters(text: str) -> str | None:
    """The signature of a one-line `def`'s parameters, as `python_api` writes it; None if unparsable."""
    try:
        definition = ast.parse(f"def f({text}): pass").body[0]
    except SyntaxError:
        return None
    return signature(definition.args) if isinstance(definition, ast.FunctionDef) else None


@dataclass(frozen=True, slots=True)
class _Syntax:
    """How a language declares public things. Patterns name groups `name`, and may name `kind`, `owner`
    (the type a method belongs to) and `params`; a `block` line opens the body of type `owner`, whose
    indented `method` declarations belong to it until the next line at column 0."""

    hints: tuple[str, ...]  # words every declaration line holds: a cheap test of patches and lines
    declarations: tuple[tuple[re.Pattern[str], str], ...]
    block: re.Pattern[str] | None = None  # matches at column 0 only
    parameters: Callable[[str], str | None] = _normalised_parameters
    # Per side, a newline and the side's sign before a line a declaration or block can start on: how a
    # file that comes or goes is read without a step per line. None: read line by line.
    column_line: Mapping[Side, re.Pattern[str]] | None = None


_PARAMETERS = r"(?:\s*\((?P<params>[^()]*)\))?"  # only a list that closes on the line, without nesting
_PYTHON_FUNCTION = r"(?:async\s+)?def\s+(?P<name>[A-Za-z]\w*)" + _PARAMETERS

_PYTHON = _Syntax(
    hints=("def ", "class "),
    declarations=(
        (re.compile(_PYTHON_FUNCTION), "function"),
        (re.compile(r"(?:    |\t)" + _PYTHON_FUNCTION), "method"),
        (re.compile(r"class\s+(?P<name>[A-Za-z]\w*)"), "class"),
    ),
    block=re.compile(r"class\s+(?P<owner>\w+)"),
    parameters=_python_parameters,
    column_line={
        side: re.compile(rf"\n\{sign}(?=[^ \t\n]|(?:    |\t)(?:async\s+)?def\s)")
        for side, sign in ((Side.NEW, "+"), (Side.OLD, "-"))
    },
)
# Line breaks other than "\n" that `str.splitlines` (how hunks are read line by line) also breaks at: a
# patch holding one is read line by line, so that both readings always agree.
_ODD_LINE_BREAK = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_SYNTAXES: dict[str, _Syntax] = {"py": _PYTHON}
_INDENTED = ("", " ", "\t")  # first characters of a line that is blank or inside a block


def _holds_any(text: str, words: tuple[str, ...]) -> bool:
    # A loop, not any() over a generator, which costs more than the test: this runs for every patch line.
    for word in words:  # noqa: SIM110
        if word in text:
            return True
    return False


def _declarations(file: FileChange, side: Side, syntax: _Syntax) -> Iterator[Found]:
    """Public declarations on one side's changed lines, with the type that owns each method."""
    if not _holds_any(file.patch, syntax.hints):
        return
    module = module_name(_side_path(file, side))
    whole_side = FileStatus.ADDED if side is Side.NEW else FileStatus.DELETED
    runs: Iterable[Iterable[tuple[int, str, bool]]] = hunk_runs(file, side)
    if (
        file.status is whole_side
        and syntax.column_line is not None
        and not _ODD_LINE_BREAK.search(file.patch)
    ):
        runs = (_lines_that_can_declare(file.patch, syntax.column_line[side]),)
    for run in runs:
        owner: str | None = None
        for number, text, changed in run:  # unpacked: attribute access costs more, on every line
            if text[:1] not in _INDENTED:  # a type's block opens here, or any open block ends
                block = syntax.block.match(text) if syntax.block is not None else None
                owner = None if block is None or block["owner"].startswith("_") else block["owner"]
            if changed and _holds_any(text, syntax.hints):
                found = _declaration(number, text, syntax, module, owner)
                if found is not None:
                    yield found


def _lines_that_can_declare(patch: str, column_line: re.Pattern[str]) -> Iterator[tuple[int, str, bool]]:
    """The lines of a file that comes or goes (its patch is its every line, all changed) that can matter
    to `_declarations`: those at column 0, which open or close a type's block, and indented `def`s. Found
    by one search instead of a step per line: a new module is often thousands of lines."""
    counted_to = patch.find("\n")  # the hunk header's end: the first line follows it
    number = 0
    for match in column_line.finditer(patch, counted_to):
        start = match.start()
        number += patch.count("\n", counted_to, start + 1)
        counted_to = start + 1
        end = patch.find("\n", start + 2)
        yield number, patch[start + 2 : end if end >= 0 else len(patch)], True


def _declaration(number: int, text: str, syntax: _Syntax, module: str, owner: str | None) -> Found | None:
    """The public thing the line declares, with its kind and (when on the line) its signature."""
    for pattern, kind in syntax.declarations:
        match = pattern.match(text)
        if match is None:
            continue
        groups = match.groupdict()
        member_of = groups.get("owner") or (owner if kind == "method" else None)
        if kind == "method" and member_of is None:
            return None  # a method of a type the hunk does not show, or of a private one
        qualified = ".".join(part for part in (module, member_of, match["name"]) if part)
        described = groups.get("kind") or kind
        parameters = groups.get("params")
        value = syntax.parameters(parameters) if parameters is not None else None
        return Found(qualified, qualified, number, described, value)
    return None


# --- Declarations by tree-sitter -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _TreeLanguage:
    """A language read with tree-sitter: its grammar, which of its files can hold API, and its reader."""

    grammar: str
    read: DeclarationReader
    shape: SourceShape
    covers: Callable[[str], bool] = lambda _path: True
    in_library: Callable[[str, str, BlobSource | None], bool] = lambda _path, _commit, _blobs: True


def _only_bodies_change(file: FileChange, shape: SourceShape) -> bool:
    """Whether an edit in place changes only lines that declare nothing: then neither side is read."""
    in_place = file.status is FileStatus.MODIFIED and not file.patch_truncated
    return in_place and only_bodies_change(file.patch, shape)


def _go_declarations(root: Node, path: str) -> Sequence[Declaration]:
    return go_source.declarations(root, module_name(path), go_source.is_api_package(path))


def _rust_declarations(root: Node, path: str) -> Sequence[Declaration]:
    return rust_source.declarations(root, rust_source.module_path(path))


def _script_declarations(root: Node, path: str) -> Sequence[Declaration]:
    return typescript_source.declarations(root, module_name(path))


_TREE_LANGUAGES: dict[str, _TreeLanguage] = {
    "go": _TreeLanguage(
        "go", _go_declarations, go_source.SHAPE, lambda path: not is_kubernetes_generated(path)
    ),
    "rs": _TreeLanguage(
        "rust",
        _rust_declarations,
        rust_source.SHAPE,
        rust_source.is_library_source,
        rust_source.in_library_crate,
    ),
    **{
        extension: _TreeLanguage(grammar, _script_declarations, typescript_source.SHAPE)
        for extension, grammar in typescript_source.GRAMMARS.items()
    },
}
