"""Each language has a search index of its own pages (hooks/search_per_language.py): Chinese at
search/search_index.json with the site's Chinese settings (lang zh; jieba's word breaks),
English at en/search/search_index.json with Material's English ones (lang en). Every page
names its language's index (overrides/partials/search.html), which lazy-search.js fetches.
How search then behaves in a browser: tests/browser/test_in_chromium.py."""

from __future__ import annotations

import json
import posixpath
import re

import pytest
from bs4 import BeautifulSoup

from tests.conftest import site_prefix

ROOTS = {"zh": "", "en": "en/"}
PAGES = ["", "bn-vs-ln/", "notebooks/statistics-axes/", "404.html"]


def index_of(built_site, language: str) -> dict:
    path = built_site.path / ROOTS[language] / "search" / "search_index.json"
    return json.loads(path.read_text(encoding="utf-8"))


def strays(index: dict, language: str) -> list[str]:
    """The locations in ``index`` that are not pages of ``language``."""
    english = language == "en"
    return [doc["location"] for doc in index["docs"] if doc["location"].startswith("en/") != english]


def pages_in(index: dict) -> set[str]:
    return {doc["location"].split("#")[0] for doc in index["docs"]}


def words_in(index: dict) -> set[str]:
    """The index's text cut where its separator cuts (Python reads the same pattern)."""
    text = " ".join(doc["title"] + " " + doc["text"] for doc in index["docs"])
    return set(re.split(index["config"]["separator"], text))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_each_language_has_an_index_of_its_own_pages_only(built_site, language):
    index = index_of(built_site, language)
    assert index["config"]["lang"] == [language]
    assert index["docs"], "an empty index"
    assert not strays(index, language), f"pages of another language: {strays(index, language)[:10]}"


def test_the_indexes_hold_every_page_once_and_twins_alike(built_site):
    built = {
        html.relative_to(built_site.path).as_posix().removesuffix("index.html")
        for html in built_site.html_pages()
        if html.name == "index.html"
    }
    chinese, english = pages_in(index_of(built_site, "zh")), pages_in(index_of(built_site, "en"))
    assert chinese == {page for page in built if not page.startswith("en/")}
    assert english == {"en/" + page for page in chinese}


def test_chinese_index_keeps_jieba_word_breaks(built_site):
    index = index_of(built_site, "zh")
    assert "\\u200b" in index["config"]["separator"], index["config"]["separator"]
    words = words_in(index)
    assert {"归一化", "滑动"} <= words, "jieba's words should be the index's words"


def test_english_index_keeps_words_as_written(built_site):
    """lazy-search.js stems English queries and Material appends a wildcard to each; a stemmed
    index would then miss whole words ("normalization*" matches no stem "normal")."""
    index = index_of(built_site, "en")
    assert "stemmer" not in index["config"]["pipeline"], index["config"]
    assert {"normalizing", "normalization", "folding", "running", "means"} <= words_in(index)
    assert {"归一化"} <= words_in(index), "Chinese quoted on English pages is cut where jieba cut it"


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_page_names_its_languages_index(built_site, language, page):
    path = ROOTS[language] + page
    named = BeautifulSoup(built_site.page(path), "html.parser").select_one(".md-search")["data-search-index"]
    if named.startswith("/"):
        assert named.startswith(site_prefix()), named
        target = built_site.path / named[len(site_prefix()):]
    else:
        target = built_site.path / (path if path.endswith("/") or not path else posixpath.dirname(path)) / named
    assert target.resolve() == (built_site.path / ROOTS[language] / "search" / "search_index.json").resolve()


def test_a_page_of_the_other_language_is_caught():
    """Planted: the check above finds a page in the wrong index."""
    planted = {
        "config": {"lang": ["en"]},
        "docs": [
            {"location": "en/bn-vs-ln/", "title": "BatchNorm vs LayerNorm", "text": ""},
            {"location": "bn-vs-ln/#batchnorm", "title": "BatchNorm", "text": ""},
            {"location": "", "title": "首页", "text": ""},
        ],
    }
    assert strays(planted, "en") == ["bn-vs-ln/#batchnorm", ""]
    assert strays(planted, "zh") == ["en/bn-vs-ln/"]


def test_entries_go_to_the_language_whose_root_holds_them():
    from hooks.search_per_language import split_by_language

    entries = [{"location": location} for location in ["", "en/", "en/faq/#q", "faq/", "english/"]]
    split = split_by_language(entries, {"zh": "", "en": "en/"})
    assert [e["location"] for e in split["zh"]] == ["", "faq/", "english/"]
    assert [e["location"] for e in split["en"]] == ["en/", "en/faq/#q"]
