"""Interfaces that are not code, in YAML and JSON files: CRDs, Helm charts, manifests' env and images,
OpenAPI specs.

Each file is first routed by its path and patch (cheap) to the families that may find something in it;
only then are both sides read whole and parsed, once, for every family that applies. Files no user
deploys or calls (tests, CI, examples, samples, fixtures) are not read at all.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from functools import lru_cache

from changeradar.file_kinds import file_kind, matches_any
from changeradar.model import Commit, FileChange, FileStatus, Signal
from changeradar.signals import helm, images, kubernetes_crd, manifest_env, openapi
from changeradar.signals.context import SignalContext
from changeradar.signals.dependencies import Side, hunk_runs, whole_sides
from changeradar.signals.outline import Hunk, Node, read_json, read_yaml

Family = Callable[[FileChange, list[Node], list[Node]], Iterator[Signal]]

_YAML = ("yaml", "yml")
_NOT_SHIPPED = ("samples/", "sample/", "testdata/", "e2e/", "fixtures/", "hack/")


def extract(commit: Commit, context: SignalContext) -> Iterator[Signal]:
    """Facts of every interface family each YAML or JSON file of the commit may hold.

    A CRD changed alike in two copies (`config/crd/bases/` and a chart's `crds/`) is read once: its facts
    are the source's, the copy a chart ships read after any other.
    """
    crd_changes_seen: set[Hashable] = set()
    for file in sorted(commit.files, key=_is_chart_crd):  # stable: the commit's order otherwise
        families = _families(file)
        if not families:
            continue
        sides = whole_sides(file, context.blobs)
        if sides is None:
            continue
        if kubernetes_crd.compare in families:
            change = kubernetes_crd.change_of(file, sides[1] or sides[0])
            if change in crd_changes_seen:
                families.remove(kubernetes_crd.compare)
            crd_changes_seen.add(change)
        if file.path.endswith(".json"):
            old, new = ([document] if document is not None else [] for document in map(read_json, sides))
        else:
            hunks = _hunks(file)
            old, new = (read_yaml(text, hunks[side]) for side, text in zip(Side, sides, strict=True))
        for family in families:
            yield from family(file, old, new)


def _is_chart_crd(file: FileChange) -> bool:
    return "/crds/" in file.path


def _families(file: FileChange) -> list[Family]:
    extension = file.path.rpartition(".")[2]
    if file.binary or extension not in (*_YAML, "json"):
        return []
    kind = _shipped_kind(file.path)
    if extension == "json" or kind == "docs":  # specs are often published with the docs
        return [openapi.compare] if kind in ("core", "docs") and openapi.may_apply(file) else []
    if kind != "core":
        return []
    families: list[Family] = []
    if kubernetes_crd.may_apply(file):
        families.append(kubernetes_crd.compare)
    if helm.is_values_file(file.path):
        families.append(helm.compare_values)
    if helm.may_hold_manifests(file):
        families.append(helm.compare_manifests)
    if manifest_env.may_apply(file):
        families.append(manifest_env.compare)
    if images.may_apply(file):
        families.append(images.compare)
    if openapi.may_apply(file):
        families.append(openapi.compare)
    return families


@lru_cache(maxsize=8192)  # the same paths come back commit after commit
def _shipped_kind(path: str) -> str:
    """The file's kind (`paths.file_kind`), or "tests" for samples and fixtures that no user deploys."""
    return "tests" if matches_any(_NOT_SHIPPED, path) else file_kind(path)


def _hunks(file: FileChange) -> dict[Side, list[Hunk]]:
    """Each side's hunks, each as deep as its deepest line on either side, for `read_yaml` to read only
    what places them; none (the whole file is read) when the patch is all there is or was cut."""
    hunks: dict[Side, list[Hunk]] = {Side.OLD: [], Side.NEW: []}
    if file.status is not FileStatus.MODIFIED or file.patch_truncated:
        return hunks
    old_runs, new_runs = hunk_runs(file, Side.OLD), hunk_runs(file, Side.NEW)
    if len(old_runs) != len(new_runs):
        return hunks
    for old, new in zip(old_runs, new_runs, strict=True):
        depth = max(_indentation(line.text) for line in (*old, *new))
        hunks[Side.OLD].append(Hunk(old[0].number, old[-1].number, depth))
        hunks[Side.NEW].append(Hunk(new[0].number, new[-1].number, depth))
    return hunks


def _indentation(text: str) -> int:
    return len(text) - len(text.lstrip(" "))
