"""Dependency changes (package, old spec → new spec) in Python, Rust, Go and npm manifests.

A manifest line means something only in its place: `"torch==2.9"` is a dependency inside
`[project] dependencies`, not inside `[tool.ruff] select`. So each side of a manifest is read as runs of
lines that know their place: the whole file when both sides can be read, else each hunk. A hunk that
starts mid-file starts in an unknown place, where only entries that carry a version are trusted.

Each signal carries `traits` that say how much it matters (`DependencyTrait`): the step of a version
change, a go.mod `// indirect` or development-only requirement, a bot's bump, and the language floor
(`go`, `rust-version`, `requires-python`), which is a fact of its own, as is the path go.mod gives
the project's own module: renamed, every importer's imports break. go.mod's `toolchain` and
rust-toolchain.toml's `channel` are the compiler release the repository builds itself with, which a
project that requires it ignores: a development-only dependency. A requirement that moves between
manifests of one project (requirements.txt → pyproject.toml) is neither added nor removed.

The run and comparison helpers at the top are shared with the env_vars, cli_options and api extractors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import partial

from changeradar.file_kinds import file_kind, generated_kind, matches_any
from changeradar.hunks import SideLine
from changeradar.model import Commit, FileChange, FileStatus, Signal, SignalAction, SignalKind
from changeradar.signals.context import BlobSource, SignalContext
from changeradar.signals.dependency_versions import Ecosystem, Step, version_step
from changeradar.signals.diff import file_side_runs


class Side(StrEnum):
    """The file before the commit (its removed lines) or after it (its added lines)."""

    OLD = "old"
    NEW = "new"


Run = Sequence[SideLine]


def hunk_runs(file: FileChange, side: Side) -> tuple[Run, ...]:
    """Each hunk as one side sees it: its context lines and that side's changed lines, in file order.

    Read once per commit for all the extractors that ask (see `diff.file_side_runs`).
    """
    return file_side_runs(file, new_side=side is Side.NEW)


def whole_file_run(text: str, file: FileChange, side: Side) -> list[SideLine]:
    """Every line of one side's content, marked changed where the patch changes it."""
    changed = {line.number for run in hunk_runs(file, side) for line in run if line.changed}
    return [SideLine(number, line, number in changed) for number, line in enumerate(text.splitlines(), 1)]


def starts_at_top(run: Run) -> bool:
    """Whether the run begins at the first line of the file, so that nothing above it is unknown."""
    return bool(run) and run[0].number == 1


@dataclass(frozen=True, slots=True)
class Found:
    """One fact seen on a changed line. `key` pairs it with the same fact on the other side of the diff;
    `value` is what must differ for a change (None: not comparable); `detail` is shown when added/removed.
    """

    key: Hashable
    name: str
    line: int
    detail: str = ""
    value: str | None = None
    traits: tuple[str, ...] = ()


Reader = Callable[[Run], Iterator[Found]]


@dataclass(frozen=True, slots=True)
class RunReader:
    """Reads the facts of one kind of file. A patch without any of the `hints` words holds none: a
    substring test that spares most files the line-by-line reading."""

    hints: tuple[str, ...]
    read: Reader

    def may_find(self, patch: str) -> bool:
        return any(hint in patch for hint in self.hints)


def read_sides(file: FileChange, reader: RunReader) -> tuple[list[Found], list[Found]]:
    """What the reader finds in the hunks as the old side, then the new side, shows them."""
    old, new = ([found for run in hunk_runs(file, side) for found in reader.read(run)] for side in Side)
    return old, new


def compare_found(
    kind: SignalKind,
    file: FileChange,
    before: Iterable[Found],
    after: Iterable[Found],
    changed_detail: Callable[[str, str], str] = lambda old, new: f"{old} → {new}",
    changed_traits: Callable[[str, str], tuple[str, ...]] = lambda old, new: (),
) -> Iterator[Signal]:
    """Signals for facts only after (added), only before (removed), or on both sides with other values.

    A fact on both sides with the same value (a line moved or reformatted) is no signal. A signal takes
    the traits of the fact as last seen, and a change also those `changed_traits` gives its two values.
    """
    old = {found.key: found for found in before}
    new = {found.key: found for found in after}
    for key, found in new.items():
        previous = old.get(key)
        if previous is None:
            yield Signal(
                kind, found.name, SignalAction.ADDED, found.detail, file.path, found.line, found.traits
            )
        elif None not in (previous.value, found.value) and previous.value != found.value:
            values = previous.value or "", found.value or ""
            traits = found.traits + changed_traits(*values)
            yield Signal(
                kind, found.name, SignalAction.CHANGED, changed_detail(*values), file.path, found.line, traits
            )
    old_path = file.old_path or file.path
    for key, found in old.items():
        if key not in new:
            yield Signal(
                kind, found.name, SignalAction.REMOVED, found.detail, old_path, found.line, found.traits
            )


