"""The figure lightbox (mkdocs-glightbox): only on pages with a figure, and with the figure's alt text.

One job, three gaps in the plugin, and how the figures it wraps load:

- It adds its script and stylesheet (about 70 KB) to every page and re-serializes every page's
  HTML, whether or not the page has an image to open. For a page whose content has no <img>,
  on_page_content sets the plugin's own per-page switch, ``glightbox: false``, before the
  plugin looks at the page (a higher event priority), so such pages stay as MkDocs wrote them.
- The enlarged image gets an empty alt: GLightbox takes it from the link's ``data-alt``, which
  the plugin does not write. on_post_page copies each figure's alt text there.
- It loads GLightbox's script and stylesheet (about 18 KB gzip) with the page, although most
  readers never open a figure. on_post_page removes them and puts in their place
  ``assets/javascripts/lazy-lightbox.js``, which loads them when a reader first points at or
  opens a figure, with the plugin's own options.
- A figure is an SVG of 20-120 KB, often far down its page: fetched with the page, the five on
  the training experiment page held back its first view on a slow phone connection
  (Lighthouse's simulated 4G: largest paint 2.9 s; 1.7 s with all but the first lazy, 29 KB
  less before it). on_post_page gives each figure the size its SVG declares (width and height,
  in CSS pixels), so that its box is reserved before it loads (no layout shift as a reader
  scrolls to it), and then ``loading="lazy"``, except the page's first figure, which may be in
  the first screen (a lazy image there is fetched only after layout, later than the largest
  paint wants it); a figure whose size cannot be read keeps loading with the page. Every
  figure gets ``decoding="async"``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

WRAPPED = re.compile(r'<a class="glightbox"(?P<attrs>[^>]*)>(?P<img>\s*<img\b[^>]*\balt="(?P<alt>[^"]*)"[^>]*>)')


@event_priority(50)  # before mkdocs-glightbox's on_page_content (priority 0)
def on_page_content(html: str, page, config, files) -> str:
    if "<img" not in html:
        page.meta["glightbox"] = False
    return html


ASSETS = re.compile(r'<link href="(?P<css>[^"]*glightbox\.min\.css)" rel="stylesheet">\s*<script src="(?P<js>[^"]*glightbox\.min\.js)"></script>')
SET_UP = re.compile(r'<script id="init-glightbox">const lightbox = GLightbox\((?P<options>\{.*?\})\);.*?</script>', re.S)


def load_on_demand(output: str, where: str) -> str:
    """GLightbox's script and stylesheet out of the page; the on-demand loader in."""
    assets, set_up = ASSETS.search(output), SET_UP.search(output)
    if not assets or not set_up:
        raise PluginError(f"{where}: mkdocs-glightbox's script or set-up is not where "
                          "hooks/lightbox_figures.py expects it (did the plugin change?)")
    loader = "/".join(assets["js"].split("/")[:-1] + ["lazy-lightbox.js"])
    tag = (f'<script defer src="{loader}" data-script="{assets["js"]}" data-stylesheet="{assets["css"]}" '
           f'data-options="{html.escape(set_up["options"])}"></script>')
    output = output[: set_up.start()] + tag + output[set_up.end():]
    return output[: assets.start()] + output[assets.end():]


SVG_TAG = re.compile(r"<svg\b[^>]*>")
PIXELS_PER = {"": 1.0, "px": 1.0, "pt": 4 / 3}


def svg_size(path: Path) -> tuple[int, int] | None:
    """The width and height an SVG file gives itself, in CSS pixels; None when it gives none in
    px, pt or plain numbers (a viewBox alone leaves the size to the page)."""
    try:
        with path.open(encoding="utf-8", errors="replace") as svg:
            tag = SVG_TAG.search(svg.read(8000))
    except OSError:
        return None
    size = []
    for name in ("width", "height"):
        value = re.search(rf'\s{name}="\s*([0-9.]+)\s*(px|pt)?\s*"', tag[0]) if tag else None
        if not value:
            return None
        size.append(round(float(value[1]) * PIXELS_PER[value[2] or ""]))
    return (size[0], size[1]) if all(size) else None


def sized_and_lazy(img: str, page, config, lazy: bool) -> str:
    """The <img> of a figure with decoding="async", and with its SVG's size and, if ``lazy``,
    loading="lazy"."""
    attrs = re.findall(r"\s([a-z-]+)=", img)
    added = [] if "decoding" in attrs else ['decoding="async"']
    src = re.search(r'\ssrc="([^"]+)"', img)
    if src and "width" not in attrs and "height" not in attrs and "loading" not in attrs:
        path = urlsplit(urljoin("/" + page.url, src[1])).path
        size = svg_size(Path(config.site_dir) / unquote(path).lstrip("/")) if path.endswith(".svg") else None
        if size:
            added = [f'width="{size[0]}" height="{size[1]}"'] + (['loading="lazy"'] if lazy else []) + added
    if not added:
        return img
    end = len(img) - (2 if img.endswith("/>") else 1)
    return img[:end].rstrip() + " " + " ".join(added) + img[end:]


def on_post_page(output: str, page, config) -> str:
    if page.meta.get("glightbox") is False:
        return output

    figures = 0

    def add_alt(match: re.Match) -> str:
        nonlocal figures
        figures += 1
        figure = sized_and_lazy(match["img"], page, config, lazy=figures > 1)
        if "data-alt=" in match["attrs"]:
            return f'<a class="glightbox"{match["attrs"]}>{figure}'
        return f'<a class="glightbox"{match["attrs"]} data-alt="{match["alt"]}">{figure}'

    return load_on_demand(WRAPPED.sub(add_alt, output), f"docs/{page.file.src_uri}")
