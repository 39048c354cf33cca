"""Environment variables that Kubernetes manifests, Helm templates and Compose files set for a process.

A container's `env:` entries (`- name: LWS_LOG_LEVEL`) and a Compose service's `environment:` (a mapping,
or `- KEY=value` items) are the variables the shipped software is configured through; an entry the
downward API fills with the pod's own name or limits is not one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from changeradar.file_kinds import matches_any
from changeradar.model import FileChange, Signal, SignalKind
from changeradar.signals.dependencies import Found, compare_found
from changeradar.signals.outline import Node

_CHANGED_NAME = re.compile(r"^[-+]\s*(?:-\s+)?name:", re.MULTILINE)
_COMPOSE_FILES = ("docker-compose*.yml", "docker-compose*.yaml", "compose*.yml", "compose*.yaml")


def may_apply(file: FileChange) -> bool:
    """Whether a changed line may name a variable: `- name: X`, or in a Compose file any `X=` or `X:`."""
    if is_compose_file(file.path):
        return True
    return _CHANGED_NAME.search(file.patch) is not None


@lru_cache(maxsize=8192)  # the same paths come back commit after commit
def is_compose_file(path: str) -> bool:
    return matches_any(_COMPOSE_FILES, path)


def compare(file: FileChange, old: list[Node], new: list[Node]) -> Iterator[Signal]:
    compose = is_compose_file(file.path)
    yield from compare_found(SignalKind.ENV_VAR, file, _variables(old, compose), _variables(new, compose))


def _variables(documents: list[Node], compose: bool) -> Iterator[Found]:
    for document in documents:
        if document.scalar("kind") == "CustomResourceDefinition":
            continue  # a schema, whose `env` is a field's name: and a megabyte to walk
        for node in _walk(document):
            yield from _container_env(node.get("env"))
            if compose:
                yield from _compose_environment(node.get("environment"))


def _walk(node: Node) -> Iterator[Node]:
    yield node
    for child in node.keys.values():
        yield from _walk(child)
    for item in node.items:
        yield from _walk(item)


def _container_env(env: Node | None) -> Iterator[Found]:
    for entry in env.items if env is not None else ():
        name = entry.scalar("name")
        if name and _is_variable_name(name) and not _filled_by_kubernetes(entry):
            yield Found(name, name, entry.line)


def _filled_by_kubernetes(entry: Node) -> bool:
    """An entry the downward API fills (`valueFrom: {fieldRef: …}`, the pod's name, namespace or limits):
    the manifest wires the pod's own facts through, like a launcher's `RANK`; nobody sets it."""
    return (
        entry.get("valueFrom", "fieldRef") is not None
        or entry.get("valueFrom", "resourceFieldRef") is not None
    )


def _compose_environment(environment: Node | None) -> Iterator[Found]:
    if environment is None:
        return
    for name, value in environment.keys.items():
        if _is_variable_name(name):
            yield Found(name, name, value.line)
    for item in environment.items:
        name = (item.text or "").partition("=")[0].strip()
        if _is_variable_name(name):
            yield Found(name, name, item.line)


def _is_variable_name(name: str) -> bool:
    """A literal name: not a template (`{{ .Values.name }}`) nor anything else a shell could not export."""
    return name.replace("_", "a").isalnum() and not name[0].isdigit()
