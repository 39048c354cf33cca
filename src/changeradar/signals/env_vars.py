"""Environment variables a commit starts or stops reading (or setting), found in code, scripts and images.

Only the product's own interface counts: documentation that lists variables, tests and generated files do
not, nor test, CI, benchmark and dev scripts, nor a shell script's own variables (those it assigns), nor
the system's (`PATH`, `HOME`, `CC`, `BASH_SOURCE`, …), a distributed runtime's (`LOCAL_RANK`,
`CUDA_VISIBLE_DEVICES`, …) or BuildKit's (`TARGETARCH`, …) wherever they are read. A variable is added
when a changed line of a file names it only on the new side, removed when only on the old side. A
registry's entry is named as users set it: with the prefix the registry puts before it at run time.

A variable read deep inside the code (not in a settings module, an entry point, a clap option or a
launcher script) or set by a Dockerfile's `ENV`, and named neither by the commit's message nor by the docs
it changes, is a tuning knob more often than the product's interface: it carries the trait
`EnvTrait.INTERNAL`, which scores lower. A Dockerfile's `ARG` is a build argument, no variable at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from enum import StrEnum
from pathlib import PurePosixPath

from changeradar.file_kinds import file_kind, generated_kind, is_doc_path, is_test_path, matches_any
from changeradar.model import Commit, FileChange, Signal, SignalKind
from changeradar.signals import go_settings, rust_clap
from changeradar.signals.context import BlobSource, SignalContext
from changeradar.signals.dependencies import (
    Found,
    Run,
    RunReader,
    Side,
    compare_found,
    hunk_runs,
    named_on_one_side_only,
    read_sides,
    side_text,
)
from changeradar.signals.syntax_tree import file_sides

_UPPER_NAME = r"[A-Z][A-Z0-9_]*"
_ANY_NAME = r"[A-Za-z_][A-Za-z0-9_]*"


def _any_of(*patterns: str) -> re.Pattern[str]:
    """One pattern matching any of `patterns`, each of which captures the variable's name in one group."""
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


# Registries: SGLANG_FOO = EnvBool(False), SGLANG_BAR: EnvInt = EnvInt(…), a line's statement; an entry
# has its default, the registry made without one (`ENV = EnvClassSingleton()`) is no variable.
_REGISTRY_ENTRY = r"\s*({name})\s*(?::[^=]+)?=\s*Env[A-Z]\w*\((?!\s*\))"
_PYTHON = _any_of(
    # os.environ["X"], os.environ.get("X"), environ.setdefault("X", …), os.environ.pop("X")
    rf"""\benviron(?:\.(?:get|setdefault|pop))?\s*[\[(]\s*["']({_ANY_NAME})["']""",
    rf"""["']({_ANY_NAME})["']\s+(?:not\s+)?in\s+(?:os\.)?environ\b""",
    rf"""\bgetenv\s*\(\s*["']({_ANY_NAME})["']""",
    "^" + _REGISTRY_ENTRY.format(name=_UPPER_NAME),
)
# A registry that names its entries at run time, a prefix before the attribute's name: a module constant
# such as `MINISGL_ENV_PREFIX = "MINISGL_"`, used as `f"{MINISGL_ENV_PREFIX}{attr_name}"` or `PREFIX + name`.
_REGISTRY_PREFIX = re.compile(
    r"""^(\w*ENV\w*PREFIX\w*)\s*(?::\s*\w+\s*)?=\s*["']([A-Z][A-Z0-9]*_)["']""", re.MULTILINE
)
# Helpers named for env as a word, called with an UPPER_SNAKE literal: get_bool_env_var("X"),
# env_with_choices("X", …), readEnv("X"); but not the registry's own types (EnvBool("OFF")).
_CALL_WITH_UPPER_NAME = re.compile(rf"""\b(\w+)\s*\(\s*["']({_UPPER_NAME})["']""")
_ENV_HELPER_NAME = re.compile(r"(?:^|_|(?i:get|set|read|load))[Ee]nv(?:_|[A-Z]|$)")
_ENV_TYPE = re.compile(r"Env[A-Z]")
_RUST = _any_of(
    r"""\b(?:env::var(?:_os)?|(?:option_)?env!)\(\s*"(\w+)"\s*\)""",
    # clap's builder: the one-argument `.env("X")` (not Command's two); its derive attributes are read
    # from the tree by rust_clap
    rf"""\.env\(\s*"({_UPPER_NAME})"\s*\)""",
)
# A changed line that may give a constant a variable's name (`EnvModel = "MODEL_NAME"`): a Go file that
# reads variables through constants changes what it reads there.
_GO_STRING_CONSTANT = re.compile(r'^[-+]\s*(?:const\s+)?\w+\s*=\s*["`][\w.-]+["`]\s*$', re.MULTILINE)

