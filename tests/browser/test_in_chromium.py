"""The built site in a real headless Chromium (Playwright driving Debian's chromium).

Skipped with a reason where no Chromium is installed; mandatory with REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.tour import READ_THROUGH, Recorder, render_every_block, visit

pytestmark = pytest.mark.slow

ARTICLES = ["bn-vs-ln/", "en/bn-vs-ln/", "notebooks/statistics-axes/", "en/notebooks/statistics-axes/"]


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.recorder = Recorder(context)
    yield context
    context.close()


def test_no_request_leaves_localhost_and_no_console_errors(tour):
    assert len(tour.pages) >= 8
    hosts = {urlsplit(url).hostname for url in tour.requests if not url.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, sorted(u for u in tour.requests if "127.0.0.1" not in u)[:10]
    assert not tour.problems, tour.problems


MEASURE_FORMULAS = """() => [...document.querySelectorAll('.katex')]
    .filter(k => !k.parentElement.closest('.katex'))
    .map(k => { const r = k.querySelector('.katex-html').getBoundingClientRect(); return [r.width, r.height]; })"""


@pytest.mark.parametrize("path", ARTICLES)
def test_formulas_are_visible_and_laid_out(site_url, context, path):
    page = context.new_page()
    page.goto(site_url + path, wait_until="load")
    page.evaluate("document.fonts.ready")
    sizes = page.evaluate(MEASURE_FORMULAS)
    assert sizes and all(w > 0 and h > 0 for w, h in sizes), sizes
    assert page.evaluate("document.fonts.check('16px KaTeX_Main')"), "KaTeX's font did not load"
    # A fraction is laid out as a fraction: numerator above denominator.
    if path.endswith("bn-vs-ln/"):
        assert page.evaluate("""() => { const f = document.querySelector('.katex-display .mfrac .vlist');
            return f && f.getBoundingClientRect().height > 20; }""")


def test_pages_fit_a_phone_screen(tour):
    """Wide formulas scroll inside their box; the page itself never gets wider than 375 px
    (measured by the tour, with every block rendered)."""
    assert tour.pages
    assert not tour.too_wide, tour.too_wide


SCROLL_TAB_STOPS = """() => [...document.querySelectorAll('.md-typeset .katex-display')].map(
    k => [k.scrollWidth > k.clientWidth + 1, k.getAttribute('tabindex') === '0'])"""


def test_wide_formulas_are_tab_stops_and_only_they(browser, site_url):
    """scrollable.js: on a phone, a display formula wider than its column gets tabindex="0" (the
    arrow keys scroll it) and one that fits does not; on a wide window the tab stops go again."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        visit(page, site_url + "gradients-and-geometry/")
        page.evaluate(READ_THROUGH)  # as a reader scrolls: each block is rendered, and checked, then
        render_every_block(page)  # for true widths
        seen = page.evaluate(SCROLL_TAB_STOPS)
        assert any(wide for wide, _ in seen) and not all(wide for wide, _ in seen), seen
        assert all(wide == stop for wide, stop in seen), seen
        page.set_viewport_size({"width": 1600, "height": 900})
        page.wait_for_function(f"({SCROLL_TAB_STOPS})().every(([wide, stop]) => wide === stop)", timeout=5000)
    finally:
        context.close()


# [block's position in the article, wider than its box, a tab stop] of each wide-table wrapper
FAR_TABLES = """() => [...document.querySelectorAll('.md-typeset__scrollwrap')].map(n => {
    const block = n.closest('.md-content__inner > *');
    return [[...block.parentElement.children].indexOf(block) + 1, n.scrollWidth > n.clientWidth + 1,
            n.getAttribute('tabindex') === '0']; })"""


