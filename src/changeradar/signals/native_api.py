"""The interface of C, C++ and CUDA code: declarations in public headers, and the operators a kernel
library exports to Python, read with the tree-sitter C++ grammar.

A header is public when no folder on its path marks it as the library's inside: `src/`, `csrc/`,
`source(s)/`, `detail(s)/`, `impl/`, `private/`, or a folder whose name ends in `internal`
(`include/flashinfer/norm.cuh` is public, `csrc/nv_internal/include/x.h` and `csrc/tvm_ffi_utils.h` are
not). Its functions, classes, structs, enums and type aliases (and the public methods of its classes) are
API, qualified by namespace; a `detail`/`internal`/anonymous namespace, a `static` free function (each
includer's own copy) and names starting with `_` are not.

Exported operators are found in every C/C++/CUDA file, keyed by the name Python calls them by, whatever
C++ function implements them: pybind11 and nanobind `m.def("name", …)`, `TORCH_LIBRARY(_FRAGMENT)`
`m.def("op(Tensor a) -> Tensor")` (an `m.impl("op", …)` without a `def` registers the op too) and TVM-FFI's
`TVM_FFI_DLL_EXPORT_TYPED_FUNC(name, function)`. A torch op's signature is its schema; another export's
is that of the C++ function behind it when the same file declares it.

A signature is the return type and the parameters' types and defaults, without parameter names (a C++
caller cannot name them). Only declarations a hunk touches are compared; when a side's content cannot be
read, both sides are read from the hunks alone, without their enclosing namespaces.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from changeradar.file_kinds import HEADER_SUFFIXES, NATIVE_SUFFIXES, file_kind, file_suffix
from changeradar.model import Commit, FileChange, FileStatus, Signal, SignalKind
from changeradar.signals import syntax_tree
from changeradar.signals.context import SignalContext
from changeradar.signals.dependencies import Found, Side, compare_found, hunk_runs, side_text
from changeradar.signals.diff import diff_lines
from changeradar.signals.native_regions import without_function_bodies
from changeradar.signals.signatures import signature_detail

if TYPE_CHECKING:
    from tree_sitter import Node

_PRIVATE_FOLDERS = frozenset(("src", "csrc", "source", "sources", "detail", "details", "impl", "private"))
_PRIVATE_NAMESPACES = frozenset(("detail", "details", "internal", "impl"))

_TVM_EXPORTS = frozenset(("TVM_FFI_DLL_EXPORT_TYPED_FUNC",))
_TVM_KIND = "TVM-FFI function"
_TORCH_BLOCKS = frozenset(("TORCH_LIBRARY", "TORCH_LIBRARY_FRAGMENT", "TORCH_LIBRARY_EXPAND"))
_PYTHON_MODULE_BLOCKS = {"PYBIND11_MODULE": "pybind11", "NB_MODULE": "nanobind"}
_MODULE_BLOCKS = tuple(_TORCH_BLOCKS | _PYTHON_MODULE_BLOCKS.keys())
_EXPORT_MARKERS = ("TVM_FFI_DLL_EXPORT", "TORCH_LIBRARY", "PYBIND11_MODULE", "NB_MODULE")
# Words that exist only in CUDA; blanked (same length, so lines keep their numbers) for the C++ grammar.
# No `\b` in front: the engine then strides to each "__", and `_blank_cuda_word` leaves a match that is
# the tail of a longer name alone (ten times faster over a header).
_CUDA_ONLY = re.compile(
    r"__(?:global|device|host|forceinline|noinline|managed|shared|constant|grid_constant)__\b"
    r"|__launch_bounds__\s*\([^()]*\)"
)
_NOT_CODE = ("//", "/*", "*", "#")
_DECLARING_WORD = re.compile(
    r"\b(?:struct|class|enum|union|using|typedef|namespace|public|private|protected)\b"
)
_CONTAINERS = frozenset(("declaration_list", "preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif"))
_TYPES = {
    "class_specifier": "class",
    "struct_specifier": "struct",
    "union_specifier": "union",
    "enum_specifier": "enum",
}
_NAME_DECLARATORS = frozenset(("identifier", "field_identifier", "type_identifier", "destructor_name"))


def extract(commit: Commit, context: SignalContext) -> Iterator[Signal]:
    """Public header declarations and exported operators added, removed or re-signed."""
    for file in commit.files:
        suffix = file_suffix(file.path)
        if suffix not in NATIVE_SUFFIXES or file.binary or file_kind(file.path) != "core":
            continue
        if file.status not in (FileStatus.ADDED, FileStatus.DELETED) and not file.patch:
            continue  # a pure rename or mode change: keys do not depend on the path, nothing changed
        public_header = suffix in HEADER_SUFFIXES and is_public_header(file.path)
        before, after = _interface_sides(file, context, public_header)
        yield from compare_found(SignalKind.API, file, before, after, signature_detail)


def is_public_header(path: str) -> bool:
    """Whether a header belongs to a library's public surface: no folder of its path marks it internal."""
    folders = path.split("/")[:-1]
    return not any(folder in _PRIVATE_FOLDERS or folder.endswith("internal") for folder in folders)


