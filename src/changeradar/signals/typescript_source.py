"""The exports of one TypeScript or JavaScript module, read from its tree-sitter tree.

An export is what `export` declares (function, class, const/let/var, interface, type, enum, also under
`declare`), `export default` (named `default`), and the names of an export list (`export { a, b as c }`,
with or without `from`: a re-export still resolves). An exported class also exports its public methods
and fields (`Client.fetch`), an exported interface its members. A function's value is its parameters
and return type, so a parameter added, renamed or given another default is a changed signature.
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

GRAMMARS = {
    **dict.fromkeys(("ts", "mts", "cts"), "typescript"),
    "tsx": "tsx",
    **dict.fromkeys(("js", "jsx", "mjs", "cjs"), "javascript"),
}
SHAPE = SourceShape(
    # A function, or a method in a class body (`async load(id: string): Promise<T> {`), opening its body.
    opens_body=re.compile(
        r"(?:export\s+)?(?:default\s+)?(?:async\s+)?function\b"
        r"|(?:(?:public|private|protected|static|async|override|get|set)\s+)*[#\w$]+\s*(?:<[^>]*>)?\(.*\)"
    ),
    quiet_block=re.compile(r"(?:import|class|interface|type|enum|const|let|var)\s"),  # not exported
    private=re.compile(r"(?:async\s+)?function\b"),
    comment=re.compile(r"//|/?\*"),
)
_KINDS = {
    "function_declaration": "function",
    "generator_function_declaration": "function",
    "function_signature": "function",
    "class_declaration": "class",
    "abstract_class_declaration": "class",
    "interface_declaration": "interface",
    "type_alias_declaration": "type",
    "enum_declaration": "enum",
}
_FUNCTION_VALUES = ("arrow_function", "function_expression", "function", "generator_function")


def declarations(root: Node, module: str) -> list[Declaration]:
    """Every export of the module; names start with `module`."""
    return [item for node in children_of_type(root, "export_statement") for item in _exports(node, module)]


def _found(module: str, name: str, line: int, kind: str, value: str | None) -> Found:
    return Found(name, f"{module}.{name}" if module else name, line, kind, value)


def _exports(node: Node, module: str) -> Iterator[Declaration]:
    line = node.start_point.row + 1
    is_default = any(child.type == "default" for child in node.children)
    declared = node.child_by_field_name("declaration")
    if declared is not None and declared.type == "ambient_declaration":  # export declare …
        declared = declared.named_children[0] if declared.named_children else None
    if declared is not None and declared.type in _KINDS:
        name = "default" if is_default else text(declared.child_by_field_name("name"))
        yield _declared(declared, module, name or "default", line)
        yield from _members(declared, module, name or "default")
    elif declared is not None and declared.type in ("lexical_declaration", "variable_declaration"):
        for variable in children_of_type(declared, "variable_declarator"):
            value = variable.child_by_field_name("value")
            is_function = value is not None and value.type in _FUNCTION_VALUES
            found = _found(
                module,
                text(variable.child_by_field_name("name")),
                variable.start_point.row + 1,
                "function" if is_function else "constant",
                _signature(value) if is_function else None,
            )
            yield declaration(found, variable, _signature_end(value) if is_function else None)
    elif is_default:
        value = node.child_by_field_name("value")
        is_function = value is not None and value.type in _FUNCTION_VALUES
        signature = _signature(value) if is_function else None
        yield declaration(
            _found(module, "default", line, "default export", signature), node, _signature_end(value)
        )
    for clause in children_of_type(node, "export_clause"):
        for specifier in children_of_type(clause, "export_specifier"):
            name = text(specifier.child_by_field_name("alias") or specifier.child_by_field_name("name"))
            yield declaration(
                _found(module, name, specifier.start_point.row + 1, "re-export", None), specifier
            )


def _declared(node: Node, module: str, name: str, line: int) -> Declaration:
    kind = _KINDS[node.type]
    signature = _signature(node) if kind == "function" else None
    end = _signature_end(node) if kind == "function" else node.child_by_field_name("name")
    return declaration(_found(module, name, line, kind, signature), node, end)


_MEMBER_KINDS = {
    "method_definition": "method",
    "abstract_method_signature": "method",
    "method_signature": "method",
    "public_field_definition": "field",
    "property_signature": "field",
}


def _members(node: Node, module: str, owner: str) -> Iterator[Declaration]:
    """The public methods and fields of an exported class (not `private`, `protected` or `#name`),
    and every member of an exported interface, as `Owner.member`."""
    body = node.child_by_field_name("body")
    for member in children_of_type(body, *_MEMBER_KINDS):
        name_node = member.child_by_field_name("name")
        if name_node is None or name_node.type == "private_property_identifier" or _is_hidden(member):
            continue
        kind = _MEMBER_KINDS[member.type]
        accessor = next((child.type for child in member.children if child.type in ("get", "set")), "")
        name = f"{owner}.{text(name_node)}" + (f" ({accessor})" if accessor else "")
        value = (
            _signature(member) if kind == "method" else squeezed(member.child_by_field_name("type")) or None
        )
        end = _signature_end(member) if kind == "method" else member
        found = _found(module, name, member.start_point.row + 1, kind, value)
        yield replace(declaration(found, member, end), owner=owner)


def _is_hidden(member: Node) -> bool:
    return any(
        child.type == "accessibility_modifier" and text(child) in ("private", "protected")
        for child in member.children
    )


def _signature(node: Node | None) -> str | None:
    if node is None:
        return None
    parameters = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
    return squeezed(
        node.child_by_field_name("type_parameters"), parameters, node.child_by_field_name("return_type")
    )


def _signature_end(node: Node | None) -> Node | None:
    """The last node of a function's signature, before its body."""
    if node is None:
        return None
    parts = [node.child_by_field_name(field) for field in ("parameters", "parameter", "return_type")]
    return next((part for part in reversed(parts) if part is not None), None)