def test_a_wide_table_below_the_screen_is_a_tab_stop_once_scrolled_to(browser, site_url):
    """Blocks after the 20th are not rendered until a reader scrolls near them (site.css), so
    scrollable.js checks what one holds when it is rendered: on a phone, the wide tables far
    down the statistics page have no tab stop at load and have one once scrolled to."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        visit(page, site_url + "experiments/statistics/")
        assert not any(stop for block, _, stop in page.evaluate(FAR_TABLES) if block > 20)
        page.evaluate(READ_THROUGH)
        render_every_block(page)  # for true widths
        seen = page.evaluate(FAR_TABLES)
        assert any(wide for block, wide, _ in seen if block > 20), seen
        assert all(wide == stop for _, wide, stop in seen), seen
    finally:
        context.close()


def test_the_tour_reports_a_page_wider_than_a_phone(browser, tmp_path):
    """Planted: a page with a box 900 px wide, walked as the tour walks (``browser`` only makes
    the test skip, or fail, where there is no Chromium)."""
    from tests.browser.tour import tour_every_page
    from tests.conftest import CHROMIUM_ARGS, find_chromium, serve

    for name, width in (("wide", "900px"), ("fits", "auto")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(
            '<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width">'
            f'<title>{name}</title></head><body><main><div style="width: {width}">{name}</div></main></body></html>',
            encoding="utf-8",
        )
    url, server = serve(tmp_path)
    try:
        walked = tour_every_page(find_chromium(), CHROMIUM_ARGS, url, ["wide/", "fits/"], walkers=1)
    finally:
        server.shutdown()
    assert len(walked.too_wide) == 1 and walked.too_wide[0].startswith("wide/: 9"), walked.too_wide


def test_overflow_below_the_screen_is_seen_once_every_block_is_rendered(phone):
    """Planted: a block below the screen, unrendered (site.css), clips a box wider than the
    phone, so the page's width alone misses it; render_every_block lets the checks see it."""
    phone.set_content(
        "<style>.md-content__inner > * { content-visibility: auto; contain-intrinsic-size: auto 120px; }</style>"
        '<div class="md-content__inner"><p style="height: 3000px">text</p>'
        '<p><span style="display: inline-block; width: 900px">wide</span></p></div>')
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    render_every_block(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") > 375


@pytest.mark.parametrize("path", ["bn-vs-ln/", "en/bn-vs-ln/"])
def test_formulas_show_with_javascript_disabled(browser, site_url, path):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + path, wait_until="load")
        # The page's own scripts are off; Playwright still measures from outside.
        boxes = [el.bounding_box() for el in page.locator(".katex-display .katex-html").all()]
        assert boxes and all(b and b["width"] > 0 and b["height"] > 0 for b in boxes), boxes
    finally:
        context.close()


@pytest.mark.parametrize(
    ("start", "language", "expected"),
    [("bn-vs-ln/", "en", "en/bn-vs-ln/"), ("en/bn-vs-ln/", "zh", "bn-vs-ln/"),
     ("notebooks/statistics-axes/", "en", "en/notebooks/statistics-axes/")],
)
def test_language_switch_keeps_the_page(site_url, context, start, language, expected):
    page = context.new_page()
    page.goto(site_url + start)
    page.locator(".md-select").hover()
    page.locator(f'a.md-select__link[hreflang="{language}"]').click()
    page.wait_for_url(site_url + expected)
    assert page.evaluate("document.documentElement.lang") == language


def search(page, query: str, site_url: str) -> list[str]:
    """Type ``query`` into the search box; the path of every page found, best first, once
    Material shows them all (the first 10, then more as the list scrolls)."""
    box = page.locator("input.md-search__input")
    box.click()
    # Material searches on keyup. Latin text is typed key by key; Chinese arrives the way an
    # input method commits it, as inserted text followed by a key release.
    if query.isascii():
        box.press_sequentially(query, delay=30)
    else:
        page.keyboard.insert_text(query)
        box.press("End")
    meta = page.locator(".md-search-result__meta")
    page.wait_for_function("() => /\\d|No matching|没有/.test(document.querySelector('.md-search-result__meta').textContent)")
    # Each key typed is a search; wait until the last one's count stays.
    seen = [meta.inner_text()]
    while len(seen) < 4 or len(set(seen[-4:])) > 1:
        page.wait_for_timeout(150)
        seen.append(meta.inner_text())
    count = int(re.search(r"\d+", seen[-1])[0]) if re.search(r"\d+", seen[-1]) else 0
    items = page.locator("ol.md-search-result__list > li.md-search-result__item")
    scroll = page.locator(".md-search__scrollwrap")
    for _ in range(100):
        if items.count() >= count:
            break
        scroll.evaluate("el => { el.scrollTop = 0; }")
        page.wait_for_timeout(30)
        scroll.evaluate("el => { el.scrollTop = el.scrollHeight; }")
        page.wait_for_timeout(120)
    links = page.eval_on_selector_all(
        "ol.md-search-result__list > li.md-search-result__item > a:first-child", "links => links.map(a => a.href)"
    )
    paths = [link.split("?")[0].split("#")[0].removeprefix(site_url) for link in links]
    assert len(paths) == count, f"Material reports {count} pages found for {query!r} and shows {len(paths)}"
    return paths


