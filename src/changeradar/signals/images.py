"""Container images a product ships and users pull: named in its manifests, Helm charts and Compose files.

An image is read where a container or a chart value names it: `image: ghcr.io/org/name:tag`, or an
`image:` map of `registry` and `repository` (and `tag`), as Helm values write it. Each is keyed by where it
is named (the document and the path to it), so a renamed repository (the part before the tag) is a
change that breaks every pull of the old name, and a new tag alone is a version bump. Images in CI
workflows, scripts and Makefiles (which build and push them) and a Dockerfile's `FROM` (a base the build
depends on) are not read: `schemas` routes only shipped YAML files here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from changeradar.model import FileChange, Signal, SignalAction, SignalKind
from changeradar.signals.dependencies import Found, compare_found
from changeradar.signals.interfaces import BREAKING, Interface
from changeradar.signals.outline import Node

IMAGE = Interface.IMAGE

_HINTS = ("image", "repository:", "tag:")
_TEMPLATED = re.compile(r"\{\{|\$")


def may_apply(file: FileChange) -> bool:
    """Whether the patch may touch an image reference (its context lines name the `image:` it is in)."""
    return any(hint in file.patch for hint in _HINTS)


def compare(file: FileChange, old: list[Node], new: list[Node]) -> Iterator[Signal]:
    """Images added or removed, renamed (breaking) or given another tag, each where it is named.

    An image named in a new place that the other side names elsewhere (a second workload running it) is
    neither new nor gone.
    """
    before, after = list(_images(old)), list(_images(new))
    old_repositories, new_repositories = ({found.name for found in side} for side in (before, after))
    for signal in compare_found(SignalKind.API, file, before, after, _changed_detail):
        if signal.action is SignalAction.ADDED and signal.name in old_repositories:
            continue
        if signal.action is SignalAction.REMOVED and signal.name in new_repositories:
            continue
        yield signal


def _changed_detail(old: str, new: str) -> str:
    if _repository(old) != _repository(new):
        return f"{IMAGE}: {BREAKING}, {old} → {new}"
    return f"{IMAGE}: {old} → {new}"


def _images(documents: list[Node]) -> Iterator[Found]:
    for document in documents:
        kind = document.scalar("kind") or ""
        if kind == "CustomResourceDefinition":
            continue  # a schema: its `image` is a field's name
        place = (kind, document.scalar("metadata", "name") or "")
        yield from _walk(document, place)


def _walk(node: Node, path: tuple[str, ...]) -> Iterator[Found]:
    for key, child in node.keys.items():
        reference = _reference(child) if key == "image" else None
        if reference is not None:
            key_path = (IMAGE, *path, key)
            yield Found(key_path, _repository(reference), child.line, f"{IMAGE}: {reference}", reference)
        else:
            yield from _walk(child, (*path, key))
    for index, item in enumerate(node.items):
        yield from _walk(item, (*path, item.scalar("name") or str(index)))


def _reference(image: Node) -> str | None:
    """The image an `image:` value names: a scalar, or a map's `[registry/]repository[:tag]`; None when a
    template or a variable writes it, or it is no image at all."""
    if image.keys:
        repository = image.scalar("repository")
        if not repository:
            return None
        registry, tag = image.scalar("registry"), image.scalar("tag")
        reference = f"{registry.rstrip('/')}/{repository}" if registry else repository
        reference = f"{reference}:{tag}" if tag else reference
    else:
        reference = (image.text or "").strip().strip("\"'")
    if not reference or _TEMPLATED.search(_repository(reference)) or " " in reference:
        return None
    return reference


def _repository(reference: str) -> str:
    """The image without its tag or digest: `ghcr.io/org/name:1.2@sha256:…` is `ghcr.io/org/name`."""
    name = reference.partition("@")[0]
    last_slash = name.rfind("/")
    colon = name.find(":", last_slash + 1)
    return name[:colon] if colon != -1 else name
