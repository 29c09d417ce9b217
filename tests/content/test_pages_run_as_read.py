"""mktestdocs runs each page's Python, with its includes expanded, top to bottom, as a
reader copying every block in order would. The English pages run; a Chinese page holds the
same code, since twins include the same snippets in the same order
(tests/content/test_languages_match.py) and no page types code of its own."""

from __future__ import annotations

import re

import pytest
from mktestdocs import grab_code_blocks
from mktestdocs.__main__ import check_raw_file_full  # not exported at the top level in 0.2.5

from hooks.snippets_lib import expand_includes
from tests.conftest import ROOT, snippets_options
from hooks.source_checks import markdown_pages

# mktestdocs only collects fences whose info string is exactly "python".
PYTHON_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})python\b[^\n]*$", re.M)


def readable_text(page) -> str:
    """The page's Markdown as a reader sees it: includes expanded, fences plain ```python."""
    text = expand_includes(page.read_text(encoding="utf-8"), snippets_options())
    return PYTHON_FENCE.sub(lambda m: f"{m[1]}```python", text)


PAGES = [p for p in markdown_pages(ROOT / "docs" / "en") if "--8<--" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT / "docs").as_posix() for p in PAGES])
def test_page_code_runs_top_to_bottom(page, monkeypatch):
    monkeypatch.setenv("SNIPPET_DEVICE", "cpu")
    # The experiment pages' code imports `lab`, as it does run from snippets/experiments/.
    monkeypatch.syspath_prepend(str(ROOT / "snippets" / "experiments"))
    text = readable_text(page)
    assert grab_code_blocks(text, lang="python"), f"{page}: no Python block found after expansion"
    check_raw_file_full(text, lang="python")


def test_expansion_keeps_every_block(tmp_path):
    """The adapter must not lose blocks: a page with two titled fences yields both."""
    page = tmp_path / "p.md"
    page.write_text('```python title="a"\n--8<-- "snippets/bn-vs-ln/invariants.py:setup"\n```\n\n'
                    '```python\n--8<-- "snippets/bn-vs-ln/invariants.py:layernorm"\n```\n', encoding="utf-8")
    blocks = grab_code_blocks(readable_text(page), lang="python")
    assert len(blocks) == 2 and "torch.manual_seed" in blocks[0] and "nn.LayerNorm" in blocks[1]


def test_a_failing_block_fails(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("```python\nraise ValueError('planted')\n```\n", encoding="utf-8")
    with pytest.raises(ValueError, match="planted"):
        check_raw_file_full(readable_text(page), lang="python")
