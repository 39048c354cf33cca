"""Deterministic, verifiable facts about a commit, each with the file (and line) it came from.

Each extractor module here finds facts through a function `extract(commit, context)`; `families.py`
declares which kinds of fact each finds and how they are scored and shown; this module runs them all.
Extraction is pure: the only outside data is file content, read through the `BlobSource` the caller
passes (collect's `git cat-file` reader, or a dict in tests). Extractors import `BlobSource` and
`SignalContext` from `signals.context`, never from this package, which imports them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from changeradar.config import AreaRule
from changeradar.model import Commit, Signal
from changeradar.signals.context import BlobSource, SignalContext
from changeradar.signals.diff import forget_parsed_patches
from changeradar.signals.families import extractor_modules

__all__ = ["BlobSource", "SignalContext", "extract_signals"]


def extract_signals(
    commit: Commit, blobs: BlobSource | None = None, area_rules: Sequence[AreaRule] = ()
) -> tuple[Signal, ...]:
    """Every fact every extractor finds, without duplicates, in a stable order: the order of the families
    (`families.FAMILIES`) whose extractors found them."""
    context = SignalContext(blobs=blobs, area_rules=tuple(area_rules))
    try:
        return _unique(signal for module in extractor_modules() for signal in module.extract(commit, context))
    finally:
        forget_parsed_patches()


def _unique(signals: Iterable[Signal]) -> tuple[Signal, ...]:
    return tuple(dict.fromkeys(signals))
