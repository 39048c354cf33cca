"""Security-sensitive patterns in the lines a commit adds: shell execution, code loading, secrets.

One signal per (pattern, file), at the first line it occurs, with a fixed description: a detail never
quotes the line, so a secret found is never copied into a report, cache or log. A pattern the file's
removed lines hold as often as its added lines is no finding: the code moved or was reformatted.
Lock, vendored and generated files are skipped; code patterns ignore comments and docs, secrets do not.
A secret carries the trait `SecurityTrait.SECRET`: leaked, it matters wherever it was committed, while
code that runs a shell or loads a pickle in a test, a benchmark or a CI script puts no user at risk
(`signals.audience`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from changeradar.file_kinds import DOCKERFILE_PATTERNS, is_doc_path, matches_any
from changeradar.model import Commit, FileChange, Signal, SignalAction, SignalKind
from changeradar.signals.context import SignalContext
from changeradar.signals.diff import added_lines, removed_lines
from changeradar.signals.files import file_generated_kind

MAX_CALL_LINES = 10  # how far a call is followed over the contiguous changed lines below or above it


class SecurityTrait(StrEnum):
    SECRET = "secret"  # a credential or key: a leak wherever it is, a test's as much as the product's


@dataclass(frozen=True, slots=True)
class SecurityRule:
    name: str  # the signal's name: a stable pattern id
    needles: tuple[str, ...]  # text every match contains: a cheap test that spares most lines the regex
    pattern: re.Pattern[str]
    description: str  # the signal's detail: short, and never the matched text
    applies_to: Callable[[str], bool]  # which paths the rule reads
    in_comments: bool = False  # secrets leak from comments too; code in a comment does not run
    safe_call: re.Pattern[str] | None = None  # arguments that make the matched call safe
    # A call whose first argument is a plain string literal runs a fixed command: no input reaches it.
    fixed_command_is_safe: bool = False
    # What must follow the match, on its line or the contiguous added lines below, for it to be the thing:
    # a key block's base64 body (a header alone, as a detector's test quotes it, holds no key).
    followed_by: re.Pattern[str] | None = None


def _is_python(path: str) -> bool:
    return path.endswith((".py", ".pyi", ".pyx"))


@lru_cache(maxsize=4096)  # asked by every rule for every file
def _is_dockerfile(path: str) -> bool:
    return matches_any(DOCKERFILE_PATTERNS, path)


def _is_not_doc(path: str) -> bool:
    return not is_doc_path(path)


def _any_file(path: str) -> bool:
    return True


RULES: tuple[SecurityRule, ...] = (
    SecurityRule(
        name="subprocess-shell",
        needles=("shell",),
        pattern=re.compile(r"\bshell\s*=\s*True\b|\bcreate_subprocess_shell\s*\("),
        description="command run through a shell (shell=True)",
        applies_to=_is_python,
        fixed_command_is_safe=True,
    ),
    SecurityRule(
        name="os-system",
        needles=("os.system", "os.popen"),
        pattern=re.compile(r"\bos\.(?:system|popen)\s*\("),
        description="shell command via os.system/os.popen",
        applies_to=_is_python,
    ),
    SecurityRule(
        name="eval",
        needles=("eval", "exec"),
        pattern=re.compile(
            r"(?<![\w.])(?<!def )(?:eval|exec)\s*\("
        ),  # not model.eval(), literal_eval(, def eval(
        description="eval/exec of dynamic code",
        applies_to=_is_python,
    ),
    SecurityRule(
        name="pickle-load",
        needles=("pickle", "dill"),
        pattern=re.compile(r"\b(?:pickle|cloudpickle|dill)\.loads?\s*\("),
        description="pickle load: unpickling can run code",
        applies_to=_is_python,
    ),
    SecurityRule(
        name="torch-load",
        needles=("torch.load",),
        pattern=re.compile(r"\btorch\.load\s*\("),
        description="torch.load without weights_only=True",
        applies_to=_is_python,
        safe_call=re.compile(r"\bweights_only\s*=\s*True\b"),
    ),
    SecurityRule(
        name="yaml-load",
        needles=("yaml.",),
        pattern=re.compile(r"\byaml\.(?:load|load_all|unsafe_load)\s*\("),
        description="yaml.load without SafeLoader",
        applies_to=_is_python,
        safe_call=re.compile(r"\bLoader\s*=\s*(?:yaml\.)?C?SafeLoader\b"),
    ),
    # What ctypes can do that Python cannot: load a native library, or read and write raw memory. Its
    # value types (`ctypes.c_float(x).value` rounds a float) and its import are no such thing.
    SecurityRule(
        name="ctypes",
        needles=("ctypes", "from_address"),
        pattern=re.compile(
            r"\bctypes\.(?:(?:C|Py|Win|Ole)DLL|cdll|pydll|windll|oledll|pythonapi"
            r"|cast|memmove|memset|string_at|wstring_at|addressof)\b"
            r"|\bfrom\s+ctypes\s+import\b.*\b(?:(?:C|Py|Win|Ole)DLL|cdll|pythonapi|cast|memmove|memset)\b"
            r"|\.from_address\s*\("
        ),
        description="ctypes: native library or raw memory",
        applies_to=_is_python,
    ),
    SecurityRule(
        name="curl-pipe-shell",
        needles=("curl", "wget"),
        pattern=re.compile(r"\b(?:curl|wget)\b[^|\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:ba|z|da)?sh\b"),
        description="downloaded script piped into a shell",
        applies_to=_is_not_doc,
    ),
    SecurityRule(
        name="dockerfile-git-clone",
        needles=("clone",),
        pattern=re.compile(r"\bgit\s+clone\b"),
        description="git clone at image build time",
        applies_to=_is_dockerfile,
    ),
    SecurityRule(
        name="chmod-777",
        needles=("chmod",),
        pattern=re.compile(r"\bchmod\s+(?:-R\s+)?(?:0?777|a\+rwx)\b|\bos\.chmod\([^)]*\b0o777\b"),
        description="world-writable permissions (777)",
        applies_to=_is_not_doc,
    ),
    SecurityRule(
        name="tls-verify-disabled",
        needles=("verify=False",),
        # A keyword argument, not a `def f(verify=False)` parameter nor a `verify = False` assignment.
        pattern=re.compile(r"^(?!\s*(?:async\s+)?def\b).*?(?:^|[(,])\s*verify=False\b"),
        description="TLS certificate verification disabled (verify=False)",
        applies_to=_is_python,
    ),
    SecurityRule(
        name="private-key",
        needles=("PRIVATE KEY",),
        pattern=re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
        description="private key block (redacted)",
        applies_to=_any_file,
        in_comments=True,
        followed_by=re.compile(r"[A-Za-z0-9+/]{40}"),
    ),
    # Token shapes; the look-ahead for a digit skips placeholders such as `sk-xxxxxxxxxxxxxxxxxxxxxxxx`.
    SecurityRule(
        name="github-token",
        needles=("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        pattern=re.compile(r"\b(?:gh[pousr]_(?=\w*\d)[A-Za-z0-9]{36,}|github_pat_(?=\w*\d)\w{22,})"),
        description="GitHub token ghp_… (redacted)",
        applies_to=_any_file,
        in_comments=True,
    ),
    SecurityRule(
        name="api-key",
        needles=("sk-",),
        pattern=re.compile(r"\bsk-(?:proj-|ant-)?(?=[\w-]*\d)[\w-]{20,}"),
        description="API key sk-… (redacted)",
        applies_to=_any_file,
        in_comments=True,
    ),
    SecurityRule(
        name="aws-access-key",
        needles=("AKIA", "ASIA"),
        pattern=re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
        description="AWS access key id AKIA… (redacted)",
        applies_to=_any_file,
        in_comments=True,
    ),
    SecurityRule(
        name="slack-token",
        needles=("xox",),
        pattern=re.compile(r"\bxox[abposr]-(?=[\w-]*\d)[A-Za-z0-9-]{10,}"),
        description="Slack token xox… (redacted)",
        applies_to=_any_file,
        in_comments=True,
    ),
)

# `#` (Python, shell, YAML, Dockerfile) or `//` (C-like) starting a comment after a blank or at the
# line start; `http://` and `a#b` are not comments. A `#` inside a string is taken for one: a rare miss.
_COMMENT = re.compile(r"(?:^|\s)(?:#|//).*$")


def extract(commit: Commit, context: SignalContext) -> Iterator[Signal]:
    for file in commit.files:
        if file.binary or file_generated_kind(file, context.blobs) is not None:
            continue
        # Rules whose needles the patch lacks cannot fire: one fast scan of the whole patch per rule spares
        # most files and lines any regex.
        rules = [
            rule for rule in RULES if rule.applies_to(file.path) and _needle_scan(rule.needles)(file.patch)
        ]
        if rules:
            yield from _file_findings(file, rules)


def _file_findings(file: FileChange, rules: Sequence[SecurityRule]) -> Iterator[Signal]:
    """One signal per rule that fires in the file's added lines, at its first line, with its count."""
    any_needle = _any_of(tuple(dict.fromkeys(needle for rule in rules for needle in rule.needles)))
    lines = list(added_lines(file))
    found: dict[SecurityRule, list[int]] = {}
    for index, (number, text) in enumerate(lines):
        if any_needle(text) is None:
            continue
        for rule in rules:
            if any(needle in text for needle in rule.needles) and _fires(rule, lines, index):
                found.setdefault(rule, []).append(number)
    for rule, numbers in found.items():
        if len(numbers) <= _count_in(rule, file):
            continue
        count = f" ({len(numbers)} lines)" if len(numbers) > 1 else ""
        yield Signal(
            SignalKind.SECURITY,
            rule.name,
            action=SignalAction.ADDED,
            detail=rule.description + count,
            path=file.path,
            line=numbers[0],
            traits=(SecurityTrait.SECRET.value,) if rule.in_comments else (),
        )


