"""Protocol Buffers schemas (`*.proto`): messages, fields, enums, services and RPCs added, removed or changed.

On the wire a field is its number: a field renamed under the same number and type is compatible (a
change, not a removal), while a field whose number or type changes, or a number reused by another
field, breaks every peer built from the old schema. Read by a small parser of proto2/proto3 syntax
(comments, nested messages, oneof, map<…>, options) over both whole sides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from changeradar.file_kinds import file_kind
from changeradar.model import Commit, FileChange, Signal, SignalAction, SignalKind
from changeradar.signals.context import SignalContext
from changeradar.signals.dependencies import Found, compare_found, whole_sides
from changeradar.signals.interfaces import BREAKING, Interface

MESSAGE = Interface.PROTO_MESSAGE
FIELD = Interface.PROTO_FIELD
ENUM = Interface.PROTO_ENUM
ENUM_VALUE = Interface.PROTO_ENUM_VALUE
SERVICE = Interface.PROTO_SERVICE
RPC = Interface.RPC

_TOKEN = re.compile(
    r"""//[^\n]*|/\*.*?\*/|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[A-Za-z_][\w.]*|[-+]?\d[\w.+-]*|\S""",
    re.DOTALL,
)
_SKIPPED_STATEMENTS = frozenset(
    {"syntax", "edition", "package", "import", "option", "reserved", "extensions"}
)
_LABELS = frozenset({"optional", "repeated", "required"})


def extract(commit: Commit, context: SignalContext) -> Iterator[Signal]:
    for file in commit.files:
        if file.binary or not file.path.endswith(".proto") or file_kind(file.path) != "core":
            continue
        sides = whole_sides(file, context.blobs)
        if sides is None:
            continue
        old, new = (_Schema.read(text) for text in sides)
        yield from compare_found(SignalKind.API, file, old.declarations, new.declarations, _rpc_change)
        yield from _compare_numbered(file, old.fields, new.fields, FIELD)
        yield from _compare_numbered(file, old.enum_values, new.enum_values, ENUM_VALUE)


@dataclass(frozen=True, slots=True)
class _Numbered:
    """A field or enum value: its scope (message or enum), name, number and (for a field) type."""

    scope: str
    name: str
    number: str
    type: str
    line: int

    @property
    def qualified(self) -> str:
        return f"{self.scope}.{self.name}"


def _compare_numbered(
    file: FileChange, before: list[_Numbered], after: list[_Numbered], family: str
) -> Iterator[Signal]:
    """Added, removed and changed fields (or enum values), matched by name and then by number."""
    old = {item.qualified: item for item in before}
    new = {item.qualified: item for item in after}
    old_by_number = {(item.scope, item.number): item for item in before}
    renamed_from: set[str] = set()
    for name, item in new.items():
        previous = old.get(name)
        if previous is not None:
            if previous.number != item.number:
                detail = f"{family}: {BREAKING}, number {previous.number} → {item.number}"
                yield _signal(SignalAction.CHANGED, item, detail, file.path)
            elif previous.type != item.type:
                detail = f"{family}: {BREAKING}, type {previous.type} → {item.type}"
                yield _signal(SignalAction.CHANGED, item, detail, file.path)
            continue
        holder = old_by_number.get((item.scope, item.number))
        if holder is None or holder.qualified in new:
            yield _signal(SignalAction.ADDED, item, _described(family, item), file.path)
        elif holder.type == item.type:
            renamed_from.add(holder.qualified)
            yield _signal(SignalAction.CHANGED, item, f"{family}: renamed from {holder.name}", file.path)
        else:
            renamed_from.add(holder.qualified)
            detail = f"{family}: {BREAKING}, number {item.number} reused (was {holder.name} {holder.type})"
            yield _signal(SignalAction.CHANGED, item, detail, file.path)
    for name, item in old.items():
        if name not in new and name not in renamed_from:
            yield _signal(SignalAction.REMOVED, item, _described(family, item), file.old_path or file.path)


def _described(family: str, item: _Numbered) -> str:
    return f"{family}: {item.type} = {item.number}" if item.type else f"{family}: = {item.number}"


def _signal(action: SignalAction, item: _Numbered, detail: str, path: str) -> Signal:
    return Signal(SignalKind.API, item.qualified, action, detail, path, item.line)


def _rpc_change(old: str, new: str) -> str:
    return f"{RPC}: {BREAKING}, {old} → {new}"


