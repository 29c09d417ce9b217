"""Highlighted code without the <span>s that change nothing a reader sees.

One job: make code blocks' DOM smaller. Pygments wraps every token in a <span> with its
class, names (``n``) and whitespace (``w``) too. Material colours ``.highlight .n`` with
``--md-code-hl-name-color``, which is the code's own colour (``--md-code-fg-color``), and has
no rule for ``.w``; so those spans, a third of the elements of code on a page (measured on
experiments/training: 3,600 of 12,400), only add elements. On a phone each element costs its
share of every full restyle that Material's start-up makes (README, "Speed on phones"). The
text of the code is unchanged, and so is what the copy button copies.

Only leaf spans inside <pre> (code blocks, the notebooks' cells) are unwrapped, in the page's
final HTML, so that notebook pages are included. tests/site/test_reading.py checks the built
pages and that Material's stylesheet still gives ``.n`` the code's own colour and ``.w`` none.
"""

from __future__ import annotations

import re

PRE = re.compile(r"<pre\b.*?</pre>", re.S)
NO_OP_SPAN = re.compile(r'<span class="[nw]">([^<]*)</span>|<span></span>')


def lean(html: str) -> str:
    """``html`` with the name, whitespace and empty spans of its <pre> blocks unwrapped."""
    return PRE.sub(lambda block: NO_OP_SPAN.sub(r"\1", block[0]), html)


def on_post_page(output: str, page, config) -> str:
    return lean(output)