# --- Reading both sides ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    """A declared or exported thing, where it spans and how to read its signature when asked."""

    key: tuple[str, str]  # ("declaration" | "export", qualified name)
    kind: str
    begin: int  # one-based, inclusive
    end: int
    node: Node | None = None  # a function declarator, whose signature is read lazily
    schema: str | None = None  # a torch op's schema
    target: str | None = None  # the C++ function behind an export


def _interface_sides(
    file: FileChange, context: SignalContext, public_header: bool
) -> tuple[list[Found], list[Found]]:
    lines = diff_lines(file)
    if not any(line.sign != " " and _may_declare(line.text) for line in lines):
        return [], []  # comments, includes, blank lines: spare reading and parsing both sides
    changed = [
        [line.old_line for line in lines if line.sign == "-" and line.old_line is not None],
        [line.new_line for line in lines if line.sign == "+" and line.new_line is not None],
    ]
    texts = [side_text(file, side, context.blobs) for side in Side]
    if None in texts:  # read what the hunks show, on both sides alike, so that keys stay comparable
        pieces = [
            [(run[0].number - 1, "\n".join(line.text for line in run)) for run in hunk_runs(file, side)]
            for side in Side
        ]
    else:
        pieces = [[(0, text or "")] for text in texts]
    if not public_header and not any(
        marker in text for side in pieces for _, text in side for marker in _EXPORT_MARKERS
    ):
        return [], []
    reduced = [[(offset, _reduced_lines(text)) for offset, text in side] for side in pieces]
    if not any(_outside_bodies(side, lines) for side, lines in zip(reduced, changed, strict=True)):
        return [], []  # every change is inside function bodies: no interface can have changed
    entries = [[entry for offset, text in side for entry in _entries(text, offset)] for side in reduced]
    return _found(entries, changed, public_header, _stem(file.path))


def _may_declare(line: str) -> bool:
    """Whether a line can be part of a declaration or an export: code (not a comment, a preprocessor
    directive or blank) with a bracket, a comma or a declaring word. A field (`float eps;`) is no fact."""
    code = line.strip()
    if not code or code.startswith(_NOT_CODE):
        return False
    return any(mark in code for mark in "(),") or _DECLARING_WORD.search(code) is not None


@lru_cache(maxsize=64)  # a day's commits often edit one file in turn: one's new side is the next's old
def _reduced_lines(text: str) -> tuple[str, ...]:
    """The lines of `text` without its function bodies (see `native_regions`) and CUDA-only words."""
    reduced = without_function_bodies(text, _MODULE_BLOCKS)
    return tuple(_CUDA_ONLY.sub(_blank_cuda_word, reduced).split("\n"))


def _blank_cuda_word(match: re.Match[str]) -> str:
    before = match.string[match.start() - 1] if match.start() else " "
    if before.isalnum() or before == "_":
        return match.group()  # the end of a longer name, not the word
    return "\n" * match.group().count("\n") or " "


def _outside_bodies(pieces: Sequence[tuple[int, tuple[str, ...]]], changed: Sequence[int]) -> bool:
    """Whether a changed line (one-based) is left in the reduced lines, that is, outside every body."""
    for offset, lines in pieces:
        for number in changed:
            index = number - 1 - offset
            if 0 <= index < len(lines) and _may_declare(lines[index]):
                return True
    return False


