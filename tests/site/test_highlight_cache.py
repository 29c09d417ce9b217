"""hooks/highlight_cache.py: a code block highlighted once gives the same HTML every time,
without Pygments, and a change to the block or to the highlighting options is highlighted anew."""

from __future__ import annotations

import markdown
import pytest

from hooks import highlight_cache

BLOCK = '```python title="snippets/x.py"\nimport torch\nprint(torch.ones(2))\n```\n'


def render(text: str, **highlight_options) -> str:
    md = markdown.Markdown(
        extensions=["pymdownx.highlight", "pymdownx.superfences", "pymdownx.inlinehilite"],
        extension_configs={"pymdownx.highlight": highlight_options},
    )
    return md.convert(text)


@pytest.fixture
def pygments_calls(monkeypatch):
    import pymdownx.highlight as module

    highlight_cache.on_config({})
    highlight_cache._memo.clear()
    calls = []
    original = module.highlight
    monkeypatch.setattr(module, "highlight", lambda *a, **k: calls.append(a[0]) or original(*a, **k))
    return calls


def test_the_same_block_is_highlighted_once_and_renders_the_same(pygments_calls):
    first = render(BLOCK)
    assert render(BLOCK) == first and '<span class="kn">import</span>' in first
    assert len(pygments_calls) == 1


def test_new_text_or_new_options_are_highlighted_anew(pygments_calls):
    plain = render(BLOCK)
    changed = render(BLOCK.replace("ones", "zeros"))
    numbered = render(BLOCK, linenums=True)
    assert "zeros" in changed and "linenos" in numbered and "linenos" not in plain
    assert len(pygments_calls) == 3


def test_inline_code_is_not_memoized(pygments_calls):
    render("Call `#!python torch.ones(2)` twice.")
    render("Call `#!python torch.ones(2)` twice.")
    assert len(pygments_calls) == 2


def test_the_patch_is_applied_once():
    highlight_cache.on_config({})
    patched = highlight_cache.Highlight.highlight
    highlight_cache.on_config({})
    assert highlight_cache.Highlight.highlight is patched and not hasattr(patched.original, "original")
