"""Interfaces that are not code: CRDs, Helm charts, manifests' env and OpenAPI specs, in real repos."""

from __future__ import annotations

import textwrap

from changeradar.collect import collect_commits
from changeradar.git import GitBlobReader
from changeradar.model import Commit, SignalAction, SignalKind
from changeradar.signals import SignalContext
from changeradar.signals.outline import read_json, read_yaml
from changeradar.signals.schemas import extract
from changeradar.window import day_window
from gitrepo import GitRepo

ADDED, REMOVED, CHANGED = SignalAction.ADDED, SignalAction.REMOVED, SignalAction.CHANGED


def last_commit(repo: GitRepo) -> Commit:
    return collect_commits(repo.path, "main", day_window("2026-01-29", "Asia/Shanghai"))[0]


def facts(repo: GitRepo, before: dict[str, str], after: dict[str, str | None]) -> list[tuple]:
    """Facts of the commit turning `before` into `after`: (kind, action, name, detail, path:line)."""
    repo.commit("Before", {path: textwrap.dedent(text) for path, text in before.items()})
    repo.commit("After", {path: textwrap.dedent(text) if text else None for path, text in after.items()})
    with GitBlobReader(repo.path) as blobs:
        signals = list(extract(last_commit(repo), SignalContext(blobs=blobs)))
    return [(s.kind, s.action, s.name, s.detail, f"{s.path}:{s.line}") for s in signals]


CRD_PATH = "config/crd/bases/leaderworkerset.x-k8s.io_leaderworkersets.yaml"
CRD_BEFORE = """\
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: leaderworkersets.leaderworkerset.x-k8s.io
spec:
  group: leaderworkerset.x-k8s.io
  names:
    kind: LeaderWorkerSet
  versions:
  - additionalPrinterColumns:
    - jsonPath: .spec.replicas
      name: Replicas
      type: string
    name: v1
    schema:
      openAPIV3Schema:
        description: LeaderWorkerSet is the Schema for the leaderworkersets API
        properties:
          spec:
            description: |-
              Spec of the set.
              properties: not a key, a sentence in a description
            properties:
              leaderWorkerTemplate:
                properties:
                  size:
                    default: 1
                    format: int32
                    type: integer
                  restartPolicy:
                    type: string
                required:
                - size
                type: object
              startupPolicy:
                default: LeaderCreated
                type: string
            type: object
        type: object
    served: true
    storage: true
"""


def test_crd_fields_added_removed_and_changed_with_their_paths_and_lines(git_repo: GitRepo) -> None:
    after = CRD_BEFORE.replace(
        """                  restartPolicy:
                    type: string
                required:
                - size
""",
        """                  subGroupPolicy:
                    properties:
                      subGroupSize:
                        type: integer
                    type: object
                required:
                - size
                - subGroupPolicy
""",
    ).replace("default: LeaderCreated", "default: LeaderReady")
    after = after.replace(
        "    served: true\n    storage: true\n",
        "    served: true\n    storage: true\n  - name: v2\n    served: false\n",
    )
    found = facts(git_repo, {CRD_PATH: CRD_BEFORE}, {CRD_PATH: after})
    assert found == [
        (SignalKind.API, ADDED, "LeaderWorkerSet v2", "crd version", f"{CRD_PATH}:47"),
        (
            SignalKind.API,
            ADDED,
            "LeaderWorkerSet.spec.leaderWorkerTemplate.subGroupPolicy",
            "crd field (v1)",
            f"{CRD_PATH}:31",
        ),
        (
            SignalKind.API,
            CHANGED,
            "LeaderWorkerSet.spec.startupPolicy",
            "crd field (v1): string, default LeaderCreated → string, default LeaderReady",
            f"{CRD_PATH}:40",
        ),
        (
            SignalKind.API,
            REMOVED,
            "LeaderWorkerSet.spec.leaderWorkerTemplate.restartPolicy",
            "crd field (v1)",
            f"{CRD_PATH}:31",
        ),
    ]


