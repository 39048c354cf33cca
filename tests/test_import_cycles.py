"""No import cycles inside changeradar: every module's imports, function-level ones included, form a DAG.

Imports under `if TYPE_CHECKING:` are left out (they never run); everything else counts, since an import
moved into a function to dodge a cycle still ties the two modules together. An edge is what a module
names: `from changeradar.signals.diff import x` ties to `signals.diff`, not to the `signals` package that
Python initialises on the way (a package may import its own modules without tying them to itself).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import changeradar

PACKAGE_ROOT = Path(changeradar.__file__).parent
PACKAGE = "changeradar"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_type_checking_block(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except those inside `if TYPE_CHECKING:`."""
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        children = list(ast.iter_child_nodes(node))
        if is_type_checking_block(node):
            children = list(node.orelse)  # type: ignore[attr-defined]
        pending.extend(children)


def imported_modules(module: str, is_package: bool, tree: ast.AST, known: set[str]) -> set[str]:
    """The changeradar modules `module` imports at run time (`from pkg import name` counts `pkg.name`
    when that is a module, and `pkg` itself otherwise)."""
    found: set[str] = set()
    for node in runtime_import_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = module.split(".")
            anchor = anchor if is_package else anchor[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            candidate = f"{base}.{alias.name}"
            found.add(candidate if candidate in known else base)
    return {name for name in found if name == PACKAGE or name.startswith(PACKAGE + ".")} & known


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in PACKAGE_ROOT.rglob("*.py")}
    known = set(paths)
    graph = {}
    for module, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges = imported_modules(module, path.name == "__init__.py", tree, known)
        edges.discard(module)
        graph[module] = edges & known
    return graph


def strongly_connected_components(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components of one module without a self-edge are left out."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function():
    source = "def late():\n    from changeradar.b import x\n"
    tree = ast.parse(source)
    known = {"changeradar", "changeradar.a", "changeradar.b"}
    assert imported_modules("changeradar.a", False, tree, known) == {"changeradar.b"}
    graph = {"changeradar.a": {"changeradar.b"}, "changeradar.b": {"changeradar.a"}, "changeradar": set()}
    assert strongly_connected_components(graph) == [["changeradar.a", "changeradar.b"]]


def test_type_checking_imports_are_not_edges():
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from changeradar.b import x\n"
    known = {"changeradar", "changeradar.a", "changeradar.b"}
    assert imported_modules("changeradar.a", False, ast.parse(source), known) == set()


def test_relative_and_package_imports_resolve_to_modules():
    known = {"changeradar", "changeradar.signals", "changeradar.signals.diff", "changeradar.model"}
    source = "from . import diff\nfrom ..model import Commit\nfrom changeradar.signals import diff_lines\n"
    found = imported_modules("changeradar.signals.files", False, ast.parse(source), known)
    assert found == {"changeradar.signals.diff", "changeradar.model", "changeradar.signals"}


def test_changeradar_has_no_import_cycles():
    graph = import_graph()
    assert len(graph) > 50, "the package's modules were not found"
    cycles = strongly_connected_components(graph)
    assert cycles == [], "import cycles: " + "; ".join(" ↔ ".join(component) for component in cycles)
