"""Whether a fact reaches the repository's users: what a team lead is told to act on.

Facts found in tests, docs, CI, benchmarks, examples, dev scripts or generated files (`file_kinds.file_kind`),
a command-line option of a benchmark or a script (its audience in its `detail`), and an environment variable
read only deep in the code (`EnvTrait.INTERNAL`, a tuning knob no user is told of) stay among a commit's
facts, after the others, but are never presented as what users meet: not in "Needs attention", not in the
offline analysis's structure, risks or recommendations, and the LLM reads them marked as such.
"""

from __future__ import annotations

from collections.abc import Iterable

from changeradar.file_kinds import file_kind
from changeradar.model import Signal, SignalAction, SignalKind
from changeradar.signals.env_vars import EnvTrait


def users_first(signals: Iterable[Signal]) -> list[Signal]:
    """The signals, those users meet first, each group in its order: a list cut short keeps them."""
    return sorted(signals, key=lambda signal: not reaches_users(signal))


def reaches_users(signal: Signal) -> bool:
    if signal.path is not None and file_kind(signal.path) != "core":
        return False
    if signal.kind is SignalKind.ENV_VAR:
        return EnvTrait.INTERNAL.value not in signal.traits
    return not (
        signal.kind is SignalKind.CLI_OPTION and signal.action is not SignalAction.CHANGED and signal.detail
    )
