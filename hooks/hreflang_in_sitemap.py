"""Declare language twins in the sitemap and the language selector, not in <head>.

One job: remove the ``<link rel="alternate" hreflang>`` tags that Material prints in every
page's <head> from ``extra.alternate``. mkdocs-static-i18n points those at the page's twin
(``../en/bn-vs-ln/``), but Material's JavaScript treats each such link as a language *root*
and fetches ``<link>/sitemap.xml`` from it: a 404 and a console error on every page view
(squidfunk/mkdocs-material#6582, discussion #7352).

The twins stay declared, with hreflang, where nothing misreads them:
- the sitemap (``sitemap.xml`` and ``en/sitemap.xml``) lists every page with an
  ``<xhtml:link rel="alternate" hreflang>`` to each language's version (mkdocs-static-i18n's
  template; a method search engines document for hreflang);
- each page's language selector links its twin: ``<a hreflang="en" href="../en/…/">``.
tests/site/test_languages.py checks both, and tests/browser that no request fails.
"""

from __future__ import annotations

import re

HEAD_HREFLANG = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')


def on_post_page(output: str, page, config) -> str:
    head, sep, body = output.partition("</head>")
    return HEAD_HREFLANG.sub("", head) + sep + body


def on_post_template(output: str, template_name: str, config) -> str:
    """The same for theme templates such as 404.html (runs before per_language_templates)."""
    return on_post_page(output, None, config) if template_name.endswith(".html") else output
