"""What changed between two signatures of one public function: the parameters a caller must change.

An `api` fact whose signature changed keeps both signatures in its detail (`signature_detail`), as every
language's reader writes them: Python's `(self, a, b=1, *, c=None)`, Go's `(ctx context.Context) error`,
Rust's `(&self, n: usize) -> u32`, C++'s `int(const T*, float=…) const`. `signature_change` reads them
back as the parameters only one side has, whether the others moved, and what around the parameter list
(a return type, qualifiers) changed: "removes `b=1`, adds `b=2`" says what a diff of two long lines
leaves the reader to find. A field's or a property's value (Go's type and tag, TypeScript's annotation)
has no parameter list: when short, it is told whole, old and new.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

SIGNATURE = "signature"
_ARROW = " → "
MAX_WHOLE = 120  # characters of a value without a parameter list that a fact shows whole
_MARKERS = frozenset({"*", "/"})
_MARKS = re.compile(r"""[][(){}<>"',|]""")
_LIFETIME = re.compile(r"'[A-Za-z_]\w*+(?!')")
_OPENING = {"(": ")", "[": "]", "{": "}", "<": ">"}
_CLOSING = frozenset(_OPENING.values())


def signature_detail(old: str, new: str) -> str:
    """The detail of a fact whose signature changed from `old` to `new`."""
    return f"{SIGNATURE}: {old}{_ARROW}{new}"


@dataclass(frozen=True, slots=True)
class SignatureChange:
    removed: tuple[str, ...]  # parameters only the old signature has, in its order
    added: tuple[str, ...]  # parameters only the new one has
    rearranged: bool  # the parameters both have, in another order or passed otherwise (now keyword-only)
    outside: tuple[str, str] | None  # what surrounds the parameter list, old and new, when it changed


def signature_change(detail: str) -> SignatureChange | None:
    """The change a `signature_detail` tells; None for another detail, for values that are neither one
    parameter list nor short (overloads, a type's shape), or when the difference is in no one part."""
    prefix = f"{SIGNATURE}: "
    if not detail.startswith(prefix) or detail.count(_ARROW) != 1:
        return None
    old, new = (_split(side) for side in detail[len(prefix) :].split(_ARROW))
    if old is None or new is None:
        return None
    (old_parameters, old_outside), (new_parameters, new_outside) = old, new
    only_old = Counter(_named(old_parameters)) - Counter(_named(new_parameters))
    only_new = Counter(_named(new_parameters)) - Counter(_named(old_parameters))
    kept_old = [(p, kind) for p, kind in _passing(old_parameters) if p not in only_old]
    kept_new = [(p, kind) for p, kind in _passing(new_parameters) if p not in only_new]
    change = SignatureChange(
        removed=tuple(parameter for parameter in _named(old_parameters) if parameter in only_old),
        added=tuple(parameter for parameter in _named(new_parameters) if parameter in only_new),
        rearranged=kept_old != kept_new,
        outside=(old_outside, new_outside) if old_outside != new_outside else None,
    )
    return change if change.removed or change.added or change.rearranged or change.outside else None


def _named(parameters: list[str]) -> list[str]:
    """The parameters without Python's bare `*` and `/`, which say how the others are passed."""
    return [parameter for parameter in parameters if parameter not in _MARKERS]


def _passing(parameters: list[str]) -> list[tuple[str, str]]:
    """Each named parameter with how a call passes it: Python's `/` makes those before it positional-only,
    a `*` or `*args` those after it keyword-only; other languages have one way."""
    passing: list[tuple[str, str]] = []
    after_star = False
    for parameter in parameters:
        if parameter == "/":
            passing = [(name, "positional-only") for name, _ in passing]
        elif parameter.startswith("*") and not parameter.startswith("**"):
            after_star = True
            if parameter != "*":
                passing.append((parameter, "variadic"))
        else:
            passing.append((parameter, "keyword-only" if after_star else "either"))
    return passing


def _split(signature: str) -> tuple[list[str], str] | None:
    """The parameters of the first parameter list, and the rest of the signature with `…` in its place;
    without a list, no parameters and all of it, if short enough to read (not a type's whole shape);
    None with overloads."""
    opened = closed = None
    commas: list[int] = []
    after_bar = False  # past a top-level ` | `: a second parameter list there is an overload's
    for index, character, depth in _marks(signature):
        if depth == 0 and character == "(":
            if after_bar:
                return None  # a native name's overloads (`int(float) | int(double)`), no union type
            opened = index if opened is None else opened
        elif opened is not None and closed is None and depth == 1:
            if character == ",":
                commas.append(index)
            elif character in _CLOSING and _step(signature, index) < 0:
                closed = index
        elif character == "|" and depth == 0 and signature[index - 1 : index + 2] == " | ":
            after_bar = True
    if opened is None:  # a field's type and tag (`int32 `json:"size"``), a property's annotation
        return ([], signature.strip()) if len(signature) <= MAX_WHOLE else None
    if closed is None:
        return None
    cuts = [opened, *commas, closed]
    parameters = [signature[start + 1 : end].strip() for start, end in itertools.pairwise(cuts)]
    outside = f"{signature[:opened]}(…){signature[closed + 1 :]}".strip()
    return [parameter for parameter in parameters if parameter], outside


def _marks(text: str) -> Iterator[tuple[int, str, int]]:
    """Each bracket, comma and bar outside quotes, with the depth of brackets it is at (before it, for a
    bracket). One step per such character, not per character: signatures run to hundreds of them."""
    depth = 0
    quote = ""
    for match in _MARKS.finditer(text):
        index = match.start()
        character = text[index]
        if quote:
            quote = "" if character == quote and text[index - 1] != "\\" else quote
        elif character in "\"'":
            quote = "" if _LIFETIME.match(text, index) else character  # Rust's `'a` opens nothing
        else:
            yield index, character, depth
            depth += _step(text, index)


def _step(text: str, index: int) -> int:
    """+1 where a bracket opens, -1 where one closes; the `>` of an arrow (`->`, `=>`) is none."""
    character = text[index]
    if character in _OPENING:
        return 1
    if character in _CLOSING:
        return 0 if character == ">" and index and text[index - 1] in "-=" else -1
    return 0