def side_text(file: FileChange, side: Side, blobs: BlobSource | None) -> str | None:
    """One side's content: "" when the file does not exist on that side, None when it cannot be read."""
    if file.status is (FileStatus.ADDED if side is Side.OLD else FileStatus.DELETED):
        return ""
    blob_id = file.old_blob if side is Side.OLD else file.new_blob
    content = blobs.read_blob(blob_id) if blobs is not None and blob_id else None
    return content.decode("utf-8", errors="replace") if content is not None else None


def readable_side(file: FileChange, side: Side, blobs: BlobSource | None) -> str | None:
    """One side's content as `side_text` reads it; a file that comes or goes is all in its patch, which
    stands in when its blob cannot be read."""
    text = side_text(file, side, blobs)
    if text is None and file.status is (FileStatus.ADDED if side is Side.NEW else FileStatus.DELETED):
        text = _from_patch(file, "+" if side is Side.NEW else "-")
    return text


def whole_sides(file: FileChange, blobs: BlobSource | None) -> tuple[str, str] | None:
    """Both sides' whole content ("" where the file does not exist); None when one cannot be had."""
    old, new = (readable_side(file, side, blobs) for side in Side)
    return (old, new) if old is not None and new is not None else None


def _from_patch(file: FileChange, sign: str) -> str | None:
    if file.patch_truncated:
        return None
    return "\n".join(line[1:] for line in file.patch.splitlines() if line.startswith(sign))


def named_on_one_side_only(
    file: FileChange, blobs: BlobSource | None, old: list[Found], new: list[Found]
) -> tuple[list[Found], list[Found]]:
    """The changed lines' names, less those the other side's whole file still names as a string: a read
    re-wrapped by a formatter (`environ.get(` on one line, the name on the next) shows on one side's
    changed lines only, yet the file read the variable before and still does."""
    return not_named_on(file, Side.NEW, blobs, old), not_named_on(file, Side.OLD, blobs, new)


def not_named_on(file: FileChange, side: Side, blobs: BlobSource | None, found: list[Found]) -> list[Found]:
    """`found` less what `side`'s whole file names as a string (`"NAME"` or `'NAME'`); that side is read
    only when there is something to look for."""
    if not found:
        return found
    text = side_text(file, side, blobs)
    return [item for item in found if not _quotes(text, item.name)]


def _quotes(text: str | None, name: str) -> bool:
    """Whether a side that could be read holds the name as a string (`"NAME"` or `'NAME'`)."""
    return text is not None and (f'"{name}"' in text or f"'{name}'" in text)


_QUOTED = re.compile(r""""([^"]*)"|'([^']*)'""")
_KEY_END = re.compile(r"\s*:")


def quoted_strings(text: str, keys: bool = True) -> list[str]:
    """The contents of the quoted strings on a line; without `keys`, not those followed by `:`."""
    return [
        match[1] if match[1] is not None else match[2]
        for match in _QUOTED.finditer(text)
        if keys or not _KEY_END.match(text, match.end())
    ]


def bracket_depth(text: str) -> int:
    """How many brackets of any kind the line leaves open (negative when it closes more), outside quotes."""
    bare = _QUOTED.sub("", text)
    opened = bare.count("[") + bare.count("(") + bare.count("{")  # no generator: asked of many lines
    return opened - bare.count("]") - bare.count(")") - bare.count("}")


# --- Dependencies ------------------------------------------------------------------------------------


class DependencyTrait(StrEnum):
    """What qualifies a dependency signal; a version change also carries its `Step` ("major"…)."""

    INDIRECT = "indirect"  # go.mod `// indirect`: needed by a dependency, not imported by the project
    DEVELOPMENT = "development"  # dev, test, docs or build requirements: not what users install
    FLOOR = "floor"  # the oldest language or toolchain the project supports
    MODULE = "module"  # the path the project's own code is imported by (go.mod `module`)
    BOT = "bot"  # the commit is a dependency bot's (dependabot, renovate) or reads like one


