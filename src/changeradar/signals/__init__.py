"""Deterministic, verifiable facts about a commit, each with the file (and line) it came from.

Each extractor module here finds facts through a function `extract(commit, context)`; `families.py`
declares which kinds of fact each finds and how they are scored and shown; this module runs them all.
Extraction is pure: the only outside data is file content, read through the `BlobSource` the caller
passes (collect's `git cat-file` reader, or a dict in tests), and the copies a `CopyFinder` names.
Extractors import `BlobSource` and `SignalContext` from `signals.context`, never from this package,
which imports them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Protocol

from changeradar.config import AreaRule
from changeradar.model import Commit, FileChange, FileStatus, Signal, SignalAction, SignalKind
from changeradar.signals.audience import generated_paths, reaches_users
from changeradar.signals.context import BlobSource, SignalContext
from changeradar.signals.diff import forget_parsed_patches
from changeradar.signals.families import extractor_modules
from changeradar.signals.interfaces import surface_of

__all__ = ["BlobSource", "CopyFinder", "SignalContext", "extract_signals"]

# New files that add this many options, environment variables and dependencies users meet, together, are
# worth asking git whether they copy files the repository has (a backend's launcher and manifest copied
# from another backend): the question costs git calls, and copies that add fewer mislead little.
COPY_CHECK_FROM = 5
_COPIED_ENTRY_POINT_KINDS = frozenset({SignalKind.CLI_OPTION, SignalKind.ENV_VAR, SignalKind.DEPENDENCY})
# What a copy's facts are read for against its source: what it declares, and the module it is.
_FROM_SOURCE_KINDS = _COPIED_ENTRY_POINT_KINDS | {SignalKind.API, SignalKind.MODULE}
# Names users meet whatever file declares them: one file of a commit giving one up while another takes it
# up is a move (flags out of `main.go` into an options package), not a removal and an addition. So is code
# API declared again under the same qualified name (a Go function into another file of its package, a
# declaration into another header), or aliased or re-exported there; not an interface that is no code,
# whose names its file scopes (a protobuf message of `generate.v2` and its copy in `generate.v3`).
_MOVABLE_KINDS = frozenset({SignalKind.CLI_OPTION, SignalKind.ENV_VAR, SignalKind.API})
_RESOLVING_KINDS = frozenset({"type alias", "re-export"})  # an added API detail that keeps a name resolving
_ADDED_OR_REMOVED = frozenset({SignalAction.ADDED, SignalAction.REMOVED})


class CopyFinder(Protocol):
    """Which of the files a commit adds (`paths`) copy a file its parent had, each as the `copied` change
    from its source (`commit_diffs.copied_files`)."""

    def __call__(self, commit: Commit, paths: Sequence[str]) -> Mapping[str, FileChange]: ...


def extract_signals(
    commit: Commit,
    blobs: BlobSource | None = None,
    area_rules: Sequence[AreaRule] = (),
    find_copies: CopyFinder | None = None,
) -> tuple[Signal, ...]:
    """Every fact every extractor finds, without duplicates, in a stable order: the order of the families
    (`families.FAMILIES`) whose extractors found them.

    A new file that copies one the repository has (git tells, through `find_copies`) declares what its
    source declared already: its options, variables, dependencies and API are read against its source,
    so only what the copy adds is new; what it leaves out or declares otherwise changes nothing that was,
    and a name another file gives up is not removed while the copy declares it. Likewise an option or a
    variable one file stops declaring and another starts, for the same audience, has moved: neither fact
    is kept.
    """
    context = SignalContext(blobs=blobs, area_rules=tuple(area_rules))
    found = _found_by_module(commit, context)
    copies = _copies(commit, found, find_copies)
    if copies:  # read again, as copies of their sources, on their own: the rest is read already
        as_copies = replace(commit, files=tuple(copies.values()))
        declared = {
            (signal.kind, signal.name)
            for signals in found
            for signal in signals
            if _read_from_source(signal, copies) and signal.action is SignalAction.ADDED
        }
        found = [
            [*_not_from_copies(signals, copies, declared), *_from_copies(from_source, copies)]
            for signals, from_source in zip(found, _found_by_module(as_copies, context), strict=True)
        ]
    return _without_option_fields(_without_moves(_unique(signal for signals in found for signal in signals)))


def _without_moves(signals: tuple[Signal, ...]) -> tuple[Signal, ...]:
    """`signals` less the options, variables and code API that moved between files: each removed from one
    and added in another, where both reach users or neither does (`audience`): an option that leaves a
    benchmark for the launcher is new to users. Code API moves as the same kind of declaration."""
    generated = generated_paths(signals)

    def key(signal: Signal) -> tuple[SignalKind, str, bool] | None:
        if signal.kind not in _MOVABLE_KINDS or signal.action not in _ADDED_OR_REMOVED:
            return None
        if signal.kind is SignalKind.API and surface_of(signal) is not None:
            return None
        return signal.kind, signal.name, reaches_users(signal, generated)

    details: dict[tuple[SignalKind, str, bool], dict[SignalAction, set[str]]] = {}
    for signal in signals:
        if (found := key(signal)) is not None:
            details.setdefault(found, {}).setdefault(signal.action, set()).add(signal.detail)
    moved = {found for found, by_action in details.items() if _declared_again(found[0], by_action)}
    if not moved:
        return signals
    return tuple(signal for signal in signals if key(signal) not in moved)


def _declared_again(kind: SignalKind, details: Mapping[SignalAction, set[str]]) -> bool:
    """Whether a name one file gave up another took up: any option or variable; code API as the same
    kind of declaration (a function is no class), or as an alias or a re-export that still resolves."""
    added, removed = details.get(SignalAction.ADDED), details.get(SignalAction.REMOVED)
    if not added or not removed:
        return False
    return kind is not SignalKind.API or not added.isdisjoint(removed | _RESOLVING_KINDS)


def _without_option_fields(signals: tuple[Signal, ...]) -> tuple[Signal, ...]:
    """`signals` less the API facts that declare a command-line option found on the same line: a clap
    derive's field (`pub body_file: Option<PathBuf>` under `#[arg(long)]`) is the `--body-file` option,
    which users meet, not a second interface beside it."""
    options = {
        (signal.path, signal.line, signal.action)
        for signal in signals
        if signal.kind is SignalKind.CLI_OPTION
    }
    if not options:
        return signals
    return tuple(
        signal
        for signal in signals
        if signal.kind is not SignalKind.API or (signal.path, signal.line, signal.action) not in options
    )


def _found_by_module(commit: Commit, context: SignalContext) -> list[list[Signal]]:
    """Each extractor's facts, in the order of `extractor_modules`."""
    try:
        return [list(module.extract(commit, context)) for module in extractor_modules()]
    finally:
        forget_parsed_patches()


