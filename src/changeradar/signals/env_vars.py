"""Environment variables a commit starts or stops reading (or setting), found in code, scripts and images.

Only sources count: documentation that lists variables, tests and generated files do not. A variable is
added when a changed line of a file names it only on the new side, removed when only on the old side.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from changeradar.model import Commit, Signal, SignalKind
from changeradar.signals import SignalContext
from changeradar.signals.dependencies import Found, Run, RunReader, compare_found, read_sides
from changeradar.signals.paths import generated_kind, is_doc_path, is_test_path, matches_any

_UPPER_NAME = r"[A-Z][A-Z0-9_]*"
_ANY_NAME = r"[A-Za-z_][A-Za-z0-9_]*"


def _any_of(*patterns: str) -> re.Pattern[str]:
    """One pattern matching any of `patterns`, each of which captures the variable's name in one group."""
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


_PYTHON = _any_of(
    # os.environ["X"], os.environ.get("X"), environ.setdefault("X", …), os.environ.pop("X")
    rf"""\benviron(?:\.(?:get|setdefault|pop))?\s*[\[(]\s*["']({_ANY_NAME})["']""",
    rf"""["']({_ANY_NAME})["']\s+(?:not\s+)?in\s+(?:os\.)?environ\b""",
    rf"""\bgetenv\s*\(\s*["']({_ANY_NAME})["']""",
    # Registries: SGLANG_FOO = EnvBool(False), SGLANG_BAR: EnvInt = EnvInt(…)
    rf"^\s*({_UPPER_NAME})\s*(?::[^=]+)?=\s*Env[A-Z]\w*\(",
)
# Helpers named for env as a word, called with an UPPER_SNAKE literal: get_bool_env_var("X"),
# env_with_choices("X", …), readEnv("X"); but not the registry's own types (EnvBool("OFF")).
_CALL_WITH_UPPER_NAME = re.compile(rf"""\b(\w+)\s*\(\s*["']({_UPPER_NAME})["']""")
_ENV_HELPER_NAME = re.compile(r"(?:^|_|(?i:get|set|read|load))[Ee]nv(?:_|[A-Z]|$)")
_ENV_TYPE = re.compile(r"Env[A-Z]")
_GO = _any_of(r"""\bos\.(?:Getenv|LookupEnv)\(\s*"(\w+)"\s*\)""")
_RUST = _any_of(r"""\b(?:env::var(?:_os)?|(?:option_)?env!)\(\s*"(\w+)"\s*\)""")

# Shell variables that are environment variables by convention even without an underscore.
_WELL_KNOWN = frozenset({"HOME", "PATH", "USER", "SHELL", "LANG", "TMPDIR", "HOSTNAME", "PWD", "TERM"})
_SHELL_EXPORT = re.compile(rf"^\s*export\s+({_ANY_NAME})=")
_SHELL_READ = re.compile(rf"\$\{{?({_UPPER_NAME})")

_DOCKER_ENV = re.compile(r"^\s*ENV\s+(.*)", re.IGNORECASE)
_DOCKER_ARG = re.compile(rf"^\s*ARG\s+({_ANY_NAME})", re.IGNORECASE)
_DOCKER_PAIR = re.compile(rf"(?:^|\s)({_ANY_NAME})=")
_DOCKER_LEGACY_ENV = re.compile(rf"({_ANY_NAME})\s")  # the old form `ENV NAME value`
_DOCKERFILES = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile")


def extract(commit: Commit, context: SignalContext) -> Iterator[Signal]:
    """Environment variables named on added lines only (added) or removed lines only (removed)."""
    for file in commit.files:
        reader = _reader_for(file.path)
        if reader is None or file.binary or not reader.may_find(file.patch) or not _is_source(file.path):
            continue
        yield from compare_found(SignalKind.ENV_VAR, file, *read_sides(file, reader))


def _is_source(path: str) -> bool:
    return not (is_doc_path(path) or is_test_path(path) or generated_kind(path))


def _reader_for(path: str) -> RunReader | None:
    if matches_any(_DOCKERFILES, path):
        return _DOCKERFILE
    return _READERS_BY_EXTENSION.get(path.rpartition(".")[2])


def _line_reader(hints: tuple[str, ...], names_in: Callable[[str], Iterable[str]]) -> RunReader:
    """A reader of the names `names_in` finds on each changed line that holds one of the `hints`."""

    def read(run: Run) -> Iterator[Found]:
        for line in run:
            if line.changed and any(hint in line.text for hint in hints):
                for name in names_in(line.text):
                    yield Found(name, name, line.number)

    return RunReader(hints, read)


def _matching(pattern: re.Pattern[str]) -> Callable[[str], Iterator[str]]:
    """The names an `_any_of` pattern captures on a line."""
    return lambda text: (match[match.lastindex or 0] for match in pattern.finditer(text))


def _python_names(text: str) -> Iterator[str]:
    yield from _matching(_PYTHON)(text)
    for call in _CALL_WITH_UPPER_NAME.finditer(text):
        if _ENV_HELPER_NAME.search(call[1]) and not _ENV_TYPE.match(call[1]):
            yield call[2]


def _shell_names(text: str) -> Iterator[str]:
    """Exported variables, and read ones that look like environment variables rather than locals."""
    code = text.split(" #", 1)[0]
    if code.lstrip().startswith("#"):
        return
    if export := _SHELL_EXPORT.match(code):
        yield export[1]
    for match in _SHELL_READ.finditer(code):
        if "_" in match[1] or match[1] in _WELL_KNOWN:
            yield match[1]


def _read_dockerfile(run: Run) -> Iterator[Found]:
    """`ENV A=1 B=2`, `ENV A 1`, their `\\`-continued lines, and `ARG A`."""
    continues_env = False
    for line in run:
        env = _DOCKER_ENV.match(line.text)
        if line.changed:
            for name in _dockerfile_names(line.text, env, continues_env):
                yield Found(name, name, line.number)
        continues_env = (env is not None or continues_env) and line.text.rstrip().endswith("\\")


def _dockerfile_names(text: str, env: re.Match[str] | None, continues_env: bool) -> Iterator[str]:
    if env:
        pairs = _DOCKER_PAIR.findall(env[1])
        legacy = _DOCKER_LEGACY_ENV.match(env[1])
        yield from pairs or ([legacy[1]] if legacy else [])
    elif continues_env:
        yield from _DOCKER_PAIR.findall(text)
    elif arg := _DOCKER_ARG.match(text):
        yield arg[1]


_SHELL = _line_reader(("$", "export"), _shell_names)
_READERS_BY_EXTENSION = {
    "py": _line_reader(("env", "Env"), _python_names),
    "go": _line_reader(("Getenv", "LookupEnv"), _matching(_GO)),
    "rs": _line_reader(("env",), _matching(_RUST)),
    **dict.fromkeys(("sh", "bash", "zsh"), _SHELL),
}
_DOCKERFILE = RunReader(("ENV", "ARG", "env", "arg"), _read_dockerfile)
