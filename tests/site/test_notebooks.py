"""Notebook pages: rendered by mkdocs-jupyter in both languages, executed at build time with
allow_errors false, code taken from snippets/, and a download link to a valid .ipynb.
The built HTML is what is tested: a notebook page dropped from the file list (as
ultrabug/mkdocs-static-i18n#198 did to notebooks mkdocs-jupyter had wrapped) still lets the
build pass."""

from __future__ import annotations

import json

import nbformat
import pytest
from bs4 import BeautifulSoup

from tests.conftest import ROOT, build_site, mkdocs_config

NOTEBOOK = "notebooks/statistics-axes/"
SNIPPET = "snippets/notebooks/statistics-axes/running_statistics.py"


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_notebook_page_is_rendered_and_executed(built_site, prefix):
    html = built_site.page(prefix + NOTEBOOK)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("article .jupyter-wrapper .jp-Notebook"), "not rendered by mkdocs-jupyter"
    cells = soup.select(".jp-CodeCell .jp-InputArea")
    assert len(cells) == 4
    outputs = soup.select(".jp-OutputArea-output")
    text = "\n".join(o.get_text() for o in outputs)
    assert "training output equals the hand-computed one: True" in text
    assert "eval output uses running statistics: True" in text
    assert not soup.select('[data-mime-type="application/vnd.jupyter.stderr"]'), "a cell wrote to stderr"
    assert "--8<--" not in soup.get_text(), "includes were not expanded"


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_notebook_download_is_a_valid_notebook(built_site, prefix):
    soup = BeautifulSoup(built_site.page(prefix + NOTEBOOK), "html.parser")
    link = soup.select_one("p.nb-download a[download]")
    assert link is not None and link["href"] == "statistics-axes.ipynb"
    path = built_site.path / prefix / NOTEBOOK / link["href"]
    notebook = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    nbformat.validate(notebook)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert len(code) == 4 and all("--8<--" not in c for c in code)
    assert "nn.BatchNorm1d" in code[0]
    assert json.loads(path.read_text(encoding="utf-8"))["metadata"]["kernelspec"]["language"] == "python"


def test_both_languages_run_the_same_code(built_site):
    def code(prefix):
        path = built_site.path / prefix / NOTEBOOK / "statistics-axes.ipynb"
        return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]

    assert code("") == code("en/")


def test_the_download_is_the_same_file_from_build_to_build(built_site):
    """Cell ids are numbered, not drawn at random by nbformat (which it validates)."""
    path = built_site.path / NOTEBOOK / "statistics-axes.ipynb"
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    numbered = [f"cell-{n}" for n in range(1, len(notebook.cells) + 1)]
    assert [cell.id for cell in notebook.cells] == numbered
    page = BeautifulSoup((path.parent / "index.html").read_text(encoding="utf-8"), "html.parser")
    # nbconvert writes the cell's own id: the page renders the notebook that is downloaded
    assert [cell["id"] for cell in page.select("div.jp-Cell[id]")] == [f"cell-id={n}" for n in numbered], "the page numbers its cells alike"


def test_every_copy_button_copies_its_own_cell(built_site):
    """Ids are unique on every notebook page, and each copy button's target holds exactly the
    source of its code cell (a duplicate id once made a button copy a Markdown cell)."""
    problems = []
    for page_path in sorted(built_site.path.glob("**/notebooks/*/index.html")):
        page = BeautifulSoup(page_path.read_text(encoding="utf-8"), "html.parser")
        ids = [tag["id"] for tag in page.find_all(id=True)]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            problems.append(f"{page_path.relative_to(built_site.path)}: duplicate ids {duplicates[:5]}")
        notebook = nbformat.read(next(page_path.parent.glob("*.ipynb")), as_version=4)
        sources = [c.source.strip() for c in notebook.cells if c.cell_type == "code"]
        buttons = page.select("clipboard-copy[for]")
        copied = [(page.find(id=b["for"]).get_text() if page.find(id=b["for"]) else "").strip() for b in buttons]
        if copied != sources:
            problems.append(f"{page_path.relative_to(built_site.path)}: copy buttons copy {[c[:30] for c in copied]}, cells are {[c[:30] for c in sources]}")
    assert not problems, "\n".join(problems)


