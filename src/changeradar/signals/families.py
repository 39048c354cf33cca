"""Signal families as units: one declaration per kind of fact, which every stage reads.

A `Family` says, for one `SignalKind`: which extractor modules find its facts, the scoring rules its facts
fire (as data, in the order `score` tries them), whether it is user-facing surface, and where the facts
block lists it. Its messages follow from it: `fact.<kind>` and `fact.<kind>.<action>` for its fact lines,
`reason.<rule>` for each rule (in every catalogue, `changeradar/catalogues/`), and each rule's weight is
in `scoring_rules.RULES`. `signals.extract_signals`, `score`'s rule tables and `render.view.FACT_KINDS`
derive from `FAMILIES`; the LLM prompt writes any kind the same way (`llm.prompt.describe_fact`).

The families below span several modules and keep their weights in `scoring_rules.RULES`. A new family
is one module of this package that declares its `FAMILY` (its kind, its rules with their default weights,
its places) beside its `extract`, plus its messages in every catalogue: it is found when this module is
imported, and `score`, the view and extraction read it like the others. The kinds themselves stay a
closed vocabulary in `model.SignalKind`, since the JSON document checks them: a new kind adds one member
there.

Three orders are the report's, and differ: extraction (`FAMILIES`' order, which is the order facts are
listed in the JSON), reasons (`reason_place`) and the facts block (`fact_place`). They are declared here,
with each family, rather than as three lists elsewhere.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from operator import itemgetter
from types import ModuleType

from changeradar.model import SignalAction, SignalKind
from changeradar.signals import (
    api,
    areas,
    change_type,
    cli_options,
    dependencies,
    env_vars,
    files,
    markers,
    native_api,
    protobuf,
    schemas,
    security,
)
from changeradar.signals.dependencies import DependencyTrait
from changeradar.signals.dependency_versions import Step
from changeradar.signals.env_vars import EnvTrait
from changeradar.signals.interfaces import Surface


@dataclass(frozen=True, slots=True)
class KindRule:
    """Fires when the commit has facts of the family's kind (and this action, if given, and all these
    traits) outside interface facts; its reason names them all. Each fact counts under the first kind
    rule of its family that it fits."""

    name: str
    action: SignalAction | None = None
    weight: float | None = None  # the default weight, for a family declared in its own module
    traits: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class TraitRule:
    """Takes each fact of the family that has all these traits (and this action, if given) and that no
    earlier trait rule took: every fact counts under one rule only."""

    name: str
    traits: frozenset[str] = frozenset()
    action: SignalAction | None = None
    weight: float | None = None


@dataclass(frozen=True, slots=True)
class SurfaceRule:
    """Fires for interface facts (`signals.interfaces.surface_of`) of this surface and action; a breaking
    change is scored once, as breaking."""

    name: str
    surface: Surface
    action: SignalAction
    breaking: bool = False
    weight: float | None = None


ScoringRule = KindRule | TraitRule | SurfaceRule


@dataclass(frozen=True, slots=True)
class Family:
    kind: SignalKind
    extractors: tuple[ModuleType, ...] = ()
    """Modules whose `extract(commit, context)` finds these facts (looked up at each call). A module that
    finds several kinds is declared with each and runs once, at its first place in `FAMILIES`."""
    rules: tuple[ScoringRule, ...] = ()
    reason_place: int | None = None
    """Where the reasons of its kind rules come among all families' kind rules (lowest first)."""
    surface: bool = False
    """User-facing surface: counts only where users meet it, not in tests, docs, CI or tooling files."""
    fact_place: int | None = None
    """Where the facts block lists its facts (lowest first); None: not one line per fact."""
    fact_actions: tuple[SignalAction, ...] = ()
    """Actions whose fact line has its own message, `fact.<kind>.<action>`; others read `fact.<kind>`."""
    fact_traits: tuple[str, ...] = ()
    """Traits whose facts are told in their own words, `fact.<kind>.<trait>[.<action>]` (an internal
    variable is not announced as one users set)."""

    def fact_key(self, action: SignalAction, traits: Iterable[str] = ()) -> str:
        """The message of a fact line of this family with this action and these traits."""
        base = self._fact_base(traits)
        return f"{base}.{action.value}" if action in self.fact_actions else base

    def _fact_base(self, traits: Iterable[str]) -> str:
        own = next((trait for trait in self.fact_traits if trait in traits), None)
        return f"fact.{self.kind.value}" if own is None else f"fact.{self.kind.value}.{own}"

    @property
    def message_keys(self) -> tuple[str, ...]:
        """Every catalogue key the family needs: its fact lines' and its reasons'."""
        variants = ((), *((trait,) for trait in self.fact_traits))
        facts = (
            tuple(
                key
                for traits in variants
                for key in (self._fact_base(traits), *(self.fact_key(a, traits) for a in self.fact_actions))
            )
            if self.fact_place is not None
            else ()
        )
        return (*facts, *(f"reason.{rule.name}" for rule in self.rules))


