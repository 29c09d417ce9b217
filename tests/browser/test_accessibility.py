"""axe-core (axe-playwright-python's bundled copy, injected into the page: no request leaves the
site) over every built page of both languages: no serious or critical violation. Key pages are
also checked in the dark palette, where contrast can fail on its own.

Skipped with a reason where no Chromium is installed; mandatory with REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import pytest

from tests.browser.tour import axe_problems, is_english, read_through, visit

pytestmark = pytest.mark.slow

KEY_PAGES = ["", "bn-vs-ln/", "explorer/", "notebooks/statistics-axes/"]


@pytest.fixture(scope="module")
def light(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    yield context.new_page()
    context.close()


def test_every_page_has_no_serious_violation(tour):
    assert any(p.startswith("en/") for p in tour.pages) and "explorer/" in tour.pages
    assert not tour.axe, "\n".join(tour.axe)


def test_key_pages_in_the_dark_palette_on_a_phone(browser, site_url):
    """On a phone more formulas and tables scroll, and the dark palette has colours of its own."""
    width = 375
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme="dark")
    try:
        page = context.new_page()
        problems = []
        for path in KEY_PAGES + ["en/" + p for p in KEY_PAGES]:
            visit(page, site_url + path)
            read_through(page)
            assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
            problems += axe_problems(page, f"{path or '/'} (dark, {width}px)", code_tokens=is_english(path))
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def test_explorer_in_use_has_no_serious_violation(site_url, light):
    """The widgets after the reader has worked them: masked view, GroupNorm, eval mode."""
    problems = []
    for path in ("explorer/", "en/explorer/"):
        visit(light, site_url + path)
        read_through(light)
        axes = light.locator(".norm-explorer[data-explorer=axes]")
        axes.locator("input[value=mbn]").check()
        axes.locator('rect.nx-cell[data-b="3"][data-t="5"][data-c="1"]').hover()
        problems += axe_problems(light, path + " (masked BatchNorm)")
        axes.locator("input[value=gn]").check()
        live = light.locator(".norm-explorer[data-explorer=live]")
        live.locator(".nx-step").click()
        live.locator("input[value=eval]").check()
        problems += axe_problems(light, path + " (GroupNorm, eval mode)")
    assert not problems, "\n".join(problems)


# --- planted faults -------------------------------------------------------------------------


def test_check_names_a_missing_alt_and_low_contrast(light):
    light.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<p style="color:#bbb;background:#fff">Barely readable text.</p>'
        "</main></body></html>"
    )
    rules = {problem.split(": ")[1].split(" ")[0] for problem in axe_problems(light, "planted")}
    assert rules == {"image-alt", "color-contrast"}, rules


def test_a_pale_code_token_is_found_on_the_page_that_checks_code_tokens(light):
    """The tour checks code's token colours on the English pages only (tour.CODE_TOKENS): there
    a pale token is found; with them left out, the code box and its plain text still are."""
    light.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<div class="highlight"><pre><code>x = <span style="color:#ccc;background:#fff">pale</span>'
        "</code></pre></div></main></body></html>"
    )
    assert any("color-contrast" in problem for problem in axe_problems(light, "planted"))
    assert not axe_problems(light, "planted", code_tokens=False)
    light.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<div class="highlight"><pre><code style="color:#ccc;background:#fff">pale text</code></pre></div>'
        "</main></body></html>"
    )
    assert any("color-contrast" in problem for problem in axe_problems(light, "planted", code_tokens=False))
