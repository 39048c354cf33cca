"""Dependency changes (package, old spec → new spec) in Python, Rust, Go and npm manifests.

A manifest line means something only in its place: `"torch==2.9"` is a dependency inside
`[project] dependencies`, not inside `[tool.ruff] select`. So each side of a manifest is read as runs of
lines that know their place: the whole file when both sides can be read, else each hunk. A hunk that
starts mid-file starts in an unknown place, where only entries that carry a version are trusted.

The run and comparison helpers at the top are shared with the env_vars, cli_options and api extractors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from changeradar.model import Commit, FileChange, FileStatus, Signal, SignalAction, SignalKind
from changeradar.signals import BlobSource, SignalContext
from changeradar.signals.diff import diff_lines
from changeradar.signals.paths import generated_kind, matches_any


class Side(StrEnum):
    """The file before the commit (its removed lines) or after it (its added lines)."""

    OLD = "old"
    NEW = "new"


@dataclass(frozen=True, slots=True)
class SideLine:
    """A line as one side of the diff shows it; `changed` when it is an added (new) or removed (old) line."""

    number: int
    text: str
    changed: bool


Run = Sequence[SideLine]


def hunk_runs(file: FileChange, side: Side) -> list[list[SideLine]]:
    """Each hunk as one side sees it: its context lines and that side's changed lines, in file order."""
    skipped_sign = "-" if side is Side.NEW else "+"
    runs: list[list[SideLine]] = []
    for line in diff_lines(file):
        if line.sign == skipped_sign:
            continue
        number = line.new_line if side is Side.NEW else line.old_line
        if not runs or number != runs[-1][-1].number + 1:
            runs.append([])
        runs[-1].append(SideLine(number, line.text, line.sign != " "))
    return runs


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
) -> Iterator[Signal]:
    """Signals for facts only after (added), only before (removed), or on both sides with other values.

    A fact on both sides with the same value (a line moved or reformatted) is no signal.
    """
    old = {found.key: found for found in before}
    new = {found.key: found for found in after}
    for key, found in new.items():
        previous = old.get(key)
        if previous is None:
            yield Signal(kind, found.name, SignalAction.ADDED, found.detail, file.path, found.line)
        elif None not in (previous.value, found.value) and previous.value != found.value:
            detail = changed_detail(previous.value or "", found.value or "")
            yield Signal(kind, found.name, SignalAction.CHANGED, detail, file.path, found.line)
    old_path = file.old_path or file.path
    for key, found in old.items():
        if key not in new:
            yield Signal(kind, found.name, SignalAction.REMOVED, found.detail, old_path, found.line)


def side_text(file: FileChange, side: Side, blobs: BlobSource | None) -> str | None:
    """One side's content: "" when the file does not exist on that side, None when it cannot be read."""
    if file.status is (FileStatus.ADDED if side is Side.OLD else FileStatus.DELETED):
        return ""
    blob_id = file.old_blob if side is Side.OLD else file.new_blob
    content = blobs.read_blob(blob_id) if blobs is not None and blob_id else None
    return content.decode("utf-8", errors="replace") if content is not None else None


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
    return sum(bare.count(char) for char in "[({") - sum(bare.count(char) for char in "])}")


# --- Dependencies ------------------------------------------------------------------------------------


def extract(commit: Commit, context: SignalContext) -> Iterator[Signal]:
    """Dependencies added, removed or re-specified in the commit's hand-written manifests."""
    for file in commit.files:
        reader = _reader_for(file.path)
        if reader is None or file.binary or generated_kind(file.path):
            continue
        old_runs, new_runs = _side_runs(file, context.blobs)
        before = [found for run in old_runs for found in reader(run)]
        after = [found for run in new_runs for found in reader(run)]
        yield from compare_found(SignalKind.DEPENDENCY, file, before, after, _describe_change)


def _side_runs(file: FileChange, blobs: BlobSource | None) -> tuple[list[Run], list[Run]]:
    """Whole files when both sides can be read (so that both are read alike), else hunks."""
    old_text, new_text = (side_text(file, side, blobs) for side in Side)
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


def _python_requirement(text: str, line: SideLine, trusted: bool) -> Found | None:
    """The requirement `text` states; in a place not known to hold requirements, only a versioned one."""
    match = _REQUIREMENT.fullmatch(text.strip())
    if match is None or not (trusted or match["version"]):
        return None
    name = re.sub(r"[-_.]+", "-", match["name"]).lower()  # PEP 503
    extras = re.sub(r"\s+", "", match["extras"] or "").lower()
    version = re.sub(r"\s+", "", match["version"] or "")
    marker = "; " + " ".join(match["marker"][1:].split()) if match["marker"] else ""
    spec = extras + version + marker
    return Found((name, extras), name, line.number, detail=spec, value=spec)


def _quoted_requirements(line: SideLine, trusted: bool) -> Iterator[Found]:
    """Requirements quoted on a list line; untrusted lines must look like list items themselves."""
    if not trusted and not _LIST_ITEM.match(line.text):
        return
    for text in quoted_strings(_without_comment(line.text), keys=False):
        found = _python_requirement(text, line, trusted)
        if found:
            yield found


def _without_comment(text: str) -> str:
    """`text` up to its first `#` outside quotes."""
    return _BEFORE_COMMENT.match(text)[0]  # always matches, if only ""


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
_SETUP_ARGUMENT = re.compile(r"\b(?:" + "|".join(_SETUP_KEYWORDS) + r")\s*=")


