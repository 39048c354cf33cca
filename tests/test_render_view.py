"""The format-neutral view: wording done, nothing escaped, and one serialisation per format."""

from __future__ import annotations

from changeradar.inline import Code, Link, Prose, Text, Words, commonmark
from changeradar.render.escape import markdown_line
from changeradar.render.view import build_view
from day_reports import HOSTILE_SUBJECT, sample_report


def test_the_view_holds_untrusted_text_as_it_is() -> None:
    view = build_view(sample_report("en"))
    hostile = next(commit for commit in view.commits if commit.subject == HOSTILE_SUBJECT)
    label = hostile.table_message[0]
    assert isinstance(label, Link) and label.label == (Text(HOSTILE_SUBJECT),)
    assert label.url == f"#{hostile.anchor}"


def test_reasons_are_typed_and_the_json_form_is_their_commonmark() -> None:
    view = build_view(sample_report("en"))
    reasons = [reason for commit in view.commits for reason in commit.reasons]
    assert any(isinstance(piece, Code) for reason in reasons for piece in reason)
    assert all(isinstance(reason[0], Words | Prose) for reason in reasons)


def test_one_line_serialises_per_format_with_escaping_only_in_markdown() -> None:
    line = (Words("adds "), Code("a|b"), Words(" to "), Text("<b>*x*</b>"), Words(" — "), Prose("see [x](y)"))
    assert commonmark(line) == "adds `a|b` to <b>*x*</b> — see [x](y)"
    assert markdown_line(line) == r"adds `a|b` to \<b\>\*x\*\</b\> — see \[x\](y)"
    assert markdown_line(line, in_table=True) == r"adds `a\|b` to \<b\>\*x\*\</b\> — see \[x\](y)"


def test_the_run_summary_is_part_of_the_view() -> None:
    view = build_view(sample_report("zh"))
    assert (
        view.run_summary
        == "sgl-project/sglang 2026-01-29: 4 commits (high 1, medium 1, low 2); analysed offline"
    )
