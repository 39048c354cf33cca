"""Whether a fact reaches the repository's users: what a team lead is told to act on.

Facts found in tests, docs, CI, benchmarks, examples, dev scripts or generated files (`file_kinds.file_kind`,
and the files a commit's own `generated` facts name: a generator's banner, a manifest Helm rendered),
a command-line option of a benchmark or a script (its audience in its `detail`), an environment variable
read only deep in the code (`EnvTrait.INTERNAL`, a tuning knob no user is told of) and code a test or a CI
script runs through a shell or `exec` (but not a secret committed there) stay among a commit's
facts, after the others, but are never presented as what users meet: not in "Needs attention", not in the
offline analysis's structure, risks or recommendations, and the LLM reads them marked as such.
"""

from __future__ import annotations

from collections.abc import Iterable

from changeradar.file_kinds import file_kind
from changeradar.model import Signal, SignalAction, SignalKind
from changeradar.signals.env_vars import EnvTrait
from changeradar.signals.security import SecurityTrait


def users_first(signals: Iterable[Signal], generated: frozenset[str]) -> list[Signal]:
    """The signals, those users meet first, each group in its order: a list cut short keeps them.
    `generated` holds the commit's `generated_paths`."""
    return sorted(signals, key=lambda signal: not reaches_users(signal, generated))


def generated_paths(signals: Iterable[Signal]) -> frozenset[str]:
    """The files a commit's facts call generated, by their content (a generator's banner, Helm's label on
    what it rendered) as well as by their path: what is found in them no user wrote or meets as such."""
    return frozenset(signal.name for signal in signals if signal.kind is SignalKind.GENERATED)


def is_committed_secret(signal: Signal) -> bool:
    """A credential or key the commit adds: a leak wherever it lies, a test's as much as the product's."""
    return signal.kind is SignalKind.SECURITY and SecurityTrait.SECRET.value in signal.traits


def reaches_users(signal: Signal, generated: frozenset[str]) -> bool:
    """Whether users meet the fact; `generated` holds the commit's `generated_paths`, which its path alone
    does not tell. A committed secret reaches them wherever it lies."""
    if is_committed_secret(signal):
        return True
    if signal.path is not None and (signal.path in generated or file_kind(signal.path) != "core"):
        return False
    if signal.kind is SignalKind.ENV_VAR:
        return EnvTrait.INTERNAL.value not in signal.traits
    return not (
        signal.kind is SignalKind.CLI_OPTION and signal.action is not SignalAction.CHANGED and signal.detail
    )
