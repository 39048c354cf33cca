"""The LLM analyser: one structured, budgeted answer per commit from any OpenAI-compatible endpoint.

Calls run concurrently under `max_concurrency`; an answer that cannot be had (call failed, answer
invalid after one repair, cut twice, spending limit reached) is replaced by the offline analysis with a
note saying why, and is not cached, so that the next run asks again. No commit is ever dropped.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar, TypeVar

from changeradar.analyse import Analyzer, ProgressCallback, register_analyzer
from changeradar.analyse.offline import OfflineAnalyzer
from changeradar.errors import BadInput
from changeradar.llm.client import endpoint_from_settings
from changeradar.llm.conversation import Outcome, Question, Session
from changeradar.llm.cost import Price, SpendingLimit
from changeradar.llm.overview import overview_question
from changeradar.llm.prompt import CommitPrompt, build_commit_prompt, load_templates
from changeradar.llm.schema import (
    DEPTH_BY_LEVEL,
    SCHEMA_VERSION,
    Depth,
    answer_schema,
    parse_answer,
    response_format,
)
from changeradar.model import Analysis, AnalysisRequest, AnalysisResult, CommitReport, Level

if TYPE_CHECKING:
    from changeradar.config import AnalyzerSettings

logger = logging.getLogger(__name__)
_DEPTH_ORDER = list(Depth)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Job:
    """One commit to ask about: its prompt and the depth of answer it gets."""

    index: int
    depth: Depth
    prompt: CommitPrompt


@register_analyzer
class LLMAnalyzer:
    name: ClassVar[str] = "llm"
    costly: ClassVar[bool] = True

    def __init__(self, settings: AnalyzerSettings) -> None:
        self._settings = settings
        self._endpoint = endpoint_from_settings(settings)
        self._templates = load_templates(settings.prompt_dir)
        self._price = _price(settings)
        self.label = f"llm:{self._endpoint.model}"

    def cache_key(self, request: AnalysisRequest) -> str | None:
        """The model and a hash of everything sent to it: the rendered prompt (facts, reasons, message,
        diff) and the answer's schema and limit; the templates too, for the repair message."""
        job = self._job(0, request)
        if job is None:  # answered offline: cheap and deterministic, not worth a cache row
            return None
        question = self._question(job)
        sent = {
            "messages": question.messages,
            "response_format": question.response_format,
            "max_tokens": question.max_tokens,
            "templates": self._templates.fingerprint,
            "schema_version": SCHEMA_VERSION,
        }
        digest = hashlib.sha256(json.dumps(sent, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        return "|".join(("llm", self._endpoint.model, request.language, job.depth.value, f"sha256:{digest}"))

    def analyse(
        self, requests: Sequence[AnalysisRequest], progress: ProgressCallback
    ) -> list[AnalysisResult]:
        planned = [self._job(index, request) for index, request in enumerate(requests)]
        # Deepest first: the high commits are the first served by a spending limit, and the longest
        # calls start first, so the day ends sooner.
        jobs = sorted(
            (job for job in planned if job is not None), key=lambda job: _DEPTH_ORDER.index(job.depth)
        )
        outcomes = asyncio.run(self._session(partial(self._ask_all, jobs, progress))) if jobs else []
        results: dict[int, AnalysisResult] = {}
        failures: dict[int, Outcome[Analysis]] = {}
        for job, outcome in zip(jobs, outcomes, strict=True):
            if outcome.value is None:  # reported through the result's note, like every failure of a run
                failures[job.index] = outcome
            else:
                results[job.index] = AnalysisResult(
                    analysis=outcome.value,
                    analyzer=self.label,
                    seen_share=job.prompt.seen_share,
                    usage=outcome.usage,
                    latency_seconds=outcome.latency_seconds,
                )
        offline_indices = [index for index in range(len(requests)) if index not in results]
        offline_results = self._offline().analyse([requests[index] for index in offline_indices], progress)
        for index, offline in zip(offline_indices, offline_results, strict=True):
            results[index] = _fallback(offline, failures[index]) if index in failures else offline
        return [results[index] for index in range(len(requests))]

    def overview(self, reports: Sequence[CommitReport], language: str) -> list[str]:
        """The day's headlines and themes from one call; the offline overview when it fails."""
        if not reports:
            return self._offline().overview(reports, language)
        question = overview_question(
            self._templates,
            reports,
            language,
            self._settings.structured_output,
            self._settings.token_budget,
            self._settings.max_output_tokens,
        )
        outcome = asyncio.run(self._session(lambda session: session.ask(question)))
        if outcome.value is not None:
            return outcome.value
        logger.warning("day overview: %s; using the offline overview", outcome.failure)
        return self._offline().overview(reports, language)

    def _depth(self, request: AnalysisRequest) -> Depth | None:
        """How deep an answer the commit gets, or None when it goes to the offline analyser by config."""
        level = request.importance.level
        if level is Level.LOW and self._settings.low_importance == "offline":
            return None
        return DEPTH_BY_LEVEL[level]

    def _job(self, index: int, request: AnalysisRequest) -> _Job | None:
        depth = self._depth(request)
        if depth is None:
            return None
        in_prompt = answer_schema(depth) if self._settings.structured_output == "json_object" else None
        prompt = build_commit_prompt(self._templates, request, depth, self._settings.token_budget, in_prompt)
        return _Job(index, depth, prompt)

    async def _session(self, work: Callable[[Session], Awaitable[T]]) -> T:
        session = Session(self._endpoint, self._templates, self._settings.max_concurrency)
        try:
            return await work(session)
        finally:
            await session.close()

    async def _ask_all(
        self, jobs: list[_Job], progress: ProgressCallback, session: Session
    ) -> list[Outcome[Analysis]]:
        spending = SpendingLimit(self._settings.budget_usd, self._price)

        async def ask(job: _Job) -> Outcome[Analysis]:
            try:
                outcome = await self._ask_one(job, session, spending)
            except Exception as error:  # one commit's surprise must not stop the day
                outcome = Outcome(None, f"LLM analysis failed: {self._endpoint.describe_error(error)}")
            if outcome.value is not None:
                progress(1)
            return outcome

        return await asyncio.gather(*(ask(job) for job in jobs))

    async def _ask_one(self, job: _Job, session: Session, spending: SpendingLimit) -> Outcome[Analysis]:
        max_tokens = self._settings.max_output_tokens
        reserved = spending.reserve(job.prompt.tokens, max_tokens)
        if reserved is None:
            return Outcome(None, f"LLM spending limit of ${self._settings.budget_usd:g} reached")
        outcome = await session.ask(self._question(job))
        spending.settle(reserved, outcome.usage)
        return outcome

    def _question(self, job: _Job) -> Question[Analysis]:
        schema = answer_schema(job.depth)
        return Question(
            messages=job.prompt.messages,
            response_format=response_format(
                self._settings.structured_output, f"commit_{job.depth.value}", schema
            ),
            parse=partial(parse_answer, depth=job.depth),
            max_tokens=self._settings.max_output_tokens,
        )

    def _offline(self) -> Analyzer:
        return OfflineAnalyzer(self._settings)


def _price(settings: AnalyzerSettings) -> Price | None:
    price = settings.prices.get(settings.model or "")
    if settings.budget_usd is not None and price is None:
        raise BadInput(f"analyzer.budget_usd needs a price for model {settings.model!r} in analyzer.prices")
    return price


def _fallback(offline: AnalysisResult, failed: Outcome[Analysis]) -> AnalysisResult:
    """The offline analysis standing in for a failed LLM one: noted, not cached, its spending kept."""
    return AnalysisResult(
        analysis=offline.analysis,
        analyzer=offline.analyzer,
        notes=(*offline.notes, failed.failure or "LLM analysis failed"),
        seen_share=offline.seen_share,
        usage=failed.usage,
        latency_seconds=failed.latency_seconds,
        cacheable=False,
        grounded=offline.grounded,
    )
