"""One search index per language, each with its own language's settings.

mkdocs-static-i18n gathers every language's pages into the one search/search_index.json that
Material's plugin writes, under the plugin's one set of settings: "the material theme has a
static and unique search index path", so search cannot be limited to the reader's language
(ultrabug/mkdocs-static-i18n#271, and #33 which added the shared index). After that index is
written, this hook writes each built language's own: its pages only, at the root of the
language (search/search_index.json for Chinese, en/search/search_index.json for English). The
default language keeps the settings in mkdocs.yml (`lang: zh`, Chinese separators; jieba
segments the text at build time); every other language gets the settings Material picks for a
site in that language (its partials/languages/<locale>.html), for English `lang: en`. Each page
names its language's index (overrides/partials/search.html) and
overrides/assets/javascripts/lazy-search.js fetches that one; it also puts English queries
through lunr's English stemmer, since Material adds `*` to every query word and lunr does not
stem wildcard terms (squidfunk/mkdocs-material#419, #1362). Breaks if Material or i18n change
where the index is written or what its entries hold: tests/site/test_search_index.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs import utils
from mkdocs.plugins import event_priority

SETTINGS = ("lang", "separator", "pipeline", "fields")


def language_roots(config) -> dict[str, str]:
    """Each built language's root inside the site: {"zh": "", "en": "en/"}."""
    languages = config.plugins["i18n"].config.languages
    return {lang.locale: lang.link.strip("/") + "/" if lang.link.strip("/") else "" for lang in languages if lang.build}


def split_by_language(entries: list[dict], roots: dict[str, str]) -> dict[str, list[dict]]:
    """Index entries by the language whose root their location is under (the longest one)."""
    by_root = sorted(roots.items(), key=lambda item: len(item[1]), reverse=True)
    split: dict[str, list[dict]] = {locale: [] for locale in roots}
    for entry in entries:
        locale = next(locale for locale, root in by_root if entry["location"].startswith(root))
        split[locale].append(entry)
    return split


def material_settings(config, locale: str) -> dict:
    """What Material's search plugin picks for a site in ``locale`` when mkdocs.yml names nothing."""
    env = config.theme.get_env()
    own = env.get_template(f"partials/languages/{locale}.html").module
    fallback = env.get_template("partials/languages/en.html").module

    def t(key: str) -> str:
        return str(own.t(key) or fallback.t(key)).strip()

    return {
        "lang": [t("search.config.lang")],
        # Material's plugin puts U+200B between the words jieba finds in any page's Chinese
        # text (English pages quote Chinese titles and terms): split there too.
        "separator": t("search.config.separator") + r"|\u200b",
        "pipeline": [name for name in re.split(r"\s*,\s*", t("search.config.pipeline")) if name],
    }


# After mkdocs-static-i18n's on_post_build (-100), which builds the other languages and then
# writes every language's entries into the root index.
@event_priority(-150)
def on_post_build(config) -> None:
    search = config.plugins.get("material/search")
    if search is None or not search.config.enabled or "i18n" not in config.plugins:
        return
    default = next(lang.locale for lang in config.plugins["i18n"].config.languages if lang.default)
    roots = language_roots(config)
    # Inside each language's own build the plugin holds that language's entries only; after
    # the last one, mkdocs-static-i18n has handed it every language's.
    for locale, docs in split_by_language(search.search_index.entries, roots).items():
        if not docs:
            continue
        settings = {key: search.config[key] for key in SETTINGS}
        if locale != default:
            settings.update(material_settings(config, locale))
        index = json.dumps({"config": settings, "docs": docs}, separators=(",", ":"), default=str)
        utils.write_file(index.encode("utf-8"), str(Path(config.site_dir) / roots[locale] / "search" / "search_index.json"))