def renames_module(signal: Signal) -> bool:
    """Whether the fact is the project's own module path renamed: a break for every importer, not a
    dependency change."""
    return signal.kind is SignalKind.DEPENDENCY and DependencyTrait.MODULE.value in signal.traits


_BOT_AUTHOR = re.compile(r"dependabot|renovate", re.IGNORECASE)
_BOT_SUBJECT = re.compile(
    r"(?:\w+\(deps[\w-]*\)!?:\s*(?:bump|update)\b)|(?:bump\s+\S+.*\bfrom\s+\S+\s+to\s+\S+)"
    r"|(?:update\s+(?:dependency|module|rust crate)\s+\S+\s+to\s+\S+)",
    re.IGNORECASE,
)


def is_bot_bump(commit: Commit) -> bool:
    """Whether a dependency bot made the commit: by its author, or a subject in the bots' own words
    ("Bump x from 1.2.3 to 1.2.4", "chore(deps): update …", "Update module x to v1.3.0")."""
    return bool(_BOT_AUTHOR.search(f"{commit.author_name} {commit.author_email}")) or bool(
        _BOT_SUBJECT.match(commit.subject)
    )


def extract(commit: Commit, context: SignalContext) -> Iterator[Signal]:
    """Dependencies added, removed or re-specified in the commit's hand-written manifests."""
    by_project: dict[tuple[Ecosystem, str], list[Signal]] = {}
    for file in commit.files:
        manifest = _manifest_for(file.path)
        if manifest is None or file.binary or generated_kind(file.path):
            continue
        texts = (side_text(file, Side.OLD, context.blobs), side_text(file, Side.NEW, context.blobs))
        if any(_is_compiled_lock(text) for text in texts):
            continue
        old_runs, new_runs = _side_runs(file, *texts)
        path_traits = _path_traits(file.path)
        before, after = (
            [
                replace(found, traits=tuple(dict.fromkeys(found.traits + path_traits)))
                for run in runs
                for found in manifest.read(run)
            ]
            for runs in (old_runs, new_runs)
        )
        if file.status is not FileStatus.MODIFIED:  # a new or deleted project brings its floor along
            before, after = _without_own_settings(before), _without_own_settings(after)
        before, after = _without_lockstep(before, after, *(manifest.own_version(text) for text in texts))
        signals = compare_found(
            SignalKind.DEPENDENCY,
            file,
            before,
            after,
            _describe_change,
            partial(_step_traits, manifest.ecosystem),
        )
        by_project.setdefault((manifest.ecosystem, _project_root(file.path)), []).extend(signals)
    bot = (DependencyTrait.BOT.value,) if is_bot_bump(commit) else ()
    paired = [
        signal for (ecosystem, _), found in by_project.items() for signal in _pair_moves(ecosystem, found)
    ]
    for signal in _without_inherited_twins(paired):
        yield replace(signal, traits=signal.traits + bot) if bot else signal


def _without_lockstep(
    before: list[Found], after: list[Found], old_version: str | None, new_version: str | None
) -> tuple[list[Found], list[Found]]:
    """Without the packages that move from the project's own old version to its new one with it: a
    release's siblings (`git-cliff-linux-x64` `2.10.0-rc.0 → 2.10.0` beside `"version": "2.10.0"`) are
    the project's own packages, not a dependency anyone chose to change."""
    if old_version is None or new_version is None or old_version == new_version:
        return before, after
    moved = {found.name for found in before if _bare(found.value) == old_version}
    moved &= {found.name for found in after if _bare(found.value) == new_version}
    return [f for f in before if f.name not in moved], [f for f in after if f.name not in moved]


def _bare(spec: str | None) -> str | None:
    """A pinned spec without its operator (`=2.10.0`, `^2.10.0` → `2.10.0`)."""
    return spec.lstrip("=^~ ") if spec is not None else None


def _without_own_settings(found: list[Found]) -> list[Found]:
    """Without the project's floor and module path: what a project that comes or goes brings along."""
    return [item for item in found if not _OWN_SETTINGS.intersection(item.traits)]


def _step_traits(ecosystem: Ecosystem, old: str, new: str) -> tuple[str, ...]:
    step = version_step(ecosystem, old, new)
    return (step.value,) if step else ()


def _project_root(path: str) -> str:
    """The folder of the project a manifest belongs to: `requirements/` files belong to their parent's."""
    folder = path.rpartition("/")[0]
    return folder.removesuffix("requirements").rstrip("/") if folder.endswith("requirements") else folder


