"""Kubernetes CustomResourceDefinitions: the fields and versions a cluster accepts for a custom resource.

A field is named by its custom resource's kind and its path in the schema
(`LeaderWorkerSet.spec.leaderWorkerTemplate.size`); its type, whether it is required and its default must
stay equal for it to be unchanged. The fields of a version that comes or goes are that version's news,
not each field's.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterator
from dataclasses import replace
from typing import NamedTuple

from changeradar.model import FileChange, Signal, SignalAction, SignalKind
from changeradar.signals.dependencies import Found, compare_found
from changeradar.signals.interfaces import Interface
from changeradar.signals.json_schema import SchemaField, outermost, schema_fields
from changeradar.signals.outline import Node

FIELD = Interface.CRD_FIELD
VERSION = Interface.CRD_VERSION

# A changed line that can change a fact: a key (`size:`, `type: integer`) or a one-word list item (`- size`).
# A commit that only rewords descriptions changes none, and is spared parsing a megabyte twice.
_STRUCTURAL_LINE = re.compile(r"^[-+][ \t]*(?:- [^ \t\n]+|(?:- )?[\w$\"'.-]+:(?:[ \t].*)?)$", re.MULTILINE)
_CRD_NAME = re.compile(r"^  name: *(\S+)", re.MULTILINE)  # metadata.name; no key of spec is `name`


def may_apply(file: FileChange) -> bool:
    """Whether the file may be a CRD whose facts changed, from its path and patch alone."""
    named = "crd" in file.path.lower() or "CustomResourceDefinition" in file.patch
    return named and _STRUCTURAL_LINE.search(file.patch) is not None


def change_of(file: FileChange, text: str) -> Hashable:
    """What a commit does to a CRD file, the same for two copies changed alike: the CRDs it names and
    its changed keys and list items, indentation and prose aside (copies wrap descriptions apart)."""
    changed = tuple(
        line[0] + line[1:].strip()
        for line in _STRUCTURAL_LINE.findall(file.patch)
        if not line[1:].lstrip().startswith("description:")
    )
    return file.status, tuple(_CRD_NAME.findall(text)), changed


def compare(file: FileChange, old: list[Node], new: list[Node]) -> Iterator[Signal]:
    before, after = list(_definitions(old)), list(_definitions(new))
    old_versions = {key: found for definition in before for key, found in definition.versions.items()}
    new_versions = {key: found for definition in after for key, found in definition.versions.items()}
    yield from compare_found(
        SignalKind.API,
        file,
        old_versions.values(),
        new_versions.values(),
        lambda o, n: f"{VERSION}: {o} → {n}",
    )
    old_fields = {key: fields for definition in before for key, fields in definition.fields.items()}
    new_fields = {key: fields for definition in after for key, fields in definition.fields.items()}
    kinds = {key: definition.kind for definition in after for key in definition.fields}
    # Fields only of versions on both sides: a version that comes or goes is one fact, above.
    # Each field and change, with the first signal of it and every version it holds in.
    found: dict[tuple[str, SignalAction, str], tuple[Signal, list[str]]] = {}
    for key in sorted(new_fields.keys() & old_fields.keys()):
        kind = kinds[key]
        old_side, new_side = outermost(old_fields[key], new_fields[key])
        for signal in compare_found(
            SignalKind.API,
            file,
            [_field_fact(field, kind, key) for field in old_side],
            [_field_fact(field, kind, key) for field in new_side],
            _field_change,
        ):
            found.setdefault((signal.name, signal.action, signal.detail), (signal, []))[1].append(key[1])
    # One fact per field and change, naming every version it holds in: a field added to the three served
    # versions of a CRD reads as one line, `(v1, v1alpha3, v1beta1)`, not three.
    for signal, versions in found.values():
        named = ", ".join(dict.fromkeys(versions))
        yield replace(signal, detail=f"{FIELD} ({named}){signal.detail[len(FIELD) :]}")


def _field_change(old: str, new: str) -> str:
    return f"{FIELD}: {old} → {new}"


def _field_fact(field: SchemaField, kind: str, key: tuple[str, str]) -> Found:
    return Found(("field", *key, field.path), f"{kind}.{field.path}", field.line, FIELD, field.description)


class _Definition(NamedTuple):
    kind: str  # the custom resource's kind, which names its fields
    versions: dict[tuple[str, str], Found]  # (CRD name, version) → its served/storage flags
    fields: dict[tuple[str, str], list[SchemaField]]  # (CRD name, version) → its schema's fields


def _definitions(documents: list[Node]) -> Iterator[_Definition]:
    for document in documents:
        if document.scalar("kind") != "CustomResourceDefinition":
            continue
        crd = document.scalar("metadata", "name") or ""
        kind = document.scalar("spec", "names", "kind") or crd
        versions = document.get("spec", "versions")
        definition = _Definition(kind, {}, {})
        for version in versions.items if versions is not None else ():
            name = version.scalar("name")
            if not name:
                continue
            key = (crd, name)
            flags = [flag for flag in ("served", "storage") if version.scalar(flag) == "true"]
            state = ", ".join(flags) or "not served"
            definition.versions[key] = Found(
                ("version", *key), f"{kind} {name}", version.line, VERSION, state
            )
            schema = version.get("schema", "openAPIV3Schema")
            definition.fields[key] = list(schema_fields(schema)) if schema is not None else []
        yield definition
