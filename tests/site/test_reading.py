"""What a reader expects around the text, checked in the built HTML of every page: a description
and Open Graph tags of its own in its language, an "edit this page" link to its source, a last
updated date in its language, alt text in its language on every figure and a lightbox only
where there is a figure, content tabs on the explorer, and a 404 page that lists the site."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from tests.conftest import ROOT, mkdocs_config

CJK = re.compile(r"[\u4e00-\u9fff]")
MONTH = re.compile(r"(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}")


_PARSED: dict = {}


def pages(built_site) -> list[tuple[str, str, BeautifulSoup]]:
    """(path in the site, language, parsed HTML) of every page but the 404s, parsed once."""
    if built_site.path in _PARSED:
        return _PARSED[built_site.path]
    found = _PARSED[built_site.path] = []
    for html in built_site.html_pages():
        relative = html.relative_to(built_site.path).as_posix()
        if relative.endswith("404.html"):
            continue
        language = "en" if relative.startswith("en/") else "zh"
        found.append((relative, language, BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")))
    return found


def site_descriptions() -> dict[str, str]:
    config = mkdocs_config()
    english = next(lang for lang in config.plugins["i18n"].config.languages if lang.locale == "en")
    return {"zh": config.site_description, "en": english.site_description}


def language_problems(text: str, language: str) -> str | None:
    if not text.strip():
        return "empty"
    if language == "zh" and not CJK.search(text):
        return "no Chinese in it"
    if language == "en" and CJK.search(text):
        return "Chinese in an English page"
    return None


META_ATTRIBUTES = {"name", "property", "content", "charset", "http-equiv"}


def meta_problems(path: str, language: str, soup: BeautifulSoup, site_description: str) -> list[str]:
    """A <meta> tag with other attributes is one whose value was not escaped: a double quote in
    it ended the attribute and the rest of the text became attributes of its own."""
    problems = [f"{path}: <meta> with junk attributes {sorted(set(tag.attrs) - META_ATTRIBUTES)} (an unescaped value)"
                for tag in soup.find_all("meta") if set(tag.attrs) - META_ATTRIBUTES]

    def meta(**attrs):
        tag = soup.find("meta", attrs=attrs)
        return tag["content"] if tag else None

    description = meta(name="description")
    if not description or description == site_description:
        problems.append(f"{path}: no description of its own (front matter `description:`)")
    elif why := language_problems(description, language):
        problems.append(f"{path}: description: {why}")
    if meta(property="og:description") != description:
        problems.append(f"{path}: og:description differs from the description")
    if not meta(property="og:title"):
        problems.append(f"{path}: no og:title")
    if meta(property="og:locale") != {"zh": "zh_CN", "en": "en_US"}[language]:
        problems.append(f"{path}: og:locale is {meta(property='og:locale')}")
    canonical = soup.find("link", rel="canonical")
    if not canonical or meta(property="og:url") != canonical["href"]:
        problems.append(f"{path}: og:url is not the canonical URL")
    return problems


def figure_problems(path: str, language: str, soup: BeautifulSoup) -> list[str]:
    problems = []
    article = soup.select_one("article")
    images = article.find_all("img") if article else []
    for image in images:
        if why := language_problems(image.get("alt", ""), language):
            problems.append(f"{path}: image {image.get('src', '')[:60]} alt text: {why}")
    loader = soup.find("script", src=re.compile(r"lazy-lightbox\.js$"))
    has_lightbox = loader is not None and loader.get("data-script", "").endswith("glightbox.min.js")
    if soup.find("script", src=re.compile(r"glightbox\.min\.js$")):
        problems.append(f"{path}: loads GLightbox with the page instead of on demand")
    if images and not has_lightbox:
        problems.append(f"{path}: has figures but no lightbox")
    if not images and has_lightbox:
        problems.append(f"{path}: loads the lightbox without a figure")
    return problems


def test_every_page_has_a_description_and_open_graph_tags_in_its_language(built_site):
    descriptions = site_descriptions()
    problems = [p for path, language, soup in pages(built_site) for p in meta_problems(path, language, soup, descriptions[language])]
    assert not problems, "\n".join(problems)


def test_every_page_links_to_its_source_for_editing(built_site):
    config = mkdocs_config()
    base = config.repo_url.rstrip("/") + "/" + config.edit_uri
    problems = []
    for path, language, soup in pages(built_site):
        link = soup.select_one("a[rel=edit]")
        if not link or not link["href"].startswith(base):
            problems.append(f"{path}: no edit link under {base}")
            continue
        source = link["href"][len(base):]
        if not source.startswith(language + "/") or not (ROOT / "docs" / source).is_file():
            problems.append(f"{path}: the edit link points at docs/{source}, which is not its source")
        if link.get("title") != {"zh": "编辑此页", "en": "Edit this page"}[language]:
            problems.append(f"{path}: the edit link's title is {link.get('title')!r}")
    assert not problems, "\n".join(problems)


def test_every_page_says_when_it_was_last_updated_in_its_language(built_site):
    problems = []
    for path, language, soup in pages(built_site):
        date = soup.select_one(".md-source-file .git-revision-date-localized-plugin-date")
        text = date.get_text(strip=True) if date else ""
        ok = re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", text) if language == "zh" else MONTH.fullmatch(text)
        if not ok:
            problems.append(f"{path}: last updated {text!r}")
    assert not problems, "\n".join(problems)


def test_figures_have_alt_text_in_the_page_language_and_open_in_a_lightbox(built_site):
    found = pages(built_site)
    assert any(soup.select("article img") for _, _, soup in found), "no figure anywhere to check"
    problems = [p for path, language, soup in found for p in figure_problems(path, language, soup)]
    assert not problems, "\n".join(problems)


def test_explorer_scripts_load_on_the_explorer_only(built_site):
    for path, _, soup in pages(built_site):
        loads = soup.find("script", src=re.compile(r"explorer\.js$")) is not None
        assert loads == path.endswith("explorer/index.html"), path


BEFORE_THE_BUNDLE = ("lazy-search.js", "palette.js")  # they prepare what Material's bundle finds
WHILE_PARSING = ("palette.js",)  # so that a dark system's first page is not painted light first


def script_problems(where: str, soup: BeautifulSoup) -> list[str]:
    """A script file that is not deferred (it would hold the first paint of a short page until it
    had run: overrides/main.html) or is async (out of order), palette.js deferred, or one of
    BEFORE_THE_BUNDLE not before Material's bundle."""
    problems = []
    scripts = soup.find_all("script", src=True)
    names = [s["src"].rsplit("/", 1)[-1] for s in scripts]
    for script, name in zip(scripts, names):
        deferred = script.has_attr("defer") and not script.has_attr("async")
        if name in WHILE_PARSING and (script.has_attr("defer") or script.has_attr("async")):
            problems.append(f"{where}: {script['src']} should run while the page is parsed")
        elif name not in WHILE_PARSING and not deferred:
            problems.append(f"{where}: {script['src']} is not deferred")
    bundle = next((i for i, name in enumerate(names) if name.startswith("bundle.")), None)
    for name in BEFORE_THE_BUNDLE:
        if bundle is None or name not in names[:bundle]:
            problems.append(f"{where}: {name} does not come before Material's bundle")
    return problems