@pytest.fixture(scope="module")
def found_on(browser, site_url):
    """found_on(start, query): the pages a search from page ``start`` finds. One tab per start
    page for the module: the search index is fetched and built once per language, not per query
    (each build took seconds); between queries the box is emptied, which clears the results. A
    query asked again from the same page (two tests ask 'normalizing', 'folding' and 'running
    means') is answered from the first time: a static index gives the same results."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    tabs = {}
    answered = {}

    def found(start: str, query: str) -> list[str]:
        if (start, query) not in answered:
            answered[start, query] = search_from(start, query)
        return list(answered[start, query])

    def search_from(start: str, query: str) -> list[str]:
        if start not in tabs:
            tabs[start] = context.new_page()
            tabs[start].goto(site_url + start, wait_until="load")
        else:
            tabs[start].locator("input.md-search__input").fill("")
            tabs[start].locator("input.md-search__input").press("End")  # a key release, on which Material searches
            tabs[start].wait_for_function("() => !/\\d|No matching|没有/.test(document.querySelector('.md-search-result__meta').textContent)")
        try:
            return search(tabs[start], query, site_url)
        except Exception:
            tabs.pop(start).close()  # the next query starts in a new tab, not in this one's state
            raise

    yield found
    context.close()


@pytest.mark.parametrize(
    ("start", "query", "expected"),
    [
        ("bn-vs-ln/", "归一化", "basics/"),
        ("bn-vs-ln/", "滑动平均", "bn-vs-ln/"),
        ("en/bn-vs-ln/", "normalizing", "en/basics/"),
        ("en/bn-vs-ln/", "folding", "en/experiments/inference/"),
        ("en/bn-vs-ln/", "running means", "en/batchnorm/"),
    ],
)
def test_search_finds_pages_in_the_readers_language_only(found_on, start, query, expected):
    """Each language searches its own index (hooks/search_per_language.py). With one index for
    both, '归一化' listed 5 English pages among 27 and 'running means' 17 Chinese among 39."""
    found = found_on(start, query)
    english = start.startswith("en/")
    assert found and all(path.startswith("en/") == english for path in found), found
    assert expected in found, found


@pytest.mark.parametrize(
    ("inflected", "plain"), [("normalizing", "normalization"), ("folding", "fold"), ("running means", "running mean")]
)
def test_english_search_finds_inflected_forms(found_on, inflected, plain):
    """English queries go through lunr's English stemmer (lazy-search.js), so a word finds its
    other forms. Before, with no stemmer: 'normalizing' 2 pages, 'normalization' 34 (23 English);
    'folding' 5, 'fold' 18; 'running means' 39, 'running mean' 46. Now 23/23, 12/12, 24/24."""
    found_plain = found_on("en/bn-vs-ln/", plain)
    found_inflected = found_on("en/bn-vs-ln/", inflected)
    assert len(found_plain) >= 10, found_plain
    assert len(found_inflected) >= len(found_plain) - 2, (found_inflected, found_plain)


def index_requests(context) -> list[str]:
    return [url for url in context.recorder.requests if url.endswith("/search/search_index.json")]


def worker_requests(context) -> list[str]:
    return [url for url in context.recorder.requests if "/workers/search." in url]


@pytest.mark.parametrize("how", ["focus", "shortcut", "tap"])
def test_search_starts_only_when_a_reader_goes_to_search(site_url, context, how):
    """overrides/assets/javascripts/lazy-search.js holds the index and the worker back until then."""
    page = context.new_page()
    page.goto(site_url + "en/bn-vs-ln/", wait_until="networkidle")  # nothing more comes unasked
    page.wait_for_timeout(500)
    assert index_requests(context) == [], "the search index was fetched before anyone searched"
    assert worker_requests(context) == [], "the search worker started before anyone searched"
    with page.expect_response(lambda response: response.url.endswith("/search/search_index.json")):
        if how == "focus":
            page.locator("input.md-search__input").focus()
        elif how == "shortcut":  # Material opens search on "/", "s" or "f"
            page.keyboard.press("s")
        else:
            page.set_viewport_size({"width": 375, "height": 800})
            page.locator('label.md-header__button[for="__search"]').click()
    page.locator("input.md-search__input").press_sequentially("running mean", delay=30)
    page.locator(".md-search-result__item a").first.wait_for(timeout=15000)
    # The English index only (overrides/partials/search.html names it), once.
    assert index_requests(context) == [site_url + "en/search/search_index.json"]
    assert len(worker_requests(context)) == 1


def test_a_page_opened_from_a_search_result_fetches_the_index_to_highlight(site_url, context):
    page = context.new_page()
    page.goto(site_url + "en/bn-vs-ln/?h=running+mean", wait_until="load")
    page.locator("mark[data-md-highlight]").first.wait_for(timeout=15000)
    assert index_requests(context) == [site_url + "en/search/search_index.json"]


@pytest.mark.parametrize("path", ["notebooks/statistics-axes/", "en/notebooks/statistics-axes/"])
def test_notebook_download_link_is_a_small_visible_link(site_url, context, path):
    page = context.new_page()
    page.goto(site_url + path, wait_until="load")
    link = page.locator("p.nb-download a")
    assert link.is_visible()
    icon = link.locator("svg").bounding_box()
    assert icon and icon["height"] < 32, f"download icon is {icon}"
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "statistics-axes.ipynb"


def test_missing_pages_get_the_404_of_their_language(site_url, context):
    page = context.new_page()
    page.goto(site_url + "missing-page/")
    assert page.locator("h1").first.inner_text() == "404：页面不存在"
    page.goto(site_url + "en/missing-page/")
    page.wait_for_url(site_url + "en/404.html")
    assert page.locator("h1").first.inner_text() == "404: page not found"
    assert page.evaluate("document.documentElement.lang") == "en"
