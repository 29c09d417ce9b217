"""Highlight each code block once per process, not once per page per build.

One job: remember what Pygments makes of a code block. pymdownx.highlight runs Pygments on
every block of every page in every build, some 250 blocks, and `mkdocs serve` builds on
every save (measured with benchmarks/bench.py: a serve rebuild took 2.66 s without this hook,
2.12 s with it). Both languages include the same
snippets, so half of that work in a build repeats the other half. What Pygments returns
depends only on the block's text and the highlighting options, so this hook memoizes
``pymdownx.highlight.Highlight.highlight`` for code blocks, keyed by every argument and every
option of the highlighter. `mkdocs serve` keeps hook modules loaded between rebuilds (MkDocs
caches them), so the memo lasts the session; a `mkdocs build` starts empty.

Left alone, and highlighted every time: inline code (the result is a mutable element) and
titles in HTML mode (pymdownx stores those in the page's own stash).
"""

from __future__ import annotations

import inspect

from pymdownx.highlight import Highlight

LIMIT = 4096  # blocks remembered; the site has about 250
_memo: dict = {}


def _options(highlighter: Highlight) -> tuple:
    return tuple((name, repr(value)) for name, value in sorted(vars(highlighter).items()) if name != "md")


def _frozen(value):
    if isinstance(value, dict):
        return tuple(sorted((k, repr(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(value)
    return value


def memoized(highlight):
    signature = inspect.signature(highlight)

    def highlight_once(self, *args, **kwargs):
        call = signature.bind(self, *args, **kwargs)
        call.apply_defaults()
        given = call.arguments
        if given["inline"] or self.title_mode != "text" or self.auto_title:
            return highlight(self, *args, **kwargs)
        key = (tuple((name, _frozen(value)) for name, value in given.items() if name != "self"), _options(self))
        if key not in _memo:
            if len(_memo) >= LIMIT:
                _memo.clear()
            _memo[key] = highlight(self, *args, **kwargs)
        return _memo[key]

    highlight_once.original = highlight
    return highlight_once


def on_config(config):
    if not hasattr(Highlight.highlight, "original"):
        Highlight.highlight = memoized(Highlight.highlight)
    return config
