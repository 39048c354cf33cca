"""Renderers: a `DayReport` in, a document out.

`markdown.render_markdown` (zh / en, through overridable Jinja2 templates) and `json_document.render_json`
(a versioned, documented schema). Both read the same day figures (`summary`) and anchors (`view`).
"""
