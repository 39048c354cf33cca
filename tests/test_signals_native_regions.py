"""Function bodies are blanked line for line; braces in directives, comments and strings do not count."""

from __future__ import annotations

from changeradar.signals.native_regions import without_function_bodies


def test_a_body_is_blanked_and_keeps_its_line_count() -> None:
    source = "int add(int a, int b) {\n  return a + b;\n}\nstruct S { int x; };\n"
    assert without_function_bodies(source, ()) == "int add(int a, int b) {\n\n}\nstruct S { int x; };\n"


def test_braces_in_an_indented_directive_a_comment_or_a_string_are_not_counted() -> None:
    source = '  #define OPEN {\nvoid f() { /* } */ g("}"); }\nvoid h();\n'
    assert without_function_bodies(source, ()) == "  #define OPEN {\nvoid f() {}\nvoid h();\n"


def test_a_hash_within_a_line_of_code_opens_no_directive() -> None:
    # Were `# x) {` read as a directive, the brace after it would go unseen and the body stay.
    source = "#define CAT(a, b) a##b\nint v = CAT(1, 2); void f(int x) # x) {\n  y();\n}\n"
    assert without_function_bodies(source, ()).split("\n")[2] == ""


def test_a_kept_block_stays_whole() -> None:
    source = 'PYBIND11_MODULE(m, mod) {\n  mod.def("f", &f);\n}\n'
    assert without_function_bodies(source, ("PYBIND11_MODULE",)) == source


def test_a_directive_continued_by_backslashes_holds_its_braces_to_its_last_line() -> None:
    # The macro's `{` and `}` are the directive's, on the first line as further down; `g`'s body is blanked.
    source = (
        "#define FN(T) \\\n  inline bool is##T() { \\\n    return true; \\\n  }\n"
        "void g() {\n  #define LOCAL(x) \\\n    { x; }\n  h();\n}\n"
    )
    expected = "#define FN(T) \\\n  inline bool is##T() { \\\n    return true; \\\n  }\nvoid g() {\n\n\n\n}\n"
    assert without_function_bodies(source, ()) == expected


def test_a_quote_or_slash_that_opens_nothing_is_a_character() -> None:
    # A digit separator, a lone quote in a directive-free line and a division: the braces still count.
    source = "int n = 1'000'000 / 2;\nvoid f() {\n  char q = '\\'';\n  int r = n / 3;\n}\nvoid g();\n"
    assert without_function_bodies(source, ()) == "int n = 1'000'000 / 2;\nvoid f() {\n\n\n}\nvoid g();\n"
