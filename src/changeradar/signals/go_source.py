"""The exported API of one Go file, read from its tree-sitter tree.

Exported means named with a capital letter: functions, types, methods of exported types (`Type.Method`),
the methods an exported interface requires, and, in API packages (under `api/` or `apis/`, where
Kubernetes types live), the exported fields of exported structs with the JSON name their tag gives.
A member of a type added or removed whole is not listed again. A type alias (`type X = other.X`)
declares its name too, so a type moved to another package and aliased
where it was still resolves. Keys are names within the package, values the signatures callers match.
A file that says it is generated (`// Code generated … DO NOT EDIT.`, as client-gen, mockgen and protoc
write) declares nothing: its API follows from its source, which is reported where it changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from changeradar.signals.dependencies import Found
from changeradar.signals.hunk_scope import SourceShape
from changeradar.signals.syntax_tree import Declaration, children_of_type, declaration, squeezed, text

if TYPE_CHECKING:
    from tree_sitter import Node

_JSON_NAME = re.compile(r'json:"([^",]*)')
_GENERATED = re.compile(
    r"^// Code generated .* DO NOT EDIT\.$"
)  # Go's convention, golang.org/s/generatedcode

SHAPE = SourceShape(
    opens_body=re.compile(r"func\b"),
    # Neither constants nor variables are API here, nor an unexported type's fields and methods.
    quiet_block=re.compile(r"(?:import|const|var)\b|type\s+[a-z_]"),
    private=re.compile(r"func\s+(?:\([^)]*\)\s*)?[a-z_]|func\s+\((?:\w+\s+)?\*?[a-z_]\w*(?:\[[^\]]*\])?\)"),
    comment=re.compile(r"//(?!.*DO NOT EDIT)"),
)


def is_api_package(path: str) -> bool:
    """Whether the file sits in an API package, whose struct fields are a wire format."""
    return any(part in ("api", "apis") for part in path.split("/")[:-1])


def declarations(root: Node, package: str, with_fields: bool) -> list[Declaration]:
    """Every exported declaration of the file, qualified by `package` in their names."""
    found: list[Declaration] = []
    if _is_generated(root):
        return found
    for node in root.named_children:
        if node.type == "function_declaration":
            found.extend(_function(node, package))
        elif node.type == "method_declaration":
            found.extend(_method(node, package))
        elif node.type == "type_declaration":
            for spec in children_of_type(node, "type_spec", "type_alias"):
                found.extend(_type(spec, package, with_fields))
    return found


def _is_generated(root: Node) -> bool:
    """Whether a comment above the package clause marks the file generated."""
    for node in root.named_children:
        if node.type != "comment":
            return False
        if any(_GENERATED.match(line) for line in text(node).splitlines()):
            return True
    return False


def _exported(name: str) -> bool:
    return name[:1].isupper()


def _item(local: str, package: str, line: int, kind: str, value: str | None) -> Found:
    return Found(local, f"{package}.{local}" if package else local, line, kind, value)


def _function(node: Node, package: str) -> Iterator[Declaration]:
    name = text(node.child_by_field_name("name"))
    if _exported(name):
        signature = _signature(node)
        yield declaration(
            _item(name, package, node.start_point.row + 1, "function", signature), node, _head(node)
        )


def _method(node: Node, package: str) -> Iterator[Declaration]:
    name = text(node.child_by_field_name("name"))
    owner = _receiver_type(node.child_by_field_name("receiver"))
    if _exported(name) and owner and _exported(owner):
        found = _item(f"{owner}.{name}", package, node.start_point.row + 1, "method", _signature(node))
        yield declaration(found, node, _head(node))


def _head(node: Node) -> Node:
    """The last node before a function's body: its signature ends there."""
    body = node.child_by_field_name("body")
    before = [child for child in node.children if body is None or child.end_byte <= body.start_byte]
    return before[-1] if before else node


def _signature(node: Node) -> str:
    return squeezed(
        node.child_by_field_name("type_parameters"),
        node.child_by_field_name("parameters"),
        node.child_by_field_name("result"),
    )


def _receiver_type(receiver: Node | None) -> str:
    """`(s *Server)` and `(Server)` → `Server`; `(l *List[T])` → `List`."""
    for parameter in children_of_type(receiver, "parameter_declaration"):
        kind = parameter.child_by_field_name("type")
        while kind is not None and kind.type in ("pointer_type", "generic_type", "parenthesized_type"):
            kind = kind.child_by_field_name("type") or (
                kind.named_children[0] if kind.named_children else None
            )
        return text(kind)
    return ""


def _type(spec: Node, package: str, with_fields: bool) -> Iterator[Declaration]:
    name = text(spec.child_by_field_name("name"))
    if not _exported(name):
        return
    body = spec.child_by_field_name("type")
    line = spec.start_point.row + 1
    if spec.type == "type_alias":
        yield declaration(_item(name, package, line, "type alias", None), spec)
        return
    kind = {"struct_type": "struct", "interface_type": "interface"}.get(body.type if body else "", "type")
    yield declaration(_item(name, package, line, kind, None), spec.child_by_field_name("name") or spec)
    if body is not None and body.type == "interface_type":
        yield from _interface_methods(body, name, package)
    elif body is not None and body.type == "struct_type" and with_fields:
        for fields in children_of_type(body, "field_declaration_list"):
            yield from _struct_fields(fields, name, package)


def _interface_methods(body: Node, owner: str, package: str) -> Iterator[Declaration]:
    for method in children_of_type(body, "method_elem", "method_spec"):
        name = text(method.child_by_field_name("name"))
        if _exported(name):
            signature = squeezed(
                method.child_by_field_name("parameters"), method.child_by_field_name("result")
            )
            found = _item(
                f"{owner}.{name}", package, method.start_point.row + 1, "interface method", signature
            )
            yield replace(declaration(found, method), owner=owner)


def _struct_fields(fields: Node, owner: str, package: str) -> Iterator[Declaration]:
    """Exported fields, named as Go names them; the detail gives the JSON name, the value type and tag."""
    for field in children_of_type(fields, "field_declaration"):
        kind, tag = field.child_by_field_name("type"), field.child_by_field_name("tag")
        json = _JSON_NAME.search(text(tag))
        detail = f"field (json: {json[1]})" if json and json[1] else "field"
        for name_node in field.children_by_field_name("name"):
            name = text(name_node)
            if _exported(name) and (json is None or json[1] != "-"):
                found = _item(
                    f"{owner}.{name}", package, field.start_point.row + 1, detail, squeezed(kind, tag)
                )
                yield replace(declaration(found, field), owner=owner)