def test_every_script_is_deferred_in_order(built_site):
    problems = [problem for path, _, soup in pages(built_site) for problem in script_problems(path, soup)]
    for missing in ("404.html", "en/404.html"):  # pages() leaves them out
        problems += script_problems(missing, BeautifulSoup(built_site.page(missing), "html.parser"))
    assert not problems, "\n".join(problems[:10])


def test_a_script_run_at_the_wrong_time_is_named():
    soup = BeautifulSoup('<script defer src="a/palette.js"></script><script defer src="a/bundle.1.min.js"></script>'
                         '<script src="a/explorer.js"></script><script async defer src="a/scrollable.js"></script>'
                         '<script defer src="a/lazy-search.js"></script>', "html.parser")
    assert script_problems("p", soup) == [
        "p: a/palette.js should run while the page is parsed", "p: a/explorer.js is not deferred",
        "p: a/scrollable.js is not deferred", "p: lazy-search.js does not come before Material's bundle",
    ]


@pytest.mark.parametrize(("path", "labels"), [("explorer/", ["torch.nn", "从零实现"]), ("en/explorer/", ["torch.nn", "From scratch"])])
def test_explorer_shows_the_same_computation_in_two_tabs(built_site, path, labels):
    soup = BeautifulSoup(built_site.page(path), "html.parser")
    tabs = soup.select(".tabbed-set")
    assert len(tabs) == 1
    assert [label.get_text(strip=True) for label in tabs[0].select(".tabbed-labels label")] == labels
    assert len(tabs[0].select(".tabbed-block pre code")) == 2


@pytest.mark.parametrize(("path", "language"), [("404.html", "zh"), ("en/404.html", "en")])
def test_404_page_lists_every_page_in_its_language(built_site, path, language):
    """Each language has its own 404 page, in its language, listing its pages. (That a missing
    address gets the 404 of its language is test_in_chromium.py's, through a server.)"""
    soup = BeautifulSoup(built_site.page(path), "html.parser")
    heading = {"zh": "404：页面不存在", "en": "404: page not found"}[language]
    assert soup.html["lang"] == language and soup.h1.get_text() == heading
    assert soup.select_one("input.md-search__input")["placeholder"] == {"zh": "搜索", "en": "Search"}[language]
    article = soup.select_one("article")
    listed = {a["href"].rstrip("/").rsplit("/", 1)[-1] for a in article.select("ul a")}
    expected = {p.rsplit("/", 1)[-1].removesuffix(".md") for p in _nav_files(mkdocs_config().nav)}
    expected = {name for name in expected if name != "index"}
    assert expected <= listed, expected - listed
    hrefs = [a["href"] for a in article.select("a")]
    assert not [h for h in hrefs if "/." in h], hrefs  # no '/.en/' or '/.' links
    assert all(h.startswith(("/", "http")) for h in hrefs), hrefs
    assert language_problems(article.get_text(), language) is None


def _nav_files(nav) -> list[str]:
    out = []
    for item in nav:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                out += _nav_files(value) if isinstance(value, list) else [value]
    return out


