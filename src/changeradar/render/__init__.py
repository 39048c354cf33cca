"""Renderers: a `DayReport` in, a document out, through one format-neutral view.

`view.build_view` does all the wording as typed lines and escapes nothing; `markdown.render_markdown`
(overridable Jinja2 templates, escaping in their filters, see `escape`) and `json_document.render_json`
(a versioned, documented schema) serialise it. `summary` holds the day's figures every output shares.
"""
