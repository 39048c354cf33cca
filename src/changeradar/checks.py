"""One line of `changeradar doctor`: what was checked, whether it is fine, and what was found or is wrong.

Its own module so that every part with something to check (git, the store, repositories, the LLM endpoint)
can return checks without importing the doctor that runs them all.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str  # one line: what was found, or what is wrong