def test_a_field_changed_alike_in_several_versions_is_one_fact_naming_them(git_repo: GitRepo) -> None:
    v1 = CRD_BEFORE[CRD_BEFORE.index("  - additionalPrinterColumns:") :]
    v1beta1 = v1.replace("    name: v1\n", "    name: v1beta1\n").replace("storage: true", "storage: false")
    before = CRD_BEFORE + v1beta1
    # subGroupSize comes to both versions; startupPolicy's default changes in v1beta1 only.
    after = CRD_BEFORE + v1beta1.replace("default: LeaderCreated", "default: LeaderReady")
    after = after.replace(
        RESTART_POLICY,
        RESTART_POLICY + "                  subGroupSize:\n                    type: integer\n",
    )
    found = facts(git_repo, {CRD_PATH: before}, {CRD_PATH: after})
    assert [(action, name, detail, where) for _, action, name, detail, where in found] == [
        (
            ADDED,
            "LeaderWorkerSet.spec.leaderWorkerTemplate.subGroupSize",
            "crd field (v1, v1beta1)",
            f"{CRD_PATH}:33",
        ),
        (
            CHANGED,
            "LeaderWorkerSet.spec.startupPolicy",
            "crd field (v1beta1): string, default LeaderCreated → string, default LeaderReady",
            f"{CRD_PATH}:72",
        ),
    ]


def test_a_crd_version_no_longer_served_and_a_field_made_required(git_repo: GitRepo) -> None:
    after = CRD_BEFORE.replace("    served: true\n", "    served: false\n").replace(
        "                required:\n                - size\n",
        "                required:\n                - restartPolicy\n                - size\n",
    )
    found = facts(git_repo, {CRD_PATH: CRD_BEFORE}, {CRD_PATH: after})
    assert [(action, name, detail) for _, action, name, detail, _ in found] == [
        (CHANGED, "LeaderWorkerSet v1", "crd version: served, storage → storage"),
        (
            CHANGED,
            "LeaderWorkerSet.spec.leaderWorkerTemplate.restartPolicy",
            "crd field (v1): string → string, required",
        ),
    ]


def test_reworded_descriptions_and_yaml_that_is_no_crd_are_no_facts(git_repo: GitRepo) -> None:
    config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: crd-settings\ndata:\n  size: '1'\n"
    reworded = CRD_BEFORE.replace("Spec of the set.", "The desired state of the set.")
    found = facts(
        git_repo,
        {CRD_PATH: CRD_BEFORE, "config/crd/settings.yaml": config_map},
        {CRD_PATH: reworded, "config/crd/settings.yaml": config_map.replace("'1'", "'2'\n  port: '80'")},
    )
    assert found == []


VALUES = """\
image:
  repository: registry.k8s.io/lws/lws
  tag: v0.7.0
certManager:
  enable: false
# a comment
resources: {}
"""


def test_helm_values_keys_added_and_removed_but_not_moved(git_repo: GitRepo) -> None:
    after = """\
resources: {}
certManager:
  enable: false
image:
  repository: registry.k8s.io/lws/lws
  pullPolicy: IfNotPresent
gangSchedulingManagement:
  schedulerProvider: volcano
"""
    found = facts(git_repo, {"charts/lws/values.yaml": VALUES}, {"charts/lws/values.yaml": after})
    assert found == [
        (SignalKind.API, ADDED, "image.pullPolicy", "helm value", "charts/lws/values.yaml:6"),
        (
            SignalKind.API,
            ADDED,
            "gangSchedulingManagement.schedulerProvider",
            "helm value",
            "charts/lws/values.yaml:8",
        ),
        (SignalKind.API, REMOVED, "image.tag", "helm value", "charts/lws/values.yaml:3"),
        (  # the image's tag, now the chart's default
            SignalKind.API,
            CHANGED,
            "registry.k8s.io/lws/lws",
            "image: registry.k8s.io/lws/lws:v0.7.0 → registry.k8s.io/lws/lws",
            "charts/lws/values.yaml:4",
        ),
    ]


TEMPLATE = """\
{{- if .Values.rbac.create }}
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ include "lws.fullname" . }}-manager-role
  labels:
  {{- include "lws.labels" . | nindent 4 }}
rules:
- apiGroups:
  - ""
  resources:
  - pods
  verbs:
  - get
  - list
- apiGroups:
  - leaderworkerset.x-k8s.io
  resources:
  - leaderworkersets
  - leaderworkersets/status
  verbs: ["get", "update"]
{{- end }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "lws.fullname" . }}-controller-manager
spec:
  template:
    spec:
      containers:
      - name: manager
        image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
        env:
        - name: LWS_LOG_LEVEL
          value: {{ .Values.logLevel | quote }}
        - name: {{ .Values.extraEnvName }}
          value: x
        {{- with .Values.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
"""


