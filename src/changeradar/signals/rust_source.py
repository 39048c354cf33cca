"""The public API of one Rust file of a library crate, read from its tree-sitter tree.

Public means plain `pub` all the way from the file down (`pub(crate)`, `pub(super)` and `pub(in …)`
reach no other crate): functions, structs and their pub fields, enums and their variants, traits and the
methods they require, type aliases, the `pub fn`s of inherent `impl` blocks (`Type::method`), and inline
`pub mod`s, but nothing inside a `#[cfg(test)]` module. A `pub use` re-export declares the names it brings
in, so an item moved elsewhere and re-exported where it was still resolves.
Names are paths from the crate (`git_cliff_core::changelog::Changelog::generate`); keys drop the file's
module, so a renamed file's unchanged items pair up with themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from changeradar.signals.context import FolderLister
from changeradar.signals.dependencies import Found
from changeradar.signals.hunk_scope import SourceShape
from changeradar.signals.syntax_tree import Declaration, children_of_type, declaration, squeezed, text

if TYPE_CHECKING:
    from tree_sitter import Node

_FUNCTION_QUALIFIERS = r"(?:(?:async|const|unsafe|extern\s+\"[^\"]*\")\s+)*"
SHAPE = SourceShape(
    opens_body=re.compile(rf"(?:pub(?:\([^)]*\))?\s+)?{_FUNCTION_QUALIFIERS}fn\s"),
    # Items without `pub` (their insides too), `use`, and trait impls, whose methods are the trait's.
    quiet_block=re.compile(
        r"(?:use|mod|struct|enum|union|trait|type|const|static)\s|macro_rules!|(?:unsafe\s+)?impl\b.*\bfor\s"
    ),
    private=re.compile(rf"{_FUNCTION_QUALIFIERS}fn\s"),
    comment=re.compile(r"//"),
)
_FOLDER_NAMING_FILES = ("lib", "mod", "main")
_NOT_LIBRARY = ("build.rs",)


def is_library_source(path: str) -> bool:
    """Whether the file can belong to a library crate: not a binary's `main.rs`, `src/bin/` or a build
    script."""
    parts = path.split("/")
    return parts[-1] not in ("main.rs", *_NOT_LIBRARY) and not ("src" in parts and "bin" in parts)


def in_library_crate(path: str, commit: str, blobs: object) -> bool:
    """Whether the file's crate has a library (`src/lib.rs` in the commit): a crate with only `main.rs`
    or `src/bin/` is a program, whose `pub` items no other crate can use. A crate that cannot be told
    (no `src` folder in the path, or blobs that cannot list folders) counts as a library."""
    parts = path.split("/")
    if "src" not in parts[:-1] or not isinstance(blobs, FolderLister):
        return True
    source = "/".join(parts[: len(parts) - 1 - parts[-2::-1].index("src")])
    return _has_library_root(blobs, commit, source)


@lru_cache(maxsize=256)
def _has_library_root(blobs: FolderLister, commit: str, source_folder: str) -> bool:
    names = blobs.folder_names(commit, source_folder)
    return names is None or "lib.rs" in names


def module_path(path: str) -> str:
    """`git-cliff-core/src/changelog.rs` → `git_cliff_core::changelog`; `src/a/mod.rs` → `a`."""
    parts = path.split("/")
    folders, stem = parts[:-1], parts[-1].rpartition(".")[0]
    if "src" in folders:
        source = len(folders) - 1 - folders[::-1].index("src")
        crate = [folders[source - 1].replace("-", "_")] if source > 0 else []
        folders = crate + folders[source + 1 :]
    modules = folders + ([] if stem in _FOLDER_NAMING_FILES else [stem])
    return "::".join(modules)


def declarations(root: Node, module: str) -> list[Declaration]:
    """Every public declaration of the file; names start with `module`."""
    return list(_items(root, module, ()))


def _items(container: Node, module: str, scope: tuple[str, ...]) -> Iterator[Declaration]:
    for node in container.named_children:
        if node.type == "use_declaration":
            if _is_pub(node):
                yield from _reexports(node, module, scope)
            continue
        if node.type == "impl_item":
            if node.child_by_field_name("trait") is None:  # a trait impl's methods are the trait's
                yield from _impl_methods(node, module, scope)
            continue
        if not _is_pub(node):
            continue
        name = text(node.child_by_field_name("name"))
        if node.type == "mod_item":
            body = node.child_by_field_name("body")
            if body is not None and not _is_test_module(node):
                yield from _items(body, module, (*scope, name))
        elif node.type == "function_item":
            yield _function(node, module, (*scope, name), "function")
        elif node.type in _TYPE_KINDS:
            yield _item(
                node, module, (*scope, name), _TYPE_KINDS[node.type], None, node.child_by_field_name("name")
            )
            yield from _members(node, module, (*scope, name))


_TYPE_KINDS = {"struct_item": "struct", "enum_item": "enum", "trait_item": "trait", "type_item": "type alias"}


def _is_pub(node: Node) -> bool:
    """Plain `pub`; `pub(crate)` and its kin reach no other crate."""
    return any(child.type == "visibility_modifier" and text(child) == "pub" for child in node.children)


def _is_test_module(node: Node) -> bool:
    """Whether `#[cfg(test)]` stands among the attributes right above the module."""
    sibling = node.prev_named_sibling
    while sibling is not None and sibling.type in ("attribute_item", "line_comment", "block_comment"):
        if sibling.type == "attribute_item" and " ".join(text(sibling).split()) == "#[cfg(test)]":
            return True
        sibling = sibling.prev_named_sibling
    return False


def _found(module: str, path: tuple[str, ...], line: int, kind: str, value: str | None) -> Found:
    local = "::".join(path)
    return Found(local, f"{module}::{local}" if module else local, line, kind, value)


def _item(
    node: Node, module: str, path: tuple[str, ...], kind: str, value: str | None, end: Node | None = None
) -> Declaration:
    return declaration(_found(module, path, node.start_point.row + 1, kind, value), node, end)


def _function(node: Node, module: str, path: tuple[str, ...], kind: str) -> Declaration:
    """A function whose signature (generics, parameters, return type) is its value; its body is not."""
    parts = [node.child_by_field_name(field) for field in ("type_parameters", "parameters", "return_type")]
    signature = squeezed(*parts)
    last = next((part for part in reversed(parts) if part is not None), None)
    return _item(node, module, path, kind, signature, last)


def _members(node: Node, module: str, path: tuple[str, ...]) -> Iterator[Declaration]:
    body = node.child_by_field_name("body")
    if node.type == "struct_item":
        for field in children_of_type(body, "field_declaration"):
            if _is_pub(field):
                name = text(field.child_by_field_name("name"))
                yield _item(
                    field, module, (*path, name), "field", squeezed(field.child_by_field_name("type"))
                )
    elif node.type == "enum_item":
        for variant in children_of_type(body, "enum_variant"):
            name = text(variant.child_by_field_name("name"))
            yield _item(
                variant, module, (*path, name), "variant", squeezed(variant.child_by_field_name("body"))
            )
    elif node.type == "trait_item":
        for method in children_of_type(body, "function_signature_item", "function_item"):
            yield _function(method, module, (*path, text(method.child_by_field_name("name"))), "trait method")


def _impl_methods(node: Node, module: str, scope: tuple[str, ...]) -> Iterator[Declaration]:
    owner = node.child_by_field_name("type")
    while owner is not None and owner.type == "generic_type":
        owner = owner.child_by_field_name("type")
    for method in children_of_type(node.child_by_field_name("body"), "function_item"):
        if _is_pub(method):
            path = (*scope, text(owner), text(method.child_by_field_name("name")))
            yield _function(method, module, path, "method")


def _reexports(node: Node, module: str, scope: tuple[str, ...]) -> Iterator[Declaration]:
    """`pub use a::B;`, `pub use a::{B, C as D};`: the names B, D now resolve here (not `*` globs)."""
    for name in _imported_names(node.child_by_field_name("argument")):
        yield _item(node, module, (*scope, name), "re-export", None)


def _imported_names(node: Node | None) -> Iterator[str]:
    if node is None:
        return
    if node.type == "identifier":
        yield text(node)
    elif node.type == "scoped_identifier":
        yield text(node.child_by_field_name("name"))
    elif node.type == "use_as_clause":
        yield text(node.child_by_field_name("alias"))
    elif node.type == "scoped_use_list":
        yield from _imported_names(node.child_by_field_name("list"))
    elif node.type == "use_list":
        for child in node.named_children:
            yield from _imported_names(child)