_ADDED, _REMOVED, _CHANGED = SignalAction.ADDED, SignalAction.REMOVED, SignalAction.CHANGED
_ADDED_REMOVED = (_ADDED, _REMOVED)

FAMILIES: tuple[Family, ...] = (
    Family(SignalKind.AREA, (areas,)),
    Family(SignalKind.CHANGE_TYPE, (change_type,)),
    Family(SignalKind.BREAKING, (markers,), (KindRule("breaking_change"),), reason_place=0, fact_place=0),
    Family(SignalKind.REVERT, (markers,), fact_place=1),
    Family(SignalKind.TESTS, (files,)),
    Family(SignalKind.DOCS, (files,)),
    Family(SignalKind.GENERATED, (files,)),
    Family(
        SignalKind.MODULE,
        (files,),
        (KindRule("module_added", _ADDED), KindRule("module_removed", _REMOVED)),
        reason_place=5,
        surface=True,
        fact_place=6,
        fact_actions=_ADDED_REMOVED,
    ),
    Family(
        SignalKind.DEPENDENCY,
        (dependencies,),
        (
            TraitRule("dependency_module_renamed", frozenset({DependencyTrait.MODULE})),
            TraitRule("dependency_floor_changed", frozenset({DependencyTrait.FLOOR})),
            TraitRule("dependency_indirect", frozenset({DependencyTrait.INDIRECT})),
            TraitRule("dependency_development", frozenset({DependencyTrait.DEVELOPMENT})),
            TraitRule("dependency_bot_bump", frozenset({DependencyTrait.BOT, Step.MINOR}), _CHANGED),
            TraitRule("dependency_bot_bump", frozenset({DependencyTrait.BOT, Step.PATCH}), _CHANGED),
            TraitRule("dependency_major_bump", frozenset({Step.MAJOR}), _CHANGED),
            TraitRule("dependency_added", action=_ADDED),
            TraitRule("dependency_removed", action=_REMOVED),
            TraitRule("dependency_changed", action=_CHANGED),
        ),
        fact_place=2,
        fact_actions=_ADDED_REMOVED,
        fact_traits=(DependencyTrait.MODULE, DependencyTrait.FLOOR),
    ),
    Family(
        SignalKind.ENV_VAR,
        (env_vars,),
        (
            KindRule("env_var_internal_added", _ADDED, traits=frozenset({EnvTrait.INTERNAL})),
            KindRule("env_var_internal_removed", _REMOVED, traits=frozenset({EnvTrait.INTERNAL})),
            KindRule("env_var_added", _ADDED),
            KindRule("env_var_removed", _REMOVED),
        ),
        reason_place=3,
        surface=True,
        fact_place=3,
        fact_actions=_ADDED_REMOVED,
        fact_traits=(EnvTrait.INTERNAL,),
    ),
    Family(
        SignalKind.CLI_OPTION,
        (cli_options,),
        (
            KindRule("cli_option_added", _ADDED),
            KindRule("cli_option_removed", _REMOVED),
            KindRule("cli_option_changed", _CHANGED),
        ),
        reason_place=2,
        surface=True,
        fact_place=4,
        fact_actions=_ADDED_REMOVED,
    ),
    Family(
        SignalKind.API,
        (api, native_api, schemas, protobuf),  # schemas also finds the env vars of Kubernetes manifests
        (
            KindRule("api_added", _ADDED),
            KindRule("api_removed", _REMOVED),
            KindRule("api_changed", _CHANGED),
            SurfaceRule("schema_breaking", Surface.SCHEMA, _CHANGED, breaking=True),
            SurfaceRule("schema_removed", Surface.SCHEMA, _REMOVED),
            SurfaceRule("schema_added", Surface.SCHEMA, _ADDED),
            SurfaceRule("schema_changed", Surface.SCHEMA, _CHANGED),
            SurfaceRule("deployment_added", Surface.DEPLOYMENT, _ADDED),
            SurfaceRule("deployment_removed", Surface.DEPLOYMENT, _REMOVED),
            SurfaceRule("deployment_changed", Surface.DEPLOYMENT, _CHANGED),
            SurfaceRule("image_renamed", Surface.IMAGE, _CHANGED, breaking=True),
            SurfaceRule("image_removed", Surface.IMAGE, _REMOVED),
            SurfaceRule("image_added", Surface.IMAGE, _ADDED),
            SurfaceRule("image_tag_changed", Surface.IMAGE, _CHANGED),
        ),
        reason_place=4,
        surface=True,
        fact_place=5,
        fact_actions=_ADDED_REMOVED,
    ),
    Family(SignalKind.SECURITY, (security,), (KindRule("security_sensitive"),), reason_place=1, fact_place=7),
)


