"""A changed signature read back as what a caller must change, in every language's form."""

from __future__ import annotations

import pytest

from changeradar.signals.signatures import SignatureChange, signature_change, signature_detail


def change(old: str, new: str) -> SignatureChange | None:
    return signature_change(signature_detail(old, new))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "(self, a, b=1, *, c=None)",
            "(self, a, b=2, *, c=None, d=True)",
            SignatureChange(("b=1",), ("b=2", "d=True"), False, None),
            id="python default changed and keyword added",
        ),
        pytest.param(
            "(input, gamma, beta)",
            "(x, gamma, beta)",
            SignatureChange(("input",), ("x",), False, None),
            id="python parameter renamed",
        ),
        pytest.param(
            "(ctx context.Context, name string) error",
            "(ctx context.Context, name string, opts ...Option) (int, error)",
            SignatureChange((), ("opts ...Option",), False, ("(…) error", "(…) (int, error)")),
            id="go parameter and results",
        ),
        pytest.param(
            "(&self, n: usize) -> Result<u32, Error>",
            "(&self, n: usize, m: HashMap<String, u8>) -> Result<u32, Error>",
            SignatureChange((), ("m: HashMap<String, u8>",), False, None),
            id="rust generic with a comma, after an arrow",
        ),
        pytest.param(
            "int(const T*, float=…) const",
            "void(const T*, float=…) const",
            SignatureChange((), (), False, ("int(…) const", "void(…) const")),
            id="c++ return type",
        ),
        pytest.param(
            "op(Tensor a, float eps=1e-6) -> ()",
            "op(Tensor a, float eps=1e-6, bool pdl) -> ()",
            SignatureChange((), ("bool pdl",), False, None),
            id="torch schema",
        ),
        pytest.param(
            "(self, a, b=1)",
            "(self, a, *, b=1)",
            SignatureChange((), (), True, None),
            id="python parameter made keyword-only",
        ),
        pytest.param(
            "(self, a)",
            "(self, a, *, b=None)",
            SignatureChange((), ("b=None",), False, None),
            id="python keyword-only parameter added",
        ),
        pytest.param(
            '(sep=",", n=1)',
            '(n=1, sep=",")',
            SignatureChange((), (), True, None),
            id="reordered, a comma in a string default",
        ),
        pytest.param(
            "(options: Options | string[]) : Promise<A>",
            "(options: Options | string[], signal?: AbortSignal) : Promise<A>",
            SignatureChange((), ("signal?: AbortSignal",), False, None),
            id="a typescript union is no overload",
        ),
        pytest.param(
            "(x: number) : string | null",
            "(x: number, y?: number) : string | null",
            SignatureChange((), ("y?: number",), False, None),
            id="a typescript union in the return type",
        ),
        pytest.param(
            "(&'a self, name: &'a str) -> &'a str",
            "(&'a self, name: &'a str, strict: bool) -> &'a str",
            SignatureChange((), ("strict: bool",), False, None),
            id="rust lifetimes are no quotes",
        ),
        pytest.param(
            'map[string]string `json:"selector"`',
            'map[string]string `json:"podSelector"`',
            SignatureChange(
                (),
                (),
                False,
                ('map[string]string `json:"selector"`', 'map[string]string `json:"podSelector"`'),
            ),
            id="a go field's type and tag, whole",
        ),
    ],
)
def test_the_parts_of_a_signature_that_changed(old: str, new: str, expected: SignatureChange) -> None:
    assert change(old, new) == expected


def test_what_cannot_be_read_as_one_change_is_none() -> None:
    assert change("int(float) | int(double)", "int(float)") is None  # overloads
    assert change("struct { " + "a int; " * 40 + "}", "struct { b int }") is None  # a type's whole shape
    assert signature_change("image: breaking, a → b") is None
    assert signature_change("signature") is None
