"""A build for a given base URL and repository (what the publishing workflow passes as
SITE_URL and REPO_URL) names them in every place a reader, a search engine or a link preview
reads: canonical links, og:url, both sitemaps, the language alternates, the header's
repository link and every "edit this page" link. Nothing keeps the local placeholders."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup, SoupStrainer

from tests.conftest import ROOT, build_site

SITE = "https://acme.github.io/norms-in-transformers/"
REPO = "https://github.com/acme/norms-in-transformers"
PLACEHOLDERS = ("example.github.io", "github.com/example/")


@pytest.fixture(scope="module")
def published(tmp_path_factory, after_session_build):
    site = tmp_path_factory.mktemp("published")
    done = build_site(ROOT, site, env={"SITE_URL": SITE, "REPO_URL": REPO})
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return site


def url_problems(site, base: str, repo: str, pages: list | None = None) -> list[str]:
    """What names another site or repository than ``base`` and ``repo``: in ``pages`` (every
    page of ``site`` unless given) and in both sitemaps."""
    problems = []
    if pages is None:
        pages = sorted(p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts)
    for page in pages:
        where = page.relative_to(site).as_posix()
        html = page.read_text(encoding="utf-8")
        for placeholder in PLACEHOLDERS:
            if placeholder in html:
                problems.append(f"{where}: still names {placeholder}")
        soup = BeautifulSoup(html, "html.parser", parse_only=SoupStrainer(["link", "meta", "a"]))
        if where.endswith("404.html"):
            continue
        path = where[: -len("index.html")]
        canonical = soup.select_one('link[rel="canonical"]')
        if canonical is None or canonical["href"] != base + path:
            problems.append(f"{where}: canonical {canonical and canonical['href']!r}, expected {base + path!r}")
        og = soup.select_one('meta[property="og:url"]')
        if og is None or og["content"] != base + path:
            problems.append(f"{where}: og:url {og and og['content']!r}, expected {base + path!r}")
        edit = soup.select_one("a.md-content__button[href*='/edit/']")
        if edit is None or not edit["href"].startswith(repo + "/edit/main/docs/"):
            problems.append(f"{where}: edit link {edit and edit['href']!r} is not under {repo}/edit/main/docs/")
        source = soup.select_one("a.md-source")
        if source is None or source["href"] != repo:
            problems.append(f"{where}: repository link {source and source['href']!r}, expected {repo!r}")
    for sitemap in ("sitemap.xml", "en/sitemap.xml"):
        text = (site / sitemap).read_text(encoding="utf-8")
        locations = re.findall(r"<loc>([^<]+)</loc>", text) + re.findall(r'hreflang="[^"]+" href="([^"]+)"', text)
        if not locations:
            problems.append(f"{sitemap}: no <loc>")
        problems += [f"{sitemap}: {url} is not under {base}" for url in locations if not url.startswith(base)]
    return problems


def test_every_published_url_names_the_given_site_and_repository(published):
    problems = url_problems(published, SITE, REPO)
    assert not problems, "\n".join(problems[:30])


def test_a_placeholder_left_anywhere_is_found(published, tmp_path):
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(published, copy)
    page = copy / "en" / "bn-vs-ln" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(REPO, "https://github.com/example/transformer-normalization", 1), encoding="utf-8")
    sitemap = copy / "sitemap.xml"
    sitemap.write_text(sitemap.read_text(encoding="utf-8").replace(SITE, "https://example.github.io/x/", 1), encoding="utf-8")
    problems = url_problems(copy, SITE, REPO, pages=[page, copy / "en" / "basics" / "index.html"])
    assert any(p.startswith("en/bn-vs-ln/index.html: still names github.com/example/") for p in problems), problems
    assert any(p.startswith("sitemap.xml: https://example.github.io/x/") for p in problems), problems
    assert not any(p.startswith("en/basics/") for p in problems), problems