def _found(
    entries: Sequence[Sequence[_Entry]], changed: Sequence[Sequence[int]], public_header: bool, stem: str
) -> tuple[list[Found], list[Found]]:
    """Exports on both sides (few, and their signature may change away from their line), and the
    declarations a changed line touches on either side with their namesakes on the other."""
    touched = {
        entry.key
        for side_entries, side_changed in zip(entries, changed, strict=True)
        for entry in side_entries
        if entry.key[0] == "declaration" and _holds_any(side_changed, entry.begin, entry.end)
    }
    sides: list[list[Found]] = []
    for side_entries in entries:
        functions = {
            entry.key[1].rpartition("::")[2]: entry for entry in side_entries if entry.node is not None
        }
        grouped: dict[tuple[str, str], list[_Entry]] = {}
        for entry in side_entries:
            if entry.key[0] == "export" or (public_header and entry.key in touched):
                grouped.setdefault(entry.key, []).append(entry)
        sides.append([_found_one(group, functions, stem) for group in grouped.values()])
    return sides[0], sides[1]


def _stem(path: str) -> str:
    """`csrc/batch_decode_jit_binding.cu` → `batch_decode_jit_binding`."""
    return path.rpartition("/")[2].partition(".")[0]


def _holds_any(lines: Sequence[int], begin: int, end: int) -> bool:
    """Whether a sorted list of line numbers holds one in `begin`…`end`."""
    index = bisect_left(lines, begin)
    return index < len(lines) and lines[index] <= end


def _found_one(group: Sequence[_Entry], functions: dict[str, _Entry], stem: str) -> Found:
    """One fact for all entries of a name (overloads, a declaration and its definition). A TVM-FFI export
    is shown as its file's (`batch_decode_jit_binding.run`): flashinfer's JIT bindings all export `run`
    and `plan`, each into the module built from its file, and `run` alone names none of them. Both sides
    take the file's new name, and the key stays the exported name: a renamed file changes no interface."""
    first = group[0]
    signatures: set[str] = set()
    for entry in group:
        behind = functions.get(entry.target.rpartition("::")[2]) if entry.target else entry
        signature = entry.schema or (_signature(behind.node) if behind and behind.node is not None else None)
        if signature is not None:
            signatures.add(signature)
    if first.kind in _TYPES.values() or first.kind == "type alias":
        value = None  # a type's shape is its members', each its own fact
    else:
        value = " | ".join(sorted(signatures)) if signatures else None
    name = f"{stem}.{first.key[1]}" if first.kind == _TVM_KIND else first.key[1]
    return Found(first.key, name, first.begin, first.kind, value)


# --- The syntax tree -------------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _entries(lines: tuple[str, ...], line_offset: int) -> tuple[_Entry, ...]:
    text = "\n".join(lines)
    if not text.strip():
        return ()
    tree = syntax_tree.parse("cpp", text.encode("utf-8", errors="replace"))
    if tree is None:
        return ()
    entries: list[_Entry] = []
    _walk(tree.root_node, "", line_offset, entries, hidden_scope=False)
    return tuple(entries)


def _walk(container: Node, scope: str, offset: int, entries: list[_Entry], *, hidden_scope: bool) -> None:
    """Entries declared directly in a translation unit, namespace body or preprocessor branch."""
    for node in container.named_children:
        kind = node.type
        if kind == "namespace_definition":
            name = node.child_by_field_name("name")
            body = node.child_by_field_name("body")
            if body is not None:
                hidden = name is None or _text(name).rpartition("::")[2] in _PRIVATE_NAMESPACES
                inner = f"{scope}{_text(name)}::" if name is not None else scope
                _walk(body, inner, offset, entries, hidden_scope=hidden_scope or hidden)
        elif kind == "linkage_specification" or kind in _CONTAINERS:
            body = node.child_by_field_name("body") if kind == "linkage_specification" else node
            if body is not None:
                _walk(body, scope, offset, entries, hidden_scope=hidden_scope)
        elif kind == "function_definition" and _block_macro(node) is not None:
            entries.extend(_block_exports(node, offset))
        elif kind == "expression_statement":
            entries.extend(_tvm_export(node, offset))
        else:  # a hidden namespace's functions are kept, unreported, for the exports they implement
            declared = _declared(node, node, scope, offset)
            entries.extend(map(_hidden, declared) if hidden_scope else declared)