def test_a_new_helm_template_adds_rbac_rules_a_workload_and_env_despite_template_lines(
    git_repo: GitRepo,
) -> None:
    path = "charts/lws/templates/manager.yaml"
    found = facts(git_repo, {"charts/lws/Chart.yaml": "name: lws\n"}, {path: TEMPLATE})
    assert found == [
        (SignalKind.API, ADDED, "pods", "rbac rule: ClusterRole get, list", f"{path}:9"),
        (
            SignalKind.API,
            ADDED,
            "leaderworkersets.leaderworkerset.x-k8s.io",
            "rbac rule: ClusterRole get, update",
            f"{path}:16",
        ),
        (
            SignalKind.API,
            ADDED,
            "leaderworkersets/status.leaderworkerset.x-k8s.io",
            "rbac rule: ClusterRole get, update",
            f"{path}:16",
        ),
        (
            SignalKind.API,
            ADDED,
            'Deployment {{ include "lws.fullname" . }}-controller-manager',
            "workload: Deployment",
            f"{path}:24",
        ),
        (SignalKind.ENV_VAR, ADDED, "LWS_LOG_LEVEL", "", f"{path}:35"),
    ]


def test_a_rule_granted_more_verbs_is_changed_and_ci_or_test_env_entries_are_no_facts(
    git_repo: GitRepo,
) -> None:
    path = "charts/lws/templates/manager.yaml"
    workflow = "jobs:\n  e2e:\n    steps:\n    - run: make\n      env:\n      - name: {}\n"
    fixture = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: c\n    env:\n    - name: {}\n"
    found = facts(
        git_repo,
        {
            path: TEMPLATE,
            ".github/workflows/e2e.yaml": workflow.format("A_B"),
            "test/e2e/pod.yaml": fixture.format("A"),
        },
        {
            path: TEMPLATE.replace("  - get\n  - list\n", "  - get\n  - list\n  - watch\n"),
            ".github/workflows/e2e.yaml": workflow.format("KIND_VERSION"),
            "test/e2e/pod.yaml": fixture.format("B"),
        },
    )
    assert found == [
        (SignalKind.API, CHANGED, "pods", "rbac rule: get, list → get, list, watch", f"{path}:9")
    ]


def test_env_entries_the_downward_api_fills_are_no_variables_to_set(git_repo: GitRepo) -> None:
    path = "deploy/components/vllm-decode/deployment.yaml"
    entries = (
        "    - name: POD_NAME\n      valueFrom:\n        fieldRef:\n          fieldPath: metadata.name\n"
        "    - name: CPU_LIMIT\n      valueFrom:\n        resourceFieldRef:\n          resource: limits.cpu\n"
        "    - name: HF_TOKEN\n      valueFrom:\n        secretKeyRef:\n          name: hf\n"
        "    - name: VLLM_LOGGING_LEVEL\n      value: INFO\n"
    )
    pod = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: c\n    env:\n"
    found = facts(git_repo, {path: pod + "    - name: X\n      value: '1'\n"}, {path: pod + entries})
    assert [(kind, action, name) for kind, action, name, _, _ in found] == [
        (SignalKind.ENV_VAR, ADDED, "HF_TOKEN"),
        (SignalKind.ENV_VAR, ADDED, "VLLM_LOGGING_LEVEL"),
        (SignalKind.ENV_VAR, REMOVED, "X"),
    ]


def test_compose_environment_as_a_mapping_and_as_a_list(git_repo: GitRepo) -> None:
    before = "services:\n  router:\n    image: tgi\n    environment:\n      - HF_TOKEN=x\n"
    after = (
        "services:\n  router:\n    image: tgi\n    environment:\n      - MAX_BATCH_SIZE=8\n"
        "  worker:\n    environment:\n      CUDA_GRAPHS: '1'\n"
    )
    found = facts(git_repo, {"docker-compose.yml": before}, {"docker-compose.yml": after})
    assert [(action, name, where) for _, action, name, _, where in found] == [
        (ADDED, "MAX_BATCH_SIZE", "docker-compose.yml:5"),
        (ADDED, "CUDA_GRAPHS", "docker-compose.yml:8"),
        (REMOVED, "HF_TOKEN", "docker-compose.yml:5"),
    ]


