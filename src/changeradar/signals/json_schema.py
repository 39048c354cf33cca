"""The fields a JSON Schema (a CRD's `openAPIV3Schema`, an OpenAPI schema) declares, by dotted path.

Shared by the CRD and OpenAPI readers. A field's path follows `properties` (`spec.replicas`), list
`items` (`spec.containers[].name`) and map `additionalProperties` (`labels.*`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from changeradar.signals.outline import Node


class SchemaField(NamedTuple):
    path: str
    line: int
    description: str  # what must stay equal for the field to be unchanged: "string, required, one of [A, B]"


def schema_fields(schema: Node, prefix: str = "") -> Iterator[SchemaField]:
    """Every field under `schema`, depth first, in the order the file declares them."""
    properties = schema.get("properties")
    required_node = schema.get("required")
    required = set(required_node.strings()) if required_node is not None else set()
    for name, field in properties.keys.items() if properties is not None else ():
        path = f"{prefix}.{name}" if prefix else name
        yield SchemaField(path, field.line, _describe(field, name in required))
        yield from schema_fields(field, path)
    items = schema.get("items")
    if items is not None:
        yield from schema_fields(items, f"{prefix}[]")
    additional = schema.get("additionalProperties")
    if additional is not None and additional.keys:
        yield from schema_fields(additional, f"{prefix}.*" if prefix else "*")


def _describe(field: Node, required: bool) -> str:
    kind = field.scalar("type") or field.scalar("$ref") or "any"
    parts = [kind]
    if required:
        parts.append("required")
    default = field.get("default")
    if default is not None:
        parts.append(f"default {default.canonical()}")
    allowed = field.get("enum")
    if allowed is not None:
        parts.append(f"one of {allowed.canonical()}")
    return ", ".join(parts)


def outermost(
    before: list[SchemaField], after: list[SchemaField]
) -> tuple[list[SchemaField], list[SchemaField]]:
    """Both sides without the fields inside a field that only that side has: a new object is one fact."""
    old_paths, new_paths = {field.path for field in before}, {field.path for field in after}

    def keep(field: SchemaField, own: set[str], other: set[str]) -> bool:
        parent = _parent(field.path)
        return not parent or parent in other or parent not in own

    return (
        [field for field in before if keep(field, old_paths, new_paths)],
        [field for field in after if keep(field, new_paths, old_paths)],
    )


def _parent(path: str) -> str:
    """`spec.containers[].name` → `spec.containers`; `labels.*.x` → `labels`."""
    parent = path.rpartition(".")[0]
    while parent.endswith(("[]", ".*")) or parent == "*":
        parent = parent.removesuffix("[]").removesuffix(".*").removesuffix("*")
    return parent
