"""The built site loads nothing from another host: no script, stylesheet, font, image or
frame, whether referenced from HTML or from CSS. (The browser test records the requests a
real visit makes; this check reads every file, so it also covers what a visit may not trigger.)"""

from __future__ import annotations

import re
from pathlib import Path

HTML_ASSET = re.compile(
    r"<(?P<tag>script|img|iframe|source|video|audio|embed)\b[^>]*\bsrc=[\"'](?P<url>[^\"']+)[\"']"
    r"|<link\b(?=[^>]*\brel=[\"'](?:stylesheet|preload|modulepreload|icon|manifest)[\"'])[^>]*\bhref=[\"'](?P<href>[^\"']+)[\"']",
    re.I,
)
CSS_ASSET = re.compile(r"@import\s+(?:url\()?[\"']?(?P<a>[^\"')\s;]+)|url\(\s*[\"']?(?P<b>[^\"')]+)", re.I)
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)


def external_assets(site: Path) -> list[str]:
    """'file:line: url' for every asset reference that points at another host."""
    found = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in {".html", ".css"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        pattern = HTML_ASSET if path.suffix == ".html" else CSS_ASSET
        for match in pattern.finditer(text):
            url = next(group for group in match.groups()[1:] if group) if path.suffix == ".html" else (match["a"] or match["b"])
            if EXTERNAL.match(url.strip()):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(site)}:{line}: {url}")
    return found


def test_built_site_references_no_external_asset(built_site):
    found = external_assets(built_site.path)
    assert not found, "\n".join(found)


# --- planted faults -------------------------------------------------------------------


def test_planted_external_assets_are_named(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        "<html><head>\n"
        '<script src="https://cdn.example.com/katex.js"></script>\n'
        '<link rel="stylesheet" href="//fonts.example.com/css">\n'
        "</head><body>\n"
        '<img alt="x" src="http://images.example.com/x.png">\n'
        '<a href="https://example.com/">a plain link is fine</a>\n'
        '<script src="../assets/local.js"></script>\n'
        "</body></html>\n",
        encoding="utf-8",
    )
    (tmp_path / "site.css").write_text(
        '@import url("https://fonts.example.com/x.css");\n'
        '@font-face{font-family:X;src:url(https://fonts.example.com/x.woff2) format("woff2")}\n'
        ".ok{background:url(img/local.png)}\n",
        encoding="utf-8",
    )
    assert external_assets(tmp_path) == [
        "a/index.html:2: https://cdn.example.com/katex.js",
        "a/index.html:3: //fonts.example.com/css",
        "a/index.html:5: http://images.example.com/x.png",
        "site.css:1: https://fonts.example.com/x.css",
        "site.css:2: https://fonts.example.com/x.woff2",
    ]