def _without_inherited_twins(signals: list[Signal]) -> list[Signal]:
    """Without a crate's `x = { workspace = true }` added or removed where the same commit adds or removes
    `x` in the workspace's own table: one dependency, told once, with its version."""
    versioned = {
        (s.name, s.action) for s in signals if s.detail != _WORKSPACE and s.action is not SignalAction.CHANGED
    }
    return [s for s in signals if s.detail != _WORKSPACE or (s.name, s.action) not in versioned]


def _pair_moves(ecosystem: Ecosystem, signals: list[Signal]) -> list[Signal]:
    """A requirement removed from one manifest and added to another of the same project is a move: no
    signal when its spec stayed, one change (at its new place) when it did not. A Go module whose path
    gained a major suffix (`x/v2`) moved to a new major version."""
    removed = {
        _module_family(ecosystem, signal.name): signal
        for signal in signals
        if signal.action is SignalAction.REMOVED
    }
    paired: set[int] = set()
    result = []
    for signal in signals:
        previous = removed.get(_module_family(ecosystem, signal.name))
        if signal.action is not SignalAction.ADDED or previous is None or id(previous) in paired:
            continue
        if previous.path == signal.path and previous.name == signal.name:
            continue  # compare_found pairs those within one file
        paired.add(id(previous))
        paired.add(id(signal))
        if previous.detail != signal.detail or previous.name != signal.name:
            detail = _describe_change(previous.detail, signal.detail)
            step = version_step(ecosystem, previous.detail, signal.detail)
            if previous.name != signal.name:  # only a Go major suffix tells family members apart
                step = Step.MAJOR
            traits = signal.traits + ((step.value,) if step else ())
            result.append(replace(signal, action=SignalAction.CHANGED, detail=detail, traits=traits))
    return [signal for signal in signals if id(signal) not in paired] + result


_GO_MAJOR_SUFFIX = re.compile(r"/v\d+$")


def _module_family(ecosystem: Ecosystem, name: str) -> str:
    return _GO_MAJOR_SUFFIX.sub("", name) if ecosystem is Ecosystem.GO else name


def _is_compiled_lock(text: str | None) -> bool:
    """Whether a requirements file's header says a resolver wrote it (`uv pip compile`, `pip-compile`):
    a lock file by another name, whose every transitive pin moves with one real change."""
    return text is not None and bool(_COMPILED_HEADER.search("\n".join(text.split("\n", 3)[:3])))


_COMPILED_HEADER = re.compile(r"^#.*\bautogenerated by\b", re.IGNORECASE | re.MULTILINE)


def _side_runs(
    file: FileChange, old_text: str | None, new_text: str | None
) -> tuple[Sequence[Run], Sequence[Run]]:
    """Whole files when both sides can be read (so that both are read alike), else hunks."""
    if old_text is None or new_text is None:
        return hunk_runs(file, Side.OLD), hunk_runs(file, Side.NEW)
    return [whole_file_run(old_text, file, Side.OLD)], [whole_file_run(new_text, file, Side.NEW)]


def _describe_change(old: str, new: str) -> str:
    """ "4.57.1 → 4.58.0" between two exact pins, else both specs ("==1.2 → >=1.3"); an environment
    marker (`; python_version >= "3.9"`) both sides share is left out."""
    (old_version, old_marker), (new_version, new_marker) = old.partition(";")[::2], new.partition(";")[::2]
    if old_marker == new_marker:
        old, new = old_version.strip(), new_version.strip()
    old_pin, new_pin = _EXACT_PIN.fullmatch(old), _EXACT_PIN.fullmatch(new)
    if old_pin and new_pin:
        return f"{old_pin[1]} → {new_pin[1]}"
    return f"{old or 'unpinned'} → {new or 'unpinned'}"


_EXACT_PIN = re.compile(r"===?([^,;\s]+)")


# --- Python requirements (PEP 508) -------------------------------------------------------------------

_REQUIREMENT = re.compile(
    r"(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?P<extras>\[[^\]]*\])?\s*"
    r"(?P<version>(?:===?|[<>!~]=|[<>]|@)[^;]*|\([^)]*\))?\s*(?P<marker>;.*)?"
)
_LIST_ITEM = re.compile(r"""\s*["']""")


