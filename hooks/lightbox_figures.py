"""The figure lightbox (mkdocs-glightbox): only on pages with a figure, and with the figure's alt text.

One job, two gaps in the plugin:

- It adds its script and stylesheet (about 70 KB) to every page and re-serializes every page's
  HTML, whether or not the page has an image to open. For a page whose content has no <img>,
  on_page_content sets the plugin's own per-page switch, ``glightbox: false``, before the
  plugin looks at the page (a higher event priority), so such pages stay as MkDocs wrote them.
- The enlarged image gets an empty alt: GLightbox takes it from the link's ``data-alt``, which
  the plugin does not write. on_post_page copies each figure's alt text there.
"""

from __future__ import annotations

import re

from mkdocs.plugins import event_priority

WRAPPED = re.compile(r'<a class="glightbox"(?P<attrs>[^>]*)>(?P<img>\s*<img\b[^>]*\balt="(?P<alt>[^"]*)"[^>]*>)')


@event_priority(50)  # before mkdocs-glightbox's on_page_content (priority 0)
def on_page_content(html: str, page, config, files) -> str:
    if "<img" not in html:
        page.meta["glightbox"] = False
    return html


def on_post_page(output: str, page, config) -> str:
    if page.meta.get("glightbox") is False:
        return output

    def add_alt(match: re.Match) -> str:
        if "data-alt=" in match["attrs"]:
            return match[0]
        return f'<a class="glightbox"{match["attrs"]} data-alt="{match["alt"]}">{match["img"]}'

    return WRAPPED.sub(add_alt, output)
