"""The messages sent to the model, rendered from template files a user can override.

Templates are Jinja2 files in `changeradar/prompts/` (system.md, commit.md, overview.md, repair.md); a
file of the same name in `analyzer.prompt_dir` replaces the built-in one. The content hash of the
templates in use is part of the cache key, so editing a prompt invalidates the answers written with it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from changeradar.errors import BadInput
from changeradar.i18n import message
from changeradar.llm.budget import BudgetedDiff, budget_diff, estimate_tokens
from changeradar.llm.schema import Depth
from changeradar.model import AnalysisRequest, Signal, SignalKind
from changeradar.signals.audience import generated_paths, reaches_users, users_first
from changeradar.signals.signatures import SignatureChange, signature_change

PROMPT_FILES = ("system.md", "commit.md", "overview.md", "repair.md")
MAX_FACTS = 60  # facts past this are counted, not listed: the diff needs the room more
MAX_BODY_CHARS = 4_000
MAX_FACT_CHARS = 160  # a reason or fact naming a hundred APIs says no more than its first few

Message = dict[str, str]


@dataclass(frozen=True, slots=True)
class CommitPrompt:
    messages: list[Message]
    seen_share: float | None  # share of changed lines in the prompt; None when all are
    tokens: int  # estimated prompt tokens


class PromptTemplates:
    """The prompt templates in use, parsed once; `fingerprint` identifies their content."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        canonical = json.dumps(dict(sorted(sources.items())), ensure_ascii=False).encode()
        self.fingerprint = "sha256:" + hashlib.sha256(canonical).hexdigest()[:16]
        self._environment = jinja2.Environment(
            loader=jinja2.DictLoader(dict(sources)),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,  # plain text for a model, not HTML
        )
        for name in sources:
            try:
                self._environment.get_template(name)
            except jinja2.TemplateSyntaxError as error:
                raise BadInput(f"prompt template {name}: {error.message} (line {error.lineno})") from None

    def render(self, name: str, **values: Any) -> str:
        try:
            return self._environment.get_template(name).render(**values).strip() + "\n"
        except jinja2.TemplateError as error:
            raise BadInput(f"prompt template {name}: {error}") from None


def load_templates(prompt_dir: Path | None) -> PromptTemplates:
    """The built-in templates, each replaced by the file of the same name in `prompt_dir` if there is one."""
    if prompt_dir is not None and not prompt_dir.is_dir():
        raise BadInput(f"analyzer.prompt_dir is not a folder: {prompt_dir}")
    built_in = resources.files("changeradar") / "prompts"
    sources = {}
    for name in PROMPT_FILES:
        override = prompt_dir / name if prompt_dir is not None else None
        source = override if override is not None and override.is_file() else built_in / name
        sources[name] = source.read_text(encoding="utf-8")
    return PromptTemplates(sources)


def language_name(language: str) -> str:
    """How the prompt names the language to answer in: its catalogue's own `language.name`."""
    return message(language, "language.name")


def system_prompt(templates: PromptTemplates, language: str) -> str:
    return templates.render("system.md", language_name=language_name(language))


def repair_message(templates: PromptTemplates, error: str) -> Message:
    return {"role": "user", "content": templates.render("repair.md", error=error)}


def build_commit_prompt(
    templates: PromptTemplates,
    request: AnalysisRequest,
    depth: Depth,
    token_budget: int,
    schema: dict[str, Any] | None = None,
) -> CommitPrompt:
    """System and user messages for one commit, within `token_budget`; `schema` is set in JSON mode only."""
    system = system_prompt(templates, request.language)
    values = _commit_values(request, depth, schema)
    frame = templates.render("commit.md", diff=BudgetedDiff((), (), None, 0), seen_percent="", **values)
    # The diff gets what the rest leaves; the share sentence is short enough to ride on the rounding.
    room = token_budget - estimate_tokens(system) - estimate_tokens(frame)
    diff = budget_diff(request.commit, request.signals, max(room, 0))
    user = templates.render("commit.md", diff=diff, seen_percent=_percent(diff.seen_share), **values)
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    return CommitPrompt(messages, diff.seen_share, estimate_tokens(system) + estimate_tokens(user))


def describe_fact(signal: Signal, generated: frozenset[str]) -> str:
    """A signal as one line: kind, action and name, then its detail, where it was found, its traits
    (`internal`, `bot`, `minor`, …) and whether users meet it, which the model must not guess (`generated`:
    the commit's `audience.generated_paths`)."""
    text = f"{signal.kind.value}: {signal.action.value} `{signal.name}`"
    change = signature_change(signal.detail) if signal.kind is SignalKind.API else None
    if change is not None:
        text += f" ({_signature_summary(change)})"
    elif signal.detail:
        text += f" ({signal.detail})"
    if signal.path and signal.path != signal.name:
        text += f" in `{signal.path}`" + (f" line {signal.line}" if signal.line else "")
    if signal.traits:
        text += f" [{', '.join(signal.traits)}]"
    if not reaches_users(signal, generated):
        text += " [not user-facing]"
    return _clip(text)


def _signature_summary(change: SignatureChange) -> str:
    """ "signature: removed `b=1`; added `b=2`": the parts that changed, shorter than both signatures,
    which a fact's length limit would cut."""
    parts = [
        f"{what} {', '.join(f'`{parameter}`' for parameter in parameters)}"
        for what, parameters in (("removed", change.removed), ("added", change.added))
        if parameters
    ]
    if change.rearranged:
        parts.append("parameters reordered or passed otherwise")
    if change.outside is not None:
        parts.append(f"`{change.outside[0]}` became `{change.outside[1]}`")
    return "signature: " + "; ".join(parts)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_FACT_CHARS else text[: MAX_FACT_CHARS - 1] + "…"


def _percent(share: float | None) -> str:
    """ "37%", "<1%" for a sliver, "" when the whole diff is shown."""
    if share is None:
        return ""
    return f"{share:.0%}" if share >= 0.01 else "<1%"


def _commit_values(request: AnalysisRequest, depth: Depth, schema: dict[str, Any] | None) -> dict[str, Any]:
    generated = generated_paths(request.signals)
    facts = [
        describe_fact(signal, generated) for signal in users_first(request.signals, generated)[:MAX_FACTS]
    ]
    if len(request.signals) > MAX_FACTS:
        facts.append(f"… and {len(request.signals) - MAX_FACTS} more")
    reasons = [_clip(f"{r.rule}: {r.subject}" if r.subject else r.rule) for r in request.importance.reasons]
    return {
        "repo": request.repo,
        "commit": request.commit,
        "body": request.commit.body.strip()[:MAX_BODY_CHARS],
        "importance": request.importance,
        "reasons": reasons,
        "facts": facts,
        "depth": depth.value,
        "schema": json.dumps(schema, ensure_ascii=False) if schema else "",
    }
