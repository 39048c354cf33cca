"""The Markdown report, in the layout of the reference report, through Jinja2 templates a user can override.

A serialiser of `view.ReportView`: the templates lay the view out and escape in their filters (`line`
for a typed line, `text` / `heading` for plain text, `prose` / `cell` for analysis prose). Templates are
looked up in the user's folder first, then in the package: `report.<language>.md.j2` when there is one
(a user's layout for one language), else `_report.md.j2`, which includes `_commit.md.j2`; a new language
needs no template. The output is deterministic — no generation time, nothing that changes between runs —
so a re-run is byte-identical.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, TemplateError

from changeradar.errors import BadInput
from changeradar.i18n import check_language, text
from changeradar.model import DayReport
from changeradar.render.escape import (
    inline_code,
    markdown_heading,
    markdown_line,
    markdown_prose,
    markdown_text,
)
from changeradar.render.view import (
    ATTENTION_ANCHOR,
    HIGHLIGHTS_ANCHOR,
    STATS_ANCHOR,
    ReportView,
    build_view,
)

_BLANK_RUNS = re.compile(r"\n{3,}")


def render_markdown(
    report: DayReport, templates_dir: Path | None = None, view: ReportView | None = None
) -> str:
    """The report as Markdown, ending with exactly one newline; a broken user template is BadInput."""
    language = check_language(report.language)
    environment = markdown_environment(templates_dir)
    try:
        template = environment.select_template([f"report.{language}.md.j2", "_report.md.j2"])
        rendered = template.render(
            view=view or build_view(report),
            report=report,
            t=partial(text, language),
            stats_anchor=STATS_ANCHOR,
            highlights_anchor=HIGHLIGHTS_ANCHOR,
            attention_anchor=ATTENTION_ANCHOR,
        )
    except TemplateError as error:
        if templates_dir is None:
            raise  # the package's own templates: a bug, not bad input
        raise BadInput(f"cannot render the templates in {templates_dir}: {error}") from None
    # Templates stay readable by leaving optional sections' blank lines in; one blank line is enough.
    return _BLANK_RUNS.sub("\n\n", rendered).strip("\n") + "\n"


def markdown_environment(templates_dir: Path | None = None) -> Environment:
    """A Jinja2 environment for Markdown: user templates first, the escaping filters registered."""
    if templates_dir is not None and not templates_dir.is_dir():
        raise BadInput(f"templates folder not found: {templates_dir}")
    loaders = [FileSystemLoader(templates_dir)] if templates_dir is not None else []
    environment = Environment(
        loader=ChoiceLoader([*loaders, PackageLoader("changeradar", "templates")]),
        autoescape=False,  # Markdown, not HTML: untrusted text is escaped by the filters below instead
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        line=markdown_line,
        text=markdown_text,
        heading=markdown_heading,
        prose=markdown_prose,
        cell=partial(markdown_prose, in_table=True),
        code=inline_code,
    )
    return environment