def _python_requirement(
    text: str, line: SideLine, trusted: bool, traits: tuple[str, ...] = ()
) -> Found | None:
    """The requirement `text` states; in a place not known to hold requirements, only a versioned one."""
    match = _REQUIREMENT.fullmatch(text.strip())
    if match is None or not (trusted or match["version"]):
        return None
    name = re.sub(r"[-_.]+", "-", match["name"]).lower()  # PEP 503
    extras = re.sub(r"\s+", "", match["extras"] or "").lower()
    version = re.sub(r"\s+", "", match["version"] or "")
    marker = "; " + " ".join(match["marker"][1:].split()) if match["marker"] else ""
    # A marker (`; python_version >= "3.9" and platform_machine == "x86_64"`) can change what is installed,
    # so it is part of the value compared, but it is no part of what a requirement added or removed is
    # called: thirteen CUDA wheels removed read as their names and versions.
    return Found(
        (name, extras),
        name,
        line.number,
        detail=extras + version,
        value=extras + version + marker,
        traits=traits,
    )


def _quoted_requirements(line: SideLine, trusted: bool, traits: tuple[str, ...] = ()) -> Iterator[Found]:
    """Requirements quoted on a list line; untrusted lines must look like list items themselves."""
    if not trusted and not _LIST_ITEM.match(line.text):
        return
    for text in quoted_strings(_without_comment(line.text), keys=False):
        found = _python_requirement(text, line, trusted, traits)
        if found:
            yield found


# Groups, extras and files whose names say they are for development, not for users' installs.
_DEVELOPMENT_NAME = re.compile(
    r"(?:^|[^a-z])(?:dev|develop|development|test|tests|testing|doc|docs|lint|ci|typing|build|bench)"
    r"(?:[^a-z]|$)",
    re.IGNORECASE,
)
_DEVELOPMENT = (DependencyTrait.DEVELOPMENT.value,)


def _development_if(is_development: bool) -> tuple[str, ...]:
    return _DEVELOPMENT if is_development else ()


def _floor(name: str, line: SideLine, spec: str) -> Found:
    """The oldest language or toolchain version the project supports, as `name` (`go`, `rust-version`)."""
    return Found(("floor", name), name, line.number, detail=spec, value=spec, traits=_FLOOR)


def _toolchain(line: SideLine, spec: str) -> Found:
    """The compiler release the repository builds itself with (go.mod's `toolchain`, rust-toolchain.toml's
    `channel`): a development-only dependency, which a project that requires this one ignores."""
    return Found("toolchain", "toolchain", line.number, detail=spec, value=spec, traits=_DEVELOPMENT)


_FLOOR = (DependencyTrait.FLOOR.value,)
_OWN_SETTINGS = frozenset((DependencyTrait.FLOOR.value, DependencyTrait.MODULE.value))


def _without_comment(text: str) -> str:
    """`text` up to its first `#` outside quotes."""
    before_comment = _BEFORE_COMMENT.match(text)
    assert before_comment is not None, "the pattern matches any text, if only with an empty match"
    return before_comment[0]


_BEFORE_COMMENT = re.compile(r"""(?:[^#"']|"[^"]*"|'[^']*'|["'])*""")


def _read_requirements_txt(run: Run) -> Iterator[Found]:
    for line in run:
        text = _REQUIREMENTS_COMMENT.sub("", line.text).rstrip(" \\")
        if line.changed and text.strip() and not text.lstrip().startswith("-"):  # skip -r, -e, --hash …
            found = _python_requirement(text, line, trusted=True)
            if found:
                yield found


_REQUIREMENTS_COMMENT = re.compile(r"(^|\s)#.*")  # pip's rule: `#` after a space; `url#egg=x` is no comment
_SETUP_KEYWORDS = ("install_requires", "setup_requires", "tests_require", "extras_require")
_SETUP_DEVELOPMENT_KEYWORDS = ("setup_requires", "tests_require")
_SETUP_ARGUMENT = re.compile(r"\b(" + "|".join(_SETUP_KEYWORDS) + r")\s*=")
_PYTHON_REQUIRES = re.compile(r"""\bpython_requires\s*[=:]\s*["']?([^"',]+)""")
REQUIRES_PYTHON = "requires-python"


def _read_setup_py(run: Run) -> Iterator[Found]:
    """Quoted requirements inside `install_requires=[…]` and its kin; elsewhere only versioned ones."""
    depth = 0  # brackets left open since a requirements keyword: inside its list while positive
    keyword = ""
    for line in run:
        opening = _SETUP_ARGUMENT.search(line.text)
        keyword = opening[1] if opening else keyword
        if line.changed:
            traits = _development_if(keyword in _SETUP_DEVELOPMENT_KEYWORDS)
            yield from _quoted_requirements(line, opening is not None or depth > 0, traits)
            if floor := _PYTHON_REQUIRES.search(line.text):
                yield _floor(REQUIRES_PYTHON, line, floor[1].strip())
        if opening or depth > 0:
            depth = max((0 if opening else depth) + bracket_depth(line.text), 0)


