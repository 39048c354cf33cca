"""The JSON schema an LLM answers in, per depth, and the validation of its answers.

The answer models are cut from `model.Analysis`, so what the model is asked for and what the renderers
show cannot drift apart. Their schemas are made strict-mode compatible (every property required, no extra
properties, no defaults) and self-contained (no `$ref`), which OpenAI, vLLM, SGLang and Ollama all accept.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, TypeVar

from annotated_types import MaxLen, MinLen
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from changeradar.model import Analysis, Insights, Level

SCHEMA_VERSION = 1  # bump when the answer models change, so that cached answers are not reused


class Depth(StrEnum):
    """How much of the analysis the model writes; chosen from the commit's importance."""

    FULL = "full"  # every field, technical insights included
    STANDARD = "standard"  # summary, impact, risks, recommendations
    BRIEF = "brief"  # change type and a one-line summary


DEPTH_BY_LEVEL = {Level.HIGH: Depth.FULL, Level.MEDIUM: Depth.STANDARD, Level.LOW: Depth.BRIEF}

_LEVEL_FIELDS = ("suggested_level", "suggested_level_reason")
_FIELDS_BY_DEPTH = {
    Depth.FULL: ("change_types", "summary", "impact", "insights", "risks", "recommendations", *_LEVEL_FIELDS),
    Depth.STANDARD: ("change_types", "summary", "impact", "risks", "recommendations", *_LEVEL_FIELDS),
    Depth.BRIEF: ("change_types", "summary", *_LEVEL_FIELDS),
}
# Fields whose answer form differs from `Analysis`: required where Analysis lets them be absent.
_ANSWER_FIELDS: dict[str, tuple[Any, Any]] = {
    "insights": (Insights, Field(description="Technical insight by dimension, each grounded in the diff.")),
    "suggested_level": (
        Level,
        Field(description="Your view of the commit's importance to teams that depend on this repository."),
    ),
    "suggested_level_reason": (str, Field(description="One sentence: why that level, from the diff.")),
}
_ONE_LINE_SUMMARY = (
    Annotated[list[str], MinLen(1), MaxLen(1)],
    Field(description="One sentence: what changed and why."),
)
_NOT_STRICT = frozenset({"title", "default", "properties"})
_Model = TypeVar("_Model", bound=BaseModel)
_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*)\n\s*```\s*$", re.DOTALL)


class InvalidAnswer(ValueError):
    """An answer that is not JSON or does not match its schema; the message says what is wrong in one line."""


@cache
def answer_model(depth: Depth) -> type[BaseModel]:
    """The pydantic model of the answer at `depth`: the fields of `Analysis` it asks for, all required."""
    # Typed Any: mypy would otherwise check each field against every keyword `create_model` declares.
    fields: dict[str, Any] = {name: _answer_field(name, depth) for name in _FIELDS_BY_DEPTH[depth]}
    return create_model(
        f"CommitAnalysis{depth.value.title()}", __config__=ConfigDict(extra="forbid"), **fields
    )


def answer_schema(depth: Depth) -> dict[str, Any]:
    return strict_schema(answer_model(depth))


def response_format(mode: str, name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The `response_format` request field: a strict JSON schema, or JSON mode (schema then in the prompt)."""
    if mode == "json_object":
        return {"type": "json_object"}
    return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}


def parse_answer(text: str | None, depth: Depth) -> Analysis:
    """The analysis in a model's answer at `depth`; InvalidAnswer when it is not a valid instance."""
    answer = validate_json(text, answer_model(depth))
    return Analysis.model_validate(answer.model_dump())


def validate_json(text: str | None, model: type[_Model]) -> _Model:
    """`text` parsed as JSON (a surrounding code fence tolerated) and validated against `model`."""
    if not text or not text.strip():
        raise InvalidAnswer("the answer is empty")
    fenced = _FENCE.match(text)
    try:
        data = json.loads(fenced.group(1) if fenced else text)
    except json.JSONDecodeError as error:
        raise InvalidAnswer(f"the answer is not valid JSON: {error}") from None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidAnswer(describe_validation_error(error)) from None


def describe_validation_error(error: ValidationError, limit: int = 5) -> str:
    """The first problems as `field.path: message`, joined on one line."""
    problems = [
        f"{'.'.join(str(part) for part in item['loc']) or '(answer)'}: {item['msg']}"
        for item in error.errors()[:limit]
    ]
    more = error.error_count() - limit
    return "; ".join(problems) + (f"; and {more} more" if more > 0 else "")


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """`model`'s JSON schema, self-contained and strict: all properties required, none extra, no defaults."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})
    return _strictify(schema, definitions)


def _answer_field(name: str, depth: Depth) -> tuple[Any, Any]:
    if name == "summary" and depth is Depth.BRIEF:
        return _ONE_LINE_SUMMARY
    if name in _ANSWER_FIELDS:
        return _ANSWER_FIELDS[name]
    info = Analysis.model_fields[name]
    return Annotated[info.annotation, *info.metadata, Field(description=info.description)], ...


def _strictify(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_strictify(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        referenced = definitions[node["$ref"].rsplit("/", 1)[-1]]
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        return _strictify({**referenced, **siblings}, definitions)
    if len(node.get("allOf", ())) == 1:  # older pydantic (2.7) wraps a `$ref` with siblings in an allOf
        siblings = {key: value for key, value in node.items() if key != "allOf"}
        return _strictify({**node["allOf"][0], **siblings}, definitions)
    strict = {key: _strictify(value, definitions) for key, value in node.items() if key not in _NOT_STRICT}
    if "properties" in node:  # its keys are field names, not schema keywords: keep every one
        strict["properties"] = {
            name: _strictify(value, definitions) for name, value in node["properties"].items()
        }
    if strict.get("type") == "object":
        strict["required"] = list(strict.get("properties", {}))
        strict["additionalProperties"] = False
    return strict