def _read_setup_py(run: Run) -> Iterator[Found]:
    """Quoted requirements inside `install_requires=[…]` and its kin; elsewhere only versioned ones."""
    depth = 0  # brackets left open since a requirements keyword: inside its list while positive
    for line in run:
        opens = _SETUP_ARGUMENT.search(line.text) is not None
        if line.changed:
            yield from _quoted_requirements(line, trusted=opens or depth > 0)
        if opens or depth > 0:
            depth = max((0 if opens else depth) + bracket_depth(line.text), 0)


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
        if line.changed and text.strip():
            trusted = section == "options.extras_require" or key in _SETUP_KEYWORDS
            found = _python_requirement(text, line, trusted)
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
            if found and found.name != "python":  # Poetry's `python` is the interpreter's range
                yield found
        else:
            yield from _quoted_requirements(line, _in_requirement_list(table, array))


def _in_requirement_list(table: str | None, array: str) -> bool:
    if table in ("project.optional-dependencies", "dependency-groups"):
        return bool(array)
    return (table, array) in (("project", "dependencies"), ("build-system", "requires")) or (
        table is None and array in ("dependencies", "requires")
    )


def _read_cargo(run: Run) -> Iterator[Found]:
    for line, table, array in _toml_places(run):
        if not array and (table is None or _CARGO_TABLE.fullmatch(table)):
            found = _toml_entry(line, trusted=table is not None)
            if found:
                yield found


def _toml_entry(line: SideLine, trusted: bool) -> Found | None:
    """`name = "1.0"`, `name = { version = "1.0", … }`, `name.workspace = true`; untrusted: tables only."""
    match = _TOML_ENTRY.fullmatch(_without_comment(line.text).strip())
    if match is None:
        return None
    name, workspace, value = match[1], match[2], match[3].strip()
    if workspace and trusted:  # untrusted, it may be `[package]`'s `version.workspace = true`
        spec = "workspace"
    elif value.startswith("{"):
        fields = {field[1]: field[2] or field[3] or field[4] for field in _INLINE_FIELD.finditer(value)}
        if not trusted and "version" not in fields:
            return None
        spec = _inline_table_spec(fields)
    elif trusted and _QUOTED.fullmatch(value):
        spec = value[1:-1]
    else:
        return None
    return Found(name, name, line.number, detail=spec, value=spec)


def _inline_table_spec(fields: dict[str, str]) -> str:
    if "version" in fields:
        return fields["version"]
    if fields.get("workspace") == "true":
        return "workspace"
    source = next((key for key in ("path", "git") if key in fields), None)
    return f"{source} {fields[source]}" if source else ""


# --- go.mod and package.json ----------------------------------------------------------------------------

_GO_BLOCK = re.compile(r"(require|replace|exclude|retract|tool|godebug)\s*\(")
_GO_REQUIREMENT = re.compile(r"(?:require\s+)?([\w.~-]+(?:/[\w.~-]+)*)\s+(v[\w.+-]+)")


def _read_go_mod(run: Run) -> Iterator[Found]:
    """`require x v1.2.3` and the lines of `require ( … )`; in an unknown block, lines of that shape."""
    block: str | None = "" if starts_at_top(run) else None
    for line in run:
        text = line.text.split("//", 1)[0].strip()
        if opening := _GO_BLOCK.fullmatch(text):
            block = opening[1]
            continue
        if text == ")":
            block = ""
            continue
        match = _GO_REQUIREMENT.fullmatch(text)
        in_requires = text.startswith("require") or block in ("require", None)
        if line.changed and match and in_requires:
            yield Found(match[1], match[1], line.number, detail=match[2], value=match[2])


_NPM_SECTIONS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
_JSON_OBJECT_OPEN = re.compile(r'"([^"]+)"\s*:\s*\{')
_JSON_STRING_ENTRY = re.compile(r'"([^"]+)"\s*:\s*"([^"]*)",?')
_NPM_RANGE = re.compile(r"[\^~<>=]|workspace:|npm:")
_NOT_PACKAGES = ("node", "npm", "pnpm", "yarn", "vscode")  # `engines` ranges look like dependencies


def _read_package_json(run: Run) -> Iterator[Found]:
    """Entries of the dependency objects; a hunk inside an unknown object trusts only version ranges."""
    objects: list[str | None] = [] if starts_at_top(run) else [None]  # open objects' keys; None: unknown
    for line in run:
        text = line.text.strip()
        entry = _JSON_STRING_ENTRY.fullmatch(text)
        section = objects[-1] if objects else ""
        if line.changed and entry and _is_npm_dependency(section, entry[1], entry[2]):
            yield Found(entry[1], entry[1], line.number, detail=entry[2], value=entry[2])
        if opening := _JSON_OBJECT_OPEN.match(text):
            if bracket_depth(text) > 0:
                objects.append(opening[1])
        elif text.startswith("{"):
            objects.append("")
        elif text.startswith("}") and objects and objects[-1] is not None:
            objects.pop()


def _is_npm_dependency(section: str | None, name: str, spec: str) -> bool:
    if section is None:
        return name not in _NOT_PACKAGES and _NPM_RANGE.match(spec) is not None
    return section in _NPM_SECTIONS


_REQUIREMENTS_FILES = ("requirements*.txt", "requirements*.in", "constraints*.txt", "**/requirements/*.txt")
_READERS: tuple[tuple[tuple[str, ...], Reader], ...] = (
    (("pyproject*.toml",), _read_pyproject),
    (("Cargo.toml",), _read_cargo),
    (("go.mod",), _read_go_mod),
    (("package.json",), _read_package_json),
    (("setup.py",), _read_setup_py),
    (("setup.cfg",), _read_setup_cfg),
    (_REQUIREMENTS_FILES, _read_requirements_txt),
)


def _reader_for(path: str) -> Reader | None:
    return next((reader for patterns, reader in _READERS if matches_any(patterns, path)), None)