_CFG_HEADER = re.compile(r"\[([^\]]+)\]")
_CFG_KEY = re.compile(r"([\w.-]+)\s*[=:]\s*(.*)")


def _read_setup_cfg(run: Run) -> Iterator[Found]:
    """`install_requires =` and `[options.extras_require]` values, one requirement a line."""
    section = key = ""
    for line in run:
        text = re.sub(r"^\s*[#;].*", "", line.text).rstrip()
        if header := _CFG_HEADER.fullmatch(text):
            section, key = header[1].strip(), ""
            continue
        entry = None if text[:1].isspace() else _CFG_KEY.fullmatch(text)
        if entry:
            key, text = entry[1], entry[2]
        if line.changed and key == "python_requires" and entry:
            yield _floor(REQUIRES_PYTHON, line, text.strip())
        elif line.changed and text.strip():
            extra = section == "options.extras_require"
            trusted = extra or key in _SETUP_KEYWORDS
            development = key in _SETUP_DEVELOPMENT_KEYWORDS or (extra and _DEVELOPMENT_NAME.search(key))
            found = _python_requirement(text, line, trusted, _development_if(bool(development)))
            if found:
                yield found


# --- TOML: pyproject.toml (PEP 621, PEP 735, Poetry) and Cargo.toml ------------------------------------

_TOML_HEADER = re.compile(r"\[\[?\s*([^\]]+?)\s*\]\]?")
_TOML_ARRAY_OPEN = re.compile(r"""["']?([\w.-]+)["']?\s*=\s*\[""")
_TOML_ENTRY = re.compile(r"""["']?([A-Za-z0-9][\w.-]*?)["']?(\.workspace)?\s*=\s*(.+)""")
_INLINE_FIELD = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(true|false))""")
_POETRY_TABLE = re.compile(r"tool\.poetry\.(?:group\.[\w-]+\.)?(?:dev-)?dependencies")
_CARGO_TABLE = re.compile(r"(?:.+\.)?(?:dev-|build-)?dependencies")


def _toml_places(run: Run) -> Iterator[tuple[SideLine, str | None, str]]:
    """Each changed line with its table (None until a header shows it) and the key of the array it is
    inside ("" when none)."""
    table: str | None = "" if starts_at_top(run) else None
    array = ""
    for line in run:
        text = _without_comment(line.text).strip()
        if header := _TOML_HEADER.fullmatch(text):
            table, array = re.sub(r"""["'\s]""", "", header[1]), ""
            continue
        opening = _TOML_ARRAY_OPEN.match(text)
        if line.changed:
            yield line, table, opening[1] if opening else array
        depth = bracket_depth(text)
        if opening:
            array = opening[1] if depth > 0 else ""
        elif depth < 0:
            array = ""


def _read_pyproject(run: Run) -> Iterator[Found]:
    for line, table, array in _toml_places(run):
        if table is not None and not array and _POETRY_TABLE.fullmatch(table):
            found = _toml_entry(line, trusted=True)
            if found and found.name == "python":  # Poetry's `python` is the interpreter's range
                yield _floor(REQUIRES_PYTHON, line, found.detail)
            elif found:
                yield replace(found, traits=_development_if(bool(_DEVELOPMENT_NAME.search(table))))
        elif (
            table == "project"
            and not array
            and (floor := _REQUIRES_PYTHON_ENTRY.fullmatch(line.text.strip()))
        ):
            yield _floor(REQUIRES_PYTHON, line, floor[1])
        else:
            development = table in ("dependency-groups", "build-system") or (
                table == "project.optional-dependencies" and _DEVELOPMENT_NAME.search(array)
            )
            yield from _quoted_requirements(
                line, _in_requirement_list(table, array), _development_if(bool(development))
            )


_REQUIRES_PYTHON_ENTRY = re.compile(r"""requires-python\s*=\s*["']([^"']*)["'].*""")


def _in_requirement_list(table: str | None, array: str) -> bool:
    if table in ("project.optional-dependencies", "dependency-groups"):
        return bool(array)
    return (table, array) in (("project", "dependencies"), ("build-system", "requires")) or (
        table is None and array in ("dependencies", "requires")
    )


