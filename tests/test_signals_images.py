"""Container images as interface facts, in real repos: where manifests, charts and Compose files name them."""

from __future__ import annotations

from changeradar.config import ImportanceSettings
from changeradar.git import GitBlobReader
from changeradar.model import SignalAction, SignalKind
from changeradar.score import score_commit
from changeradar.signals import SignalContext
from changeradar.signals.schemas import extract
from gitrepo import GitRepo
from test_signals_schemas import facts, last_commit

ADDED, REMOVED, CHANGED = SignalAction.ADDED, SignalAction.REMOVED, SignalAction.CHANGED
API = SignalKind.API

VALUES = "config/charts/inferencepool/values.yaml"
VALUES_BEFORE = """\
inferenceExtension:
  replicas: 1
  image:
    registry: ghcr.io/llm-d
    repository: llm-d-inference-scheduler
    tag: v0.3.0
    pullPolicy: Always
  extProcPort: 9002
"""
MANIFEST = "deploy/components/epp/deployment.yaml"
MANIFEST_BEFORE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: epp
spec:
  template:
    spec:
      containers:
      - name: epp
        image: ghcr.io/llm-d/llm-d-inference-scheduler:v0.3.0
        args: ["--port", "9002"]
"""


def rules(repo: GitRepo) -> list[tuple[str, float, str]]:
    """The interface reasons (rule, weight, subject) the last commit's image facts give."""
    commit = last_commit(repo)
    with GitBlobReader(repo.path) as blobs:
        signals = list(extract(commit, SignalContext(blobs=blobs)))
    reasons = score_commit(commit, signals, ImportanceSettings()).reasons
    return [(r.rule, r.weight, r.subject) for r in reasons if r.rule.startswith("image_")]


def test_an_image_repository_renamed_in_helm_values_is_a_breaking_change(git_repo: GitRepo) -> None:
    renamed = VALUES_BEFORE.replace("llm-d-inference-scheduler", "llm-d-router-endpoint-picker")
    found = facts(git_repo, {VALUES: VALUES_BEFORE}, {VALUES: renamed})
    assert found == [
        (
            API,
            CHANGED,
            "ghcr.io/llm-d/llm-d-router-endpoint-picker",
            "image: breaking, ghcr.io/llm-d/llm-d-inference-scheduler:v0.3.0"
            " → ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.3.0",
            f"{VALUES}:3",
        )
    ]
    assert rules(git_repo) == [("image_renamed", 6.0, "ghcr.io/llm-d/llm-d-router-endpoint-picker")]


def test_a_tag_only_bump_is_a_low_weight_change(git_repo: GitRepo) -> None:
    bumped = MANIFEST_BEFORE.replace(":v0.3.0", ":v0.4.0")
    found = facts(git_repo, {MANIFEST: MANIFEST_BEFORE}, {MANIFEST: bumped})
    assert [(kind, action, name, detail) for kind, action, name, detail, _ in found] == [
        (
            API,
            CHANGED,
            "ghcr.io/llm-d/llm-d-inference-scheduler",
            "image: ghcr.io/llm-d/llm-d-inference-scheduler:v0.3.0"
            " → ghcr.io/llm-d/llm-d-inference-scheduler:v0.4.0",
        )
    ]
    assert rules(git_repo) == [("image_tag_changed", 0.5, "ghcr.io/llm-d/llm-d-inference-scheduler")]


def test_a_sidecar_image_added_in_a_manifest_but_not_an_image_a_second_container_reuses(
    git_repo: GitRepo,
) -> None:
    after = MANIFEST_BEFORE + (
        "      - name: sidecar\n"
        "        image: ghcr.io/llm-d/llm-d-routing-sidecar:v0.3.0\n"
        "      - name: epp-debug\n"
        '        image: "ghcr.io/llm-d/llm-d-inference-scheduler:v0.3.0"\n'
        "      - name: templated\n"
        '        image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n'
    )
    found = facts(git_repo, {MANIFEST: MANIFEST_BEFORE}, {MANIFEST: after})
    images = [fact for fact in found if fact[3].startswith("image")]
    assert images == [
        (
            API,
            ADDED,
            "ghcr.io/llm-d/llm-d-routing-sidecar",
            "image: ghcr.io/llm-d/llm-d-routing-sidecar:v0.3.0",
            f"{MANIFEST}:13",
        )
    ]
    assert rules(git_repo) == [("image_added", 2.5, "ghcr.io/llm-d/llm-d-routing-sidecar")]


def test_an_image_removed_from_a_compose_file(git_repo: GitRepo) -> None:
    compose = "docker-compose.yml"
    before = "services:\n  router:\n    image: ghcr.io/org/router:1\n  cache:\n    image: redis:7\n"
    after = "services:\n  router:\n    image: ghcr.io/org/router:1\n"
    found = facts(git_repo, {compose: before}, {compose: after})
    assert [(action, name, detail) for _, action, name, detail, _ in found] == [
        (REMOVED, "redis", "image: redis:7")
    ]


def test_images_in_a_ci_workflow_and_a_dockerfile_base_are_no_facts(git_repo: GitRepo) -> None:
    workflow = ".github/workflows/ci-release.yaml"
    workflow_before = (
        "jobs:\n  build:\n    runs-on: ubuntu-latest\n    container:\n"
        "      image: ghcr.io/llm-d/llm-d-inference-scheduler:dev\n"
    )
    dockerfile = "Dockerfile"
    found = facts(
        git_repo,
        {workflow: workflow_before, dockerfile: "FROM golang:1.24 AS builder\n"},
        {
            workflow: workflow_before.replace("inference-scheduler", "router-endpoint-picker"),
            dockerfile: "FROM golang:1.25 AS builder\n",
        },
    )
    assert found == []
    assert rules(git_repo) == []
