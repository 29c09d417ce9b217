"""Material's search plugin reads code as text.

Each code block that pymdownx.highlight wrote (``<div class="highlight">``) is held aside with
hooks/search_slots.py while the search plugin reads the page, and put back in on_post_page.
The slot keeps the block's text and its <pre>/<code> elements, so the search index is what it
would have been; Pygments' thousands of <span>s per page, which took most of the search
plugin's time, are never parsed. Blocks with a nested <div> are left alone.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from hooks.search_slots import fill_page, hold  # noqa: E402

CODE_BLOCK = re.compile(r'<div class="highlight">(?P<inside>(?:(?!<div).)*?)</div>', re.S)
INLINE_TAGS = re.compile(r"</?(?:span|a)\b[^>]*>")


def on_page_content(content: str, page, config, files) -> str:
    return CODE_BLOCK.sub(lambda m: hold(page, m[0], INLINE_TAGS.sub("", m["inside"]), block=True), content)


def on_post_page(output: str, page, config) -> str:
    return fill_page(output, page)