def _declared(
    span: Node, node: Node, scope: str, offset: int, function_kind: str = "function"
) -> Iterator[_Entry]:
    """What one declaration declares: a function, a type (with its public methods) or a type alias."""
    kind = node.type
    begin, end = span.start_point[0] + 1 + offset, span.end_point[0] + 1 + offset
    if kind == "template_declaration":
        inner = next(
            (child for child in reversed(node.named_children) if child.type != "template_parameter_list"),
            None,
        )
        if inner is not None:
            yield from _declared(span, inner, scope, offset, function_kind)
    elif kind in ("declaration", "field_declaration", "function_definition"):
        function = _function_declarator(node.child_by_field_name("declarator"))
        type_node = node.child_by_field_name("type")
        if function is not None:
            name = function.child_by_field_name("declarator")
            if name is not None and name.type in _NAME_DECLARATORS and not _text(name).startswith("_"):
                if function_kind == "function" and _is_static(node):
                    return  # internal linkage: each file that includes the header gets its own copy
                yield _Entry(("declaration", scope + _text(name)), function_kind, begin, end, function)
        elif type_node is not None and type_node.type in _TYPES:
            yield from _declared(span, type_node, scope, offset)
    elif kind in _TYPES:
        name, body = node.child_by_field_name("name"), node.child_by_field_name("body")
        if name is None or body is None or name.type != "type_identifier" or _text(name).startswith("_"):
            return  # anonymous, a forward declaration, a specialisation of a template declared elsewhere
        qualified = scope + _text(name)
        yield _Entry(("declaration", qualified), _TYPES[kind], begin, end)
        if kind != "enum_specifier":
            yield from _members(body, f"{qualified}::", offset, public_by_default=kind != "class_specifier")
    elif kind in ("type_definition", "alias_declaration"):
        name = node.child_by_field_name("declarator" if kind == "type_definition" else "name")
        if name is not None and name.type == "type_identifier" and not _text(name).startswith("_"):
            yield _Entry(("declaration", scope + _text(name)), "type alias", begin, end)


def _members(body: Node, scope: str, offset: int, *, public_by_default: bool) -> Iterator[_Entry]:
    public = public_by_default
    for member in body.named_children:
        if member.type == "access_specifier":
            public = _text(member).startswith("public")
        elif public and member.type in (
            "field_declaration",
            "function_definition",
            "template_declaration",
            "declaration",
        ):
            yield from _declared(member, member, scope, offset, "method")


def _is_static(declaration: Node) -> bool:
    return any(
        child.type == "storage_class_specifier" and _text(child) == "static" for child in declaration.children
    )


def _hidden(entry: _Entry) -> _Entry:
    return _Entry(("hidden", entry.key[1]), entry.kind, entry.begin, entry.end, entry.node)


def _function_declarator(node: Node | None) -> Node | None:
    """The `f(…)` inside `*f(…)`, `&f(…)` or `f(…)`; None for a variable."""
    while node is not None and node.type != "function_declarator":
        if node.type not in ("pointer_declarator", "reference_declarator", "attributed_declarator"):
            return None
        node = node.child_by_field_name("declarator") or (
            node.named_children[-1] if node.named_children else None
        )
    return node


def _signature(function: Node) -> str:
    """`int(const T*, uint32_t=…) const`: return type, parameter types and defaults, trailing qualifiers."""
    declaration = function.parent
    while declaration is not None and declaration.child_by_field_name("type") is None:
        declaration = declaration.parent
    returned_type = declaration.child_by_field_name("type") if declaration is not None else None
    returned = _text(returned_type) if returned_type is not None else ""
    parameters = function.child_by_field_name("parameters")
    listed = [_parameter(parameter) for parameter in parameters.named_children] if parameters else []
    qualifiers = [_text(child) for child in function.named_children if child.type == "type_qualifier"]
    return _squeeze(f"{returned}({', '.join(part for part in listed if part)}) {' '.join(qualifiers)}")


def _parameter(parameter: Node) -> str:
    """A parameter without its name (`const T*`, `int=…`); a comment is no parameter."""
    if parameter.type == "comment":
        return ""
    text = _text(parameter)
    start = parameter.start_byte
    name = _parameter_name(parameter.child_by_field_name("declarator"))
    default = parameter.child_by_field_name("default_value")
    if default is not None:
        text = text[: default.start_byte - start].rstrip().rstrip("=").rstrip() + "=" + _text(default)
    if name is not None:
        text = text[: name.start_byte - start] + text[name.end_byte - start :]
    return _squeeze(text)


def _parameter_name(node: Node | None) -> Node | None:
    while node is not None and node.type != "identifier":
        node = node.child_by_field_name("declarator")
    return node


# --- Exports ---------------------------------------------------------------------------------------------


