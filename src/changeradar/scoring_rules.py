"""The importance rules as data: each rule's default weight.

A rule's name is the key users override in `[importance.weights]` and the `rule` of every `Reason` it
produces. The sentence that explains it to readers is the message `reason.<rule>` of every catalogue
(`changeradar/catalogues/`), which takes `{subject}` (the reason's subject as written) or `{code}` (its
comma-separated items, each shown as code).
"""

from __future__ import annotations

from dataclasses import dataclass

from changeradar.signals.families import FAMILIES


@dataclass(frozen=True, slots=True)
class Rule:
    weight: float | None = None  # None: not a weight users tune (a level cap, or a later stage's note)


RULES: dict[str, Rule] = {
    # Facts that make a commit matter to a team depending on the repository. A new or removed CLI option
    # and a breaking marker are high on their own (default high threshold 6.0).
    "breaking_change": Rule(6.0),
    "security_sensitive": Rule(3.5),
    "cli_option_added": Rule(6.0),
    "cli_option_removed": Rule(6.0),
    "cli_option_changed": Rule(2.5),
    "env_var_added": Rule(1.5),
    "env_var_removed": Rule(2.5),
    # A variable read deep in the code, named neither by the commit's message nor by the docs it changes:
    # a tuning knob, rarely what users set (`signals.env_vars.EnvTrait.INTERNAL`). Listed among the facts,
    # it barely counts, as an indirect dependency.
    "env_var_internal_added": Rule(0.25),
    "env_var_internal_removed": Rule(0.25),
    # Low: Python's "public" (no leading underscore) takes in many internal helpers, so refactors move it.
    "api_added": Rule(1.0),
    "api_removed": Rule(1.0),
    "api_changed": Rule(0.5),
    # Interfaces that are not code (CRDs, protobuf, OpenAPI; Helm charts and manifests). A field, RPC or
    # operation removed, or a wire-incompatible change, breaks dependants as a breaking marker does.
    "schema_breaking": Rule(6.0),
    "schema_removed": Rule(6.0),
    "schema_added": Rule(2.5),
    "schema_changed": Rule(2.5),
    "deployment_added": Rule(2.5),
    "deployment_removed": Rule(3.5),  # a removed chart value breaks every install that sets it
    "deployment_changed": Rule(1.5),
    # A published image renamed or gone breaks every install that pulls it by name, as a removed schema
    # field breaks its clients: high on its own. A new tag alone is a version bump of what is installed.
    "image_renamed": Rule(6.0),
    "image_removed": Rule(6.0),
    "image_added": Rule(2.5),
    "image_tag_changed": Rule(0.5),
    "module_added": Rule(1.5),
    "module_removed": Rule(1.5),
    # A runtime pin changes what users install: medium on its own (default medium threshold 2.5); a new
    # runtime dependency or a major step (0.x minor steps included) counts more. Each dependency signal
    # counts under one rule only (`score.DEPENDENCY_RULES`), the first of these its traits fit.
    "dependency_added": Rule(3.0),
    "dependency_removed": Rule(2.5),
    "dependency_changed": Rule(2.5),
    "dependency_major_bump": Rule(3.5),
    # A bot's minor or patch bump, an indirect (go.mod `// indirect`) or a development-only requirement
    # changes nothing users run: low.
    "dependency_bot_bump": Rule(0.5),
    "dependency_indirect": Rule(0.25),
    "dependency_development": Rule(0.5),
    # The oldest Go, Rust or Python a project supports: users on older versions must upgrade.
    "dependency_floor_changed": Rule(2.5),
    "dependency_module_renamed": Rule(6.0),  # as a renamed image: every importer must follow
    # The commit's main kind of work. Any core fix or perf tuning is medium, whatever its size.
    "feature": Rule(2.0),
    "fix": Rule(2.5),
    "perf": Rule(2.5),
    "refactor": Rule(1.0),
    # Core code changed under a subject that names no kind of work ("Adjust the round_up_seq logic"): in
    # practice a fix or a behaviour change more often than a chore, so medium on its own.
    "untyped_core_change": Rule(2.5),
    # Multiplies log2(1 + lines / CORE_LINES_SCALE), at most CORE_LINES_CEILING: 50 lines give 1, 750 give 4.
    "core_lines": Rule(1.0),
    # Caps: the commit cannot rank above low; the reason's weight is what the cap took off the score.
    "docs_only": Rule(),
    "tests_only": Rule(),
    "ci_only": Rule(),
    "tooling_only": Rule(),
    "generated_only": Rule(),
    "non_core_only": Rule(),
    "small_revert": Rule(),
    # Takes off what lines, modules, API names and the kind of work together give beyond CODE_VOLUME_CEILING.
    "code_volume": Rule(),
    # Added by the pipeline when the analyser's own view of the level wins.
    "analyzer_level": Rule(),
}

# Only hand-written source files outside docs, tests, CI and tooling count as core lines.
CORE_LINES_SCALE = 50
CORE_LINES_CEILING = 4.0
# Rules that measure how much code a commit moves rather than what it changes for users, and the kinds of
# work that only say core code changed (a fix, a tuning, a refactor, an untyped change): together they give
# at most CODE_VOLUME_CEILING, so a large fix is still a fix. A feature (a new capability) and the facts
# (options, variables, interfaces, dependencies, breaking markers) count on top.
CODE_VOLUME_RULES = frozenset(
    {"core_lines", "module_added", "module_removed", "api_added", "api_removed", "api_changed"}
    | {"fix", "perf", "refactor", "untyped_core_change"}
)
CODE_VOLUME_CEILING = 4.5
# Inside one backend of several, which reaches only its own users and often copies the main code base.
VARIANT_VOLUME_CEILING = 2.5
# Folders that hold one of several alternative backends of the product (gitignore-style globs).
VARIANT_PATTERNS: tuple[str, ...] = ("**/backends/*/",)
# A revert of fewer core lines than this is a trivial revert and ranks low.
LARGE_REVERT_LINES = 200
# Capped commits keep a score this far below the medium threshold.
CAP_MARGIN = 1.0

# A family declared in its own module brings its rules' default weights with it.
RULES.update(
    (rule.name, Rule(rule.weight))
    for family in FAMILIES
    for rule in family.rules
    if rule.weight is not None and rule.name not in RULES
)
