"""One walk through every built page in Chromium, shared by the tests that check every page.

The walk loads each page once, at desktop width in the light palette, and keeps what each
check needs: every request and console error (tests/browser/test_in_chromium.py), axe-core's
serious and critical violations (tests/browser/test_accessibility.py), and, with the window
then narrowed to a phone's 375 px, whether the page got wider than that (test_in_chromium.py;
a page that overflows only when loaded at that width, not when narrowed to it, would be missed:
the CSS is the same, only scripts that size things once at load could differ). axe takes
most of the time, about a second a page, nearly all of it in its colour-contrast rule; so two
Chromiums walk half the pages each, in two threads (Playwright's synchronous API wants one
instance per thread).
"""

from __future__ import annotations

from dataclasses import dataclass, field


class Recorder:
    """Every request, failed request and console error of a browser context."""

    def __init__(self, context):
        self.requests: list[str] = []
        self.problems: list[str] = []
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("requestfailed", lambda request: self.problems.append(f"request failed: {request.url}"))
        context.on("response", self._response)
        context.on("page", self._attach)

    def _response(self, response):
        if response.status >= 400 and not response.url.endswith(("/missing-page/", "/en/missing-page/")):
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def _attach(self, page):
        page.on("console", lambda message: message.type == "error" and self.problems.append(f"console: {message.text}"))
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))


def all_pages(built_site) -> list[str]:
    paths = []
    for html in built_site.html_pages():
        relative = html.relative_to(built_site.path).as_posix()
        paths.append(relative[: -len("index.html")] if relative.endswith("index.html") else relative)
    return paths


BLOCKING = {"serious", "critical"}


# Code's tokens, each a span in its colour: a Chinese page's code blocks are its English twin's,
# highlighted the same way (tests/site/test_languages.py, test_twins_show_the_same_highlighted_code),
# so the Chinese twin's tokens are left to the English page's check. They are a third of axe's
# time on a page with much code (measured: 2.0-2.5 s -> 1.3-1.5 s on gradients-and-geometry/);
# the code box itself, its scrolling and the text between tokens are still checked on every page.
CODE_TOKENS = ".highlight code span"


def axe_problems(page, where: str, code_tokens: bool = True) -> list[str]:
    """'where: rule (impact): targets' for each serious or critical violation on the page;
    ``code_tokens=False`` leaves out the colours of code's tokens (CODE_TOKENS)."""
    from axe_playwright_python.sync_playwright import Axe

    # KaTeX draws each formula twice: MathML for assistive technology, and aria-hidden HTML
    # spans, in the colour of the surrounding text, for the eye. Checking the thousands of spans
    # costs seconds per page and can find nothing the text around them does not show.
    exclude = [[".katex-html"]] + ([] if code_tokens else [[CODE_TOKENS]])
    results = Axe().run(page, context={"exclude": exclude})
    problems = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            problems.append(f"{where}: {violation['id']} ({violation['impact']}, {len(violation['nodes'])}x): {targets}")
    return problems


def is_english(path: str) -> bool:
    return path.startswith("en/")


def visit(page, url: str) -> None:
    """Load a page and its fonts (layout is final then)."""
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")


# Every block of the article rendered, as if on screen: site.css leaves the blocks below the
# screen unrendered (content-visibility: auto), and such a block has no colours or positions
# for axe to read and clips what sticks out of it, so a check of either would pass unseen.
RENDER_EVERY_BLOCK = """() => new Promise(done => {
  const style = document.createElement("style");
  style.textContent = ".md-content__inner > * { content-visibility: visible !important; }";
  document.head.append(style);
  requestAnimationFrame(() => requestAnimationFrame(done));
})"""

# Down the page a screen at a time, as a reader scrolls, so that Chromium renders each block
# once and the page's scripts see it rendered (scrollable.js marks what scrolls then).
READ_THROUGH = """async () => {
  const frame = () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight) {
    scrollTo(0, y);
    await frame();
  }
  scrollTo(0, 0);
  await frame();
}"""


def render_every_block(page) -> None:
    page.evaluate(RENDER_EVERY_BLOCK)


def read_through(page) -> None:
    """Scrolled through as a reader would, then every block rendered, for axe."""
    page.evaluate(READ_THROUGH)
    render_every_block(page)


@dataclass
class Tour:
    pages: list[str]
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # failed requests, HTTP errors, console errors
    axe: list[str] = field(default_factory=list)
    too_wide: list[str] = field(default_factory=list)  # 'path: width px' of a page wider than a phone


TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}


def _walk(executable: str, args: list[str], site_url: str, pages: list[str]) -> Tour:
    from playwright.sync_api import sync_playwright

    tour = Tour(pages)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=args)
        context = browser.new_context(viewport=DESKTOP, color_scheme="light", locale="zh-CN")
        recorder = Recorder(context)
        try:
            page = context.new_page()
            for path in pages:
                page.set_viewport_size(DESKTOP)
                visit(page, site_url + path)
                read_through(page)
                tour.axe += axe_problems(page, path or "/", code_tokens=is_english(path))
                # Every block rendered still: a wide formula must scroll in its own box, and
                # nothing may make the page itself wider than the phone.
                page.set_viewport_size(PHONE)
                page.evaluate(TWO_FRAMES)  # for what the page's scripts do on resize
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    tour.too_wide.append(f"{path or '/'}: {width} px")
                # Before leaving: let late requests finish, or leaving would abort them.
                page.wait_for_load_state("networkidle")
        finally:
            context.close()
            browser.close()
    tour.requests, tour.problems = recorder.requests, recorder.problems
    return tour


def tour_every_page(executable: str, args: list[str], site_url: str, pages: list[str], walkers: int = 2) -> Tour:
    """Every page in ``pages`` loaded and checked once, by ``walkers`` Chromiums at a time."""
    from concurrent.futures import ThreadPoolExecutor

    shares = [pages[i::walkers] for i in range(walkers)]
    with ThreadPoolExecutor(max_workers=walkers) as pool:
        parts = list(pool.map(lambda share: _walk(executable, args, site_url, share), shares))
    tour = Tour(pages)
    for part in parts:
        tour.requests += part.requests
        tour.problems += part.problems
        tour.axe += part.axe
        tour.too_wide += part.too_wide
    return tour
