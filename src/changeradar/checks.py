"""A `changeradar doctor` check: the one-line verdict every part that can be checked (git, the config, the
cache, repositories, the analyser's endpoint, each output) gives, so none of them imports the command."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str  # one line: what was found, or what is wrong
