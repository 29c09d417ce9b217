"""Front matter `description:` is printed into <meta> attributes by Material's base.html and by
overrides/main.html without escaping (MkDocs' Jinja environment does not autoescape), so a
description with a double quote ended the attribute early and spilled the rest of the text as
junk attributes (upstream: mkdocs/mkdocs#1822, config and meta variables not escaped in
themes; Material's base.html prints page.meta.description as it is). This hook escapes it for HTML once, after every other hook has set it
(hooks/notebook_pages.py copies a notebook page's description from the notebook)."""

from __future__ import annotations

import html

from mkdocs.plugins import event_priority


@event_priority(-100)  # run last
def on_page_context(context, page, config, nav):
    value = page.meta.get("description")
    if isinstance(value, str) and not getattr(page, "description_escaped", False):
        page.meta["description"] = html.escape(value, quote=True)
        page.description_escaped = True
    return context
