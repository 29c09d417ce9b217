"""Chinese at /, English at /en/: the right <html lang>, hreflang links between twins, a
language switch that keeps the page, and navigation, search box and UI strings in the page's
language (each language's 404 page: test_reading.py). Chinese headings keep readable anchors."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from tests.conftest import mkdocs_config, site_prefix

PAGES = ["", "bn-vs-ln/", "notebooks/statistics-axes/"]
UI = {  # Material's own strings, as the theme translates them
    "zh": {"search": "搜索", "skip": "跳转至", "language": "选择当前语言"},
    "en": {"search": "Search", "skip": "Skip to content", "language": "Select language"},
}


def soup_of(built_site, path: str) -> BeautifulSoup:
    return BeautifulSoup(built_site.page(path), "html.parser")


def url_of(language: str, page: str) -> str:
    return page if language == "zh" else f"en/{page}"


def target_of(built_site, page_path: str, href: str):
    """The directory in the built site that a link on ``page_path`` points at."""
    if href.startswith("/"):
        prefix = site_prefix()
        assert href.startswith(prefix), href
        return (built_site.path / href[len(prefix):]).resolve()
    return (built_site.path / page_path / href).resolve()


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("language", ["zh", "en"])
def test_html_lang_and_hreflang_links_to_the_twin(built_site, language, page):
    soup = soup_of(built_site, url_of(language, page))
    assert soup.html["lang"] == language
    links = {a["hreflang"]: a["href"] for a in soup.select("a[hreflang]")}
    assert set(links) == {"zh", "en"}
    for other, href in links.items():
        target = target_of(built_site, url_of(language, page), href) / "index.html"
        assert target == (built_site.path / url_of(other, page) / "index.html").resolve(), (other, href)
        assert target.is_file()
    # No <link rel=alternate hreflang> in <head>: Material would fetch <twin>/sitemap.xml (a 404).
    assert not soup.select("head link[rel=alternate][hreflang]")


@pytest.mark.parametrize("sitemap", ["sitemap.xml", "en/sitemap.xml"])
def test_sitemap_declares_every_twin_with_hreflang(built_site, sitemap):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ElementTree.parse(built_site.path / sitemap).getroot()
    entries = {
        url.find("s:loc", ns).text: {link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)}
        for url in root.findall("s:url", ns)
    }
    base = mkdocs_config().site_url
    for page in PAGES:
        zh, en = base + page, base + "en/" + page
        assert entries[zh] == entries[en] == {"zh": zh, "en": en}, page


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("language", ["zh", "en"])
def test_language_switch_points_at_the_same_page(built_site, language, page):
    soup = soup_of(built_site, url_of(language, page))
    links = {a["hreflang"]: a["href"] for a in soup.select("a.md-select__link")}
    for other in ("zh", "en"):
        assert target_of(built_site, url_of(language, page), links[other]) == (built_site.path / url_of(other, page)).resolve()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_material_ui_strings_are_in_the_page_language(built_site, language):
    soup = soup_of(built_site, url_of(language, "bn-vs-ln/"))
    assert soup.select_one("input.md-search__input")["placeholder"] == UI[language]["search"]
    assert soup.select_one("a.md-skip").get_text(strip=True) == UI[language]["skip"]
    assert soup.select_one(".md-select button")["aria-label"] == UI[language]["language"]


def test_navigation_titles_are_in_the_page_language(built_site):
    def nav_titles(path):
        soup = soup_of(built_site, path)
        return {span.get_text(strip=True) for span in soup.select("nav.md-nav--primary .md-ellipsis")}

    zh, en = nav_titles("bn-vs-ln/"), nav_titles("en/bn-vs-ln/")
    assert {"BatchNorm 与 LayerNorm：公式与代码", "动手实践"} <= zh
    assert {"BatchNorm and LayerNorm: formulas and code", "Hands-on"} <= en
    assert not any(re.search(r"[\u4e00-\u9fff]", title) for title in en), en


def test_site_name_and_description_are_in_the_page_language(built_site):
    zh, en = soup_of(built_site, "bn-vs-ln/"), soup_of(built_site, "en/bn-vs-ln/")
    assert zh.title.string.endswith("Transformer 中的归一化")
    assert en.title.string.endswith("Normalization in Transformers")
    assert re.search(r"[\u4e00-\u9fff]", zh.select_one('meta[name="description"]')["content"])
    assert not re.search(r"[\u4e00-\u9fff]", en.select_one('meta[name="description"]')["content"])


def test_chinese_headings_keep_readable_anchors(built_site):
    for path in ("bn-vs-ln/", "notebooks/statistics-axes/"):
        soup = soup_of(built_site, path)
        ids = [h["id"] for h in soup.select("article h2[id]")]
        assert ids and all(re.search(r"[\u4e00-\u9fff]", i) for i in ids), (path, ids)
        toc = [a["href"] for a in soup.select("nav.md-nav--secondary a.md-nav__link")]
        assert toc and all(href.lstrip("#") in {h.get("id") for h in soup.select("[id]")} for href in toc), toc


def code_of(soup: BeautifulSoup) -> list[str]:
    """Each code block's highlighted code (its title aside), in the page's order."""
    return [str(code) for code in soup.select(".highlight code")]


def test_twins_show_the_same_highlighted_code(built_site):
    """Twins include the same snippets (tests/content/test_languages_match.py); here the built
    code itself, fence options and highlighting included, is the same. The tour's axe check
    relies on it: it checks the colours of code's tokens on the English twin only
    (tests/browser/tour.py, CODE_TOKENS)."""
    from tests.site.test_reading import pages

    parsed = {path: soup for path, _, soup in pages(built_site)}  # parsed once for the session's site tests
    differ = [path for path, soup in parsed.items() if not path.startswith("en/") and code_of(soup) != code_of(parsed["en/" + path])]
    assert len(parsed) > 40 and not differ, f"twins whose code differs: {differ}"


def test_code_that_differs_between_twins_is_seen():
    a = '<div class="highlight"><span class="filename">输出</span><pre><code><span class="k">import</span> x</code></pre></div>'
    b = a.replace("输出", "Output")
    def code(html: str) -> list[str]:
        return code_of(BeautifulSoup(html, "html.parser"))

    assert code(a) == code(b), "the title is not code"
    assert code(a) != code(a.replace('class="k"', 'class="hll"')), "a highlighted line differs"
