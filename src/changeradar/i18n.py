"""Every word a reader sees, in each report language, side by side so that no language lags behind.

`text(language, key, **values)` formats one message. English messages may write `{s}`: it becomes "s"
unless the value `n` is 1, so a count reads "1 file" / "3 files" without a second message.
"""

from __future__ import annotations

from collections.abc import Iterable

from changeradar.errors import BadInput
from changeradar.model import ChangeType, Level

LANGUAGES = ("zh", "en")
_SENTENCE_ENDINGS = ("。", "！", "？", "；", ".", "!", "?", ";")

# key: (zh, en)
_MESSAGES: dict[str, tuple[str, str]] = {
    # report chrome
    "title": ("每日更新报告（{label}）", "Daily Update Report ({label})"),
    "context.branch": ("分支 {branch}", "Branch {branch}"),
    "context.timezone": ("时区 {zone}", "Time zone {zone}"),
    "context.analyzer": ("分析器 {analyzer}", "Analyzer {analyzer}"),
    "context.analyzer_model": ("分析器 {analyzer}（模型 {model}）", "Analyzer {analyzer} (model {model})"),
    "context.commits": ("{n} 个提交", "{n} commit{s}"),
    "context.coverage": ("模型分析 {analysed}/{n}", "{analysed}/{n} analysed by the model"),
    "context.cached": ("缓存 {cached}", "{cached} from cache"),
    "context.fallback": ("回退离线 {fallback}", "{fallback} fell back to offline"),
    "context.tokens": ("tokens {prompt} + {completion}", "tokens {prompt} + {completion}"),
    "context.cost": ("费用 ${cost}", "cost ${cost}"),
    "context.incomplete": ("⚠️ {n} 个提交未能完整读取", "⚠️ {n} commit{s} could not be read fully"),
    "context.shallow": (
        "⚠️ 浅克隆仓库：{date} 之后的提交历史完整可信",
        "⚠️ shallow repository: history can be trusted from {date}",
    ),
    "context.separator": (" · ", " · "),
    "failures": ("⚠️ 处理失败", "⚠️ Failures"),
    "highlights": ("📰 今日要点", "📰 Highlights"),
    "column.time": ("提交时间", "Commit time"),
    "column.author": ("作者", "Author"),
    "column.message": ("提交信息", "Message"),
    "stats": ("📊 统计摘要", "📊 Statistics"),
    "stats.day": (
        "本日共 {n} 个提交 | 🔴高 {high} | 🟡中 {medium} | 🟢低 {low}",
        "{n} commit{s} | 🔴 High {high} | 🟡 Medium {medium} | 🟢 Low {low}",
    ),
    "stats.range": (
        "本期共 {n} 个提交 | 🔴高 {high} | 🟡中 {medium} | 🟢低 {low}",
        "{n} commit{s} | 🔴 High {high} | 🟡 Medium {medium} | 🟢 Low {low}",
    ),
    "stats.areas": ("主要领域：{areas}", "Main areas: {areas}"),
    "empty.day": ("本日无提交。", "No commits in this window."),
    "empty.range": ("本期无提交。", "No commits in this window."),
    "toc": ("📋 目录", "📋 Contents"),
    "tier.high": ("🔴 高重要度变更 ({n})", "🔴 High importance ({n})"),
    "tier.medium": ("🟡 中重要度变更 ({n})", "🟡 Medium importance ({n})"),
    "tier.low": ("🟢 低重要度变更 ({n})", "🟢 Low importance ({n})"),
    "view_commit": ("查看提交", "View commit"),
    "colon": ("：", ": "),
    "field.change_type": ("🎯 变更类型", "🎯 Change type"),
    "field.importance": ("⚡ 重要程度", "⚡ Importance"),
    "field.summary": ("📋 变更摘要", "📋 Summary"),
    "field.short_summary": ("📋 摘要", "📋 Summary"),
    "field.impact": ("🎯 影响范围", "🎯 Impact"),
    "field.insights": ("🔍 技术洞察", "🔍 Technical insights"),
    "field.risks": ("⚠️ 潜在风险", "⚠️ Risks"),
    "field.recommendations": ("💡 关注建议", "💡 Recommendations"),
    "field.facts": ("🧾 事实", "🧾 Facts"),
    "insight.dimension": ("维度", "Dimension"),
    "insight.effect": ("影响", "Impact"),
    "insight.architecture": ("架构", "Architecture"),
    "insight.performance": ("性能", "Performance"),
    "insight.security": ("安全", "Security"),
    "insight.maintainability": ("可维护性", "Maintainability"),
    "importance.line": ("{level}（{score}）", "{level} ({score})"),
    "importance.reasons": ("— {reasons}", " — {reasons}"),
    "importance.suggested": ("（分析器建议：{level}）", " (the analyzer suggests {level})"),
    "importance.suggested_reason": (
        "（分析器建议：{level} — {reason}）",
        " (the analyzer suggests {level}: {reason})",
    ),
    "unverified": ("⚠️ 未在 diff 中找到：{items}", "⚠️ Not found in the diff: {items}"),
    "note": ("ℹ️ {note}", "ℹ️ {note}"),
    "diff.partial": (
        "⚠️ diff 只读到一部分，缺失文件没有行数和内容，评分只依据读到的部分：{error}",
        "⚠️ The diff could be read only in part; missing files have no counts or content, and the score "
        "uses only what was read: {error}",
    ),
    "diff.unreadable": (
        "⚠️ diff 无法读取，评分只依据提交信息和文件列表：{error}",
        "⚠️ The diff could not be read; the score uses only the message and the file list: {error}",
    ),
    "diff.history_cut": (
        "✂️ 浅克隆边界：父提交不在仓库中，没有 diff，评分只依据提交信息",
        "✂️ Shallow clone boundary: the parent commit is not in the repository, so there is no diff; "
        "the score uses the message only",
    ),
    "seen_share": ("模型看到了 {percent}% 的变更行", "The model saw {percent}% of the changed lines"),
    "list.separator": ("、", ", "),
    "list.more": ("{items} 等 {n} 个", "{items} and {more} more"),
    "clause.separator": ("；", "; "),
    "at": ("{what}（{where}）", "{what} ({where})"),
    # levels
    "level.high": ("🔴 高", "🔴 High"),
    "level.medium": ("🟡 中", "🟡 Medium"),
    "level.low": ("🟢 低", "🟢 Low"),
    # change types
    "type.feature": ("功能增强", "Feature"),
    "type.fix": ("Bug 修复", "Bug fix"),
    "type.perf": ("性能优化", "Performance"),
    "type.refactor": ("代码重构", "Refactoring"),
    "type.docs": ("文档更新", "Documentation"),
    "type.test": ("测试", "Tests"),
    "type.ci": ("CI/CD", "CI/CD"),
    "type.build": ("构建", "Build"),
    "type.deps": ("依赖更新", "Dependencies"),
    "type.chore": ("杂项", "Chore"),
    "type.revert": ("回滚", "Revert"),
    "type.separator": (" / ", " / "),
    # facts block: one line per signal, "fact.<kind>.<action>" falling back to "fact.<kind>"
    "fact.dependency.added": ("新增依赖 {name}", "New dependency {name}"),
    "fact.dependency.removed": ("移除依赖 {name}", "Removed dependency {name}"),
    "fact.dependency": ("依赖变更 {name}", "Dependency changed: {name}"),
    "fact.env_var.added": ("新增环境变量 {name}", "New environment variable {name}"),
    "fact.env_var.removed": ("移除环境变量 {name}", "Removed environment variable {name}"),
    "fact.env_var": ("环境变量 {name} 有改动", "Environment variable {name} changed"),
    "fact.cli_option.added": ("新增命令行选项 {name}", "New command-line option {name}"),
    "fact.cli_option.removed": ("移除命令行选项 {name}", "Removed command-line option {name}"),
    "fact.cli_option": ("命令行选项 {name} 有改动", "Command-line option {name} changed"),
    "fact.api.added": ("新增公开 API {name}", "New public API {name}"),
    "fact.api.removed": ("移除公开 API {name}", "Removed public API {name}"),
    "fact.api": ("公开 API {name} 有改动", "Public API {name} changed"),
    "fact.module.added": ("新增模块 {name}", "New module {name}"),
    "fact.module.removed": ("删除模块 {name}", "Removed module {name}"),
    "fact.module": ("模块 {name} 有改动", "Module {name} changed"),
    "fact.tests": ("测试文件：{names}", "Test files: {names}"),
    "fact.more": ("另有 {n} 项事实，见 JSON 报告。", "{n} more fact{s} in the JSON report."),
    "fact.security": ("安全敏感模式 {name}", "Security-sensitive pattern {name}"),
    "fact.breaking": ("破坏性变更标记 {name}", "Breaking-change marker {name}"),
    "fact.revert": ("回滚 {name}", "Reverts {name}"),
    # offline analysis: summary
    "summary.head": (
        "「{subject}」：修改 {n} 个文件，+{additions}/−{deletions} 行。",
        "“{subject}”: {n} file{s} changed, +{additions}/−{deletions} lines.",
    ),
    "summary.empty": (
        "「{subject}」：空提交，没有文件改动。",
        "“{subject}”: an empty commit, no file changed.",
    ),
    "summary.statement": ("提交说明：“{statement}”", "The message says: “{statement}”"),
    "summary.modules_added": ("新增模块 {names}。", "New module{s}: {names}."),
    "summary.modules_removed": ("删除模块 {names}。", "Removed module{s}: {names}."),
    "summary.cli_added": ("新增命令行选项 {names}。", "New command-line option{s}: {names}."),
    "summary.cli_removed": ("移除命令行选项 {names}。", "Removed command-line option{s}: {names}."),
    "summary.cli_changed": ("修改命令行选项 {names}。", "Changed command-line option{s}: {names}."),
    "summary.env_added": ("新增环境变量 {names}。", "New environment variable{s}: {names}."),
    "summary.env_removed": ("移除环境变量 {names}。", "Removed environment variable{s}: {names}."),
    "summary.dependencies": ("依赖变更：{items}。", "Dependency changes: {items}."),
    "summary.api_added": ("新增公开 API {names}。", "New public API: {names}."),
    "summary.api_removed": ("移除公开 API {names}。", "Removed public API: {names}."),
    "summary.api_changed": ("修改公开 API {names} 的签名。", "Changed signature{s}: {names}."),
    "summary.tests": ("同时修改了 {n} 个测试文件。", "{n} test file{s} touched."),
    "summary.revert": ("回滚了 {names}。", "Reverts {names}."),
    "summary.breaking": (
        "提交信息带有破坏性变更标记 {names}。",
        "The message carries a breaking-change marker: {names}.",
    ),
    "dependency.added": ("{name}（新增）", "{name} (added)"),
    "dependency.removed": ("{name}（移除）", "{name} (removed)"),
    # offline analysis: impact
    "impact.areas": ("涉及领域：{areas}。", "Areas: {areas}."),
    "impact.area": ("{area}（{n} 个文件）", "{area} ({n} file{s})"),
    "impact.file": ("{path}：+{additions}/−{deletions} 行", "{path}: +{additions}/−{deletions} lines"),
    "impact.file.added": ("{path}：新文件，+{additions} 行", "{path}: new file, +{additions} lines"),
    "impact.file.deleted": ("{path}：已删除，−{deletions} 行", "{path}: deleted, −{deletions} lines"),
    "impact.file.renamed": (
        "{old_path} → {path}：+{additions}/−{deletions} 行",
        "{old_path} → {path}: +{additions}/−{deletions} lines",
    ),
    "impact.file.binary": ("{path}：二进制文件", "{path}: binary file"),
    "impact.file.submodule": ("{path}：子模块", "{path}: submodule"),
    "impact.more_files": ("另有 {n} 个文件改动较小。", "{n} more file{s} with smaller changes."),
    # offline analysis: insights
    "architecture.changes": ("结构变化：{parts}。", "Structure: {parts}."),
    "architecture.modules_added": ("新增 {n} 个模块", "{n} module{s} added"),
    "architecture.modules_removed": ("删除 {n} 个模块", "{n} module{s} removed"),
    "architecture.api_added": ("新增 {n} 个公开 API", "{n} public API{s} added"),
    "architecture.api_removed": ("移除 {n} 个公开 API", "{n} public API{s} removed"),
    "architecture.cli_added": ("新增 {n} 个命令行选项", "{n} command-line option{s} added"),
    "architecture.cli_removed": ("移除 {n} 个命令行选项", "{n} command-line option{s} removed"),
    "architecture.none": (
        "未新增或删除模块、公开 API 与命令行选项，改动限于现有文件内部。",
        "No module, public API or command-line option added or removed; "
        "the change stays inside existing files.",
    ),
    "performance.typed": (
        "提交被归类为性能优化；收益大小无法从 diff 判断，需以基准测试确认。",
        "Classified as a performance change; "
        "the size of any gain cannot be read from the diff and needs a benchmark.",
    ),
    "performance.areas": (
        "改动涉及 {areas}，可能影响运行性能；diff 中没有可据以量化的数据。",
        "The change touches {areas}, which can affect runtime performance; "
        "the diff holds no figures to quantify it.",
    ),
    "performance.unknown": ("无法从 diff 判断。", "Not determinable from the diff."),
    "security.found": (
        "新增行中出现安全敏感模式：{items}。",
        "Security-sensitive patterns in added lines: {items}.",
    ),
    "security.none": ("新增行中未发现安全敏感模式。", "No security-sensitive pattern in added lines."),
    "maintainability": ("规模：{size}；{tests}{generated}。", "Size: {size}; {tests}{generated}."),
    "maintainability.size": (
        "{n} 个文件，+{additions}/−{deletions} 行",
        "{n} file{s}, +{additions}/−{deletions} lines",
    ),
    "maintainability.tests": ("修改了 {n} 个测试文件", "{n} test file{s} touched"),
    "maintainability.no_tests": ("未修改测试文件", "no test file touched"),
    "maintainability.generated": ("；其中 {n} 个为生成或锁定文件", "; {n} generated or lock file{s}"),
    # offline analysis: risks
    "risk.breaking": (
        "提交声明了破坏性变更（{names}）：依赖旧行为的调用方需要修改。",
        "The commit declares a breaking change ({names}): callers relying on the old behaviour must change.",
    ),
    "risk.api_removed": (
        "移除了公开 API {names}：仍在调用的代码会出错。",
        "Public API removed ({names}): code that still calls it will break.",
    ),
    "risk.cli_removed": (
        "移除了命令行选项 {names}：仍传入已移除选项的启动命令会失败。",
        "Command-line option{s} removed ({names}): a launch command still passing one will fail.",
    ),
    "risk.env_removed": (
        "移除了环境变量 {names}：继续设置将不再生效。",
        "Environment variable{s} removed ({names}): setting one no longer has any effect.",
    ),
    "risk.dependencies": (
        "依赖变更（{names}）：安装结果和运行环境可能与之前不同。",
        "Dependency changes ({names}): installs and runtime environments may differ from before.",
    ),
    "risk.untested": (
        "较大的源码改动（+{additions}/−{deletions} 行）没有修改任何测试文件。",
        "A large source change (+{additions}/−{deletions} lines) touches no test file.",
    ),
    "risk.security": (
        "新增代码包含安全敏感模式：{items}。",
        "Added code contains security-sensitive patterns: {items}.",
    ),
    "risk.generated": (
        "{n} 个生成或锁定文件发生变动，难以逐行评审。",
        "{n} generated or lock file{s} changed; they cannot be reviewed line by line.",
    ),
    "risk.revert": (
        "回滚了 {names}：依赖被回滚改动的用法会失效。",
        "Reverts {names}: uses that depended on the reverted change stop working.",
    ),
    "risk.none": (
        "diff 中没有指向风险的事实（无 API 移除、依赖变更或破坏性标记）。",
        "No fact in the diff points to a risk (no removed API, dependency change or breaking marker).",
    ),
    # offline analysis: recommendations
    "advice.breaking": (
        "对照新行为检查并修改自己的调用代码。",
        "Review your calling code against the new behaviour.",
    ),
    "advice.removed": (
        "在自己的代码和部署脚本中搜索 {names} 的用法。",
        "Search your code and deployment scripts for uses of {names}.",
    ),
    "advice.new_options": (
        "确认新增的 {names} 的默认值是否适合自己的部署。",
        "Check whether the defaults of the new {names} suit your deployment.",
    ),
    "advice.dependencies": (
        "升级后重新安装依赖并运行测试。",
        "Reinstall dependencies and run your tests after upgrading.",
    ),
    "advice.untested": (
        "升级前在自己的场景中验证该改动。",
        "Validate this change in your own workloads before upgrading.",
    ),
    "advice.security": ("审查 {items} 处的代码。", "Review the code at {items}."),
    "advice.generated": (
        "评审生成这些文件的来源，而非文件本身。",
        "Review what generates these files, not the files themselves.",
    ),
    "advice.revert": ("确认自己是否依赖被回滚的改动。", "Check whether you depend on the reverted change."),
    "advice.none": (
        "无需特别操作，按常规升级流程验证即可。",
        "No specific action; validate it as part of your usual upgrade.",
    ),
    "suggested_reason": ("离线分析沿用规则评分。", "The offline analyzer follows the rule-based score."),
    # offline analysis: the day's overview
    "overview.counts": (
        "共 {n} 个提交：🔴 高 {high}、🟡 中 {medium}、🟢 低 {low}。",
        "{n} commit{s}: 🔴 {high} high, 🟡 {medium} medium, 🟢 {low} low.",
    ),
    "overview.areas": ("改动最多的领域：{areas}。", "Most-touched areas: {areas}."),
    "overview.area": ("{area}（{n}）", "{area} ({n})"),
    "overview.high": ("高重要度：{items}。", "High importance: {items}."),
    "overview.commit": ("{subject}（{sha}）", "{subject} ({sha})"),
    "overview.breaking": (
        "带破坏性变更标记或回滚的提交：{items}。",
        "Breaking or reverting commits: {items}.",
    ),
    "overview.removed": ("被移除的接口：{items}。", "Interfaces removed: {items}."),
    "overview.dependencies": ("依赖变更：{items}。", "Dependency changes: {items}."),
    "overview.cli_added": ("新增命令行选项：{items}。", "New command-line option{s}: {items}."),
    "overview.env_added": ("新增环境变量：{items}。", "New environment variable{s}: {items}."),
    "overview.security": (
        "含安全敏感模式的提交：{items}。",
        "Commits with security-sensitive patterns: {items}.",
    ),
}


