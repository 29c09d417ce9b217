"""Notebook pages: jupytext Markdown sources, code from snippets/, executed at build time.

One job: make each notebook source (``docs/<lang>/notebooks/*.md``, jupytext Markdown whose
code cells are ``--8<--`` includes, like any other page) into a page that mkdocs-jupyter
executes and renders, in both languages, with a download link to the ``.ipynb``.

1. on_files, after mkdocs-static-i18n: generate the notebook, ``.cache/notebooks/<lang>/
   notebooks/<name>.ipynb``: the includes expanded, results filled into the prose (as
   hooks/results_in_prose.py does on other pages), cells numbered ``cell-1``, ``cell-2``…
   (not nbformat's random ids, so that it is the same file from build to build), and in its
   metadata a digest of the code it runs, imported modules included (code_digest). The page's
   path is that notebook, its text the expanded Markdown: mkdocs-jupyter (``include:
   ["*.ipynb"]``, ``ignore: ["*.md"]``, so that it never parses a Markdown page with jupytext)
   executes and renders the notebook and publishes it beside the page (``include_source``);
   page.meta and the other hooks read the Markdown, as on any page. URL, nav entry and edit
   link stay those of the source. Nothing is written into docs/ (`mkdocs serve` watches it).
   After i18n, because it rebuilds the file list (priority -100); mkdocs-jupyter's own
   on_files, earlier, sees only Markdown and wraps nothing, so i18n no longer drops notebook
   pages it had wrapped (ultrabug/mkdocs-static-i18n#198).
2. on_page_content: nbconvert's page template loads MathJax and Mermaid from CDNs
   (mkdocs-jupyter's ``custom_mathjax_url``, danielfrg/mkdocs-jupyter#199, moves MathJax but
   cannot leave it out). Strip every script that points outside the site;
   hooks/katex_render.py renders the math. mkdocs-jupyter also gives headings ASCII-only ids
   (``mkdocs_jupyter.utils.slugify``: Chinese headings get ``id=""``) while its table of
   contents uses Python-Markdown's ``_1``, ``_2``: re-id the headings with the site's own
   slugify and rebuild the TOC. (No upstream report found; mkdocs-jupyter's PR #56 made the
   two agree for accented Latin only.) And after an ``.ipynb``'s page only, mkdocs-jupyter
   appends the Pygments CSS its template already holds, printed as a Python list
   (``nbconvert2.nb2html``: ``<style>['pre {…']</style>``): drop it. (No upstream report found.)
3. on_page_context: the download link for the template; the page description (`<meta
   name="description">`, Open Graph) from `jupyter: description:` in the front matter (a
   top-level key would become a raw cell in the notebook); the "last updated" date of the
   source, not of the generated notebook under .cache/ (git-revision-date-localized dates a
   page by ``abs_src_path``).
4. on_config: give mkdocs-jupyter's execution cache one folder per language. i18n runs one
   build per language, and mkdocs-jupyter evicts every cache entry its current build did not
   use, so with one shared folder each language evicted the other's executed notebooks and
   every `mkdocs serve` rebuild re-ran all of them. A build of a few pages (`dev.py check`,
   from another config file) gets folders of its own, so that it evicts nothing of the site's.
"""

from __future__ import annotations

import hashlib
import html
import re
import sys
from pathlib import Path

import jupytext
from markdown.extensions.toc import nest_toc_tokens, unique
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.toc import get_toc

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from hooks import results_in_prose  # noqa: E402
from hooks.snippet_output import inputs_of  # noqa: E402
from hooks.snippets_lib import ROOT, expand_includes, includes_in  # noqa: E402

CACHE = ROOT / ".cache" / "notebooks"
NOTEBOOK_DIR = "notebooks"

EXTERNAL_SCRIPT = re.compile(
    r'<script\b[^>]*\bsrc="(?:(?:https?:)?//[^"]*)?"[^>]*>\s*</script>'  # src="https://…" or MathJax's src=""
    r'|<script type="text/x-mathjax-config">.*?</script>'  # MathJax's configuration
    r'|<script type="module">(?:(?!</script>).)*?https://(?:(?!</script>).)*?</script>',  # Mermaid's import
    re.S,
)
# After an .ipynb's page (not a .md's), mkdocs-jupyter appends the Pygments CSS its template
# has inlined already, printed as a Python list: <style>['pre { line-height: 125%; }\ntd…']</style>
LISTED_CSS = re.compile(r"""\s*<style>\s*\[(['"])[^<]*\1\]\s*</style>\s*\Z""")


def is_notebook(src_uri: str) -> bool:
    parts = Path(src_uri).parts
    return len(parts) >= 2 and parts[-2] == NOTEBOOK_DIR and src_uri.endswith(".md")


