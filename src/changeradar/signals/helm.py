"""Deployment surface of Helm charts and Kubernetes manifests: chart values, RBAC rules and workloads.

A chart's `values.yaml` keys are what its users set (`certManager.enable`); a Role or ClusterRole rule is
what the installed software may do in the cluster; a Deployment, StatefulSet, DaemonSet, Job or CronJob is
a process it runs there (a kustomize patch that only amends one is none). Templates are read through
the tolerant outline, which skips `{{ … }}` lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from changeradar.model import FileChange, Signal, SignalKind
from changeradar.signals.dependencies import Found, compare_found
from changeradar.signals.interfaces import Interface
from changeradar.signals.outline import Node

VALUE = Interface.HELM_VALUE
RBAC_RULE = Interface.RBAC_RULE
WORKLOAD = Interface.WORKLOAD

_RBAC_KINDS = frozenset({"Role", "ClusterRole"})
_WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"})
_TEMPLATE = re.compile(r"\{\{.*?\}\}")
_MANIFEST_HINTS = ("kind:", "verbs", "resources", "apiGroups")


def is_values_file(path: str) -> bool:
    return path.rpartition("/")[2] in ("values.yaml", "values.yml")


def may_hold_manifests(file: FileChange) -> bool:
    """Whether the patch touches what RBAC rules and workloads are made of."""
    return any(hint in file.patch for hint in _MANIFEST_HINTS)


def compare_values(file: FileChange, old: list[Node], new: list[Node]) -> Iterator[Signal]:
    """Keys (as dotted paths to their values) only one side of `values.yaml` holds."""
    yield from compare_found(SignalKind.API, file, _value_keys(old), _value_keys(new))


def compare_manifests(file: FileChange, old: list[Node], new: list[Node]) -> Iterator[Signal]:
    """RBAC rules (by resource, with their verbs) and workloads (by kind and name) added or removed."""
    yield from compare_found(
        SignalKind.API,
        file,
        _manifest_facts(old),
        _manifest_facts(new),
        lambda o, n: f"{RBAC_RULE}: {o} → {n}",
    )


def _value_keys(documents: list[Node]) -> Iterator[Found]:
    for document in documents[:1]:
        yield from _leaves(document, "")


def _leaves(node: Node, prefix: str) -> Iterator[Found]:
    for key, child in node.keys.items():
        path = f"{prefix}.{key}" if prefix else key
        if child.keys:
            yield from _leaves(child, path)
        else:
            yield Found(path, path, child.line, VALUE)


def _manifest_facts(documents: list[Node]) -> Iterator[Found]:
    for document in documents:
        kind = document.scalar("kind")
        name = document.scalar("metadata", "name") or ""
        if kind in _WORKLOAD_KINDS and _runs_an_image(document):
            key = (WORKLOAD, kind, _without_templates(name))
            yield Found(key, f"{kind} {name}".strip(), document.line, f"{WORKLOAD}: {kind}")
        elif kind in _RBAC_KINDS:
            yield from _rules(document, kind)


def _without_templates(name: str) -> str:
    """A name as it keys a fact: `{{ include "old-chart.name" . }}-manager` and the same under a renamed
    helper are one resource, as renaming a chart's helpers moves nothing in the cluster."""
    return _TEMPLATE.sub("{{}}", name)


def _runs_an_image(workload: Node) -> bool:
    """Whether a workload names the image it runs: a kustomize patch of a Deployment names none."""
    pod = workload.get("spec", "jobTemplate", "spec", "template") or workload.get("spec", "template")
    containers = pod.get("spec", "containers") if pod is not None else None
    return containers is not None and any(container.get("image") for container in containers.items)


def _rules(role: Node, kind: str) -> Iterator[Found]:
    """One fact per resource a rule grants, keyed by the role and the resource, valued by the verbs."""
    rules = role.get("rules")
    role_name = _without_templates(role.scalar("metadata", "name") or "")
    for rule in rules.items if rules is not None else ():
        resources, verbs, groups = (rule.get(key) for key in ("resources", "verbs", "apiGroups"))
        granted = ", ".join(sorted(verbs.strings())) if verbs is not None else ""
        for group in (groups.strings() if groups is not None else []) or [""]:
            for resource in resources.strings() if resources is not None else ():
                qualified = f"{resource}.{group}" if group else resource
                key = (RBAC_RULE, kind, role_name, qualified)
                yield Found(key, qualified, rule.line, f"{RBAC_RULE}: {kind} {granted}", granted)
