"""One 404 page per language.

One job: MkDocs renders the theme's 404.html into the site root on every build, and
mkdocs-static-i18n builds each language in turn into the same site_dir, so the last
language built would overwrite the default language's page. For each other language
this hook writes the page to ``<lang>/404.html`` instead and leaves the root one alone.
"""

from __future__ import annotations

from pathlib import Path


def _default_language(config) -> str:
    i18n = config.plugins["i18n"].config
    return next(lang.locale for lang in i18n.languages if lang.default)


def on_post_template(output: str, template_name: str, config) -> str:
    if template_name != "404.html":
        return output
    language = config.theme["language"]
    if language == _default_language(config):
        return output
    target = Path(config.site_dir) / language / "404.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(output, encoding="utf-8")
    return ""  # empty output: MkDocs skips writing the root 404.html for this language