def test_no_notebook_page_shows_stderr(built_site):
    """A cell's standard error (warnings, a library's log lines) is not what a page means to
    show: PyTorch's profiler once put timestamped start/stop lines on the inference notebook
    page, different on every build."""
    shown = {}
    for page_path in sorted(built_site.path.glob("**/notebooks/*/index.html")):
        page = BeautifulSoup(page_path.read_text(encoding="utf-8"), "html.parser")
        for output in page.select('[data-mime-type="application/vnd.jupyter.stderr"]'):
            shown[page_path.relative_to(built_site.path).as_posix()] = output.get_text()[:160]
    assert not shown, shown


def test_no_raw_notebook_source_is_published(built_site):
    """The i18n bug shows as a notebook source copied raw where the page should be."""
    for prefix in ("", "en/"):
        page = (built_site.path / prefix / NOTEBOOK / "index.html").read_text(encoding="utf-8")
        assert page.lstrip().lower().startswith("<!doctype html>")
        assert not (built_site.path / prefix / NOTEBOOK / "statistics-axes.md").exists()


def notebook_pages() -> dict[str, str]:
    """The pages of a small copy of the project (tests/site/test_refused_mistakes.py): a home
    page and the notebook page, in both languages."""
    from tests.site.test_refused_mistakes import both

    name = NOTEBOOK.rstrip("/") + ".md"
    pages = both("index.md", "Home")
    return pages | {f"{language}/{name}": (ROOT / "docs" / language / name).read_text(encoding="utf-8") for language in ("en", "zh")}


def notebook_project(tmp_path, with_cache: bool = False):
    from tests.site.test_refused_mistakes import small_project

    return small_project(tmp_path, notebook_pages(), ["index.md", NOTEBOOK.rstrip("/") + ".md"], with_cache)


@pytest.mark.slow
def test_the_small_copy_builds_without_the_plant(tmp_path, after_session_build):
    """The control of the planted tests that build these pages (here and in test_math.py): as
    they are, they build."""
    done = build_site(notebook_project(tmp_path, with_cache=True), tmp_path / "site")
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert (tmp_path / "site" / "en" / NOTEBOOK / "index.html").is_file()


@pytest.mark.slow
def test_a_failing_cell_fails_the_build(tmp_path):
    """Planted in a small copy of the project that holds the notebook page and its twin, which
    builds without the plant (test_the_small_copy_builds_without_the_plant)."""
    project = notebook_project(tmp_path)
    snippet = project / SNIPPET
    text = snippet.read_text(encoding="utf-8")
    snippet.write_text(text.replace("# --8<-- [end:eval]", "raise RuntimeError('planted notebook failure')\n# --8<-- [end:eval]"))
    done = build_site(project, tmp_path / "site")
    log = done.stdout + done.stderr
    assert done.returncode != 0, log[-2000:]
    assert "planted notebook failure" in log and "statistics-axes" in log, log[-3000:]


def test_mkdocs_jupyter_renders_generated_notebooks_only():
    """mkdocs-jupyter is handed the .ipynb that hooks/notebook_pages.py generates, with its cells
    numbered, and told to leave every Markdown page alone by pattern: no list of folders to
    keep up to date by hand in mkdocs.yml."""
    from hooks.notebook_pages import notebook_json

    plugin = mkdocs_config().plugins["mkdocs-jupyter"].config
    assert plugin["include"] == ["*.ipynb"] and plugin["ignore"] == ["*.md"], (plugin["include"], plugin["ignore"])
    assert plugin["include_source"], "the download is the rendered notebook, copied beside the page by mkdocs-jupyter"

    source = (ROOT / "docs" / "en" / NOTEBOOK.rstrip("/")).with_suffix(".md").read_text(encoding="utf-8")
    made = notebook_json(source)
    notebook = nbformat.reads(made, as_version=4)
    nbformat.validate(notebook)
    assert [cell.id for cell in notebook.cells] == [f"cell-{n}" for n in range(1, len(notebook.cells) + 1)]
    assert made == notebook_json(source), "the same source gives the same file"


def test_a_notebook_runs_again_when_a_module_it_imports_changes(monkeypatch, after_session_build):
    """mkdocs-jupyter keys its execution cache by the notebook's bytes; the experiment notebooks
    import lab.py and the experiment files at run time, so the generated notebook carries a
    digest of them (hooks/notebook_pages.code_digest). Planted: lab.py changes."""
    from pathlib import Path

    from hooks.notebook_pages import code_digest

    source = ROOT / "docs" / "en" / "notebooks" / "experiments-inference.md"
    before = code_digest(source)
    lab = ROOT / "snippets" / "experiments" / "lab.py"
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: real(self) + (b"\n# planted\n" if self == lab else b""))
    assert code_digest(source) != before
