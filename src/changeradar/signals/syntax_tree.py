"""Syntax trees of source files in any language tree-sitter has a grammar wheel for, read lazily.

Grammars come from the individual `tree-sitter-<language>` wheels, which ship compiled grammars and never
download anything; each is imported the first time a file of its language is parsed, so a run that
touches no Go pays nothing for Go (and `changeradar --help` imports no tree-sitter at all). Parsers and
recent trees are cached: a day's commits often edit one file in turn, one's new side being the next's old.

Language modules (go_source, rust_source, typescript_source; C/C++/CUDA can use the same entry points
with the "c" and "cpp" grammars) turn a tree into `Declaration`s; `touched` keeps those a diff changes.
"""

from __future__ import annotations

import bisect
import importlib
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from changeradar.model import FileChange, FileStatus
from changeradar.signals.context import BlobSource
from changeradar.signals.dependencies import Found, Side, hunk_runs, side_text

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Query, Tree

# Grammar name → (wheel module, function returning its language pointer).
_GRAMMARS: dict[str, tuple[str, str]] = {
    "go": ("tree_sitter_go", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "javascript": ("tree_sitter_javascript", "language"),
    "c": ("tree_sitter_c", "language"),
    "cpp": ("tree_sitter_cpp", "language"),
}


@dataclass(frozen=True, slots=True)
class Declaration:
    """A fact a tree declares, with the rows (0-based, inclusive) whose change can change it: a
    function's signature but not its body, a field's whole line."""

    found: Found
    first_row: int
    last_row: int
    owner: Hashable | None = None  # the key of the declaration this one is a member of


@cache
def parser(grammar: str) -> Parser | None:
    """A parser for the grammar, or None when its wheel is not installed (the caller then reads less)."""
    module_name, function = _GRAMMARS[grammar]
    try:
        from tree_sitter import Language, Parser

        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return Parser(Language(getattr(module, function)()))


@lru_cache(maxsize=32)
def parse(grammar: str, source: bytes) -> Tree | None:
    """The tree of `source`; tree-sitter reads past syntax errors, so only a missing grammar gives None."""
    reader = parser(grammar)
    return reader.parse(source) if reader is not None else None


@cache
def _query(grammar: str, pattern: str) -> Query:
    from tree_sitter import Query

    reader = parser(grammar)
    assert reader is not None and reader.language is not None, "a tree of this grammar was parsed"
    return Query(reader.language, pattern)


def matches(grammar: str, pattern: str, node: Node) -> list[dict[str, list[Node]]]:
    """The captures of each match of a tree-sitter query under `node`; the query is compiled once, and
    its `#match?`/`#eq?` predicates are applied by tree-sitter."""
    from tree_sitter import QueryCursor

    return [captures for _index, captures in QueryCursor(_query(grammar, pattern)).matches(node)]


def string_value(node: Node) -> str | None:
    """The contents of a plain string literal (`"x"`, `` `x` ``, `r"x"`), None when it holds escapes."""
    literal = text(node)
    start = literal.find('"') if literal[:1] not in ('"', "`") else 0
    content = literal[start + 1 : -1] if start >= 0 and len(literal) >= start + 2 else None
    return content if content is not None and "\\" not in content else None


def text(node: Node | None) -> str:
    """A node's source text ("" for no node)."""
    return node.text.decode("utf-8", errors="replace") if node is not None and node.text is not None else ""


def squeezed(*nodes: Node | None) -> str:
    """The nodes' text, joined by a space, with every run of whitespace made one space, none inside a
    bracket's edges and no comma before a closing one: a signature reads the same however it is wrapped
    (gofmt's one parameter a line, with its trailing comma, is the one-line list it was)."""
    joined = " ".join(" ".join(text(node).split()) for node in nodes if node is not None)
    return _INSIDE_EDGES.sub("", joined) if "( " in joined or ", )" in joined or ",)" in joined else joined


# Space after an opening parenthesis, and a comma or space before a closing one.
_INSIDE_EDGES = re.compile(r"(?<=\()\s+|,?\s*(?=\))")


def children_of_type(node: Node | None, *types: str) -> Iterator[Node]:
    """The named children of `node` of the given types."""
    if node is not None:
        yield from (child for child in node.named_children if child.type in types)


def declaration(found: Found, start: Node, end: Node | None = None) -> Declaration:
    """A declaration spanning from `start`'s first row to `end`'s last (or `start`'s)."""
    return Declaration(found, start.start_point.row, (end or start).end_point.row)


class ChangedRows:
    """The rows (0-based) a diff changes on one side of a file, asked whether a span holds one."""

    def __init__(self, rows: Iterable[int]) -> None:
        self._rows = sorted(rows)

    def __bool__(self) -> bool:
        return bool(self._rows)

    def overlaps(self, first_row: int, last_row: int) -> bool:
        index = bisect.bisect_left(self._rows, first_row)
        return index < len(self._rows) and self._rows[index] <= last_row


def touched(declarations: Sequence[Declaration], changed: ChangedRows) -> list[Found]:
    """The facts whose span holds a changed row."""
    return [item.found for item in declarations if changed.overlaps(item.first_row, item.last_row)]


def compared_sides(
    old: Sequence[Declaration], new: Sequence[Declaration], old_changed: ChangedRows, new_changed: ChangedRows
) -> tuple[list[Found], list[Found]]:
    """What to compare of two whole sides: the facts a change touches on either side, each with its
    namesake on the other side wherever that stands, so a fact is added or removed only when the other
    side has no such name at all (it moved, or the diff aligned its lines oddly), and changed when the
    two differ."""
    before, after = touched(old, old_changed), touched(new, new_changed)
    keys = {found.key for found in (*before, *after)}
    before_keys, after_keys = {found.key for found in before}, {found.key for found in after}
    before += [item.found for item in old if item.found.key in keys - before_keys]
    after += [item.found for item in new if item.found.key in keys - after_keys]
    return before, after


DeclarationReader = Callable[["Node", str], Sequence[Declaration]]  # a side's root and its path


def file_sides(
    file: FileChange,
    blobs: BlobSource | None,
    grammar: str,
    read: DeclarationReader,
    hunk_within: tuple[str, str] = ("", ""),
) -> tuple[list[Found], list[Found]]:
    """The facts to compare of a file's old and new side, as `compare_found` takes them.

    Both whole sides are parsed (a parse is cheap) but only the declarations a changed row falls in
    are compared, with their namesakes; a renamed file, or one whose patch was cut, is compared whole.
    When a side cannot be read, each hunk is parsed on its own, which finds what the patch shows; put
    between the lines of `hunk_within` when its facts only parse inside something (struct fields).
    """
    old_text, new_text = (side_text(file, side, blobs) for side in Side)
    if old_text is None or new_text is None:
        old, new = (_from_hunks(file, side, grammar, read, hunk_within) for side in Side)
        return old, new
    old_tree, new_tree = parse(grammar, old_text.encode()), parse(grammar, new_text.encode())
    if old_tree is None or new_tree is None:
        return [], []
    old_all = read(old_tree.root_node, _side_path(file, Side.OLD))
    new_all = read(new_tree.root_node, _side_path(file, Side.NEW))
    if file.status is FileStatus.RENAMED or file.patch_truncated:
        before, after = [item.found for item in old_all], [item.found for item in new_all]
    else:
        before, after = compared_sides(old_all, new_all, *(_changed_rows(file, side) for side in Side))
    return _with_owner(before, old_all, new_all), _with_owner(after, new_all, old_all)


def _with_owner(found: list[Found], side: Sequence[Declaration], other: Sequence[Declaration]) -> list[Found]:
    """The facts but the members of an owner the other side lacks: a class added, removed or renamed
    says so itself, and listing each of its members again would only repeat it."""
    owners = {item.found.key: item.owner for item in side if item.owner is not None}
    if not owners:
        return found
    other_keys = {item.found.key for item in other}
    return [item for item in found if item.key not in owners or owners[item.key] in other_keys]


def _side_path(file: FileChange, side: Side) -> str:
    return file.old_path or file.path if side is Side.OLD else file.path


def _changed_rows(file: FileChange, side: Side) -> ChangedRows:
    return ChangedRows(line.number - 1 for run in hunk_runs(file, side) for line in run if line.changed)


def _from_hunks(
    file: FileChange, side: Side, grammar: str, read: DeclarationReader, within: tuple[str, str]
) -> list[Found]:
    """The declarations each hunk's changed rows fall in, parsing the hunk alone: a declaration whose
    head lies above the hunk is missed, one cut by its end is still read (tree-sitter reads on)."""
    found: list[Found] = []
    before, after = within
    lead = before.count("\n")
    for run in hunk_runs(file, side):
        tree = parse(grammar, (before + "\n".join(line.text for line in run) + after).encode())
        if tree is None:
            return []
        offset = run[0].number - 1 - lead
        changed = ChangedRows(index + lead for index, line in enumerate(run) if line.changed)
        for item in touched(read(tree.root_node, _side_path(file, side)), changed):
            found.append(replace(item, line=item.line + offset))
    return found
