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