def _read_cargo(run: Run) -> Iterator[Found]:
    for line, table, array in _toml_places(run):
        if not array and table in ("package", "workspace.package"):
            if floor := _RUST_VERSION_ENTRY.fullmatch(line.text.strip()):
                yield _floor("rust-version", line, floor[1])
        elif not array and (table is None or _CARGO_TABLE.fullmatch(table)):
            found = _toml_entry(line, trusted=table is not None)
            if found:
                development = table is not None and re.search(r"(?:^|\.)(?:dev|build)-", table) is not None
                yield replace(found, traits=_development_if(development))


_RUST_VERSION_ENTRY = re.compile(r"""rust-version\s*=\s*["']([^"']*)["'].*""")


def _read_rust_toolchain(run: Run) -> Iterator[Found]:
    """`channel` of `[toolchain]` in rust-toolchain.toml, or the legacy `rust-toolchain` file's one line."""
    for line, table, _ in _toml_places(run):
        text = _without_comment(line.text).strip()
        channel = _CHANNEL_ENTRY.fullmatch(text) if table == "toolchain" else None
        if channel is None and not table:
            channel = _BARE_CHANNEL.fullmatch(text)
        if channel:
            yield _toolchain(line, channel[1])


_CHANNEL_ENTRY = re.compile(r"""channel\s*=\s*["']([^"']+)["']""")
_BARE_CHANNEL = re.compile(r"([\w.-]+)")


def _toml_entry(line: SideLine, trusted: bool) -> Found | None:
    """`name = "1.0"`, `name = { version = "1.0", … }`, `name.workspace = true`; untrusted: tables only."""
    match = _TOML_ENTRY.fullmatch(_without_comment(line.text).strip())
    if match is None:
        return None
    name, workspace, value = match[1], match[2], match[3].strip()
    if workspace and trusted:  # untrusted, it may be `[package]`'s `version.workspace = true`
        spec = _WORKSPACE
    elif value.startswith("{"):
        fields = {field[1]: field[2] or field[3] or field[4] for field in _INLINE_FIELD.finditer(value)}
        if not trusted and "version" not in fields:
            return None
        inline = _inline_table_spec(fields)
        if inline is None:
            return None
        spec = inline
    elif trusted and _QUOTED.fullmatch(value):
        spec = value[1:-1]
    else:
        return None
    return Found(name, name, line.number, detail=spec, value=spec)


_WORKSPACE = "workspace"  # the spec of a crate's dependency that takes the workspace's


def _inline_table_spec(fields: dict[str, str]) -> str | None:
    """The version, the workspace's, or the git source; None for a crate found by its path alone, which
    is the project's own code, not a dependency."""
    if "version" in fields:
        return fields["version"]
    if fields.get("workspace") == "true":
        return _WORKSPACE
    if "path" in fields:
        return None
    return f"git {fields['git']}" if "git" in fields else ""


# --- go.mod and package.json ----------------------------------------------------------------------------

_GO_BLOCK = re.compile(r"(require|replace|exclude|retract|tool|godebug)\s*\(")
_GO_REQUIREMENT = re.compile(r"(?:require\s+)?([\w.~-]+(?:/[\w.~-]+)*)\s+(v[\w.+-]+)")
_GO_FLOOR = re.compile(r"(go|toolchain)\s+(?:go)?(\d[\w.+-]*)")
_GO_MODULE = re.compile(r"module\s+(\S+)")
_INDIRECT = (DependencyTrait.INDIRECT.value,)
_MODULE = (DependencyTrait.MODULE.value,)


def _read_go_mod(run: Run) -> Iterator[Found]:
    """`require x v1.2.3` and the lines of `require ( … )`; in an unknown block, lines of that shape;
    the `go` floor, the `toolchain` and the `module` path outside blocks."""
    block: str | None = "" if starts_at_top(run) else None
    for line in run:
        text, _, comment = (part.strip() for part in line.text.partition("//"))
        if line.changed and block != "require" and (floor := _GO_FLOOR.fullmatch(text)):
            yield _toolchain(line, floor[2]) if floor[1] == "toolchain" else _floor(floor[1], line, floor[2])
            continue
        if line.changed and block != "require" and (module := _GO_MODULE.fullmatch(text)):
            yield Found(("module",), "module", line.number, detail=module[1], value=module[1], traits=_MODULE)
            continue
        if opening := _GO_BLOCK.fullmatch(text):
            block = opening[1]
            continue
        if text == ")":
            block = ""
            continue
        match = _GO_REQUIREMENT.fullmatch(text)
        in_requires = text.startswith("require") or block in ("require", None)
        if line.changed and match and in_requires:
            traits = _INDIRECT if comment.startswith("indirect") else ()
            yield Found(match[1], match[1], line.number, detail=match[2], value=match[2], traits=traits)


