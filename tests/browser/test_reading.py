"""The reading experience in Chromium: figures open larger on click and close with Escape, the
explorer's content tabs switch, the palette toggle switches between light and dark, and code
blocks carry a copy button labelled in the page's language.

Skipped with a reason where no Chromium is installed; mandatory with REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.tour import READ_THROUGH

pytestmark = pytest.mark.slow

LANGUAGE = {"zh": "", "en": "en/"}


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    errors = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    yield page
    context.close()
    assert not errors, errors


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_figure_opens_larger_and_closes_with_escape(site_url, page, language):
    page.goto(site_url + LANGUAGE[language] + "layernorm-family/", wait_until="load")
    figure = page.locator("article a.glightbox img").first
    small = figure.bounding_box()
    # hooks/lightbox_figures.py: GLightbox loads when a reader goes to open a figure.
    assert not [url for url in page.requested if "glightbox" in url], "GLightbox loaded with the page"
    figure.click()
    large = page.locator(".glightbox-container .gslide.current img")
    large.wait_for(state="visible")
    page.wait_for_timeout(600)  # the opening animation
    box = large.bounding_box()
    assert box["width"] > small["width"], (small, box)
    assert large.get_attribute("alt") == figure.get_attribute("alt")
    page.keyboard.press("Escape")
    page.locator(".glightbox-container").wait_for(state="detached")
    figure.click()  # again: now GLightbox's own handlers open it
    large.wait_for(state="visible")


@pytest.mark.parametrize(("language", "second"), [("zh", "从零实现"), ("en", "From scratch")])
def test_explorer_tabs_switch(site_url, page, language, second):
    page.goto(site_url + LANGUAGE[language] + "explorer/", wait_until="load")
    # The tabs are far down the page, and site.css leaves the blocks above them unrendered until
    # a reader nears them: scrolled to in one jump, those blocks are rendered then and the
    # label's place in the page moves (by 120 to 170 px, measured). Without scrolling down first,
    # a screen at a time as a reader does, the tab did not switch in four of nine full runs.
    page.evaluate(READ_THROUGH)
    tabs = page.locator(".tabbed-set").first
    blocks = tabs.locator(".tabbed-block")
    assert blocks.nth(0).is_visible() and not blocks.nth(1).is_visible()
    tabs.locator(".tabbed-labels label", has_text=second).click()
    expect(blocks.nth(1)).to_be_visible()
    expect(blocks.nth(0)).to_be_hidden()
    assert "def batch_norm" in blocks.nth(1).inner_text()


@pytest.mark.parametrize(("language", "to_dark", "copy"), [("zh", "切换到深色模式", "复制"), ("en", "Switch to dark mode", "Copy to clipboard")])
def test_palette_toggle_and_copy_buttons(site_url, page, language, to_dark, copy):
    page.goto(site_url + LANGUAGE[language] + "bn-vs-ln/", wait_until="load")
    assert page.evaluate("document.body.dataset.mdColorScheme") == "default"
    # palette.js adds no color-scheme tag to a light page (adding one restyles every element);
    # it has read the header's colours once the theme-color tag, which it always writes, is there
    page.wait_for_function("document.querySelector('meta[name=theme-color]')")
    assert page.evaluate("document.querySelector('meta[name=color-scheme]')") is None
    page.locator(f'label[title="{to_dark}"]').click()
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    buttons = page.locator("article button[data-md-type=copy]")
    assert buttons.count() == page.locator("article pre > code").count() > 0
    assert buttons.first.get_attribute("title") == copy


def test_the_palette_is_remembered_and_follows_the_system_until_chosen(browser, site_url):
    """overrides/assets/javascripts/palette.js does the work of Material's palette component
    (which it takes out of the bundle's reach): a dark system gets the dark palette, with its
    toggle shown, and stores it as Material's "follow the system" palette, which Material's
    inline script applies on the next page by itself; the page follows the system until the
    reader chooses; a choice survives the next page and a reload against the system; Enter on
    the toggle switches too."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        scheme = "document.body.dataset.mdColorScheme"
        shown = "[...document.querySelectorAll('form[data-palette] label')].filter(l => !l.hidden).map(l => l.title)"
        page.goto(site_url + "en/bn-vs-ln/", wait_until="load")
        assert page.evaluate(scheme) == "slate"
        assert page.evaluate(shown) == ["Switch to light mode"]
        assert page.evaluate("document.querySelector('[data-md-component=palette]')") is None
        page.wait_for_function("document.querySelector('meta[name=color-scheme]')?.content === 'dark'")  # once idle
        assert page.evaluate("__md_get('__palette').color.media") == "(prefers-color-scheme)"
        # The next page, with neither palette.js nor Material's bundle: Material's inline script alone.
        page.route("**/*.js", lambda route: route.abort())
        page.goto(site_url + "en/basics/", wait_until="load")
        assert page.evaluate(scheme) == "slate", "Material's inline script did not read what palette.js stored"
        page.unroute("**/*.js")
        page.goto(site_url + "en/bn-vs-ln/", wait_until="load")
        page.emulate_media(color_scheme="light")  # not chosen yet: the page follows the system
        page.wait_for_function(f"{scheme} === 'default'")
        page.locator("form[data-palette] label:not([hidden])").click()
        assert page.evaluate(scheme) == "slate"
        page.goto(site_url + "en/basics/", wait_until="load")
        assert page.evaluate(scheme) == "slate", "the reader's choice did not carry to the next page"
        assert page.evaluate(shown) == ["Switch to light mode"]
        page.locator("form[data-palette] input:checked").focus()
        page.keyboard.press("Enter")
        assert page.evaluate(scheme) == "default"
        page.emulate_media(color_scheme="dark")
        page.reload(wait_until="load")
        assert page.evaluate(scheme) == "default", "the reader's choice gave way to the system's"
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    finally:
        context.close()
    assert not errors, errors
