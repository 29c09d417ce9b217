"""Render every formula to KaTeX HTML while the site builds.

One job: turn the math that pymdownx.arithmatex marks up (``generic: true``) and the
``$…$`` / ``$$…$$`` math of notebook Markdown cells into KaTeX's HTML, using the KaTeX
release vendored in ``vendor/katex`` and run in Python through V8 (mini-racer).
Readers get KaTeX's CSS and fonts only: no math JavaScript, nothing from a CDN, and
formulas show with JavaScript disabled.

TeX that KaTeX rejects fails the build with the page, the source line, the formula and
KaTeX's own message.

Two steps, so that Material's search plugin never parses KaTeX's markup (it is most of a
page's HTML and was a third of the build): ``on_page_content`` renders each formula and
leaves a slot (hooks/search_slots.py) holding the formula's visible text, which the search
index takes; ``on_post_page`` puts KaTeX's HTML into the slots of the finished page.
"""

from __future__ import annotations

import html
import re
import sys
from functools import lru_cache
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from hooks.search_slots import fill_page, hold  # noqa: E402

KATEX_DIR = Path(__file__).resolve().parent.parent / "vendor" / "katex"
SITE_PREFIX = "assets/katex"  # where the CSS and fonts land in the built site

# pymdownx.arithmatex (generic mode) output.
ARITHMATEX = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<block>.*?)\\\])</(?P=tag)>',
    re.S,
)
# Notebook Markdown cells (nbconvert leaves the TeX in the text for a client-side
# renderer): $$…$$ first, then $…$ that does not touch a space on its inner side.
NOTEBOOK_MATH = re.compile(r"\$\$(?P<block>.+?)\$\$|(?<![\\$\w])\$(?P<inline>[^\s$](?:[^$]*?[^\s\\$])?)\$(?!\w)", re.S)
NOTEBOOK_MARKDOWN_CELL = re.compile(
    r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown[^"]*"[^>]*>)(.*?)(</div>)', re.S
)

_JS_RENDER = """
function renderTex(tex, display) {
  try {
    return {html: katex.renderToString(tex, {displayMode: display, throwOnError: true,
                                            output: "htmlAndMathml", strict: "error"})};
  } catch (e) {
    return {error: String(e.message)};
  }
}
"""


class KatexError(ValueError):
    """KaTeX rejected a formula."""


@lru_cache(maxsize=1)
def _engine():
    from py_mini_racer import MiniRacer

    ctx = MiniRacer()
    ctx.eval((KATEX_DIR / "katex.min.js").read_text(encoding="utf-8"))
    ctx.eval(_JS_RENDER)
    return ctx


def on_shutdown() -> None:
    """Close the V8 context when the build ends, failed or not, instead of leaving it to
    MiniRacer's __del__ at interpreter teardown: freeing the context there, after the thread
    that serves it is gone, can wait forever (mini-racer 0.14 says so in __del__ and asks for
    an explicit close; a build refused for bad TeX hung that way in the tests; a related freeze
    on shutdown upstream: bpcreech/PyMiniRacer#58). A second close is a no-op."""
    if _engine.cache_info().currsize:
        _engine().close()
        _engine.cache_clear()
        render.cache_clear()


@lru_cache(maxsize=4096)
def render(tex: str, display: bool) -> str:
    """Return KaTeX's HTML for ``tex``; raise KatexError with KaTeX's message."""
    result = _engine().call("renderTex", tex, display)
    if "error" in result:
        raise KatexError(result["error"])
    return result["html"]


MATHML = re.compile(r"<math\b.*?</math>", re.S)
TAG = re.compile(r"<[^>]+>")


@lru_cache(maxsize=4096)
def visible_text(markup: str) -> str:
    """What a formula shows, as text: the search index gets each formula once, as it reads
    on the page. KaTeX writes it twice (MathML for screen readers, spans for the eye); the
    MathML is left out."""
    return html.escape(html.unescape(TAG.sub("", MATHML.sub("", markup))), quote=False)


def katex_version() -> str:
    return (KATEX_DIR / "VERSION").read_text(encoding="utf-8").strip()


def _source_line(page: Page, tex: str) -> int | None:
    """1-based line of the page's Markdown source where ``tex`` starts, if it can be found."""
    try:  # the source in docs/, not a generated copy (notebook pages build from one)
        source = (Path(page.file.src_dir) / page.file.src_uri).read_text(encoding="utf-8")
    except (OSError, TypeError):
        return None
    probe = tex.strip().splitlines()[0].strip() if tex.strip() else tex
    index = source.find(probe)
    return source.count("\n", 0, index) + 1 if index >= 0 else None


def _formula_renderer(page: Page):
    """A re.sub callback rendering a match with a `block` or an `inline` group into a slot
    that holds the formula's visible text until on_post_page."""

    def replace(match: re.Match) -> str:
        display = match.group("block") is not None
        tex = html.unescape(match.group("block") if display else match.group("inline"))
        try:
            markup = render(tex, display)
        except KatexError as error:
            line = _source_line(page, tex)
            where = f"docs/{page.file.src_uri}" + (f":{line}" if line else "")
            shown = "\n".join("    " + line for line in tex.strip().split("\n"))  # as written, not a repr
            raise PluginError(f"{where}: KaTeX cannot render this formula: {error}\n{shown}") from None
        return hold(page, markup, visible_text(markup), block=display)

    return replace


def render_markdown_math(content: str, page: Page) -> str:
    return ARITHMATEX.sub(_formula_renderer(page), content)


def render_notebook_math(content: str, page: Page) -> str:
    replace_math = _formula_renderer(page)

    def replace_cell(match: re.Match) -> str:
        return match.group(1) + NOTEBOOK_MATH.sub(replace_math, match.group(2)) + match.group(3)

    return NOTEBOOK_MARKDOWN_CELL.sub(replace_cell, content)


# --- MkDocs events -----------------------------------------------------------------


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    css = f"{SITE_PREFIX}/katex.min.css"
    if css not in config.extra_css:
        config.extra_css.insert(0, css)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Ship KaTeX's CSS and woff2 fonts (never its JavaScript) with the site."""
    shipped = ["katex.min.css", *(f"fonts/{p.name}" for p in sorted((KATEX_DIR / "fonts").glob("*.woff2")))]
    for name in shipped:
        uri = f"{SITE_PREFIX}/{name}"
        if files.get_file_from_path(uri) is None:
            files.append(
                File.generated(config, uri, abs_src_path=str(KATEX_DIR / name))
            )
    return files


def on_page_content(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    content = render_markdown_math(content, page)
    if "jp-RenderedMarkdown" in content:
        content = render_notebook_math(content, page)
    return content


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return fill_page(output, page)
