"""The one patch reader: hunks with their headings, lines numbered in the old and new file."""

from __future__ import annotations

from changeradar.hunks import DiffLine, Hunk, numbered_lines, parse_hunks

PATCH = """@@ -3,3 +3,3 @@ def load(path):
     a = 1
-    b = 2
+    b = 3
\\ No newline at end of file
@@ -20,0 +21,2 @@
+x = 1
+
"""


def test_hunks_keep_their_start_lines_and_heading_and_drop_no_newline_markers():
    assert list(parse_hunks(PATCH)) == [
        Hunk(3, 3, " def load(path):", ("     a = 1", "-    b = 2", "+    b = 3")),
        Hunk(20, 21, "", ("+x = 1", "+")),
    ]


def test_lines_are_numbered_on_the_side_they_exist_on():
    assert list(numbered_lines(PATCH)) == [
        DiffLine(" ", "    a = 1", 3, 3),
        DiffLine("-", "    b = 2", 4, None),
        DiffLine("+", "    b = 3", None, 4),
        DiffLine("+", "x = 1", None, 21),
        DiffLine("+", "", None, 22),
    ]


def test_text_before_the_first_header_is_no_hunk():
    assert list(parse_hunks("diff --git a/x b/x\n+++ b/x\n")) == []
