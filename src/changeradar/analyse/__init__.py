"""Analysers explain commits. Each one is a module here that registers itself by name.

A new analyser is one new module with a class decorated by `@register_analyzer`; the pipeline finds it
by the `name` the user configures and never imports it directly. Another package can offer one through
the `changeradar.analyzers` entry-point group, read only when a config names an analyser not built in.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar, Protocol

from changeradar.errors import BadInput
from changeradar.model import AnalysisRequest, AnalysisResult, CommitReport, TokenUsage
from changeradar.plugins import ANALYZERS_GROUP, load_plugin, plugin_names

if TYPE_CHECKING:
    from changeradar.config import AnalyzerSettings

# The stage's contract types live in model.py; they are named here too, beside the protocol that uses them.
__all__ = [
    "AnalysisRequest",
    "AnalysisResult",
    "Analyzer",
    "ProgressCallback",
    "TokenUsage",
    "available_analyzers",
    "create_analyzer",
    "register_analyzer",
]


ProgressCallback = Callable[[int], None]
"""Called with the number of commits just finished, so a CLI can advance a progress bar."""


class Analyzer(Protocol):
    name: ClassVar[str]
    costly: ClassVar[bool]
    """True when an analysis costs time or money (a model call): reports then say which came from the cache.
    False for free, deterministic analysers, whose reports must not change when a re-run hits the cache;
    such an analyser explains each commit where its facts are found, in the extraction workers, so it must
    pickle (a module-level class, with settings that pickle)."""

    def cache_key(self, request: AnalysisRequest) -> str | None:
        """Everything that makes this analyser's answer for `request` what it is; None: do not cache."""

    def analyse(
        self, requests: Sequence[AnalysisRequest], progress: ProgressCallback
    ) -> list[AnalysisResult]:
        """One result per request, in order; never raises for one commit's failure."""

    def overview(self, reports: Sequence[CommitReport], language: str) -> list[str]:
        """The day's headline bullets, written from the per-commit results."""


_ANALYZERS: dict[str, type] = {}
_BUILTIN_MODULES = {"offline": "changeradar.analyse.offline", "llm": "changeradar.analyse.llm"}
"""Imported only when asked for: the llm analyser pulls in the openai SDK, which offline runs never need."""


def register_analyzer(cls: type[Analyzer]) -> type[Analyzer]:
    """Class decorator: make an analyser available under its `name`."""
    _ANALYZERS[cls.name] = cls
    return cls


def available_analyzers() -> list[str]:
    return sorted({*_ANALYZERS, *_BUILTIN_MODULES, *plugin_names(ANALYZERS_GROUP)})


def create_analyzer(settings: AnalyzerSettings) -> Analyzer:
    """The analyser the settings name, built from them."""
    if settings.name not in _ANALYZERS and settings.name in _BUILTIN_MODULES:
        importlib.import_module(_BUILTIN_MODULES[settings.name])
    elif settings.name not in _ANALYZERS:
        plugin = load_plugin(ANALYZERS_GROUP, settings.name)
        if plugin is not None and not isinstance(plugin, type):
            raise BadInput(f"plugin {settings.name!r} of {ANALYZERS_GROUP} is not an analyser class")
        if plugin is not None:
            _ANALYZERS[settings.name] = plugin
    try:
        cls = _ANALYZERS[settings.name]
    except KeyError:
        raise BadInput(
            f"unknown analyzer {settings.name!r} (choose from: {', '.join(available_analyzers())})"
        ) from None
    return cls(settings)
