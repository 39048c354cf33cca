"""The figures of a day: commits per level and the areas most touched, shared by every output.

The Markdown stats line, the JSON `summary` and the offline overview all read these numbers, so they
can never disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from changeradar.model import CommitReport, Level, SignalKind

LEVELS = tuple(Level)  # most important first, as the enum declares them
"""From the most to the least important: the order every report lists levels and tiers in."""


@dataclass(frozen=True, slots=True)
class AreaCount:
    name: str
    commits: int


@dataclass(frozen=True, slots=True)
class DaySummary:
    total: int
    high: int
    medium: int
    low: int
    areas: tuple[AreaCount, ...]  # most commits first, then by name

    def count(self, level: Level) -> int:
        return getattr(self, level.value)


def summarise_day(reports: Sequence[CommitReport]) -> DaySummary:
    """Counts by level, and every area with the number of commits touching it."""
    levels = Counter(report.importance.level for report in reports)
    areas = Counter(area for report in reports for area in commit_areas(report))
    ranked = sorted(areas.items(), key=lambda item: (-item[1], item[0]))
    return DaySummary(
        total=len(reports),
        high=levels[Level.HIGH],
        medium=levels[Level.MEDIUM],
        low=levels[Level.LOW],
        areas=tuple(AreaCount(name, commits) for name, commits in ranked),
    )


def commit_areas(report: CommitReport) -> list[str]:
    """The areas one commit touches, each once, in the order its signals name them."""
    return list(dict.fromkeys(signal.name for signal in report.signals if signal.kind is SignalKind.AREA))
