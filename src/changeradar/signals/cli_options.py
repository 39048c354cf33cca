"""Command-line options a commit adds or removes (argparse, click, typer, Go flag/cobra, Rust clap), and
choices added to or removed from `*_CHOICES` lists, which change what an existing option accepts.

An option counts when its option string sits on a changed line; the call around it may span lines. Options
of tests and docs are no options; those of benchmarks, examples, CI and dev scripts are listed with who
meets them as their detail ("benchmark", "example", "ci", "script"), so that no reader or score takes them
for the product's own. So are those a package module declares in its `if __name__ == "__main__":` block
without telling how to run it as a module (`python -m sgl_jax.profiler`): a kernel's way to run itself
by hand, not the package's command line (its `__main__.py`, a function an entry point names, a tool
whose docstring shows its `-m` command).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from itertools import accumulate
from operator import itemgetter

from changeradar.file_kinds import (
    BENCHMARK_PATTERNS,
    EXAMPLE_PATTERNS,
    file_kind,
    generated_kind,
    is_doc_path,
    is_test_path,
    matches_any,
)
from changeradar.model import Commit, FileChange, Signal, SignalAction, SignalKind
from changeradar.signals import go_settings, rust_clap
from changeradar.signals.context import BlobSource, SignalContext
from changeradar.signals.dependencies import (
    Found,
    Run,
    RunReader,
    Side,
    bracket_depth,
    compare_found,
    not_named_on,
    quoted_strings,
    read_sides,
    readable_side,
)
from changeradar.signals.syntax_tree import file_sides

# The call, then its leading positional arguments (typer puts a default before the option strings).
# The lookahead names the calls' first characters, so that the engine strides to them instead of trying
# every position of a long run (five times faster on a year of patches).
_PYTHON_OPTION_CALL = re.compile(
    r"(?=[am.O])(?:\badd_argument|\badd_option|\bmake_option|\.option|\bOption)\s*\("
)
_LEADING_ARGUMENTS = re.compile(r"""(?:\s*(?:"[^"\n]*"|'[^'\n]*'|[\w.]+)\s*,)*\s*(?:"[^"\n]*"|'[^'\n]*')?""")
_OPTION_STRING = re.compile(r"""["'](-{1,2}[A-Za-z0-9][\w-]*)""")

_CHOICES_START = re.compile(r"\s*([A-Z][A-Z0-9_]*_CHOICES)\s*(?::[^=]+)?=\s*")

_CLAP_BUILDER_LONG = re.compile(r"""\.long\(\s*"([\w-]+)"\s*\)""")

_MAIN_GUARD = re.compile(r"""^if\s+__name__\s*==\s*["']__main__["']\s*:""", re.MULTILINE)
_TOP_LEVEL_CODE = re.compile(r"^[^\s#)\]}]", re.MULTILINE)  # a line at column 0 that opens a statement
_SELF_RUN = "script"  # the audience of a module's own `__main__` block


def extract(commit: Commit, context: SignalContext) -> Iterator[Signal]:
    """Options added or removed, and `*_CHOICES` constants whose choices changed."""
    for file in commit.files:
        extension = file.path.rpartition(".")[2]
        reader = _READERS.get(extension)
        if reader is None or file.binary or not reader.may_find(file.patch) or not _is_source(file.path):
            continue
        audience = not_user_facing(file.path)
        sides = _TREE_SIDES[extension](file, context.blobs) if extension in _TREE_SIDES else None
        if sides is None:
            sides = _options_still_named(file, context.blobs, *read_sides(file, reader))
        by_hand: dict[Side, list[range]] = {}  # each side's hand-run block, read once a side has an option
        for signal in compare_found(SignalKind.CLI_OPTION, file, *sides):
            is_choice = not signal.name.startswith("-")  # named after its `*_CHOICES` constant
            if is_choice:
                yield _as_choice_change(signal)
                continue
            detail = audience
            if not audience and extension == "py":
                side = Side.OLD if signal.action is SignalAction.REMOVED else Side.NEW
                if side not in by_hand:
                    by_hand[side] = _hand_run_blocks(file, side, context.blobs)
                if any(signal.line in block for block in by_hand[side]):
                    detail = _SELF_RUN
            yield Signal(signal.kind, signal.name, signal.action, detail, signal.path, signal.line)


def _options_still_named(
    file: FileChange, blobs: BlobSource | None, old: list[Found], new: list[Found]
) -> tuple[list[Found], list[Found]]:
    """The old side's options less those the new file still names as a string: an option declared
    through a helper instead (`_text_option("--since", …)` for `click.option("--since", …)`) is taken
    as before. Not the other way round: a new subcommand's `--output` is new though another had one."""
    on_new_side = {found.key for found in new}
    gone = [f for f in old if f.name.startswith("-") and f.key not in on_new_side]  # not `*_CHOICES`
    if not gone:
        return old, new
    kept = not_named_on(file, Side.NEW, blobs, gone)
    return [found for found in old if found not in gone or found in kept], new


def _hand_run_blocks(file: FileChange, side: Side, blobs: BlobSource | None) -> list[range]:
    """The lines (one-based) of the module's top-level `if __name__ == "__main__":` blocks on that side;
    none in a package's `__main__.py` or a module that names its own `-m` command."""
    if file.path.endswith("__main__.py"):
        return []
    text = readable_side(file, side, blobs)
    if text is None or "__main__" not in text:
        return []
    stem = file.path.rpartition("/")[2].removesuffix(".py")
    if re.search(rf"-m\s+(?:[\w.]+\.)?{re.escape(stem)}\b", text):
        return []
    blocks = []
    for guard in _MAIN_GUARD.finditer(text):
        after = _TOP_LEVEL_CODE.search(text, guard.end())  # the statement that ends the block
        end = text.count("\n", 0, after.start()) + 1 if after else text.count("\n") + 2
        blocks.append(range(text.count("\n", 0, guard.start()) + 2, end))
    return blocks


def _is_source(path: str) -> bool:
    return not (is_test_path(path) or is_doc_path(path) or generated_kind(path))


_AUDIENCES = (("benchmark", BENCHMARK_PATTERNS), ("example", EXAMPLE_PATTERNS))


def not_user_facing(path: str) -> str:
    """Who meets the options of a file that is not the product ("benchmark", "example", "ci", "script"),
    or "" for the product's own files."""
    kind = file_kind(path)
    if kind == "core":
        return ""
    if kind == "ci":
        return "ci"
    return next((label for label, patterns in _AUDIENCES if matches_any(patterns, path)), "script")


def _as_choice_change(signal: Signal) -> Signal:
    """A choice found only on one side changes its constant: `choice `mori` added`."""
    detail = f"choice `{signal.detail}` {signal.action.value}"
    return Signal(signal.kind, signal.name, SignalAction.CHANGED, detail, signal.path, signal.line)


def _option(name: str, line: int) -> Found:
    return Found(name, name, line)


def _read_python(run: Run) -> Iterator[Found]:
    yield from _python_option_calls(run)
    yield from _python_choices(run)


_TEXT = itemgetter(1)  # a SideLine's text


def _python_option_calls(run: Run) -> Iterator[Found]:
    """Option strings of calls that may span lines: `add_argument(\\n    "--x",\\n    "-x",\\n    type=…)`."""
    texts = list(map(_TEXT, run))  # without a Python step per line: runs of new files are long
    text = "\n".join(texts)
    line_starts = list(accumulate(map(len, texts[:-1]), lambda start, length: start + length + 1, initial=0))
    for call in _PYTHON_OPTION_CALL.finditer(text):
        before = text[text.rfind("\n", 0, call.start()) + 1 : call.start()]
        if "#" in before or before.count("`") % 2:
            continue  # a comment or a docstring quoting a call (`click.option("--since", …)`): no option
        arguments = _LEADING_ARGUMENTS.match(text, call.end())  # always matches, if only ""
        end = arguments.end() if arguments is not None else call.end()
        options = _OPTION_STRING.finditer(text, call.end(), end)
        strings = [(match[1], match.start()) for match in options]
        longs = [(name, offset) for name, offset in strings if name.startswith("--")]
        for name, offset in longs or strings[:1]:  # the short one only when there is no long one
            line = run[bisect.bisect_right(line_starts, offset) - 1]
            if line.changed:
                yield _option(name, line.number)


def _python_choices(run: Run) -> Iterator[Found]:
    """Each choice on a changed line of a `NAME_CHOICES = [ … ]` list, keyed by constant and choice."""
    constant, depth = None, 0
    for line in run:
        text = line.text
        if start := _CHOICES_START.match(text):
            constant, depth, text = start[1], 0, text[start.end() :]
        if constant is None:
            continue
        if line.changed:
            for choice in quoted_strings(text):
                yield Found((constant, choice), constant, line.number, detail=choice)
        depth += bracket_depth(text)
        if depth <= 0:
            constant = None


def _read_rust_builder(run: Run) -> Iterator[Found]:
    """clap's builder: `Arg::new("x").long("x")`."""
    for line in run:
        if line.changed:
            for match in _CLAP_BUILDER_LONG.finditer(line.text):
                yield _option(f"--{match[1]}", line.number)


def _go_sides(file: FileChange, blobs: BlobSource | None) -> tuple[list[Found], list[Found]]:
    return file_sides(file, blobs, "go", go_settings.flag_declarations, go_settings.HUNK_WITHIN)


def _rust_sides(file: FileChange, blobs: BlobSource | None) -> tuple[list[Found], list[Found]]:
    """Options of clap's derive attributes from the tree, and of its builder from the changed lines."""
    old, new = read_sides(file, _READERS["rs"])
    if any(hint in file.patch for hint in rust_clap.HINTS):
        derived_old, derived_new = file_sides(
            file, blobs, "rust", rust_clap.option_declarations, rust_clap.HUNK_WITHIN
        )
        old, new = old + derived_old, new + derived_new
    return old, new


_READERS = {
    # "option(" covers add_option(, make_option( and click's .option(.
    "py": RunReader(("add_argument", "option(", "Option(", "_CHOICES"), _read_python),
    "go": RunReader(go_settings.FLAG_HINTS, lambda _run: iter(())),  # read from the tree: `_go_sides`
    "rs": RunReader(("long",), _read_rust_builder),
}
_TREE_SIDES = {"go": _go_sides, "rs": _rust_sides}
