"""OpenAPI 3 and Swagger 2 specifications: the HTTP operations a service offers and its schemas' fields.

An operation is its method and path (`POST /generate`); a schema field is the schema's name and the
field's path (`GenerateRequest.parameters.top_k`), from `components.schemas` (OpenAPI 3) or
`definitions` (Swagger 2).
"""

from __future__ import annotations

from collections.abc import Iterator

from changeradar.model import FileChange, Signal, SignalKind
from changeradar.signals.dependencies import Found, compare_found
from changeradar.signals.interfaces import Interface
from changeradar.signals.json_schema import schema_fields
from changeradar.signals.outline import Node

OPERATION = Interface.OPENAPI_OPERATION
PROPERTY = Interface.OPENAPI_PROPERTY

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_PATCH_HINTS = ("paths", "schemas", "definitions", "properties", "operationId")


def may_apply(file: FileChange) -> bool:
    name = file.path.rpartition("/")[2].lower()
    return "openapi" in name or "swagger" in name or any(hint in file.patch for hint in _PATCH_HINTS)


def compare(file: FileChange, old: list[Node], new: list[Node]) -> Iterator[Signal]:
    yield from compare_found(
        SignalKind.API, file, _facts(old), _facts(new), lambda o, n: f"{PROPERTY}: {o} → {n}"
    )


def _facts(documents: list[Node]) -> Iterator[Found]:
    for document in documents[:1]:
        if document.get("openapi") is None and document.get("swagger") is None:
            continue
        paths = document.get("paths")
        for path, item in paths.keys.items() if paths is not None else ():
            for method in _METHODS:
                operation = item.get(method)
                if operation is not None:
                    name = f"{method.upper()} {path}"
                    yield Found((OPERATION, name), name, operation.line, OPERATION)
        schemas = document.get("components", "schemas") or document.get("definitions")
        for schema_name, schema in schemas.keys.items() if schemas is not None else ():
            for field in schema_fields(schema):
                name = f"{schema_name}.{field.path}"
                yield Found((PROPERTY, name), name, field.line, PROPERTY, field.description)
