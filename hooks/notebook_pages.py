"""Notebook pages: jupytext Markdown sources, code from snippets/, executed at build time.

One job: make each notebook source (``docs/<lang>/notebooks/*.md``, jupytext Markdown whose
code cells are ``--8<--`` includes, like any other page) into a page that mkdocs-jupyter
executes and renders, in both languages, with a download link to the ``.ipynb``.

1. on_files, after mkdocs-static-i18n: expand the includes into ``.cache/notebooks/`` and
   point the page at that copy, so mkdocs-jupyter executes the code that the snippets hold.
   (i18n rebuilds the file list after mkdocs-jupyter has wrapped it, which can drop
   notebook pages: ultrabug/mkdocs-static-i18n#198. Markdown notebooks stay pages in the
   rebuilt list; tests/site/test_notebooks.py checks the built pages, not the exit code.)
2. on_page_content: nbconvert's page template loads MathJax and Mermaid from CDNs. Strip
   every script that points outside the site; hooks/katex_render.py renders the math.
   mkdocs-jupyter also gives headings ASCII-only ids (``mkdocs_jupyter.utils.slugify``:
   Chinese headings get ``id=""``) while its table of contents uses Python-Markdown's
   ``_1``, ``_2``: re-id the headings with the site's own slugify and rebuild the TOC.
   (No upstream report found for this; mkdocs-jupyter's own PR #56 made the two agree
   for accented Latin only.)
3. on_post_page: write ``<name>.ipynb`` next to the page (cells numbered, not given nbformat's
   random ids, so that the download is the same file from build to build; on_page_content
   numbers the page's cells the same way) and, in on_page_context, expose its URL to the
   template.
4. on_page_context: a notebook's page description (its `<meta name="description">` and Open
   Graph tags) is `jupyter: description:` in its front matter; a top-level key would become a
   raw cell in the notebook. Its "last updated" date is that of its source, not of the
   expanded copy under .cache/ (git-revision-date-localized looks dates up by path).
5. on_config: give mkdocs-jupyter's execution cache one folder per language. i18n runs one
   build per language, and mkdocs-jupyter evicts every cache entry its current build did not
   use, so with one shared folder each language evicted the other's executed notebooks and
   every `mkdocs serve` rebuild re-ran all of them. A build of a few pages (`dev.py check`,
   from another config file) gets folders of its own, so that it evicts nothing of the site's.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from markdown.extensions.toc import nest_toc_tokens, unique
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.toc import get_toc

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from hooks import results_in_prose  # noqa: E402
from hooks.snippets_lib import ROOT, expand_includes  # noqa: E402

CACHE = ROOT / ".cache" / "notebooks"
NOTEBOOK_DIR = "notebooks"

EXTERNAL_SCRIPT = re.compile(
    r'<script\b[^>]*\bsrc="(?:(?:https?:)?//[^"]*)?"[^>]*>\s*</script>'  # src="https://…" or MathJax's src=""
    r'|<script type="text/x-mathjax-config">.*?</script>'  # MathJax's configuration
    r'|<script type="module">(?:(?!</script>).)*?https://(?:(?!</script>).)*?</script>',  # Mermaid's import
    re.S,
)


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


@event_priority(-200)  # after mkdocs-static-i18n (-100) has rebuilt the file list
def on_files(files: Files, config) -> Files:
    for file in files:
        if file.is_documentation_page() and is_notebook(file.src_uri):
            source = Path(config.docs_dir) / file.src_uri
            expanded = CACHE / file.src_uri
            expanded.parent.mkdir(parents=True, exist_ok=True)
            text = expand_includes(source.read_text(encoding="utf-8"), config.mdx_configs["pymdownx.snippets"])
            text = results_in_prose.fill(text, f"docs/{file.src_uri}")  # quoted numbers, as on other pages
            if not expanded.exists() or expanded.read_text(encoding="utf-8") != text:
                expanded.write_text(text, encoding="utf-8")
            file.abs_src_path = str(expanded)
    return files


def _date_of_source(page, config) -> None:
    """git-revision-date-localized dated the page by its current path, the expanded copy under
    .cache/, which git does not track: the build date. Date it by its source instead."""
    plugin = config.plugins.get("git-revision-date-localized")
    util = getattr(plugin, "util", None)
    if util is None or "git_revision_date_localized" not in page.meta:
        return
    _, timestamp = util.get_git_commit_timestamp(str(Path(config.docs_dir) / page.file.src_uri))
    locale = getattr(page.file, "locale", None) or config.theme["language"]
    page.meta["git_revision_date_localized"] = util.get_date_formats_for_timestamp(timestamp, locale=locale)[plugin.config["type"]]


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


CELL_ID = re.compile(r'(<div class="jp-Cell [^"]*" id=")cell-id=[^"]*(")')


def number_cells(content: str) -> str:
    """nbconvert's cell ids are nbformat's random ones; number them as in the download."""
    numbers = iter(range(1, 1 << 30))
    # "nb-cell-N", not "cell-N": mkdocs-jupyter gives the copy text of its N-th code cell the id
    # "cell-N", and a second element with that id made the copy button copy the wrong cell.
    return CELL_ID.sub(lambda m: f"{m[1]}nb-cell-{next(numbers)}{m[2]}", content)


def on_page_content(content: str, page, config, files) -> str:
    if is_notebook(page.file.src_uri):
        content = EXTERNAL_SCRIPT.sub("", content)
        content = reanchor_headings(content, page, config)
        content = number_cells(content)
    return content


def on_post_page(output: str, page, config) -> str:
    if is_notebook(page.file.src_uri):
        import jupytext

        notebook = jupytext.read(page.file.abs_src_path)
        for number, cell in enumerate(notebook.cells, 1):
            cell.id = f"cell-{number}"  # nbformat draws random ids: each build would differ
        target = Path(page.file.abs_dest_path).with_name(Path(page.file.src_uri).stem + ".ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        jupytext.write(notebook, target)
    return output


def on_page_context(context, page, config, nav):
    if is_notebook(page.file.src_uri):
        context["notebook_download"] = Path(page.file.src_uri).stem + ".ipynb"
        description = (page.meta.get("jupyter") or {}).get("description")
        if description and not page.meta.get("description"):
            page.meta["description"] = description
        _date_of_source(page, config)
    return context