# --- planted faults -------------------------------------------------------------------------

PLANTED = """<html lang="en"><head>
<meta name="description" content="归一化的页面">
<meta property="og:description" content="something else">
<meta property="og:locale" content="zh_CN">
<link rel="canonical" href="https://example.org/a/">
<script src="../assets/javascripts/lazy-lightbox.js" data-script="../assets/javascripts/glightbox.min.js"></script>
</head><body><article><p>Text.</p></article></body></html>"""


def test_planted_faults_are_named():
    soup = BeautifulSoup(PLANTED, "html.parser")
    problems = meta_problems("en/a/index.html", "en", soup, "Site description")
    assert problems == [
        "en/a/index.html: description: Chinese in an English page",
        "en/a/index.html: og:description differs from the description",
        "en/a/index.html: no og:title",
        "en/a/index.html: og:locale is zh_CN",
        "en/a/index.html: og:url is not the canonical URL",
    ]
    assert figure_problems("en/a/index.html", "en", soup) == ["en/a/index.html: loads the lightbox without a figure"]
    soup = BeautifulSoup('<article><img src="x.svg" alt="Five rows"><img src="y.png"></article>', "html.parser")
    assert figure_problems("b/index.html", "zh", soup) == [
        "b/index.html: image x.svg alt text: no Chinese in it",
        "b/index.html: image y.png alt text: empty",
        "b/index.html: has figures but no lightbox",
    ]
    soup = BeautifulSoup('<article><img src="x.svg" alt="五行"></article><script src="glightbox.min.js"></script>', "html.parser")
    assert figure_problems("c/index.html", "zh", soup) == [
        "c/index.html: loads GLightbox with the page instead of on demand",
        "c/index.html: has figures but no lightbox",
    ]


def test_lightbox_hook_names_the_page_when_the_plugin_output_changes():
    from mkdocs.exceptions import PluginError

    from hooks.lightbox_figures import load_on_demand

    with pytest.raises(PluginError, match=r"^docs/zh/a\.md: mkdocs-glightbox's script or set-up is not where"):
        load_on_demand("<html><head></head><body><script>GLightbox()</script></body></html>", "docs/zh/a.md")


def test_figures_reserve_their_size_and_load_lazily_after_the_first(built_site):
    """hooks/lightbox_figures.py: each figure's <img> carries its SVG's own width and height (its
    box is reserved before it loads: no layout shift), decoding="async", and loading="lazy" from
    the page's second figure on; the first may be in the first screen and loads with the page."""
    from urllib.parse import urljoin

    from hooks.lightbox_figures import svg_size

    checked, problems = 0, []
    for path, _, soup in pages(built_site):
        figures = [img for img in soup.select("article a.glightbox img") if img["src"].endswith(".svg")]
        for number, img in enumerate(figures):
            checked += 1
            svg = built_site.path / urljoin("/" + path, img["src"]).lstrip("/")
            where = f"{path} figure {number + 1}"
            if (img.get("width"), img.get("height")) != tuple(str(v) for v in svg_size(svg)):
                problems.append(f"{where}: size {img.get('width')}x{img.get('height')}, the SVG says {svg_size(svg)}")
            if img.get("decoding") != "async" or (img.get("loading") == "lazy") != (number > 0):
                problems.append(f"{where}: decoding={img.get('decoding')} loading={img.get('loading')}")
    assert checked >= 10 and not problems, (checked, problems[:5])


def test_code_holds_no_spans_that_change_nothing(built_site):
    """hooks/lean_code.py unwraps Pygments' name and whitespace spans in every page's code, which
    holds only while Material colours names with the code's own colour and whitespace not at all."""
    kept = {relative: len(found) for relative, _, soup in pages(built_site)
            if (found := soup.select("pre span.n, pre span.w"))}
    assert not kept, f"name or whitespace spans left in code: {kept}"
    stylesheets = list((built_site.path / "assets" / "stylesheets").glob("*.min.css"))
    css = "".join(path.read_text(encoding="utf-8") for path in stylesheets)
    assert stylesheets and "--md-code-hl-name-color:var(--md-code-fg-color)" in css, \
        "Material no longer gives names the code's own colour: hooks/lean_code.py must keep .n spans"
    assert not re.search(r"\.highlight \.w\b", css), "Material now styles whitespace: keep .w spans"


def test_lean_code_keeps_the_text_and_every_coloured_span():
    from hooks.lean_code import lean

    before = ('<pre><span></span><code><span class="kn">import</span><span class="w"> </span>'
              '<span class="nn">torch</span>\n<span class="n">x</span><span class="o">=</span>'
              '<span class="hll"><span class="n">y</span></span></code></pre><p><span class="n">prose</span></p>')
    after = lean(before)
    assert after == ('<pre><code><span class="kn">import</span> <span class="nn">torch</span>\nx'
                     '<span class="o">=</span><span class="hll">y</span></code></pre><p><span class="n">prose</span></p>')
    assert BeautifulSoup(after, "html.parser").pre.get_text() == BeautifulSoup(before, "html.parser").pre.get_text()
