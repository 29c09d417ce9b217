"""The built experiment pages: numbers filled in from the results, figures present in the
page's language with alt text in that language."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

PAGES = ["experiments/", "experiments/statistics/", "experiments/training/", "experiments/language-model/", "experiments/inference/"]
MARKER = re.compile(r"\{\{\s*[\w@.=,:| -]+\}\}")  # what a result marker looks like
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_experiment_page_is_filled_in(built_site, path, lang):
    html = built_site.page(path if lang == "zh" else f"en/{path}")
    soup = BeautifulSoup(html, "html.parser")
    article = soup.select_one("article")
    for code in article.select("pre, code"):  # code may hold braces of its own ({"en": {...}})
        code.decompose()
    left = MARKER.findall(article.get_text())
    assert not left, f"result markers left in the page: {left[:3]}"
    for img in soup.select("article img"):
        src = img["src"]
        if "figures/experiments/" not in src:
            continue
        assert src.endswith(f".{lang}.svg"), f"{path}: figure {src} is not in the page's language"
        alt = img.get("alt", "")
        assert len(alt) > 40, f"{path}: figure {src} has no real alt text"
        assert bool(CJK.search(alt)) == (lang == "zh"), f"{path}: alt text of {src} is not in the page's language"
        target = (built_site.path / (path if lang == "zh" else f"en/{path}") / src).resolve()
        assert target.is_file(), f"{path}: {src} is missing from the built site"


NOTEBOOKS = ["notebooks/experiments-statistics/", "notebooks/experiments-training/", "notebooks/experiments-inference/"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", NOTEBOOKS)
def test_notebook_links_resolve(built_site, path, lang):
    """MkDocs does not check links inside notebook pages (mkdocs-jupyter renders them), so
    the experiment notebooks' links to their pages are checked here, in the built site."""
    from urllib.parse import urljoin, urlsplit

    page = path if lang == "zh" else f"en/{path}"
    soup = built_site.soup(page)
    links = [a["href"] for a in soup.select("article a[href]") if not urlsplit(a["href"]).scheme and not a["href"].startswith("#")]
    assert any("experiments/" in href for href in links), f"{page} links to no experiment page"
    for href in links:
        target = urlsplit(urljoin("/" + page, href)).path.lstrip("/")
        resolved = built_site.path / target
        if target.endswith("/") or target == "":
            resolved = resolved / "index.html"
        assert resolved.is_file(), f"{page}: link {href!r} leads nowhere in the built site"