def _block_macro(definition: Node) -> tuple[str, list[str]] | None:
    """`TORCH_LIBRARY(ns, m) {…}` as ("TORCH_LIBRARY", ["ns", "m"]), for the macros that open a module."""
    declarator = definition.child_by_field_name("declarator")
    if declarator is None or declarator.type != "function_declarator":
        return None
    macro = declarator.child_by_field_name("declarator")
    if macro is None or _text(macro) not in _TORCH_BLOCKS | _PYTHON_MODULE_BLOCKS.keys():
        return None
    parameters = declarator.child_by_field_name("parameters")
    arguments = [_text(argument) for argument in parameters.named_children] if parameters else []
    return _text(macro), arguments


def _block_exports(definition: Node, offset: int) -> Iterator[_Entry]:
    macro, arguments = _block_macro(definition) or ("", [])
    if len(arguments) < 2:
        return
    module, variable = arguments[0], arguments[1]
    body = definition.child_by_field_name("body")
    defined: set[str] = set()
    implemented: list[tuple[str, Node]] = []
    for call in _calls_on(body, variable):
        function = call.child_by_field_name("function")
        field = function.child_by_field_name("field") if function is not None else None
        if field is None:
            continue
        method = _text(field)
        arguments_node = call.child_by_field_name("arguments")
        first = arguments_node.named_children[0] if arguments_node and arguments_node.named_children else None
        exported = _string(first)
        if exported is None or arguments_node is None:
            continue
        line = call.start_point[0] + 1 + offset
        end = call.end_point[0] + 1 + offset
        if macro in _TORCH_BLOCKS and method == "def":
            op = exported.partition("(")[0].strip()
            schema = _squeeze(exported) if "(" in exported else None
            defined.add(op)
            yield _Entry(("export", f"{module}::{op}"), "torch op", line, end, schema=schema)
        elif macro in _TORCH_BLOCKS and method == "impl":
            implemented.append((exported, call))
        elif macro in _PYTHON_MODULE_BLOCKS and method == "def":
            target = _function_reference(arguments_node.named_children[1:])
            kind = f"{_PYTHON_MODULE_BLOCKS[macro]} function"
            name = (
                exported if module.isupper() else f"{module}.{exported}"
            )  # TORCH_EXTENSION_NAME: set by the build
            yield _Entry(("export", name), kind, line, end, target=target)
    for op, call in implemented:
        if op not in defined:
            line = call.start_point[0] + 1 + offset
            yield _Entry(("export", f"{module}::{op}"), "torch op", line, call.end_point[0] + 1 + offset)


def _calls_on(body: Node | None, variable: str) -> Iterator[Node]:
    """Calls `variable.method(…)` anywhere in a block, in order."""
    pending = [body] if body is not None else []
    while pending:
        node = pending.pop()
        if node.type == "call_expression":
            function = node.child_by_field_name("function")
            receiver = function.child_by_field_name("argument") if function is not None else None
            if receiver is not None and receiver.type == "identifier" and _text(receiver) == variable:
                yield node
        pending.extend(reversed(node.named_children))


def _tvm_export(statement: Node, offset: int) -> Iterator[_Entry]:
    call = statement.named_children[0] if statement.named_children else None
    if call is None or call.type != "call_expression":
        return
    macro = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if (
        macro is None
        or _text(macro) not in _TVM_EXPORTS
        or arguments is None
        or len(arguments.named_children) < 2
    ):
        return
    name, target = arguments.named_children[:2]
    line, end = call.start_point[0] + 1 + offset, call.end_point[0] + 1 + offset
    yield _Entry(("export", _text(name)), _TVM_KIND, line, end, target=_text(target))


def _function_reference(arguments: Sequence[Node]) -> str | None:
    """`Run` from `&Run` or `flashinfer::Run`, the first argument that names a function."""
    for argument in arguments:
        node = (
            argument.named_children[0]
            if argument.type == "pointer_expression" and argument.named_children
            else argument
        )
        if node.type in ("identifier", "qualified_identifier"):
            return _text(node)
    return None


def _string(node: Node | None) -> str | None:
    """The value of a string literal or of adjacent ones (`"a(Tensor x, "  "int y) -> ()"`)."""
    if node is None:
        return None
    if node.type == "string_literal":
        return "".join(
            _text(part) for part in node.named_children if part.type in ("string_content", "escape_sequence")
        )
    if node.type == "concatenated_string":
        parts = [_string(part) for part in node.named_children]
        return None if None in parts else "".join(part or "" for part in parts)
    return None


def _text(node: Node) -> str:
    return node.text.decode("utf-8", errors="replace") if node.text is not None else ""


def _squeeze(text: str) -> str:
    return " ".join(text.split())
