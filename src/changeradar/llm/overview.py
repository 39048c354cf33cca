"""The day overview question: headlines and themes by area, written from the per-commit analyses.

The model sees the structured results (subject, importance, types, areas, summary), never the diffs, so
one call covers a whole day, and the most important commits come first when the day does not fit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from changeradar.llm.budget import estimate_tokens
from changeradar.llm.conversation import Question
from changeradar.llm.prompt import PromptTemplates, language_name, system_prompt
from changeradar.llm.schema import response_format, strict_schema, validate_json
from changeradar.model import CommitReport, SignalKind


class Theme(BaseModel):
    model_config = ConfigDict(extra="forbid")

    area: str = Field(description="The area, as the commits name it.")
    summary: str = Field(description="One sentence: what the day changed in this area.")


class DayOverview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    headlines: list[str] = Field(
        min_length=1, max_length=6, description="3 to 6 bullets, most important first."
    )
    themes: list[Theme] = Field(description="The day's themes by area.")


def overview_question(
    templates: PromptTemplates,
    reports: Sequence[CommitReport],
    language: str,
    structured_output: str,
    token_budget: int,
    max_tokens: int,
) -> Question[list[str]]:
    """The one call that writes the day's overview; its answer parses to the lines to show."""
    schema = strict_schema(DayOverview)
    in_prompt = json.dumps(schema, ensure_ascii=False) if structured_output == "json_object" else ""
    system = system_prompt(templates, language)
    values = {"language_name": language_name(language), "schema": in_prompt}
    frame = templates.render("overview.md", commits=[], left_out=len(reports), **values)
    lines = _fit(_commit_lines(reports), token_budget - estimate_tokens(system) - estimate_tokens(frame))
    user = templates.render("overview.md", commits=lines, left_out=len(reports) - len(lines), **values)
    return Question(
        messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
        response_format=response_format(structured_output, "day_overview", schema),
        parse=_parse_overview_lines,
        max_tokens=max_tokens,
    )


def overview_lines(overview: DayOverview) -> list[str]:
    """Headlines first, then one line per theme: what the report shows under its 📰 heading."""
    return [*overview.headlines, *(f"{theme.area}: {theme.summary}" for theme in overview.themes)]


def _parse_overview_lines(text: str | None) -> list[str]:
    return overview_lines(validate_json(text, DayOverview))


def _commit_lines(reports: Sequence[CommitReport]) -> list[str]:
    ranked = sorted(reports, key=lambda report: report.importance.level, reverse=True)
    return [json.dumps(_commit_facts(report), ensure_ascii=False) for report in ranked]


def _commit_facts(report: CommitReport) -> dict:
    areas = sorted({signal.name for signal in report.signals if signal.kind is SignalKind.AREA})
    return {
        "sha": report.commit.short_sha,
        "subject": report.commit.subject,
        "importance": report.importance.level.value,
        "types": [change_type.value for change_type in report.analysis.change_types],
        "areas": areas,
        "summary": report.analysis.summary,
    }


def _fit(lines: list[str], room: int) -> list[str]:
    """The leading lines whose tokens fit in `room`."""
    fitted: list[str] = []
    for line in lines:
        room -= estimate_tokens(line) + 1
        if room < 0:
            break
        fitted.append(line)
    return fitted
