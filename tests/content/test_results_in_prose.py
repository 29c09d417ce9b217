"""Numbers in the prose come from the committed results (hooks/results_in_prose.py): every
`{{ experiment.path | format }}` marker resolves, and a broken one names its page and line."""

from __future__ import annotations

import pytest
from mkdocs.exceptions import PluginError

from hooks import results_in_prose
from hooks.snippets_lib import DOCS, ROOT
from hooks.source_checks import markdown_pages

PAGES = [p for p in markdown_pages(DOCS) if "{{" in p.read_text(encoding="utf-8")]


def test_experiment_pages_quote_results():
    assert any("experiments" in p.parts for p in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(DOCS).as_posix() for p in PAGES])
def test_every_marker_resolves(page):
    lang = page.relative_to(DOCS).parts[0]
    lines = page.read_text(encoding="utf-8").split("\n")  # a `{{ verdicts: name }}` line becomes its claims table first, as in the build
    text = "\n".join(results_in_prose.verdict_table(m["name"], lang) if (m := results_in_prose.VERDICTS.match(line.strip())) else line for line in lines)
    filled = results_in_prose.fill(text, page.relative_to(ROOT).as_posix())
    assert "{{" not in filled


def test_lookup_paths():
    assert results_in_prose.lookup("padding.rows.0.padding_share") == 0.0
    last = results_in_prose.lookup("padding.rows.-1")
    assert results_in_prose.lookup(f"padding.rows.padding_share={last['padding_share']}") == last
    assert format(results_in_prose.lookup("padding.rows.padding_share=0.5.padding_share"), ".0%") == "50%"


@pytest.mark.parametrize(
    "marker, message",
    [
        ("{{ padding.rows.-1.no_such_key | .2f }}", "nothing at padding.rows.-1.no_such_key"),
        ("{{ padding.rows.batch=3.gap }}", "no item with batch=3"),
        ("{{ no_such_experiment.seed }}", "no results file snippets/experiments/results/no_such_experiment.cpu.json"),
        ("{{ padding@cuda.seed }}", "padding.cuda.json"),
        ("{{ padding.rows.99 }}", "index 99 out of range"),
        ("{{ padding.B | .2q }}", "Unknown format code"),
    ],
)
def test_a_broken_marker_names_page_and_line(marker, message):
    text = "# Page\n\nSome prose.\nThe number is " + marker + ".\n"
    with pytest.raises(PluginError) as error:
        results_in_prose.fill(text, "docs/en/planted.md")
    assert str(error.value).startswith("docs/en/planted.md:4: result "), str(error.value)
    assert message in str(error.value)