# The system's and the shell's own variables: read by every program, the interface of none.
_SYSTEM = frozenset(
    {
        *("PATH", "HOME", "USER", "LOGNAME", "PWD", "OLDPWD", "SHELL", "LANG", "LANGUAGE", "LC_ALL", "TERM"),
        *("TMPDIR", "TMP", "TEMP", "HOSTNAME", "EDITOR", "PAGER", "DISPLAY", "TZ", "IFS", "RANDOM"),
        *("SECONDS",),
        *("BASH_SOURCE", "BASH_REMATCH", "BASH_VERSION", "LINENO", "FUNCNAME", "OSTYPE", "PPID", "UID"),
        *("CC", "CXX", "CFLAGS", "CXXFLAGS", "CPPFLAGS", "LDFLAGS", "LD_LIBRARY_PATH", "LD_PRELOAD"),
        *("PYTHONPATH", "VIRTUAL_ENV", "CI", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "PYTHONUSERBASE"),
        *("DEBIAN_FRONTEND", "PKG_CONFIG_PATH", "CPATH", "LIBRARY_PATH"),
    }
)
_SYSTEM_PREFIXES = ("LC_", "XDG_")
# Set by a distributed launcher (torchrun, MPI, Slurm) or read by the accelerator's runtime: a program
# that reads them follows the runtime's interface, not its own.
_RUNTIME = frozenset(
    {
        *("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "NODE_RANK", "GROUP_RANK", "ROLE_RANK"),
        *("MASTER_ADDR", "MASTER_PORT", "OMP_NUM_THREADS"),
        *("CUDA_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES"),
        *("ZE_AFFINITY_MASK", "HABANA_VISIBLE_DEVICES", "ASCEND_RT_VISIBLE_DEVICES"),  # Intel, Gaudi, Ascend
        *("CUDA_HOME", "CUDA_PATH", "ROCM_HOME", "ROCM_PATH"),  # where the toolkit is, for every build
        # The platform arguments BuildKit gives every Dockerfile stage that declares them (`ARG TARGETOS`).
        *("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT"),
        *("BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT"),
    }
)
_RUNTIME_PREFIXES = ("SLURM_", "OMPI_", "PMI_")


class EnvTrait(StrEnum):
    INTERNAL = "internal"  # read only inside the code, where no user is told of it
    OPTION = "option"  # the fallback of a command-line option (clap's `env`), named in the option's help


# Where a product gathers the variables it offers users: settings modules and entry points, by file
# stem (`envs.py`, `tgi_env.py`, `main.rs`, `cli.py`, `launch_server.py`) or by folder (Go's `cmd/`, Rust's
# `src/bin/`).
_SETTINGS_STEMS = frozenset(
    {
        *("env", "envs", "environ", "environment", "settings", "config", "configs", "configuration"),
        *("cli", "main", "__main__", "launch", "launcher", "entrypoint", "entry_point"),
        *("args", "arguments", "server_args", "options", "flags"),
    }
)
_SETTINGS_STEM_PREFIXES = ("launch_",)
_SETTINGS_STEM_SUFFIXES = (
    "_env",
    "_envs",
    "_settings",
    "_config",
    "_cli",
    "_args",
    "_launcher",
    "_entrypoint",
)
_ENTRY_FOLDERS = frozenset({"cmd", "bin"})
_CODE_EXTENSIONS = frozenset({"py", "go", "rs"})
_SHELL_ASSIGNMENT = re.compile(
    rf"(?:^\s*|[;&|]\s*|\b(?:export|local|declare|readonly|typeset)\s+(?:-\w+\s+)*)({_ANY_NAME})=(.*)"
)
_SHELL_LOOP_OR_READ = re.compile(rf"\b(?:for|read(?:\s+-\w+)*)\s+({_ANY_NAME})\b")
_SHELL_READ = re.compile(rf"\$\{{?({_UPPER_NAME})")

_DOCKER_ENV = re.compile(r"^\s*ENV\s+(.*)", re.IGNORECASE)
_DOCKER_PAIR = re.compile(rf"(?:^|\s)({_ANY_NAME})=")
_DOCKER_LEGACY_ENV = re.compile(rf"({_ANY_NAME})\s")  # the old form `ENV NAME value`
_DOCKERFILES = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile")


def extract(commit: Commit, context: SignalContext) -> Iterator[Signal]:
    """Environment variables named on added lines only (added) or removed lines only (removed)."""
    documented = _documented_text(commit)
    for file in commit.files:
        if file.binary or not _is_source(file.path):
            continue
        if file.path.rpartition(".")[2] in _SHELL_EXTENSIONS:
            if "$" not in file.patch or file_kind(file.path) != "core":
                continue  # a test, CI, benchmark or dev script's variables are its own business
            old, new = _shell_sides(file, context.blobs)
        elif (tree_sides := _TREE_SIDES.get(file.path.rpartition(".")[2])) is not None:
            old, new = tree_sides(file, context.blobs)
        elif (reader := _reader_for(file.path)) is not None and reader.may_find(file.patch):
            old, new = named_on_one_side_only(file, context.blobs, *read_sides(file, reader))
            if reader is _PYTHON_READER and _REGISTRY_CHANGE.search(file.patch):
                old = _as_users_set_them(old, file, Side.OLD, context.blobs)
                new = _as_users_set_them(new, file, Side.NEW, context.blobs)
        else:
            continue
        old, new = _product_variables(old), _product_variables(new)
        if _reads_internally(file.path):
            old, new = _mark_internal(old, documented), _mark_internal(new, documented)
        yield from compare_found(SignalKind.ENV_VAR, file, old, new)


def _is_source(path: str) -> bool:
    return not (is_doc_path(path) or is_test_path(path) or generated_kind(path))


def is_system_variable(name: str) -> bool:
    """Whether the variable belongs to the system, the shell or a distributed runtime rather than to any
    one program."""
    return name in _SYSTEM or name in _RUNTIME or name.startswith(_SYSTEM_PREFIXES + _RUNTIME_PREFIXES)


def _documented_text(commit: Commit) -> str:
    """The commit's message and changed docs (README, docs/): a variable they name is offered to users."""
    docs = (file.patch for file in commit.files if is_doc_path(file.path))
    return "\n".join((commit.subject, commit.body, *docs))


def _reads_internally(path: str) -> bool:
    """Where a variable is a tuning knob unless the docs or the message offer it: a code file that is
    neither a settings module nor an entry point (see `_SETTINGS_STEMS`), or a Dockerfile, whose `ENV`
    lines configure the image's own build and tools (`NVSHMEM_DIR`, `TRITON_PTXAS_PATH`) far more often
    than they offer a user anything; what the product reads is found where it reads it."""
    if matches_any(_DOCKERFILES, path):
        return True
    file = PurePosixPath(path)
    if file.suffix[1:] not in _CODE_EXTENSIONS:
        return False  # launcher scripts read what their users pass
    stem = file.stem.lower()
    return not (
        stem in _SETTINGS_STEMS
        or stem.startswith(_SETTINGS_STEM_PREFIXES)
        or stem.endswith(_SETTINGS_STEM_SUFFIXES)
        or _ENTRY_FOLDERS.intersection(file.parts[:-1])
    )


def _mark_internal(found: list[Found], documented: str) -> list[Found]:
    """Variables of an internal code file, marked internal unless the message or the changed docs name
    them or they are a CLI option's fallback (clap's `env`, shown in the option's help)."""
    return [
        item
        if EnvTrait.OPTION in item.traits or _names_as_word(documented, item.name)
        else replace(item, traits=(*item.traits, EnvTrait.INTERNAL))
        for item in found
    ]


def _names_as_word(text: str, name: str) -> bool:
    """Whether `text` names the variable as a word; the substring test first spares most texts the search."""
    return name in text and re.search(rf"\b{re.escape(name)}\b", text) is not None


def _product_variables(found: list[Found]) -> list[Found]:
    return [item for item in found if not is_system_variable(item.name)]


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


def _as_users_set_them(
    found: list[Found], file: FileChange, side: Side, blobs: BlobSource | None
) -> list[Found]:
    """A prefixing registry's entries with the prefix it puts before them at run time (see
    `_REGISTRY_PREFIX`): `SHELL_TOP_K = EnvInt(-1)` is `MINISGL_SHELL_TOP_K` to its users. The side's
    content is read for the prefix (it is seldom in the hunks), else the hunks themselves."""
    text = side_text(file, side, blobs)
    if text is None:
        text = "\n".join(line.text for run in hunk_runs(file, side) for line in run)
    prefix = _registry_prefix(text)
    if prefix is None:
        return found
    return [
        replace(item, key=prefix + item.name, name=prefix + item.name)
        if not item.name.startswith(prefix)
        and re.search("^" + _REGISTRY_ENTRY.format(name=re.escape(item.name)), text, re.MULTILINE)
        else item
        for item in found
    ]


def _registry_prefix(text: str) -> str | None:
    """The prefix a module's constant holds, when the module puts it before a name (`f"{PREFIX}{name}"`,
    `PREFIX + name`): a constant only declared is no evidence of how the names are made."""
    declared = _REGISTRY_PREFIX.search(text)
    if declared is None:
        return None
    constant = re.escape(declared[1])
    used = re.search(rf"\{{{constant}\}}|\b{constant}\s*\+", text)
    return declared[2] if used else None


def _python_names(text: str) -> Iterator[str]:
    yield from _matching(_PYTHON)(text)
    for call in _CALL_WITH_UPPER_NAME.finditer(text):
        if _ENV_HELPER_NAME.search(call[1]) and not _ENV_TYPE.match(call[1]):
            yield call[2]


def _shell_code(text: str) -> str:
    """The line without its comment ("" for a comment line)."""
    code = text.split(" #", 1)[0]
    return "" if code.lstrip().startswith("#") else code


def _shell_locals(lines: Iterable[str]) -> set[str]:
    """Names the script sets itself (`X=…`, `export X=…`, `local X`, `for X in`, `read X`), but not one
    whose every assignment reads its inherited value first (`X=${X:-8000}`): that one is configuration."""
    assigned: set[str] = set()
    for line in lines:
        code = _shell_code(line)
        for match in _SHELL_ASSIGNMENT.finditer(code):
            if not re.search(rf"\$\{{?{match[1]}\b", match[2]):
                assigned.add(match[1])
        assigned.update(_SHELL_LOOP_OR_READ.findall(code))
    return assigned


def _shell_sides(file: FileChange, blobs: BlobSource | None) -> tuple[list[Found], list[Found]]:
    """Variables a product script reads without setting them itself, on each side's changed lines;
    what the script sets is known from the whole side when it can be read, else from its hunks."""
    sides: list[list[Found]] = []
    for side in Side:
        runs = hunk_runs(file, side)
        content = side_text(file, side, blobs)
        lines = content.splitlines() if content is not None else (line.text for run in runs for line in run)
        local = _shell_locals(lines)
        sides.append(
            [
                Found(name, name, line.number)
                for run in runs
                for line in run
                if line.changed
                for name in _SHELL_READ.findall(_shell_code(line.text))
                if "_" in name and name not in local
            ]
        )
    return sides[0], sides[1]


def _read_dockerfile(run: Run) -> Iterator[Found]:
    """`ENV A=1 B=2`, `ENV A 1` and their `\\`-continued lines; not `ARG A`, a build argument (a pin such as
    `MORI_COMMIT`), which the image's processes never see unless an `ENV` passes it on."""
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


def _go_sides(file: FileChange, blobs: BlobSource | None) -> tuple[list[Found], list[Found]]:
    if any(hint in file.patch for hint in go_settings.ENV_HINTS) or _GO_STRING_CONSTANT.search(file.patch):
        return file_sides(file, blobs, "go", go_settings.env_declarations, go_settings.HUNK_WITHIN)
    return [], []


def _rust_sides(file: FileChange, blobs: BlobSource | None) -> tuple[list[Found], list[Found]]:
    """`env::var("X")` and its kin from the changed lines, clap's `env` attributes from the tree."""
    old, new = read_sides(file, _RUST_CALLS) if _RUST_CALLS.may_find(file.patch) else ([], [])
    if any(hint in file.patch for hint in rust_clap.HINTS):
        clap_old, clap_new = file_sides(
            file, blobs, "rust", rust_clap.env_declarations, rust_clap.HUNK_WITHIN
        )
        old, new = old + _as_options(clap_old), new + _as_options(clap_new)
    return old, new


def _as_options(found: list[Found]) -> list[Found]:
    return [replace(item, traits=(*item.traits, EnvTrait.OPTION)) for item in found]


_SHELL_EXTENSIONS = ("sh", "bash", "zsh")  # read by `_shell_sides`, which needs whole scripts
_TREE_SIDES = {"go": _go_sides, "rs": _rust_sides}
_RUST_CALLS = _line_reader(("env",), _matching(_RUST))
_PYTHON_READER = _line_reader(("env", "Env"), _python_names)
_REGISTRY_CHANGE = re.compile("^[-+]" + _REGISTRY_ENTRY.format(name=_UPPER_NAME), re.MULTILINE)
_READERS_BY_EXTENSION = {"py": _PYTHON_READER}
_DOCKERFILE = RunReader(("ENV", "env"), _read_dockerfile)
