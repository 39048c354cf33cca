"""Scoring of interfaces that are not code: schema facts by their own rules, never also as code API."""

from __future__ import annotations

from changeradar.config import ImportanceSettings
from changeradar.model import Level, Reason, Signal, SignalAction, SignalKind
from changeradar.render.view import describe_reason
from changeradar.score import score_commit
from changeradar.signals.interfaces import Interface, interface_of
from diffs import make_commit, make_file

DEFAULTS = ImportanceSettings()
CRD = "config/crd/bases/leaderworkerset.x-k8s.io_leaderworkersets.yaml"
PROTO = "proto/v3/generate.proto"


def api(name: str, action: SignalAction, detail: str, path: str) -> Signal:
    return Signal(SignalKind.API, name, action, detail, path, 10)


def interface_reasons(reasons: tuple[Reason, ...]) -> list[Reason]:
    """The reasons other than the size and kind of the change (a .proto counts as core source lines)."""
    return [reason for reason in reasons if reason.rule not in ("core_lines", "untyped_core_change")]


def yaml_change(path: str) -> list:
    return [make_file(path, "@@ -1,1 +1,2 @@\n a: 1\n+b: 2\n")]


def test_a_removed_crd_field_ranks_as_breaking_and_not_as_code_api() -> None:
    removed = api(
        "LeaderWorkerSet.spec.rolloutStrategy.rollingUpdateConfiguration.partition",
        SignalAction.REMOVED,
        "crd field (v1)",
        CRD,
    )
    importance = score_commit(
        make_commit("fix: don't increase API surface", yaml_change(CRD)), [removed], DEFAULTS
    )
    assert importance.level is Level.HIGH
    assert [reason.rule for reason in importance.reasons] == ["schema_removed"]


def test_a_reused_proto_field_number_is_breaking_but_a_rename_is_a_change() -> None:
    reused = api(
        "InfoResponse.window", SignalAction.CHANGED, "proto field: breaking, number 4 reused (was w)", PROTO
    )
    renamed = api("InfoResponse.data_type", SignalAction.CHANGED, "proto field: renamed from dtype", PROTO)
    commit = make_commit("Rework info", yaml_change(PROTO))
    breaking = score_commit(commit, [reused], DEFAULTS)
    assert breaking.level is Level.HIGH
    assert interface_reasons(breaking.reasons) == [Reason("schema_breaking", 6.0, "InfoResponse.window")]
    renaming = score_commit(commit, [renamed], DEFAULTS)
    assert renaming.level is Level.MEDIUM
    assert interface_reasons(renaming.reasons) == [Reason("schema_changed", 2.5, "InfoResponse.data_type")]


def test_helm_values_and_rbac_rules_added_are_new_deployment_surface_in_both_languages() -> None:
    values = "charts/lws/values.yaml"
    signals = [
        api("gangSchedulingManagement.schedulerProvider", SignalAction.ADDED, "helm value", values),
        api("pods", SignalAction.ADDED, "rbac rule: ClusterRole get, list", values),
    ]
    importance = score_commit(make_commit("Add gang scheduling", yaml_change(values)), signals, DEFAULTS)
    (reason,) = importance.reasons
    assert reason == Reason("deployment_added", 2.5, "gangSchedulingManagement.schedulerProvider, pods")
    assert describe_reason(reason, "en") == (
        "adds chart values, RBAC rules or workloads: `gangSchedulingManagement.schedulerProvider`, `pods`"
    )
    assert describe_reason(reason, "zh").startswith("新增 Chart 配置项、RBAC 规则或工作负载：")


def test_a_spec_published_under_docs_is_the_interface_it_describes() -> None:
    added = api("POST /generate", SignalAction.ADDED, "openapi operation", "docs/openapi.json")
    importance = score_commit(
        make_commit("Regenerate spec", yaml_change("docs/openapi.json")), [added], DEFAULTS
    )
    assert importance.level is Level.MEDIUM
    assert "schema_added" in [reason.rule for reason in importance.reasons]


def test_an_interface_fact_reads_its_versions_then_its_change_in_one_bracket() -> None:
    changed = api("X.spec.size", SignalAction.CHANGED, "crd field (v1, v1beta1): integer → string", CRD)
    assert interface_of(changed) == (Interface.CRD_FIELD, "v1, v1beta1: integer → string")
    assert interface_of(api("X.spec.size", SignalAction.ADDED, "crd field (v1)", CRD)) == (
        Interface.CRD_FIELD,
        "v1",
    )
    rule = api("pods", SignalAction.ADDED, "rbac rule: ClusterRole get, list", "chart/templates/rbac.yaml")
    assert interface_of(rule) == (Interface.RBAC_RULE, "ClusterRole get, list")
    assert interface_of(api("pkg.Run", SignalAction.ADDED, "function", "pkg/run.go")) is None