def _copies(
    commit: Commit, found: list[list[Signal]], find_copies: CopyFinder | None
) -> Mapping[str, FileChange]:
    """The new files that copy another, asked when enough of what new files add would mislead if they
    do: then of every new file that declares something users meet."""
    if find_copies is None or not commit.parents:
        return {}
    added = {file.path for file in commit.files if file.status is FileStatus.ADDED}
    generated = generated_paths(signal for signals in found for signal in signals)
    declared = [
        signal
        for signals in found
        for signal in signals
        if signal.path in added
        and signal.kind in _FROM_SOURCE_KINDS
        and signal.action is SignalAction.ADDED
        and reaches_users(signal, generated)
    ]
    if sum(signal.kind in _COPIED_ENTRY_POINT_KINDS for signal in declared) < COPY_CHECK_FROM:
        return {}
    declaring = {signal.path for signal in declared if signal.path and signal.kind is not SignalKind.MODULE}
    return find_copies(commit, sorted(declaring))


def _not_from_copies(
    signals: Iterable[Signal], copies: Mapping[str, FileChange], declared: set[tuple[SignalKind, str]]
) -> Iterable[Signal]:
    """The facts of the other files, but a name they remove that a copy still `declared`: it lives on
    there (a scheduler deleted, its code now in a copied backend that reads the same variable)."""
    return (
        signal
        for signal in signals
        if not _read_from_source(signal, copies)
        and not (signal.action is SignalAction.REMOVED and (signal.kind, signal.name) in declared)
    )


def _from_copies(signals: Iterable[Signal], copies: Mapping[str, FileChange]) -> Iterable[Signal]:
    """What a copy declares that its source does not. What it leaves out, its source still has; what it
    declares otherwise (a signature, a version) is no change to the source's."""
    return (
        signal
        for signal in signals
        if _read_from_source(signal, copies) and signal.action is SignalAction.ADDED
    )


def _read_from_source(signal: Signal, copies: Mapping[str, FileChange]) -> bool:
    return signal.path in copies and signal.kind in _FROM_SOURCE_KINDS


def _unique(signals: Iterable[Signal]) -> tuple[Signal, ...]:
    return tuple(dict.fromkeys(signals))