@dataclass(slots=True)
class _Schema:
    """What one side of a .proto file declares."""

    declarations: list[Found] = field(default_factory=list)  # messages, enums, services, RPCs
    fields: list[_Numbered] = field(default_factory=list)
    enum_values: list[_Numbered] = field(default_factory=list)

    @classmethod
    def read(cls, text: str) -> _Schema:
        schema = cls()
        _Parser(text, schema).body("", "file")
        return schema


class _Parser:
    """Recursive descent over tokens; anything it does not know is skipped to its `;` or `}`."""

    def __init__(self, text: str, schema: _Schema) -> None:
        self.tokens: list[tuple[str, int]] = []
        line, offset = 1, 0
        for match in _TOKEN.finditer(text):
            line += text.count("\n", offset, match.start())
            offset = match.start()
            if not match.group().startswith(("//", "/*")):
                self.tokens.append((match.group(), line))
        self.position = 0
        self.schema = schema

    def peek(self, ahead: int = 0) -> str:
        index = self.position + ahead
        return self.tokens[index][0] if index < len(self.tokens) else ""

    def take(self) -> tuple[str, int]:
        token = self.tokens[self.position] if self.position < len(self.tokens) else ("", 0)
        self.position += 1
        return token

    def body(self, scope: str, kind: str) -> None:
        """Statements until the `}` that closes the current block (or the end of the file)."""
        while self.position < len(self.tokens):
            word = self.peek()
            if word == "}":
                self.take()
                return
            if word in ("message", "enum", "service", "extend", "oneof") and self.peek(2) == "{":
                self.block(scope, kind)
            elif word in _SKIPPED_STATEMENTS or word == ";":
                self.skip_statement()
            elif word == "rpc" and kind == "service":
                self.rpc(scope)
            elif kind == "enum":
                self.enum_value(scope)
            elif kind == "message":
                self.field(scope)
            else:
                self.skip_statement()

    def block(self, scope: str, kind: str) -> None:
        keyword, line = self.take()
        name = self.take()[0]
        self.take()  # "{"
        if keyword == "oneof":
            self.body(scope, "message")  # a oneof's fields are its message's
            return
        if keyword == "extend":
            self.body(name, "message")
            return
        qualified = f"{scope}.{name}" if scope else name
        family = {"message": MESSAGE, "enum": ENUM, "service": SERVICE}[keyword]
        self.schema.declarations.append(Found((family, qualified), qualified, line, family))
        self.body(qualified, keyword)

    def field(self, scope: str) -> None:
        start = self.position
        if self.peek() in _LABELS:
            self.take()
        if self.peek() == "map" and self.peek(1) == "<":
            self.take()
            parts = []
            while self.peek() not in (">", ""):
                parts.append(self.take()[0])
            self.take()
            type_name = "map<" + "".join(parts).replace(",", ", ") + ">"
        else:
            type_name = self.take()[0]
        name, line = self.take()
        if self.peek() != "=" or not re.fullmatch(r"\w+", name):
            self.position = start
            self.skip_statement()
            return
        self.take()
        number = self.take()[0]
        label = self.tokens[start][0] if self.tokens[start][0] in ("repeated",) else ""
        full_type = f"{label} {type_name}".strip()
        self.schema.fields.append(_Numbered(scope, name, number, full_type, line))
        self.skip_statement()

    def enum_value(self, scope: str) -> None:
        name, line = self.take()
        if self.peek() == "=":
            self.take()
            self.schema.enum_values.append(_Numbered(scope, name, self.take()[0], "", line))
        self.skip_statement()

    def rpc(self, service: str) -> None:
        _, line = self.take()
        name = self.take()[0]
        signature = []
        while self.peek() not in ("{", ";", ""):
            signature.append(self.take()[0])
        text = " ".join(signature).replace("( ", "(").replace(" )", ")")
        qualified = f"{service}.{name}"
        self.schema.declarations.append(Found((RPC, qualified), qualified, line, RPC, text))
        self.skip_statement()

    def skip_statement(self) -> None:
        """Past the statement's `;`, or past its `{ … }` block (nested blocks included)."""
        depth = 0
        while self.position < len(self.tokens):
            token = self.take()[0]
            if token == "{":
                depth += 1
            elif token == "}":
                depth -= 1
                if depth <= 0:
                    if depth < 0:
                        self.position -= 1  # the enclosing block's `}`: leave it to `body`
                    return
            elif token == ";" and depth == 0:
                return