def check_language(language: str) -> str:
    """`language` if reports can be written in it, else BadInput naming it."""
    if language not in LANGUAGES:
        raise BadInput(f"unsupported report language {language!r} (choose from: {', '.join(LANGUAGES)})")
    return language


def text(language: str, key: str, **values: object) -> str:
    """The message `key` in `language`, formatted with `values`."""
    message = _MESSAGES[key][LANGUAGES.index(check_language(language))]
    plural = "" if values.get("n") == 1 else "s"
    return message.format(s=plural, **values)


def has_message(key: str) -> bool:
    return key in _MESSAGES


def level_label(level: Level, language: str) -> str:
    """The level as readers see it: "🔴 高" / "🔴 High"."""
    return text(language, f"level.{level.value}")


def change_type_label(change_type: ChangeType, language: str) -> str:
    """The change type as readers see it: "功能增强" / "Feature"."""
    return text(language, f"type.{change_type.value}")


def join_items(items: Iterable[str], language: str, limit: int | None = None) -> str:
    """Items joined as the language lists them; past `limit`, "… and N more"."""
    items = list(items)
    separator = text(language, "list.separator")
    if limit is None or len(items) <= limit:
        return separator.join(items)
    shown = separator.join(items[:limit])
    return text(language, "list.more", items=shown, n=len(items), more=len(items) - limit)


def join_sentences(sentences: Iterable[str], language: str) -> str:
    """Sentences run on in one line; one left without an ending gets a clause separator instead."""
    joined = ""
    for sentence in sentences:
        if joined:
            ended = joined.endswith(_SENTENCE_ENDINGS)
            joined += (" " if language == "en" else "") if ended else text(language, "clause.separator")
        joined += sentence
    return joined


def join_clauses(clauses: Iterable[str], language: str) -> str:
    """Clauses of one sentence: "a；b" / "a; b"."""
    return text(language, "clause.separator").join(clauses)