@lru_cache(maxsize=64)
def _needle_scan(needles: tuple[str, ...]) -> Callable[[str], bool]:
    """The fastest whole-text test for a rule's needles. Needles that start alike (`ghp_`, `gho_`, …, or a
    lone needle) are one regular expression, which strides to their first character; needles that start
    differently (`pickle`, `dill`) are found faster one by one than by a search that must try both at
    every position (a year of patches: a third less time in all)."""
    if len({needle[0] for needle in needles}) == 1:
        search = _any_of(needles)
        return lambda text: search(text) is not None
    return lambda text: any(needle in text for needle in needles)


@lru_cache(maxsize=256)
def _any_of(needles: tuple[str, ...]) -> Callable[[str], re.Match[str] | None]:
    """A search for any of `needles`: one call per line instead of one test per needle."""
    return re.compile("|".join(map(re.escape, needles))).search


def _count_in(rule: SecurityRule, file: FileChange) -> int:
    """How many of the file's removed lines the rule fires on (a call read over the lines it spans)."""
    lines = list(removed_lines(file))
    return sum(
        _fires(rule, lines, index)
        for index, (_, text) in enumerate(lines)
        if _any_of(rule.needles)(text) is not None
    )


def _fires(rule: SecurityRule, lines: Sequence[tuple[int, str]], index: int) -> bool:
    text = lines[index][1]
    match = rule.pattern.search(text if rule.in_comments else _COMMENT.sub("", text))
    if match is None:
        return False
    if rule.fixed_command_is_safe and _first_argument_is_literal(lines, index, match):
        return False
    if rule.followed_by is not None and not _followed_by(rule.followed_by, lines, index, match.end()):
        return False
    return rule.safe_call is None or rule.safe_call.search(_call_text(lines, index, match.start())) is None


