"""Reading only the statements an edit touches gives the same public API as parsing the whole module."""

from __future__ import annotations

import textwrap

from changeradar.signals.python_api import bound_by_other_statements, public_api
from changeradar.signals.python_regions import WORTH_IT_LINES, binding_statements, statements_touched

FILLER = "\n".join(f"def helper_{n}(a, b=1):\n    return a + b\n" for n in range(WORTH_IT_LINES // 3))


def module(*parts: str) -> str:
    return "\n".join(textwrap.dedent(part).strip("\n") + "\n" for part in (*parts, FILLER))


ENGINE = '''
    class Engine(
        Base,
        Mixin,
    ):
        """Runs requests."""

        def __init__(self, config):
            self.config = config

        @property
        def ready(self):
            return True

        def step(self, batch):
            return batch
    '''


def line_of(source: str, text: str) -> int:
    """Zero-based number of the line holding `text`."""
    return next(number for number, line in enumerate(source.split("\n")) if text in line)


def names(found) -> dict[str, str | None]:
    return {item.name: item.value for item in found}


def test_a_method_edited_in_a_long_class_keeps_its_header_and_that_method_with_their_line_numbers() -> None:
    old = module(ENGINE)
    new = old.replace("def step(self, batch):", "def step(self, batch, budget=None):")
    old_kept, new_kept = statements_touched(old, new, [line_of(old, "def step")], [line_of(new, "def step")])

    assert len(new_kept.split("\n")) == len(new.split("\n"))
    assert line_of(new_kept, "def step") == line_of(new, "def step")
    assert "def ready" not in new_kept and "helper_3" not in new_kept
    assert names(public_api(new_kept, "m")) == {
        "m.Engine": "(self, config)",
        "m.Engine.step": "(self, batch, budget=None)",
    }
    assert names(public_api(old_kept, "m"))["m.Engine.step"] == "(self, batch)"


def test_a_function_added_on_the_new_side_is_looked_for_on_the_old_side_too() -> None:
    old = module("def serve(port):\n    return port\n")
    new = old.replace("def serve(port):", "def serve(port, host):")
    new = new + "\n\ndef shutdown(grace=0):\n    return grace\n"
    added = [line_of(new, "def serve"), line_of(new, "def shutdown")]
    old_kept, new_kept = statements_touched(old, new, [line_of(old, "def serve")], added)

    assert set(names(public_api(old_kept, "m"))) == {"m.serve"}
    assert names(public_api(new_kept, "m")) == {"m.serve": "(port, host)", "m.shutdown": "(grace=0)"}


def test_the_whole_class_is_kept_when_its_own_lines_change_and_decorators_stay_with_their_def() -> None:
    old = module(ENGINE, "@cache\ndef load(path):\n    return path\n")
    new = old.replace("    Mixin,", "    Mixin,\n    Extra,").replace(
        "def load(path):", "def load(path, mode):"
    )
    removed = [line_of(old, "def load")]
    added = [line_of(new, "Extra,"), line_of(new, "def load")]
    _old_kept, new_kept = statements_touched(old, new, removed, added)

    whole = {name: value for name, value in names(public_api(new, "m")).items() if "helper" not in name}
    assert names(public_api(new_kept, "m")) == whole
    assert "@cache" in new_kept and "def ready" in new_kept


def test_a_short_module_is_left_to_a_whole_parse() -> None:
    source = "def f():\n    return 1\n"
    assert statements_touched(source, source, [0], [0]) is None


def test_functions_are_cut_to_their_signatures_however_they_are_written() -> None:
    definitions = """
        @register("chat")
        def route(
            request,
            table={"a": 1, "b:": 2},  # a colon: in a default
            *,
            timeout: float = 1.0,
        ) -> dict[str, int]:
            def inner(x):
                return x
            return table

        def one_liner(a): return a

        async def stream(self, chunks):
            yield chunks
        """
    old = module(definitions)
    new = old.replace("timeout: float = 1.0,", "timeout: float = 2.0,\n    retries=3,")
    new = new.replace("def one_liner(a)", "def one_liner(a, b)").replace(
        "stream(self, chunks)", "stream(self)"
    )
    removed = [line_of(old, text) for text in ("timeout", "def one_liner", "async def stream")]
    added = [line_of(new, text) for text in ("retries=3", "def one_liner", "async def stream")]
    old_kept, new_kept = statements_touched(old, new, removed, added)

    assert "return table" not in new_kept and "def inner" not in new_kept and "yield" not in new_kept
    assert line_of(new_kept, "def route(") == line_of(new, "def route(")
    assert names(public_api(new_kept, "m")) == {
        "m.route": "(request, table={'a': 1, 'b:': 2}, *, timeout=2.0, retries=3)",
        "m.one_liner": "(a, b)",
        "m.stream": "(self)",
    }
    assert names(public_api(old_kept, "m"))["m.route"] == "(request, table={'a': 1, 'b:': 2}, *, timeout=1.0)"


def test_the_binding_statements_bind_the_same_names_as_the_whole_module() -> None:
    source = module(
        '''
        """Docs."""
        from .engine import (
            Engine,
            Sampler as Chooser,
        )

        try:
            import fast
        except ImportError:
            fast = None

        @dataclass
        class Config:
            limit = 1

        def serve(port):
            global started
            started = True

        __all__ = ["Engine", "Chooser", "serve"]
        VERSION: str = "1"
        '''
    )
    binding = binding_statements(source)

    assert "class Config" not in binding and "def serve" not in binding and "helper_1" not in binding
    assert bound_by_other_statements(binding) == bound_by_other_statements(source)
    assert bound_by_other_statements(binding) == {"Engine", "Chooser", "fast", "__all__", "VERSION"}


def test_statements_are_found_from_the_first_line_on_and_only_where_a_line_can_open_one() -> None:
    # The first line has no line break before it; `elsewhere` is no `else:`; a `#` or `)` at column 0
    # opens nothing; a decorated class is a class; lines end in "\r\n" here.
    old = module(
        """
        def first(a):
            return a
        elsewhere = 1
        # a comment at column 0
        @decorate(
            "a class below"
        )
        class Registry:
            def add(self, item):
                return item
        x = (
            1
        )
        async	def fetch(url):
            return url
        """
    ).replace("\n", "\r\n")
    new = old.replace("def first(a):", "def first(a, b=2):").replace("def add(self, item):", "def add(self):")
    changed = [line_of(old, "def first"), line_of(old, "def add")]
    old_kept, new_kept = statements_touched(old, new, changed, changed)

    assert names(public_api(new_kept, "m")) == {
        "m.first": "(a, b=2)",
        "m.Registry": None,
        "m.Registry.add": "(self)",
    }
    assert names(public_api(old_kept, "m"))["m.Registry.add"] == "(self, item)"
    assert "fetch" not in new_kept and "elsewhere" not in new_kept
    bound = bound_by_other_statements(binding_statements(new))
    assert bound is not None and {"elsewhere", "x"} <= bound and "first" not in bound
