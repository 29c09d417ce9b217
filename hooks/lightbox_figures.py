"""The figure lightbox (mkdocs-glightbox): only on pages with a figure, and with the figure's alt text.

One job, three gaps in the plugin:

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
"""

from __future__ import annotations

import html
import re

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
    tag = (f'<script src="{loader}" data-script="{assets["js"]}" data-stylesheet="{assets["css"]}" '
           f'data-options="{html.escape(set_up["options"])}"></script>')
    output = output[: set_up.start()] + tag + output[set_up.end():]
    return output[: assets.start()] + output[assets.end():]


def on_post_page(output: str, page, config) -> str:
    if page.meta.get("glightbox") is False:
        return output

    def add_alt(match: re.Match) -> str:
        if "data-alt=" in match["attrs"]:
            return match[0]
        return f'<a class="glightbox"{match["attrs"]} data-alt="{match["alt"]}">{match["img"]}'

    return load_on_demand(WRAPPED.sub(add_alt, output), f"docs/{page.file.src_uri}")