OPENAPI = """\
{
  "openapi": "3.0.3",
  "paths": {
    "/generate": {
      "post": {"operationId": "generate"}
    },
    "/health": {
      "get": {"operationId": "health"}
    }
  },
  "components": {
    "schemas": {
      "GenerateParameters": {
        "type": "object",
        "properties": {
          "top_k": {"type": "integer"},
          "best_of": {"type": "integer"}
        }
      }
    }
  }
}
"""


def test_openapi_operations_and_schema_properties_in_a_json_spec_under_docs(git_repo: GitRepo) -> None:
    after = OPENAPI.replace('"/health": {\n      "get"', '"/health": {\n      "head"').replace(
        '"best_of": {"type": "integer"}',
        '"best_of": {"type": "integer"},\n          "seed": {"type": "integer"}',
    )
    after = after.replace('"top_k": {"type": "integer"},\n', "")
    found = facts(git_repo, {"docs/openapi.json": OPENAPI}, {"docs/openapi.json": after})
    assert [(action, name, detail, where) for _, action, name, detail, where in found] == [
        (ADDED, "HEAD /health", "openapi operation", "docs/openapi.json:8"),
        (ADDED, "GenerateParameters.seed", "openapi property", "docs/openapi.json:17"),
        (REMOVED, "GET /health", "openapi operation", "docs/openapi.json:8"),
        (REMOVED, "GenerateParameters.top_k", "openapi property", "docs/openapi.json:16"),
    ]


class MissingBlobs:
    def read_blob(self, object_id: str) -> bytes | None:
        return None


def test_unreadable_blobs_give_no_facts_for_an_edit_and_the_patch_for_a_new_file(git_repo: GitRepo) -> None:
    git_repo.commit("Before", {"charts/a/values.yaml": "replicas: 1\n"})
    git_repo.commit(
        "After", {"charts/a/values.yaml": "replicas: 2\nport: 80\n", "charts/b/values.yaml": "debug: true\n"}
    )
    signals = list(extract(last_commit(git_repo), SignalContext(blobs=MissingBlobs())))
    assert [(s.name, s.action, s.path, s.line) for s in signals] == [
        ("debug", ADDED, "charts/b/values.yaml", 1)
    ]


def test_the_outline_skips_block_scalars_and_reads_same_column_lists_and_quoted_keys() -> None:
    (document,) = read_yaml(
        'a:\n  text: |-\n    key: not a key\n  "quoted key": 1\n  list:\n  - x\n  - "y"\n  flow: [p, q]\n'
    )
    assert list(document.get("a").keys) == ["text", "quoted key", "list", "flow"]
    assert document.scalar("a", "quoted key") == "1"
    assert document.get("a", "list").strings() == ["x", "y"]
    assert document.get("a", "flow").strings() == ["p", "q"]
    assert document.get("a", "list").line == 5


def test_the_json_outline_keeps_lines_and_rejects_broken_json() -> None:
    document = read_json('{\n  "a": {\n    "b": [1, "t\\"x"]\n  }\n}\n')
    assert document is not None
    assert document.get("a", "b").line == 3
    assert [item.text for item in document.get("a", "b").items] == ["1", 't"x']
    assert read_json('{"a": }') is None


def test_a_kustomize_patch_of_a_deployment_is_no_new_workload(git_repo: GitRepo) -> None:
    patch = """\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: controller-manager
    spec:
      template:
        spec:
          containers:
            - name: manager
              ports:
                - containerPort: 8443
    """
    found = facts(
        git_repo,
        {"config/default/kustomization.yaml": "resources: []\n"},
        {"config/default/patch.yaml": patch},
    )
    assert found == []


def test_the_outline_reads_a_kustomize_inline_patch_as_the_yaml_it_holds() -> None:
    (document,) = read_yaml(
        "patches:\n- target:\n    kind: Deployment\n  patch: |\n    - op: add\n      value:\n"
        "        env:\n        - name: LOG_LEVEL\n  other: |\n    env: not read\n"
    )
    (item,) = document.get("patches").items
    (operation,) = item.get("patch").items
    (entry,) = operation.get("value", "env").items
    assert (entry.scalar("name"), entry.line) == ("LOG_LEVEL", 8)
    assert item.get("other").keys == {}  # any other block scalar is prose, left unread


