"""The JSON report: its committed schema, its contents, and what it must never carry."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from changeradar.model import FileChange, FileStatus, RepoRef
from changeradar.render.json_document import (
    SCHEMA_VERSION,
    ReportDocument,
    build_document,
    render_json,
    schema_text,
)
from changeradar.render.view import describe_reason
from day_reports import REPO, empty_report, sample_report

SCHEMA_FILE = Path(__file__).parent.parent / "schema" / "report.schema.json"


def same_schema_in_any_pydantic(node: Any) -> Any:
    """`node` with the spellings pydantic versions differ on made one: a Literal's `const` with or
    without its one-value `enum`, a `$ref` with siblings bare or wrapped in a one-item `allOf`."""
    if isinstance(node, list):
        return [same_schema_in_any_pydantic(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = dict(node)
    if "const" in node and node.get("enum") == [node["const"]]:
        del node["enum"]
    if len(node.get("allOf", ())) == 1:
        node = {**node.pop("allOf")[0], **node}
    return {key: same_schema_in_any_pydantic(value) for key, value in node.items()}


def test_the_committed_schema_is_the_generated_one() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    generated = json.loads(schema_text())
    assert same_schema_in_any_pydantic(committed) == same_schema_in_any_pydantic(generated), (
        "regenerate: PYTHONPATH=src python -m changeradar.render.json_document > schema/report.schema.json"
    )


def test_schemas_that_differ_only_in_pydantic_spelling_compare_equal() -> None:
    old = {"properties": {"v": {"const": "1.0", "enum": ["1.0"]}, "r": {"allOf": [{"$ref": "#/R"}], "x": 1}}}
    new = {"properties": {"v": {"const": "1.0"}, "r": {"$ref": "#/R", "x": 1}}}
    other = {"properties": {"v": {"const": "2.0"}, "r": {"$ref": "#/R", "x": 1}}}
    assert same_schema_in_any_pydantic(old) == same_schema_in_any_pydantic(new)
    assert same_schema_in_any_pydantic(other) != same_schema_in_any_pydantic(new)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_document_validates_and_round_trips(language: str) -> None:
    report = sample_report(language)
    text = render_json(report)
    assert ReportDocument.model_validate_json(text) == build_document(report)
    assert text.endswith("}\n") and text == render_json(report)


def test_commits_carry_full_shas_zoned_times_reasons_and_anchors() -> None:
    report = sample_report("zh")
    document = json.loads(render_json(report))
    assert document["schema_version"] == SCHEMA_VERSION
    assert document["summary"] | {"areas": None} == {
        "total": 4,
        "high": 1,
        "medium": 1,
        "low": 2,
        "areas": None,
    }
    mori = document["commits"][1]
    assert mori["sha"] == "cbf90d70ff04ca3bef9f53e07215b5571aa317a4"
    assert mori["committed_at"] == "2026-01-29T15:22:41+08:00"
    assert mori["anchor"] == "c-cbf90d7"
    assert mori["pr_url"] == "https://github.com/sgl-project/sglang/pull/14626"
    reasons = report.commits[1].importance.reasons
    assert [reason["text"] for reason in mori["importance"]["reasons"]] == [
        describe_reason(reason, "zh") for reason in reasons
    ]
    assert {"kind": "env_var", "name": "SGLANG_MORI_QP_PER_TRANSFER", "line": 42}.items() <= next(
        signal for signal in mori["signals"] if signal["kind"] == "env_var"
    ).items()
    assert mori["analysis"]["insights"]["performance"]


def test_chinese_text_is_written_as_is_and_enums_as_values() -> None:
    text = render_json(sample_report("zh"))
    assert "修改 5 个文件" in text and "\\u" not in text
    assert '"change_types": [\n          "feature"\n        ]' in text  # labels are the Markdown's business


def test_times_in_utc_keep_an_explicit_offset() -> None:
    report = replace(sample_report("en"), timezone="UTC")
    assert json.loads(render_json(report))["commits"][1]["committed_at"] == "2026-01-29T07:22:41+00:00"


def test_patches_are_never_included() -> None:
    report = sample_report("en")
    commit = report.commits[0].commit
    secret_file = FileChange(
        "a.py", FileStatus.MODIFIED, additions=1, patch="@@ -0,0 +1 @@\n+PATCH_BODY_LINE\n"
    )
    report.commits[0] = replace(report.commits[0], commit=replace(commit, files=(secret_file,)))
    text = render_json(report)
    assert "PATCH_BODY_LINE" not in text and '"path": "a.py"' in text


def test_credentials_in_the_source_url_never_reach_the_document() -> None:
    repo = RepoRef(REPO.name, "https://user:ghp_SECRET@github.com:443/sgl-project/sglang.git", REPO.web_url)
    document = json.loads(render_json(replace(empty_report("en"), repo=repo)))
    assert document["repo"]["source"] == "https://***@github.com:443/sgl-project/sglang.git"
    assert "ghp_SECRET" not in render_json(replace(empty_report("en"), repo=repo))


def test_an_empty_day_is_a_valid_document_with_zero_counts() -> None:
    document = ReportDocument.model_validate_json(render_json(empty_report("en")))
    assert document.commits == [] and document.summary.total == 0
    assert document.window.start == datetime(2026, 1, 28, 16, tzinfo=UTC)
