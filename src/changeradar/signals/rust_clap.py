"""The options a Rust file declares through clap's derive attributes, and the environment variables those
options read, from its tree-sitter tree.

A field of a `#[derive(Parser)]`/`Args` struct is an option when an `#[arg(…)]` (clap 4), `#[clap(…)]`
(clap 3) or `#[structopt(…)]` attribute above it says `long`: `long = "name"` names it, a bare `long`
names it after the field in kebab case (`max_batch_size` → `--max-batch-size`). `env = "NAME"` reads that
variable, and a bare `env` the field's name in upper case (`MAX_BATCH_SIZE`), as clap does. Attributes may
span lines and stand under doc comments; a declaration changes when its field or an attribute line does.
The builder API (`Arg::new(…).long(…)`) is read from lines by the callers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from changeradar.signals.dependencies import Found
from changeradar.signals.syntax_tree import Declaration, matches, string_value, text

if TYPE_CHECKING:
    from tree_sitter import Node

HINTS = ("#[arg(", "#[clap(", "#[structopt(")
HUNK_WITHIN = ("struct Hunk {\n", "\n}")  # a hunk of fields parses as fields only inside a struct
_FIELDS = "(field_declaration name: (field_identifier) @field) @declaration"
_CLAP_ATTRIBUTES = ("arg", "clap", "structopt")
_BETWEEN = ("attribute_item", "line_comment", "block_comment")


def option_declarations(root: Node, _path: str) -> list[Declaration]:
    """Each `--option` the file's clap fields declare."""
    return [
        declaration
        for field in _clap_fields(root)
        if (declaration := field.declaration("long", _kebab_case, "--")) is not None
    ]


def env_declarations(root: Node, _path: str) -> list[Declaration]:
    """Each environment variable the file's clap fields read."""
    return [
        declaration
        for field in _clap_fields(root)
        if (declaration := field.declaration("env", str.upper)) is not None
    ]


def _kebab_case(name: str) -> str:
    return name.replace("_", "-")


@dataclass(frozen=True, slots=True)
class _ClapField:
    """A field under clap attributes: its name, what its attributes say (setting → (value, line); the
    value "" when bare), and the rows of the field with its attributes."""

    name: str
    settings: dict[str, tuple[str, int]]
    line: int
    first_row: int
    last_row: int

    def declaration(
        self, setting: str, derived: Callable[[str], str], prefix: str = ""
    ) -> Declaration | None:
        """The fact a setting declares: named by its string (on its attribute's line), or, when bare,
        after the field (on the field's line)."""
        if setting not in self.settings:
            return None
        value, line = self.settings[setting]
        name = prefix + (value or derived(self.name))
        found = Found(name, name, line if value else self.line)
        return Declaration(found, self.first_row, self.last_row)


def _clap_fields(root: Node) -> Iterator[_ClapField]:
    for match in matches("rust", _FIELDS, root):
        field, declaration = match["field"][0], match["declaration"][0]
        settings = dict(_settings(_attributes_above(declaration)))
        if not settings:
            continue
        first, above = declaration.start_point.row, declaration.prev_named_sibling
        while above is not None and above.type in _BETWEEN:
            if above.type == "attribute_item":
                first = above.start_point.row
            above = above.prev_named_sibling
        name = text(field).removeprefix("r#")
        yield _ClapField(name, settings, declaration.start_point.row + 1, first, declaration.end_point.row)


def _attributes_above(declaration: Node) -> Iterator[Node]:
    """The clap attributes over a field, through doc comments and other attributes."""
    sibling = declaration.prev_named_sibling
    while sibling is not None and sibling.type in _BETWEEN:
        if sibling.type == "attribute_item":
            attribute = sibling.named_children[0] if sibling.named_children else None
            path = attribute.named_children[0] if attribute is not None and attribute.named_children else None
            if attribute is not None and path is not None and text(path) in _CLAP_ATTRIBUTES:
                yield attribute
        sibling = sibling.prev_named_sibling


def _settings(attributes: Iterator[Node]) -> Iterator[tuple[str, tuple[str, int]]]:
    """`long` and `env` of the attributes, bare ("") or given a string, with the line they stand on; one
    given anything else (a constant, whose value is not known here) is left out."""
    for attribute in attributes:
        arguments = attribute.child_by_field_name("arguments")
        tokens = arguments.children[1:-1] if arguments is not None else []  # inside the parentheses
        segment: list[Node] = []
        for token in [*tokens, None]:
            if token is not None and token.type != ",":
                segment.append(token)
                continue
            if segment and segment[0].type == "identifier" and text(segment[0]) in ("long", "env"):
                line = segment[0].start_point.row + 1
                if len(segment) == 1:
                    yield text(segment[0]), ("", line)
                elif len(segment) == 3 and segment[2].type == "string_literal":
                    value = string_value(segment[2])
                    if value:
                        yield text(segment[0]), (value, line)
            segment = []
