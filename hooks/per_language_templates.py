"""Theme templates that every language needs at its own root: 404.html and sitemap.xml.

One job: MkDocs renders the theme's static templates into the site root on every build, and
mkdocs-static-i18n builds each language in turn into the same site_dir. So the last language
built would overwrite the default language's 404 page (ultrabug/mkdocs-static-i18n#284), and /en/ would have no sitemap.xml,
which Material's language selector fetches from the current language's root (a 404 in every
English page's console). For each language other than the default this hook also writes the
two templates under ``<lang>/``, and keeps the default language's 404 page at the root.
"""

from __future__ import annotations

from pathlib import Path

PER_LANGUAGE = ("404.html", "sitemap.xml")


def _default_language(config) -> str:
    i18n = config.plugins["i18n"].config
    return next(lang.locale for lang in i18n.languages if lang.default)


def on_post_template(output: str, template_name: str, config) -> str:
    language = config.theme["language"]
    if template_name not in PER_LANGUAGE or language == _default_language(config):
        return output
    target = Path(config.site_dir) / language / template_name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(output, encoding="utf-8")
    # An empty result makes MkDocs skip the root copy: the root 404 stays the default language's.
    # The sitemap lists every language's pages, so the root copy may be rewritten.
    return "" if template_name == "404.html" else output
