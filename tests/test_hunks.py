"""The one patch reader: hunks with their headings, lines numbered in the old and new file."""

from __future__ import annotations

import pytest

from changeradar.hunks import DiffLine, Hunk, SideLine, numbered_lines, parse_hunks, side_runs

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


def test_each_side_reads_as_runs_of_the_lines_that_file_shows():
    assert side_runs(PATCH, new_side=True) == [
        [SideLine(3, "    a = 1", False), SideLine(4, "    b = 3", True)],
        [SideLine(21, "x = 1", True), SideLine(22, "", True)],
    ]
    assert side_runs(PATCH, new_side=False) == [
        [SideLine(3, "    a = 1", False), SideLine(4, "    b = 2", True)]
    ]


WHOLE_SIDES = {
    "added": ("@@ -0,0 +1,3 @@\n+a\n+\n+c\n", True),
    "added, no newline at its end": ("@@ -0,0 +1,2 @@\n+a\n+b\n\\ No newline at end of file\n", True),
    "deleted": ("@@ -1,2 +0,0 @@\n-a\n-b\n", False),
    "a line break only splitlines knows": ("@@ -0,0 +1,2 @@\n+a\rb\n+c\n", True),
    "a line of no side": ("@@ -0,0 +1,2 @@\n+a\n\n+c\n", True),
    "an empty file filled": ("@@ -0,0 +5,2 @@ heading\n+x\n+y", True),
}


@pytest.mark.parametrize("patch, new_side", WHOLE_SIDES.values(), ids=WHOLE_SIDES.keys())
def test_a_side_that_comes_whole_reads_as_the_line_by_line_reading_does(patch: str, new_side: bool):
    """Files that come or go whole take a faster path: it must read exactly as the general one."""
    general = [
        SideLine(line.new_line if new_side else line.old_line, line.text, True)
        for line in numbered_lines(patch)
        if line.sign == ("+" if new_side else "-")
    ]
    assert side_runs(patch, new_side) == ([general] if general else [])
