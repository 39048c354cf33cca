"""The public API of one Python module, read with `ast`: what a caller can import, and how it calls it.

Public means a top-level function or class (named in `__all__` when the module defines it literally, else
not starting with "_") and the methods of a public class that do not start with "_". A signature is the
parameter names, kinds and defaults; annotations are left out, as changing one breaks no call. Each item
is keyed by its name within the module, so that a renamed module's unchanged items pair up.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from changeradar.signals.dependencies import Found

_Function = ast.FunctionDef | ast.AsyncFunctionDef
_PROPERTY_DECORATORS = frozenset(("property", "cached_property"))


@lru_cache(maxsize=32)  # a day's commits often edit one module in turn: one's new side is the next's old
def public_api(source: str, module: str) -> tuple[Found, ...] | None:
    """One `Found` per public function, class and method, named by qualified name and keyed by the name
    within the module; None if unparsable."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):  # ValueError: null bytes; RecursionError: deep nesting
        return None
    exported = _exported_names(tree)
    found: list[Found] = []
    for node in tree.body:
        if not isinstance(node, _Function | ast.ClassDef) or not _is_public(node.name, exported):
            continue
        qualified = f"{module}.{node.name}" if module else node.name
        if isinstance(node, ast.ClassDef):
            found.append(Found(node.name, qualified, node.lineno, "class", _constructor_signature(node)))
            found.extend(_public_methods(node, qualified))
        else:
            found.append(Found(node.name, qualified, node.lineno, "function", signature(node.args)))
    return tuple(found)


def bound_by_other_statements(source: str) -> frozenset[str] | None:
    """The top-level names a module binds by import or assignment (also under `if` and `try`): names
    that still resolve on import though no `def` or `class` defines them here; None if unparsable."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return None
    names: set[str] = set()
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            names.update(_assigned_names(node))
        elif isinstance(node, ast.If | ast.Try):
            pending.extend([*node.body, *node.orelse, *getattr(node, "finalbody", [])])
            pending.extend(
                statement for handler in getattr(node, "handlers", []) for statement in handler.body
            )
    return frozenset(names)


class ClassMembers(NamedTuple):
    bases: tuple[str, ...]  # as written: `Base`, `mod.Base`
    methods: frozenset[str]  # the functions the class defines itself
    attributes: frozenset[str]  # the names its body binds otherwise (`size: int`, `kind = "x"`)


@lru_cache(maxsize=8)
def class_members(source: str) -> dict[str, ClassMembers] | None:
    """Each top-level class's bases, methods and attributes; None if unparsable."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return None
    return {
        node.name: ClassMembers(
            tuple(ast.unparse(base) for base in node.bases),
            frozenset(item.name for item in node.body if isinstance(item, _Function)),
            frozenset(name for item in node.body for name in _assigned_names(item)),
        )
        for node in tree.body
        if isinstance(node, ast.ClassDef)
    }


def _assigned_names(node: ast.stmt) -> Iterator[str]:
    """The names an assignment binds (`a = b = 1`, `x, y = …`, `size: int`); none for other statements."""
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign):
        targets = [node.target]
    else:
        return iter(())
    return (name.id for target in targets for name in ast.walk(target) if isinstance(name, ast.Name))


def inherits(members: dict[str, ClassMembers], owner: str, method: str) -> bool:
    """Whether class `owner` gets `method` from a base class of the same module (at any depth), so that
    `owner.method` still resolves without a `def` of its own."""
    pending, seen = list(members[owner].bases if owner in members else ()), {owner}
    while pending:
        base = pending.pop()
        if base in seen or base not in members:
            continue
        seen.add(base)
        if method in members[base].methods:
            return True
        pending.extend(members[base].bases)
    return False


def signature(arguments: ast.arguments) -> str:
    """`(a, b=1, /, c, *args, d, e=None, **kwargs)`: what a call must match, without annotations."""
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    parts = [_parameter(arg.arg, default) for arg, default in zip(positional, defaults, strict=True)]
    if arguments.posonlyargs:
        parts.insert(len(arguments.posonlyargs), "/")
    if arguments.vararg:
        parts.append(f"*{arguments.vararg.arg}")
    elif arguments.kwonlyargs:
        parts.append("*")
    for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        parts.append(_parameter(arg.arg, default))
    if arguments.kwarg:
        parts.append(f"**{arguments.kwarg.arg}")
    return "(" + ", ".join(parts) + ")"


def _parameter(name: str, default: ast.expr | None) -> str:
    return f"{name}={ast.unparse(default)}" if default is not None else name


def _public_methods(cls: ast.ClassDef, qualified_class: str) -> Iterator[Found]:
    """The class's public methods; a property's kind is "property", as callers read it like an attribute."""
    for node in cls.body:
        if isinstance(node, _Function) and not node.name.startswith("_"):
            name = f"{qualified_class}.{node.name}"
            kind = "property" if any(map(_is_property, node.decorator_list)) else "method"
            yield Found(f"{cls.name}.{node.name}", name, node.lineno, kind, signature(node.args))


def _is_property(decorator: ast.expr) -> bool:
    """`@property`, `@functools.cached_property`, `@cached_property`."""
    name = decorator.attr if isinstance(decorator, ast.Attribute) else getattr(decorator, "id", None)
    return name in _PROPERTY_DECORATORS


def _constructor_signature(cls: ast.ClassDef) -> str | None:
    """How the class is called, when it defines `__init__` itself (else not comparable)."""
    init = next((node for node in cls.body if isinstance(node, _Function) and node.name == "__init__"), None)
    return signature(init.args) if init else None


def _is_public(name: str, exported: frozenset[str] | None) -> bool:
    return name in exported if exported is not None else not name.startswith("_")


def _exported_names(tree: ast.Module) -> frozenset[str] | None:
    """The names `__all__` lists, when every top-level assignment to it is a literal; else None."""
    names: list[str] = []
    defined = False
    for node in tree.body:
        value = _all_assignment(node)
        if value is None:
            continue
        try:
            listed = ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError):  # not a literal
            return None
        if not isinstance(listed, list | tuple) or not all(isinstance(name, str) for name in listed):
            return None
        names = [*names, *listed] if isinstance(node, ast.AugAssign) else list(listed)
        defined = True
    return frozenset(names) if defined else None


def _all_assignment(node: ast.stmt) -> ast.expr | None:
    """The value assigned to `__all__` by `__all__ = …`, `__all__: … = …` or `__all__ += …`."""
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign | ast.AugAssign):
        targets = [node.target]
    else:
        return None
    if any(isinstance(target, ast.Name) and target.id == "__all__" for target in targets):
        return node.value
    return None