def _followed_by(pattern: re.Pattern[str], lines: Sequence[tuple[int, str]], index: int, end: int) -> bool:
    """Whether `pattern` occurs after column `end` of line `index` (`"…-----\\nMIIE…"`) or on one of the
    contiguous lines below it (at most MAX_CALL_LINES, enough for an encrypted key's headers)."""
    if pattern.search(lines[index][1], end):
        return True
    number = lines[index][0]
    for below, text in lines[index + 1 : index + MAX_CALL_LINES]:
        if below != number + 1:
            return False
        if pattern.search(text):
            return True
        number = below
    return False


# A plain string literal, without an f-prefix, `{}` or `%` placeholders: the same command every time.
_PLAIN_LITERAL = re.compile(r"""\s*(?:"[^"{}%\\]*"|'[^'{}%\\]*')\s*""")


def _first_argument_is_literal(lines: Sequence[tuple[int, str]], index: int, match: re.Match[str]) -> bool:
    """Whether the call the match is part of takes a plain string literal first: `run("hl-smi",
    shell=True)`; the call may open on one of the contiguous lines above (all added, or all removed)."""
    arguments: str | None
    if match.group().endswith("("):  # the match opens the call: `create_subprocess_shell(`
        call = _call_text(lines, index, match.start())
        arguments = call[len(match.group()) : -1 if call.endswith(")") else None]
    else:
        arguments = _arguments_before(lines, index, match.start())
    if arguments is None:
        return False
    first = _split_top_level(arguments)[0]
    return _PLAIN_LITERAL.fullmatch(first) is not None


def _arguments_before(lines: Sequence[tuple[int, str]], index: int, end: int) -> str | None:
    """The text from the opening parenthesis of the call enclosing column `end` of line `index` up to
    there, over at most MAX_CALL_LINES contiguous lines; None when it does not open among them."""
    text = lines[index][1][:end]
    for back in range(index, max(index - MAX_CALL_LINES, -1), -1):
        if back < index:
            if lines[back][0] != lines[back + 1][0] - 1:
                return None
            text = lines[back][1] + " " + text
        depth = 0
        for position in range(len(text) - 1, -1, -1):
            depth += (text[position] == ")") - (text[position] == "(")
            if depth < 0:
                return text[position + 1 :]
    return None


def _split_top_level(arguments: str) -> list[str]:
    """The arguments separated by the commas outside any brackets."""
    parts, depth, start = [], 0, 0
    for position, char in enumerate(arguments):
        depth += (char in "([{") - (char in ")]}")
        if char == "," and depth == 0:
            parts.append(arguments[start:position])
            start = position + 1
    return [*parts, arguments[start:]]


def _call_text(lines: Sequence[tuple[int, str]], index: int, start: int) -> str:
    """The call starting at `start` in line `index`, followed over the contiguous added lines below until
    its parentheses close: `torch.load(` on one line and `weights_only=True)` on the next are one call."""
    parts: list[str] = []
    depth = 0
    previous_number = lines[index][0] - 1
    for number, text in lines[index : index + MAX_CALL_LINES]:
        if number != previous_number + 1:
            break
        segment = text[start:] if not parts else text
        for position, char in enumerate(segment):
            depth += (char == "(") - (char == ")")
            if char == ")" and depth == 0:
                return " ".join([*parts, segment[: position + 1]])
        parts.append(segment)
        previous_number = number
    return " ".join(parts)
