"""The importance rules as data: each rule's default weight and the sentence that explains it to readers.

A rule's name is the key users override in `[importance.weights]` and the `rule` of every `Reason` it
produces. Sentences take `{subject}` (the reason's subject as written) or `{code}` (its comma-separated
items, each shown as code).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    en: str
    zh: str
    weight: float | None = None  # None: not a weight users tune (a level cap, or a later stage's note)


RULES: dict[str, Rule] = {
    # Facts that make a commit matter to a team depending on the repository. A new or removed CLI option
    # and a breaking marker are high on their own (default high threshold 6.0).
    "breaking_change": Rule("marked as a breaking change ({subject})", "标记为破坏性变更（{subject}）", 6.0),
    "security_sensitive": Rule("touches security-sensitive code: {code}", "涉及安全敏感代码：{code}", 3.5),
    "cli_option_added": Rule("adds CLI option {code}", "新增命令行选项 {code}", 6.0),
    "cli_option_removed": Rule("removes CLI option {code}", "移除命令行选项 {code}", 6.0),
    "cli_option_changed": Rule("changes CLI option {code}", "修改命令行选项 {code}", 2.5),
    "env_var_added": Rule("adds environment variable {code}", "新增环境变量 {code}", 1.5),
    "env_var_removed": Rule("removes environment variable {code}", "移除环境变量 {code}", 2.5),
    # Low: Python's "public" (no leading underscore) takes in many internal helpers, so refactors move it.
    "api_added": Rule("adds public API {code}", "新增公开接口 {code}", 1.0),
    "api_removed": Rule("removes public API {code}", "移除公开接口 {code}", 1.0),
    "api_changed": Rule("changes the signature of {code}", "修改接口签名 {code}", 0.5),
    # Interfaces that are not code (CRDs, protobuf, OpenAPI; Helm charts and manifests). A field, RPC or
    # operation removed, or a wire-incompatible change, breaks dependants as a breaking marker does.
    "schema_breaking": Rule("breaks a schema: {code}", "破坏性模式变更：{code}", 6.0),
    "schema_removed": Rule(
        "removes schema fields or operations: {code}", "移除模式字段或接口操作：{code}", 6.0
    ),
    "schema_added": Rule("adds schema fields or operations: {code}", "新增模式字段或接口操作：{code}", 2.5),
    "schema_changed": Rule("changes schema fields: {code}", "修改模式字段：{code}", 2.5),
    "deployment_added": Rule(
        "adds chart values, RBAC rules or workloads: {code}",
        "新增 Chart 配置项、RBAC 规则或工作负载：{code}",
        2.5,
    ),
    "deployment_removed": Rule(
        "removes chart values, RBAC rules or workloads: {code}",
        "移除 Chart 配置项、RBAC 规则或工作负载：{code}",
        2.5,
    ),
    "deployment_changed": Rule("changes RBAC rules: {code}", "修改 RBAC 规则：{code}", 1.5),
    "module_added": Rule("adds module {code}", "新增模块 {code}", 1.5),
    "module_removed": Rule("removes module {code}", "删除模块 {code}", 1.5),
    # A runtime pin changes what users install: medium on its own (default medium threshold 2.5).
    "dependency_added": Rule("adds dependency {code}", "新增依赖 {code}", 2.5),
    "dependency_removed": Rule("removes dependency {code}", "移除依赖 {code}", 2.5),
    "dependency_changed": Rule("changes dependency {code}", "修改依赖 {code}", 2.5),
    # The commit's main kind of work. Any core fix or perf tuning is medium, whatever its size.
    "feature": Rule("adds a feature ({subject})", "新增功能（{subject}）", 2.0),
    "fix": Rule("fixes a bug ({subject})", "修复缺陷（{subject}）", 2.5),
    "perf": Rule("changes performance ({subject})", "性能相关（{subject}）", 2.5),
    "refactor": Rule("refactors code ({subject})", "重构代码（{subject}）", 1.0),
    # Multiplies log2(1 + lines / CORE_LINES_SCALE), at most CORE_LINES_CEILING: 50 lines give 1, 750 give 4.
    "core_lines": Rule("changes {subject} lines of core source", "核心源码改动 {subject} 行", 1.0),
    # Caps: the commit cannot rank above low; the reason's weight is what the cap took off the score.
    "docs_only": Rule("docs only", "仅文档"),
    "tests_only": Rule("tests only", "仅测试"),
    "ci_only": Rule("CI only", "仅 CI"),
    "tooling_only": Rule("tooling, benchmarks or repository files only", "仅工具、基准测试或仓库文件"),
    "generated_only": Rule("lock, vendored or generated files only", "仅锁文件、第三方或生成文件"),
    "non_core_only": Rule("docs, tests, CI or tooling only", "仅文档、测试、CI 或工具"),
    "small_revert": Rule("reverts a small change ({subject})", "回退小改动（{subject}）"),
    # Added by the pipeline when the analyser's own view of the level wins.
    "analyzer_level": Rule("analyser's judgement: {subject}", "分析器判断：{subject}"),
}

# Only hand-written source files outside docs, tests, CI and tooling count as core lines.
CORE_LINES_SCALE = 50
CORE_LINES_CEILING = 4.0
# A revert of fewer core lines than this is a trivial revert and ranks low.
LARGE_REVERT_LINES = 200
# Capped commits keep a score this far below the medium threshold.
CAP_MARGIN = 1.0

# The evidence a change-type signal carries ("prefix `fix:`", "verb Support"), as Chinese readers see it.
EVIDENCE_ZH: tuple[tuple[str, str], ...] = (
    ("prefix ", "前缀 "),
    ("tag ", "标签 "),
    ("verb ", "动词 "),
    ("docs-only files", "仅文档文件"),
    ("tests-only files", "仅测试文件"),
    ("CI-only files", "仅 CI 文件"),
)
