"""Markup that Material's search plugin should not parse, held aside until the page is done.

Not a hook: what hooks/katex_render.py and hooks/code_for_search.py share. Material's search
plugin reads every page's HTML with Python's html.parser (in on_page_context). KaTeX formulas
and highlighted code are most of a page's tags, and were most of the build's time there,
yet the index only needs their text. So a hook that finds such markup in on_page_content
calls ``hold``: the page gets a slot holding the text, which is what the index takes, and
``fill`` (on_post_page) puts the markup back in the finished page.
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

SLOT = re.compile(r'<(?P<tag>span|div) class="search-slot" data-slot="(?P<index>\d+)">.*?</(?P=tag)>', re.S)


def hold(page, markup: str, text: str, block: bool) -> str:
    """The slot that stands for ``markup`` until ``fill``; ``text`` must hold no </span> or </div>."""
    held = page.__dict__.setdefault("held_for_search", [])
    held.append(markup)
    tag = "div" if block else "span"
    return f'<{tag} class="search-slot" data-slot="{len(held) - 1}">{text}</{tag}>'


def fill(output: str, held: list[str], where: str) -> str:
    """Every slot in ``output`` replaced by the markup it stands for."""

    def put_back(match: re.Match) -> str:
        index = int(match.group("index"))
        if index >= len(held):
            raise PluginError(f"{where}: a search slot ({index}) has no markup to put back")
        return held[index]

    return SLOT.sub(put_back, output)


def fill_page(output: str, page) -> str:
    return fill(output, page.__dict__.get("held_for_search", []), f"docs/{page.file.src_uri}")