def test_env_entries_an_overlay_patches_into_a_container_are_variables(git_repo: GitRepo) -> None:
    overlay = """\
    apiVersion: kustomize.config.k8s.io/v1alpha1
    kind: Component
    patches:
    - target:
        kind: Deployment
        name: vllm-d
      patch: |
        - op: add
          path: /spec/template/spec/initContainers/0
          value:
            name: uds-tokenizer
            image: ghcr.io/llm-d/uds-tokenizer:v0.1
            env:
            - name: TOKENIZER_LOG_LEVEL
              value: "DEBUG"
    """
    found = facts(
        git_repo,
        {"deploy/components/overlays/simulator/kustomization.yaml": "patches: []\n"},
        {"deploy/components/overlays/simulator/kustomization.yaml": overlay},
    )
    place = "deploy/components/overlays/simulator/kustomization.yaml:14"
    assert ("env_var", ADDED, "TOKENIZER_LOG_LEVEL", "", place) in found


def test_a_value_added_to_a_crd_field_enum_changes_the_field(git_repo: GitRepo) -> None:
    before = CRD_BEFORE.replace(
        "                  restartPolicy:\n                    type: string\n",
        "                  restartPolicy:\n"
        "                    enum:\n"
        "                    - Default\n"
        "                    - None\n"
        "                    type: string\n",
    )
    after = before.replace(
        "                    - None\n",
        "                    - RecreateGroupAfterStart\n                    - None\n",
    )
    found = facts(git_repo, {CRD_PATH: before}, {CRD_PATH: after})
    assert [(action, name, detail) for _, action, name, detail, _ in found] == [
        (
            CHANGED,
            "LeaderWorkerSet.spec.leaderWorkerTemplate.restartPolicy",
            "crd field (v1): string, one of [Default, None]"
            " → string, one of [Default, RecreateGroupAfterStart, None]",
        )
    ]


def test_renaming_a_chart_helper_moves_no_workload_nor_rule(git_repo: GitRepo) -> None:
    path = "charts/lws/templates/manager.yaml"
    renamed = TEMPLATE.replace('include "lws.fullname"', 'include "lws-router.fullname"')
    assert facts(git_repo, {path: TEMPLATE}, {path: renamed}) == []


CHART_COPY = "charts/lws/crds/leaderworkerset.x-k8s.io_leaderworkersets.yaml"
RESTART_POLICY = "                  restartPolicy:\n                    type: string\n"
WITH_SUBGROUP_SIZE = CRD_BEFORE.replace(
    RESTART_POLICY, RESTART_POLICY + "                  subGroupSize:\n                    type: integer\n"
)


def in_chart(crd: str) -> str:
    return "{{- if .Values.crds.enabled }}\n" + crd + "{{- end }}\n"


def test_a_crd_changed_alike_in_its_chart_copy_is_reported_once_where_it_is_written(
    git_repo: GitRepo,
) -> None:
    """lws's 2b84d28: the fact cites `config/crd/bases/`, whose file the chart's `crds/` copy follows,
    though git lists `charts/` first."""
    found = facts(
        git_repo,
        {CRD_PATH: CRD_BEFORE, CHART_COPY: in_chart(CRD_BEFORE)},
        {CRD_PATH: WITH_SUBGROUP_SIZE, CHART_COPY: in_chart(WITH_SUBGROUP_SIZE)},
    )
    assert [(name, where) for _, _, name, _, where in found] == [
        ("LeaderWorkerSet.spec.leaderWorkerTemplate.subGroupSize", f"{CRD_PATH}:33")
    ]


def test_a_chart_copy_catching_up_with_its_crd_is_reported_for_itself(git_repo: GitRepo) -> None:
    found = facts(
        git_repo,
        {CRD_PATH: WITH_SUBGROUP_SIZE, CHART_COPY: in_chart(CRD_BEFORE)},
        {
            CRD_PATH: WITH_SUBGROUP_SIZE.replace("default: 1", "default: 2"),
            CHART_COPY: in_chart(WITH_SUBGROUP_SIZE),
        },
    )
    assert [(action, name, where.split(":")[0]) for _, action, name, _, where in found] == [
        (CHANGED, "LeaderWorkerSet.spec.leaderWorkerTemplate.size", CRD_PATH),
        (ADDED, "LeaderWorkerSet.spec.leaderWorkerTemplate.subGroupSize", CHART_COPY),
    ]
