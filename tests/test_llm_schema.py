"""The answer schema is strict-mode compatible at every depth, and answers are validated against it."""

from __future__ import annotations

import json

import pytest

from changeradar.llm.schema import Depth, InvalidAnswer, answer_schema, parse_answer, response_format
from changeradar.model import ChangeType, Level


def objects_in(node):
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield node
        for value in node.values():
            yield from objects_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from objects_in(item)


@pytest.mark.parametrize("depth", list(Depth))
def test_every_object_requires_all_its_properties_and_allows_no_others(depth):
    schema = answer_schema(depth)
    text = json.dumps(schema)

    assert "$ref" not in text and '"default"' not in text and '"title"' not in text
    assert '"allOf"' not in text  # strict mode on OpenAI rejects it; older pydantic wraps refs in one
    for node in objects_in(schema):
        assert node["additionalProperties"] is False
        assert node["required"] == list(node["properties"])


def test_depths_ask_for_what_their_level_shows():
    fields = {depth: list(answer_schema(depth)["properties"]) for depth in Depth}

    assert fields[Depth.FULL] == [
        "change_types",
        "summary",
        "impact",
        "insights",
        "risks",
        "recommendations",
        "suggested_level",
        "suggested_level_reason",
    ]
    assert "insights" not in fields[Depth.STANDARD] and "risks" in fields[Depth.STANDARD]
    assert fields[Depth.BRIEF] == ["change_types", "summary", "suggested_level", "suggested_level_reason"]
    assert answer_schema(Depth.BRIEF)["properties"]["summary"]["maxItems"] == 1


def test_a_valid_answer_becomes_an_analysis_with_the_models_level():
    answer = {
        "change_types": ["fix"],
        "summary": ["Canonicalise strides when `num_head == 1`."],
        "suggested_level": "medium",
        "suggested_level_reason": "Changes a kernel path used by every TRT-LLM MHA call.",
    }

    analysis = parse_answer(f"```json\n{json.dumps(answer)}\n```", Depth.BRIEF)

    assert analysis.change_types == [ChangeType.FIX]
    assert analysis.suggested_level is Level.MEDIUM
    assert analysis.insights is None and analysis.risks == []


LEVEL = '"suggested_level": "low", "suggested_level_reason": "r"'


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (None, "the answer is empty"),
        ('{"summary": [', "the answer is not valid JSON: Expecting value: line 1 column 14"),
        (
            '{"change_types": ["fix"], "summary": ["a", "b"], ' + LEVEL + "}",
            "summary: List should have at most 1",
        ),
        (
            '{"change_types": [], "summary": ["a"], "x": 1, ' + LEVEL + "}",
            "change_types: List should have at least 1 item after validation, not 0; x: Extra inputs",
        ),
    ],
)
def test_invalid_answers_say_what_is_wrong(text, problem):
    with pytest.raises(InvalidAnswer) as raised:
        parse_answer(text, Depth.BRIEF)

    assert problem in str(raised.value)


def test_response_format_is_a_strict_schema_or_json_mode():
    schema = answer_schema(Depth.BRIEF)

    assert response_format("json_schema", "commit_brief", schema) == {
        "type": "json_schema",
        "json_schema": {"name": "commit_brief", "schema": schema, "strict": True},
    }
    assert response_format("json_object", "commit_brief", schema) == {"type": "json_object"}