def _declared_in_modules() -> tuple[Family, ...]:
    """Families that other modules of this package declare as their `FAMILY`: a new family is one module
    (its extractor and its `FAMILY`, whose rules carry their default weights) plus its messages. Each runs
    its own module's `extract` unless it names other extractors."""
    package = sys.modules[__package__ or "changeradar.signals"]  # being imported: it imports this module
    found = []
    for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        family = getattr(module, "FAMILY", None)
        if isinstance(family, Family):
            found.append(family if family.extractors else replace(family, extractors=(module,)))
    return tuple(found)


FAMILIES += _declared_in_modules()


def extractor_modules() -> tuple[ModuleType, ...]:
    """Every extractor once, in the order of its first family."""
    return tuple(dict.fromkeys(module for family in FAMILIES for module in family.extractors))


def kind_rules() -> tuple[tuple[str, SignalKind, SignalAction | None, frozenset[str]], ...]:
    """(rule, kind, action, traits) of every kind rule: families by `reason_place`, each family's rules in
    order."""
    placed = _by_place((family.reason_place, family) for family in FAMILIES)
    return tuple(
        (rule.name, family.kind, rule.action, rule.traits)
        for family in placed
        for rule in family.rules
        if isinstance(rule, KindRule)
    )


def trait_rules(kind: SignalKind) -> tuple[tuple[str, frozenset[str], SignalAction | None], ...]:
    """(rule, traits, action) of the trait rules of `kind`'s family, in the order facts are offered them."""
    return tuple(
        (rule.name, rule.traits, rule.action) for rule in family_of(kind).rules if isinstance(rule, TraitRule)
    )


def surface_rules() -> tuple[tuple[str, Surface, SignalAction, bool], ...]:
    """(rule, surface, action, breaking) of every interface rule, in order."""
    return tuple(
        (rule.name, rule.surface, rule.action, rule.breaking)
        for family in FAMILIES
        for rule in family.rules
        if isinstance(rule, SurfaceRule)
    )


def surface_kinds() -> frozenset[SignalKind]:
    return frozenset(family.kind for family in FAMILIES if family.surface)


def fact_kinds() -> tuple[SignalKind, ...]:
    """The kinds the facts block gives one line per fact, in its order."""
    return tuple(family.kind for family in _by_place((family.fact_place, family) for family in FAMILIES))


def family_of(kind: SignalKind) -> Family:
    """The family declared for `kind`; every kind has one."""
    return next(family for family in FAMILIES if family.kind is kind)


def _by_place(places: Iterable[tuple[int | None, Family]]) -> list[Family]:
    """The families that have a place, lowest first (ties in `FAMILIES`' order)."""
    placed = [(place, family) for place, family in places if place is not None]
    return [family for _, family in sorted(placed, key=itemgetter(0))]
