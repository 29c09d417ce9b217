"""Valid HTML: the Nu Html Checker (vnu, the checker behind validator.w3.org/nu) finds no error
of ours in the built site.

One Java start checks every page and the figures (docs/**/*.svg), a second one our own
stylesheets (overrides/assets/**/*.css: vnu's --also-check-css would put every HTML error one
line too early). An error that upstream markup causes, and that this site cannot change
without copying the upstream file, is listed in UPSTREAM with the project, its issue (None where
none has been filed yet) and why; every other error fails the test as page:line: message. An
UPSTREAM entry that no longer matches anything fails too, so that a fixed upstream bug leaves
the list.

vnu comes from npm (`vnu-jar`, exact version and integrity hash in tests/node/package-lock.json,
installed by `python3 tests/node/install.py`, which dev.py and CI run) and runs on the machine's
Java (17 or newer). Without them the tests skip, saying so; REQUIRE_VALIDATOR=1 (CI) makes them
mandatory.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import ROOT, Made, skip_or_fail
from tests.node.install import VNU_JAR

REQUIRE = "REQUIRE_VALIDATOR"


@dataclass(frozen=True)
class Upstream:
    """An error that upstream markup causes. ``message`` is searched in vnu's message; each of
    ``extract`` (vnu's excerpt around the error), ``line`` (the source line vnu points at) and
    ``page`` (the file's path inside the site) that is given must be found as well."""

    message: str
    project: str
    issue: str | None
    why: str
    extract: str | None = None
    line: str | None = None
    page: str | None = None

    def matches(self, error: "Error") -> bool:
        return (
            re.search(self.message, error.message) is not None
            and (self.extract is None or re.search(self.extract, error.extract) is not None)
            and (self.line is None or re.search(self.line, error.source_line) is not None)
            and (self.page is None or re.search(self.page, error.page) is not None)
        )


NOTEBOOK_PAGE = r"(^|/)notebooks/"

UPSTREAM = [
    Upstream(
        message=r"^Attribute “autocomplete” is only allowed when the input type is",
        extract=r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox" id="__(drawer|search)" autocomplete="off">',
        project="squidfunk/mkdocs-material (templates/base.html)",
        issue="https://github.com/squidfunk/mkdocs-material/issues/1513",
        why="Material's drawer and search toggles are checkboxes with autocomplete=\"off\", which "
        "keeps Firefox from restoring their state on reload; HTML allows autocomplete on text-like "
        "inputs only (whatwg/html#1894 asks to allow it on checkboxes). Closed upstream without "
        "a change; base.html still has it.",
    ),
    Upstream(
        message=r"^The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control",
        extract=r'<label class="md-nav__title" for="__toc">',
        project="squidfunk/mkdocs-material (templates/partials/toc.html, partials/nav-item.html)",
        issue=None,
        why="With navigation.indexes a section's index page (experiments/) is drawn as the "
        "section's own link, and nav-item.html then leaves out the page's __toc checkbox, while "
        "toc.html still labels its title for=\"__toc\". Not reported upstream yet.",
    ),
    Upstream(
        message=r"^A “style” element in “body” must be the first child of its parent",
        line=r"^\s*<style\b",
        page=NOTEBOOK_PAGE,
        project="danielfrg/mkdocs-jupyter (templates/mkdocs_html/notebook.html.j2)",
        issue=None,
        why="The notebook template puts its <style> blocks (Pygments, index.css, the light "
        "theme, Mermaid) inside the page body, after its scripts. Not reported upstream yet.",
    ),
    Upstream(
        message=r"^The “aria-label” attribute must not be specified on any “clipboard-copy” element",
        page=NOTEBOOK_PAGE,
        project="danielfrg/mkdocs-jupyter (templates/mkdocs_html/notebook.html.j2)",
        issue=None,
        why="Each code cell's copy button is a <clipboard-copy> custom element with aria-label "
        "and no role (added by danielfrg/mkdocs-jupyter#206; the tag also has a stray comma "
        "between its attributes). Not reported upstream yet.",
    ),
    Upstream(
        message=r"^CSS: ",
        line=r'^@charset "UTF-8";\.jupyter-wrapper\{',
        page=NOTEBOOK_PAGE,
        project="danielfrg/mkdocs-jupyter (templates/mkdocs_html/assets/index.css)",
        issue=None,
        why="mkdocs-jupyter inlines its stylesheet (JupyterLab's and Blueprint's CSS under "
        ".jupyter-wrapper) into every notebook page; the CSS checker rejects `transition-delay: 0` "
        "and `transition-duration: 0` without a unit, WebKit's `:horizontal`/`:vertical` "
        "scrollbar pseudo-classes, unprefixed `box-orient`/`box-align`/`box-pack`, "
        "`overflow: overlay`, `cursor: normal` and a comma in a `transform`. Not reported "
        "upstream yet.",
    ),
]


@dataclass(frozen=True)
class Error:
    page: str  # the file's path inside the checked folder
    line: int
    message: str
    extract: str
    source_line: str

    def __str__(self) -> str:
        excerpt = " ".join(self.extract.split())
        return f"{self.page}:{self.line}: {self.message}" + (f"  [{excerpt[:120]}]" if excerpt else "")


def our_documents(site: Path) -> list[Path]:
    """Every page of the site, and the figures that come from this repository."""
    pages = sorted(p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts)
    figures = sorted(p for p in site.rglob("*.svg") if (ROOT / "docs" / p.relative_to(site)).is_file())
    return pages + figures


def our_stylesheets(site: Path) -> list[Path]:
    """The stylesheets that come from this repository (Material's, glightbox's and KaTeX's are
    not ours to fix)."""
    return sorted(p for p in site.rglob("*.css") if (ROOT / "overrides" / p.relative_to(site)).is_file())


def run_vnu(files: list[Path], mode: str = "--also-check-svg") -> list[dict]:
    """vnu's error messages (and its own failures) for ``files``, from one Java start: HTML and
    SVG documents, or with ``mode="--css"`` stylesheets."""
    if not files:
        return []
    java = shutil.which("java")
    if java is None:
        skip_or_fail("no Java found: the Nu Html Checker needs Java 17 or newer (Debian: apt install default-jre-headless)", REQUIRE)
    if not VNU_JAR.is_file():
        if shutil.which("npm") is None:
            skip_or_fail("no npm found to install vnu-jar (Debian: apt install npm), then python3 tests/node/install.py", REQUIRE)
        skip_or_fail(f"vnu-jar is not installed ({VNU_JAR.relative_to(ROOT)}): run python3 tests/node/install.py", REQUIRE)
    done = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--exit-zero-always", "--errors-only",
         "--no-langdetect", mode, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if "UnsupportedClassVersionError" in done.stderr:
        skip_or_fail(f"{java} is older than the Java 17 that vnu.jar needs", REQUIRE)
    if done.returncode != 0:
        pytest.fail(f"vnu exited with {done.returncode}:\n{(done.stdout + done.stderr)[-3000:]}", pytrace=False)
    return json.loads(done.stdout)["messages"]


@functools.lru_cache(maxsize=None)
def source_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8", errors="replace").split("\n")


def errors_of(messages: list[dict], folder: Path) -> list[Error]:
    found = []
    for message in messages:
        if message["type"] not in {"error", "non-document-error"}:
            continue
        url = message.get("url", "")
        path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else None
        page = str(path.relative_to(folder)) if path and path.is_relative_to(folder) else (url or "vnu")
        line = message.get("lastLine", 0)
        text = source_lines(path)[line - 1] if path and path.is_file() and 0 < line <= len(source_lines(path)) else ""
        kind = "" if message["type"] == "error" else "vnu could not check this: "
        found.append(Error(page, line, kind + message["message"], message.get("extract", ""), text))
    return found


def sort_out(errors: list[Error], upstream: list[Upstream]) -> tuple[list[Error], dict[Upstream, int]]:
    """(errors that no upstream entry explains, how many errors each entry explained)."""
    ours, explained = [], {entry: 0 for entry in upstream}
    for error in errors:
        entry = next((entry for entry in upstream if entry.matches(error)), None)
        if entry is None:
            ours.append(error)
        else:
            explained[entry] += 1
    return ours, explained


def check_site(site: Path) -> tuple[list[Error], dict[Upstream, int]]:
    messages = run_vnu(our_documents(site)) + run_vnu(our_stylesheets(site), "--css")
    return sort_out(errors_of(messages, site), UPSTREAM)


@pytest.fixture(scope="module")
def site_check(built_site, request) -> tuple[list[Error], dict[Upstream, int]]:
    """Made in the session's thread once its other jobs are done (tests/site/conftest.py), or
    here where that has not started it yet, or failed: then it fails, or skips, here."""
    from tests.site.conftest import VALIDATION

    made = request.config.stash.get(VALIDATION, None) or Made()
    made.offer({"site": functools.partial(check_site, built_site.path)})
    return made.get("site", make_now=lambda: None)


@pytest.mark.slow
def test_built_site_is_valid_html(site_check):
    ours, _ = site_check
    assert not ours, f"{len(ours)} error(s) of the Nu Html Checker in our markup:\n" + "\n".join(map(str, ours))


@pytest.mark.slow
def test_every_upstream_entry_still_matches(site_check):
    _, explained = site_check
    stale = [f"{entry.project}: {entry.message}" for entry, count in explained.items() if count == 0]
    assert not stale, "UPSTREAM entries that match no error any more (fixed upstream? remove them):\n" + "\n".join(stale)


def test_upstream_entries_name_project_and_reason():
    for entry in UPSTREAM:
        assert entry.project and entry.why
        assert entry.issue is None or entry.issue.startswith("https://github.com/"), entry.issue


# --- planted faults -------------------------------------------------------------------

PLANTED_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Planted</title></head>
<body>
<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">
<p id="twice">one</p>
<p id="twice">two</p>
<a href="#twice" title="a "quoted" word">link</a>
<input type="checkbox" id="ours" autocomplete="off">
</body>
</html>
"""


@pytest.mark.slow
def test_planted_errors_are_reported_and_upstream_ones_dropped(tmp_path):
    (tmp_path / "en" / "planted").mkdir(parents=True)
    page = tmp_path / "en" / "planted" / "index.html"
    page.write_text(PLANTED_PAGE, encoding="utf-8")
    (tmp_path / "site.css").write_text("p { color: re; }\n", encoding="utf-8")
    figure = tmp_path / "figure.svg"
    figure.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2">\n<rect widht="1" height="1"/>\n</svg>\n', encoding="utf-8")
    messages = run_vnu([page, figure]) + run_vnu([tmp_path / "site.css"], "--css")
    ours, explained = sort_out(errors_of(messages, tmp_path), UPSTREAM)
    report = "\n".join(map(str, ours))
    assert "en/planted/index.html:7: Duplicate ID “twice”" in report, report
    assert 'en/planted/index.html:8: Quote “"” in attribute name.' in report, report  # the unescaped quotes
    assert re.search(r"en/planted/index\.html:9: Attribute “autocomplete” is only allowed", report), report  # our checkbox, not Material's
    assert "site.css:1: CSS: “color”: “re” is not a “color” value." in report, report
    assert "figure.svg:2: Attribute “widht” not allowed on element “rect”" in report, report
    assert not any("__drawer" in error.extract for error in ours), report  # Material's toggle is explained
    assert sum(explained.values()) == 1
