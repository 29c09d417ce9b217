"""Formulas are rendered to KaTeX HTML at build time, by the vendored KaTeX, and readers get
its CSS and fonts only: no math JavaScript, nothing from elsewhere. Bad TeX fails the build."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from hooks import katex_render
from tests.conftest import ROOT, build_site

ARTICLES = ["bn-vs-ln/", "en/bn-vs-ln/", "notebooks/statistics-axes/", "en/notebooks/statistics-axes/"]


def formulas(soup: BeautifulSoup) -> list:
    return [k for k in soup.select(".katex") if not k.find_parent(class_="katex")]


@pytest.mark.parametrize("page", ARTICLES)
def test_formulas_are_rendered_to_katex_html(built_site, page):
    found = formulas(built_site.soup(page))
    assert found, f"{page}: no KaTeX formula"
    for formula in found:
        assert formula.select_one(".katex-html"), "visual HTML missing"
        assert formula.select_one("annotation[encoding='application/x-tex']"), "MathML with TeX source missing"


@pytest.mark.parametrize("page", ARTICLES)
def test_no_math_is_left_unrendered(built_site, page):
    soup = BeautifulSoup(built_site.page(page), "html.parser")
    for node in soup.select("pre, code, script, style, .katex"):
        node.decompose()
    text = soup.get_text()
    assert "arithmatex" not in str(soup)
    leftovers = re.findall(r"\$\$?[^$\n]{1,60}\$|\\\(|\\\[", text)
    assert not leftovers, f"{page}: unrendered math {leftovers[:5]}"


def test_twins_have_the_same_number_of_formulas(built_site):
    for page in ("", "bn-vs-ln/", "notebooks/statistics-axes/"):
        zh, en = len(formulas(built_site.soup(page))), len(formulas(built_site.soup("en/" + page)))
        assert zh == en, f"{page or 'home'}: {zh} formulas in Chinese, {en} in English"


def test_no_math_javascript_is_shipped(built_site):
    assert not list(built_site.path.rglob("katex*.js")), "KaTeX's JavaScript must not be shipped"
    for page in built_site.html_pages():
        html = page.read_text(encoding="utf-8")
        scripts = re.findall(r"<script\b[^>]*>.*?</script>", html, re.S)
        for script in scripts:
            assert not re.search(r"katex|mathjax|MathJax", script), f"{page}: math script {script[:120]}"


def test_katex_css_and_every_font_it_references_are_shipped(built_site):
    css = built_site.path / "assets" / "katex" / "katex.min.css"
    assert css.is_file()
    fonts = re.findall(r"url\(([^)]+)\)", css.read_text(encoding="utf-8"))
    assert fonts and all(f.endswith(".woff2") for f in fonts), "only woff2 fonts are referenced"
    missing = [f for f in fonts if not (css.parent / f).is_file()]
    assert not missing, missing
    assert 'href="../assets/katex/katex.min.css"' in built_site.page("bn-vs-ln/")


def test_vendored_katex_is_the_version_it_says():
    engine_version = katex_render._engine().eval("katex.version")
    assert engine_version == katex_render.katex_version() == (ROOT / "vendor/katex/VERSION").read_text().strip()
    assert (ROOT / "vendor/katex/LICENSE").read_text().startswith("The MIT License")


def test_render_reports_katex_message():
    assert "katex-display" in katex_render.render(r"\frac{a}{b}", True)
    with pytest.raises(katex_render.KatexError, match="KaTeX parse error"):
        katex_render.render(r"\frac{a}{", False)


@pytest.mark.slow
@pytest.mark.parametrize("page", ["en/index.md", "zh/notebooks/statistics-axes.md"])
def test_bad_tex_fails_the_build_naming_page_line_formula_and_message(tmp_path, page, after_session_build):
    """Planted in a Markdown page and in a notebook page, each built in a small copy of the
    project: a planted home page; or it, the notebook page and the executed notebooks, which
    build as they are (test_notebooks.py::test_the_small_copy_builds_without_the_plant). What
    is asserted, the page, line and formula with KaTeX's message, can come only from the plant."""
    from tests.site.test_notebooks import notebook_pages
    from tests.site.test_refused_mistakes import small_project

    pages = notebook_pages()  # a planted home page (the real one links to every page) and a notebook page
    notebook = page != "en/index.md"
    if not notebook:  # the notebook page left out: built, it would be the slower part
        pages = {name: text for name, text in pages.items() if name.endswith("index.md")}
    lines = pages[page].split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("# ")) + 2  # a paragraph after the title
    lines.insert(at, r"A broken formula: $\frac{1}{\notacommand}$.")
    pages[page] = "\n".join(lines)
    project = small_project(tmp_path, pages, ["index.md", "notebooks/statistics-axes.md"][: 1 + notebook], with_cache=notebook)
    done = build_site(project, tmp_path / "site")
    log = done.stdout + done.stderr
    assert done.returncode != 0
    expected = f"docs/{page}:{at + 1}: KaTeX cannot render this formula: "
    assert expected in log, log[-2000:]
    assert "Undefined control sequence: \\notacommand" in log, log[-2000:]
    assert "\n    \\frac{1}{\\notacommand}\n" in log, "the formula as written, on its own line"


def test_search_index_holds_each_formula_once(built_site):
    import json

    index = json.loads((built_site.path / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = " ".join(doc["text"] for doc in index["docs"])
    assert "(B,T,C)" in text, "formulas should stay searchable as text"
    assert "(B,T,C)(B,T,C)" not in text and "\\frac" not in text, "MathML or TeX source leaked into search"


def test_search_index_holds_code_as_text(built_site):
    """hooks/code_for_search.py hands the search plugin code without Pygments' markup; the
    code stays searchable, and no slot or highlighting markup reaches the index."""
    import json

    index = json.loads((built_site.path / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = " ".join(doc["text"] for doc in index["docs"])
    assert "from torch import nn" in text
    assert "search-slot" not in text and "<span" not in text


def test_every_slot_is_filled(built_site):
    """hooks/katex_render.py and hooks/code_for_search.py leave slots for the search plugin
    (hooks/search_slots.py) and fill them after it."""
    leftovers = [str(p.relative_to(built_site.path)) for p in built_site.html_pages() if "search-slot" in p.read_text(encoding="utf-8")]
    assert not leftovers, leftovers


def test_a_slot_without_its_markup_names_the_page():
    from mkdocs.exceptions import PluginError

    from hooks.search_slots import fill

    slots = '<p><span class="search-slot" data-slot="0">a</span> <div class="search-slot" data-slot="1"><pre>b</pre></div></p>'
    assert fill(slots, ["<A>", "<B>"], "docs/en/a.md") == "<p><A> <B></p>"
    with pytest.raises(PluginError, match=r"^docs/en/a\.md: a search slot \(1\) has no markup to put back"):
        fill(slots, ["<A>"], "docs/en/a.md")


def test_the_build_closes_katex_engine_when_it_ends():
    """hooks/katex_render.on_shutdown closes the V8 context (MiniRacer's own teardown at exit
    could hang a failed build); a later render starts a fresh one."""
    from hooks import katex_render

    assert "katex" in katex_render.render("x^2", False)
    engine = katex_render._engine()
    katex_render.on_shutdown()
    assert engine._ctx is None and katex_render._engine.cache_info().currsize == 0
    assert "katex" in katex_render.render("y", False)
    katex_render.on_shutdown()