_NPM_SECTIONS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
_JSON_OBJECT_OPEN = re.compile(r'"([^"]+)"\s*:\s*\{')
_JSON_STRING_ENTRY = re.compile(r'"([^"]+)"\s*:\s*"([^"]*)",?')
_NPM_RANGE = re.compile(r"[\^~<>=]|npm:")
_NPM_OWN_PACKAGE = ("workspace:", "file:", "link:")
_NOT_PACKAGES = ("node", "npm", "pnpm", "yarn", "vscode")  # `engines` ranges look like dependencies


def _read_package_json(run: Run) -> Iterator[Found]:
    """Entries of the dependency objects; a hunk inside an unknown object trusts only version ranges."""
    objects: list[str | None] = [] if starts_at_top(run) else [None]  # open objects' keys; None: unknown
    for line in run:
        text = line.text.strip()
        entry = _JSON_STRING_ENTRY.fullmatch(text)
        section = objects[-1] if objects else ""
        if line.changed and entry and _is_npm_dependency(section, entry[1], entry[2]):
            traits = _development_if(section == "devDependencies")
            yield Found(entry[1], entry[1], line.number, detail=entry[2], value=entry[2], traits=traits)
        if opening := _JSON_OBJECT_OPEN.match(text):
            if bracket_depth(text) > 0:
                objects.append(opening[1])
        elif text.startswith("{"):
            objects.append("")
        elif text.startswith("}") and objects and objects[-1] is not None:
            objects.pop()


def _is_npm_dependency(section: str | None, name: str, spec: str) -> bool:
    if spec.startswith(_NPM_OWN_PACKAGE):
        return False  # a package of the project's own monorepo, not one anybody installs
    if section is None:
        return name not in _NOT_PACKAGES and _NPM_RANGE.match(spec) is not None
    return section in _NPM_SECTIONS


@dataclass(frozen=True, slots=True)
class Manifest:
    """A kind of manifest: the paths it has, how to read a run of it, and whose versions it names."""

    patterns: tuple[str, ...]
    read: Reader
    ecosystem: Ecosystem
    version_line: re.Pattern[str] | None = None  # the project's own version, its first match

    def own_version(self, text: str | None) -> str | None:
        """The version the manifest gives its own package, when it says."""
        found = self.version_line.search(text) if self.version_line is not None and text else None
        return found[1] if found else None


_TOML_VERSION = re.compile(r'^version\s*=\s*"([^"]+)"', re.MULTILINE)  # [package], [project]
_JSON_VERSION = re.compile(r'^\s*"version"\s*:\s*"([^"]+)"', re.MULTILINE)


_REQUIREMENTS_FILES = ("requirements*.txt", "requirements*.in", "constraints*.txt", "**/requirements/*.txt")
_MANIFESTS = (
    Manifest(("pyproject*.toml",), _read_pyproject, Ecosystem.PYTHON, _TOML_VERSION),
    Manifest(("Cargo.toml",), _read_cargo, Ecosystem.CARGO, _TOML_VERSION),
    Manifest(("go.mod",), _read_go_mod, Ecosystem.GO),
    Manifest(("rust-toolchain.toml", "rust-toolchain"), _read_rust_toolchain, Ecosystem.CARGO),
    Manifest(("package.json",), _read_package_json, Ecosystem.NPM, _JSON_VERSION),
    Manifest(("setup.py",), _read_setup_py, Ecosystem.PYTHON),
    Manifest(("setup.cfg",), _read_setup_cfg, Ecosystem.PYTHON),
    Manifest(_REQUIREMENTS_FILES, _read_requirements_txt, Ecosystem.PYTHON),
)


def _manifest_for(path: str) -> Manifest | None:
    return next((manifest for manifest in _MANIFESTS if matches_any(manifest.patterns, path)), None)


def _path_traits(path: str) -> tuple[str, ...]:
    """Development for a requirements file named for it (`requirements-dev.txt`, `requirements/test.txt`)
    or kept with tests, docs, CI or tooling (`benchmark/requirements.txt`)."""
    name = path.rpartition("/")[2]
    requirements = matches_any(_REQUIREMENTS_FILES, path) and _DEVELOPMENT_NAME.search(
        name.removeprefix("requirements")
    )
    return _development_if(bool(requirements) or file_kind(path) != "core")