def on_config(config):
    i18n = config.plugins["i18n"]
    language = i18n.current_language or i18n.default_language
    cache = ROOT / ".cache" / "mkdocs-jupyter"
    stem = Path(config.config_file_path).stem
    if stem != "mkdocs":
        cache = cache / stem
    config.plugins["mkdocs-jupyter"].config["cache_dir"] = str(cache / language)
    return config


def notebook_json(markdown: str, code_sha256: str | None = None) -> str:
    """The notebook of a jupytext Markdown text, its cells numbered; ``code_sha256`` goes into
    its metadata (see code_digest)."""
    notebook = jupytext.reads(markdown, fmt="md")
    for number, cell in enumerate(notebook.cells, 1):
        cell.id = f"cell-{number}"
    if code_sha256:
        notebook.metadata["code_sha256"] = code_sha256
    return jupytext.writes(notebook, fmt="ipynb") + "\n"  # as jupytext.write ends a file


def code_digest(source: Path) -> str:
    """A digest of every file the notebook's code reads when it runs: the snippets it includes
    and the modules and data they import (snippet_output.inputs_of: the experiment notebooks
    import lab.py and the experiment files at run time). mkdocs-jupyter keys its execution
    cache by the notebook's bytes alone, so with this digest in the metadata an edit to such a
    module runs the notebook again instead of showing its old outputs."""
    digest = hashlib.sha256()
    for path in sorted({ROOT / include.path for include in includes_in(source) if (ROOT / include.path).is_file()}):
        for used in inputs_of(path):
            digest.update(f"\0{used.relative_to(ROOT).as_posix()}\0".encode() + used.read_bytes())
    return digest.hexdigest()[:32]


@event_priority(-200)  # after mkdocs-static-i18n (-100) has rebuilt the file list
def on_files(files: Files, config) -> Files:
    for file in files:
        if file.is_documentation_page() and is_notebook(file.src_uri):
            text = expand_includes(file.content_string, config.mdx_configs["pymdownx.snippets"])
            text = results_in_prose.fill(text, f"docs/{file.src_uri}")  # quoted numbers, as on other pages
            notebook = notebook_json(text, code_digest(Path(config.docs_dir) / file.src_uri))
            target = (CACHE / file.src_uri).with_suffix(".ipynb")
            if not target.exists() or target.read_text(encoding="utf-8") != notebook:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(notebook, encoding="utf-8")
            file.content_string = text  # the page's Markdown (this unsets abs_src_path)…
            file.abs_src_path = str(target)  # …and the notebook mkdocs-jupyter renders and copies
    return files


HEADING = re.compile(r'<h(?P<level>[1-6]) id="[^"]*">(?P<text>.*?)<a class="anchor-link" href="#[^"]*">¶</a></h(?P=level)>', re.S)


def reanchor_headings(content: str, page, config) -> str:
    slugify = config.mdx_configs["toc"]["slugify"]
    used: set[str] = set()
    tokens = []

    def replace(match: re.Match) -> str:
        level, inner = int(match["level"]), match["text"]
        name = html.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        anchor = unique(slugify(name, "-"), used)
        tokens.append({"level": level, "id": anchor, "name": name, "html": inner, "data-toc-label": "", "children": []})
        return f'<h{level} id="{anchor}">{inner}<a class="headerlink" href="#{anchor}">¶</a></h{level}>'

    content = HEADING.sub(replace, content)
    page.toc = get_toc(nest_toc_tokens(tokens))
    return content


def on_page_content(content: str, page, config, files) -> str:
    if is_notebook(page.file.src_uri):
        content = LISTED_CSS.sub("", EXTERNAL_SCRIPT.sub("", content))
        content = reanchor_headings(content, page, config)
    return content


def _date_of_source(page, config) -> None:
    plugin = config.plugins.get("git-revision-date-localized")
    util = getattr(plugin, "util", None)
    if util is None or "git_revision_date_localized" not in page.meta:
        return
    _, timestamp = util.get_git_commit_timestamp(str(Path(config.docs_dir) / page.file.src_uri))
    locale = getattr(page.file, "locale", None) or config.theme["language"]
    page.meta["git_revision_date_localized"] = util.get_date_formats_for_timestamp(timestamp, locale=locale)[plugin.config["type"]]


def on_page_context(context, page, config, nav):
    if is_notebook(page.file.src_uri):
        context["notebook_download"] = Path(page.file.abs_src_path).name  # copied there by mkdocs-jupyter
        description = (page.meta.get("jupyter") or {}).get("description")
        if description and not page.meta.get("description"):
            page.meta["description"] = description
        _date_of_source(page, config)
    return context
