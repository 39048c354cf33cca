"""The environment variables and command-line flags one Go file reads, from its tree-sitter tree.

A variable is read by `os.Getenv(name)` or `os.LookupEnv(name)`; a flag is declared by the `flag` or
`pflag` functions (`flag.Int("workers", …)`, `fs.StringVar(&v, "port", …)`) on `flag`, a flag set, or a
cobra command's `Flags()` / `PersistentFlags()`. The name is a string literal or a constant the same file
declares (`os.Getenv(EnvModelName)` with `const EnvModelName = "MODEL_NAME"`): a declaration changes when
its call or its constant's line changes. A name the file cannot resolve (another package's constant, a
variable) is no fact: guessing it would make one up.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from changeradar.signals.dependencies import Found
from changeradar.signals.syntax_tree import Declaration, matches, string_value, text

if TYPE_CHECKING:
    from tree_sitter import Node

ENV_HINTS = ("Getenv", "LookupEnv")
FLAG_HINTS = ("flag", "Flags()", "fs.")
HUNK_WITHIN = ("func hunk() {\n", "\n}")  # a hunk of statements parses as calls inside a function

_STRING_CONSTANTS = """
(const_spec name: (identifier) @name
  value: (expression_list . [(interpreted_string_literal) (raw_string_literal)] @value)) @spec
"""
_ENV_CALLS = """
(call_expression
  function: (selector_expression operand: (identifier) @package field: (field_identifier) @function)
  arguments: (argument_list . (_) @name)
  (#eq? @package "os") (#match? @function "^(Getenv|LookupEnv)$")) @call
"""
_FLAG_METHODS = (
    "Bool|Int|Int32|Int64|Uint|Uint32|Uint64|String|Float32|Float64|Duration|StringSlice|StringArray"
    "|StringToString|IntSlice|Float64Slice|DurationSlice|BoolSlice|IP|IPNet|Count"
)
_FLAG_CALLS = f"""
(call_expression
  function: (selector_expression operand: (_) @flags field: (field_identifier) @function)
  arguments: (argument_list) @arguments
  (#match? @function "^(({_FLAG_METHODS})(Var)?P?|Var|VarP|Func|TextVar|BoolFunc)$")) @call
"""
# What flags are declared on: the package, a flag set's usual names, or a cobra command's flag sets.
_FLAG_RECEIVER = re.compile(r"(?:flag|pflag|fs|flags|flagSet|flagset|\w*Flags|[\w.]*Flags\(\))$")


def env_declarations(root: Node, _path: str) -> list[Declaration]:
    """Each variable the file reads, once per call."""
    constants = _string_constants(root)
    found: list[Declaration] = []
    for match in matches("go", _ENV_CALLS, root):
        found.extend(_named(match["call"][0], match["name"][0], constants, lambda name: name))
    return found


def flag_declarations(root: Node, _path: str) -> list[Declaration]:
    """Each flag the file declares, as `--name`."""
    constants = _string_constants(root)
    found: list[Declaration] = []
    for match in matches("go", _FLAG_CALLS, root):
        if not _FLAG_RECEIVER.search(text(match["flags"][0])):
            continue
        function = text(match["function"][0])
        position = 1 if function.endswith(("Var", "VarP")) else 0  # `Var(&value, "name", …)`
        arguments = match["arguments"][0].named_children
        if position < len(arguments):
            found.extend(_named(match["call"][0], arguments[position], constants, lambda name: f"--{name}"))
    return found


def _string_constants(root: Node) -> dict[str, tuple[str, Node]]:
    """Every string constant the file declares, at any level, with its value and declaration."""
    constants: dict[str, tuple[str, Node]] = {}
    for match in matches("go", _STRING_CONSTANTS, root):
        value = string_value(match["value"][0])
        if value is not None:
            constants[text(match["name"][0])] = (value, match["spec"][0])
    return constants


def _named(call: Node, argument: Node, constants: dict[str, tuple[str, Node]], key) -> list[Declaration]:
    """The call's fact when its name argument resolves, spanning the call and the constant it names."""
    if argument.type in ("interpreted_string_literal", "raw_string_literal"):
        name, spec = string_value(argument), None
    elif argument.type == "identifier" and text(argument) in constants:
        name, spec = constants[text(argument)]
    else:
        return []
    if not name or not re.fullmatch(r"[\w.-]+", name):
        return []
    found = Found(key(name), key(name), call.start_point.row + 1)
    spans = [(call, call)] + ([(spec, spec)] if spec is not None else [])
    return [Declaration(found, first.start_point.row, last.end_point.row) for first, last in spans]
