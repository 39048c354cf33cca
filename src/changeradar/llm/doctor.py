"""`changeradar doctor` for the LLM endpoint: is it reachable, does it serve the model, can it answer in JSON?

Each check is one line saying what is wrong and what to try; nothing here raises for a bad endpoint.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import openai
from pydantic import BaseModel, ConfigDict

from changeradar.checks import Check
from changeradar.errors import BadInput
from changeradar.llm.client import Endpoint, endpoint_from_settings
from changeradar.llm.conversation import INVALID_AFTER_REPAIR, Question, Session
from changeradar.llm.prompt import load_templates
from changeradar.llm.schema import response_format, strict_schema, validate_json

if TYPE_CHECKING:
    from changeradar.config import AnalyzerSettings

MAX_MODELS_NAMED = 5
PROBE_MAX_TOKENS = 400  # room for models that think before they answer


class _Probe(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ok: bool


def check_endpoint(settings: AnalyzerSettings) -> list[Check]:
    """The endpoint's checks: configuration, the models list, one tiny structured call."""
    try:
        endpoint = endpoint_from_settings(settings)
        templates = load_templates(settings.prompt_dir)
    except BadInput as error:
        return [Check("llm settings", False, str(error))]
    # One attempt per check, quick: the doctor reports problems, it does not wait them out.
    quick = Endpoint(
        endpoint.model, endpoint.base_url, endpoint.api_key, min(endpoint.timeout_seconds, 30.0), 0
    )
    session = Session(quick, templates, limit=1)
    return asyncio.run(_run_checks(session, settings.structured_output))


async def _run_checks(session: Session, structured_output: str) -> list[Check]:
    try:
        models, go_on = await _check_models(session)
        if not go_on:
            return [models]  # the structured call would only say the same again
        return [models, await _check_structured_answer(session, structured_output)]
    finally:
        await session.close()


async def _check_models(session: Session) -> tuple[Check, bool]:
    """The models check, and whether a chat call could fare any better (not when unreachable or refused)."""
    endpoint = session.endpoint
    try:
        served = await session.model_ids()
    except openai.APIError as error:
        refused = isinstance(error, openai.APIConnectionError | openai.AuthenticationError)
        return Check("llm models", False, endpoint.describe_error(error)), not refused
    if endpoint.model in served:
        return Check("llm models", True, f"{endpoint.base_url or 'OpenAI'} serves {endpoint.model!r}"), True
    named = ", ".join(served[:MAX_MODELS_NAMED]) + (", …" if len(served) > MAX_MODELS_NAMED else "")
    return Check("llm models", False, f"{endpoint.model!r} is not served (it serves {named or 'none'})"), True


async def _check_structured_answer(session: Session, structured_output: str) -> Check:
    question = Question(
        messages=[{"role": "user", "content": 'Answer with the JSON object {"ok": true} and nothing else.'}],
        response_format=response_format(structured_output, "probe", strict_schema(_Probe)),
        parse=lambda text: validate_json(text, _Probe),
        max_tokens=PROBE_MAX_TOKENS,
    )
    outcome = await session.ask(question)
    if outcome.value is None:
        detail = outcome.failure or "no answer"
        if detail.startswith(INVALID_AFTER_REPAIR) and structured_output == "json_schema":
            detail += ' (try structured_output = "json_object")'
        return Check("llm structured answer", False, detail)
    return Check(
        "llm structured answer", True, f"{structured_output} answer in {outcome.latency_seconds:.1f} s"
    )
