"""Each page's downloads (hooks/page_downloads.py), run as a reader runs them.

Every page with code offers a notebook and a script in each language. A download is copied
alone into an empty folder and run there with the repository out of reach (not on sys.path,
not the working folder): the script as `python file.py` in a fresh interpreter, the notebook
in a fresh kernel with nbclient. It must end without an error and print exactly what the
page shows (CPU), output block by output block; the outputs are taken from the page's
sources (the snippets' cached runs), not from the download.

The four downloads of a page hold the same code: the other language's notebook has the same
syntax tree cell by cell, each script has its notebook's code cells joined (tested for every
download that does not run). So each page runs once: its notebook, in Chinese and in English
in turn from page to page. A kernel is where code fails that works in a script (``__file__``,
``sys.argv``, a statement split across cells) and where each output can be checked against its
own cells; what fails only in a script is caught by the snippets' runs, each of which runs a
file as `python snippets/…` does (tests/snippets). DOWNLOADS_RUN_ALL=1 runs all four. Beside
the tests they run one at a time (the tests use the other core); a test that finds its own run
not started makes it itself, and one that waits for its own makes other runs meanwhile.
On CUDA (mandatory with REQUIRE_CUDA=1) the same downloads run with `DEVICE = "cuda"` and must
end without an error; their numbers may differ from the page's CPU ones.
"""

from __future__ import annotations

import ast
import difflib
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from hooks.notebook_pages import is_notebook
from hooks.page_downloads import REPOSITORY_ONLY, download_name
from hooks.snippets_lib import LANGUAGES, ROOT, includes_in
from hooks.source_checks import markdown_pages
from tests.conftest import Made, required, skip_or_fail

DOCS = ROOT / "docs"
TIMEOUT_S = float(os.environ.get("DOWNLOAD_TIMEOUT", "600"))
MAX_BYTES = 1_000_000
LABELS = {"zh": ("下载 Notebook", "下载 Python 脚本"), "en": ("Download notebook", "Download Python script")}


def pages_with_code() -> list[str]:
    """'en/bn-vs-ln.md', … : every page that includes a snippet, notebook pages aside."""
    return [
        page.relative_to(DOCS).as_posix()
        for page in markdown_pages(DOCS)
        if page.parent != DOCS and not is_notebook(page.relative_to(DOCS).as_posix()) and includes_in(page)
    ]


PAGES = pages_with_code()
NAMES = sorted({page.split("/", 1)[1] for page in PAGES})  # 'bn-vs-ln.md', language aside


def built_folder(site: Path, page: str) -> Path:
    """Where the page's HTML and downloads are: 'en/x.md' -> <site>/en/x/, 'zh/x.md' -> <site>/x/."""
    language, rest = page.split("/", 1)
    rest = rest.removesuffix(".md").removesuffix("index").rstrip("/")
    return site / ("" if language == "zh" else "en") / rest


def download(site: Path, page: str, kind: str) -> Path:
    return built_folder(site, page) / f"{download_name(page)}.{kind}"


def shown_outputs(page: str) -> list[tuple[str, str]]:
    """(snippet, what the page shows it prints) for each output block, in the page's order;
    the build showed the snippet_output hook's cached CPU run."""
    from hooks.snippet_output import snippet_stdout

    found = []
    for include in includes_in(DOCS / page):
        if include.output and include.path not in REPOSITORY_ONLY:
            found.append((include.path, snippet_stdout(ROOT / include.path, include.where, DOCS)))
    return found


# --- running a download -------------------------------------------------------------------


@dataclass
class Ran:
    """What a download did, run alone in an empty folder."""

    page: str
    file: str  # its file name
    error: str = ""  # empty: it ended without an error
    printed: list[str] = field(default_factory=list)  # a script: one item; a notebook: each code cell's stdout
    seconds: float = 0.0


def reader_env(device: str) -> dict[str, str]:
    """The environment of a reader's shell: nothing that points into the repository."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SNIPPET_")) and k != "VIRTUAL_ENV"}
    env["PYTHONUNBUFFERED"] = "1"
    if device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""
    return env


def on_device(text: str, device: str) -> str:
    """The download with its device line changed, as a reader would change it."""
    if device == "cpu":
        return text
    changed, count = re.subn(r'^DEVICE = "cpu"', f'DEVICE = "{device}"', text, count=1, flags=re.M)
    assert count == 1, "no `DEVICE = \"cpu\"` line to change"
    return changed


def alone(path: Path) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="download-"))
    shutil.copy(path, folder / path.name)
    return folder / path.name


def run_script(path: Path, page: str, device: str = "cpu") -> Ran:
    copy = alone(path)
    copy.write_text(on_device(copy.read_text(encoding="utf-8"), device), encoding="utf-8")
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, copy.name], cwd=copy.parent, env=reader_env(device),
            capture_output=True, text=True, timeout=TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return Ran(page, path.name, f"did not finish within {TIMEOUT_S:g} s", seconds=TIMEOUT_S)
    finally:
        seconds = time.perf_counter() - started
    error = "" if done.returncode == 0 else f"exited with status {done.returncode}:\n" + "\n".join(done.stderr.strip().splitlines()[-12:])
    shutil.rmtree(copy.parent, ignore_errors=True)
    return Ran(page, path.name, error, [done.stdout], seconds)


def run_notebook(path: Path, page: str, device: str = "cpu") -> Ran:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    copy = alone(path)
    notebook = nbformat.reads(on_device(copy.read_text(encoding="utf-8"), device), as_version=4)
    client = NotebookClient(notebook, timeout=TIMEOUT_S, kernel_name="python3", resources={"metadata": {"path": str(copy.parent)}})
    started = time.perf_counter()
    error = ""
    try:
        client.execute(env=reader_env(device), stderr=subprocess.DEVNULL)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as failed:
        error = "\n".join(str(failed).strip().splitlines()[-15:])
    seconds = time.perf_counter() - started
    printed = [
        "".join(out.get("text", "") for out in cell.get("outputs", []) if out.get("name") == "stdout")
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]
    shutil.rmtree(copy.parent, ignore_errors=True)
    return Ran(page, path.name, error, printed, seconds)


RUNNERS = {"py": run_script, "ipynb": run_notebook}


def runs_for(page: str) -> list[tuple[str, str]]:
    """(language, kind) of the downloads of ``page`` that run; the others hold the same code."""
    if required("DOWNLOADS_RUN_ALL"):
        return [(language, kind) for language in LANGUAGES for kind in RUNNERS]
    return [(LANGUAGES[NAMES.index(page.split("/", 1)[1]) % 2], "ipynb")]


def twin(page: str, language: str) -> str:
    return f"{language}/{page.split('/', 1)[1]}"


class Runs(Made):
    """Every download that runs, once per session; each test reads its own. On a full run they
    are offered at collection and made in the session's thread, ``workers`` at a time, once the
    site is built and toured (tests/downloads/conftest.py), while other tests read the site; a
    test makes its own run where nobody has started it, and makes others while it waits."""

    def __init__(self, device: str, workers: int = 2):
        super().__init__()
        self.device, self.workers = device, workers
        self.site: Path | None = None
        self.seconds = 0.0

    def offer_pages(self, pages: set[str]) -> None:
        """The runs of these pages, offered (Made.offer) to whoever works or waits: they run in
        the site that ``site`` names by then."""
        jobs = {(twin(page, language), kind) for page in pages for language, kind in runs_for(page)}
        ordered = sorted(jobs, key=lambda job: (job[1] != "ipynb", job))  # notebooks first: they take longest
        self.offer({job: functools.partial(self.run, job) for job in ordered})

    def prefetch(self, site: Path, pages: set[str]) -> None:
        self.site = site
        self.offer_pages(pages)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            list(pool.map(lambda _: self.work(), range(self.workers)))
        self.seconds += time.perf_counter() - started

    def run(self, job: tuple[str, str]) -> Ran:
        page, kind = job
        return RUNNERS[kind](download(self.site, page, kind), page, self.device)

    def __getitem__(self, job: tuple[str, str]) -> Ran:
        # Offered where nobody has made it (or its making failed): get() then makes it here, and
        # an error fails the test that reads it. Where it is done or being made, nothing changes.
        self.offer({job: functools.partial(self.run, job)})
        return self.get(job, lambda: None)


RUN_TEST = "test_download_runs_alone_and_prints_what_the_page_shows"


def pages_run_by(items) -> set[str]:
    """The pages whose runs the selected tests read."""
    return {item.callspec.params["page"] for item in items if getattr(item, "originalname", "") == RUN_TEST and item.callspec.params["page"] in PAGES}


@pytest.fixture(scope="session")
def cpu_downloads(built_site, request) -> Runs:
    from tests.downloads.conftest import CPU_RUNS

    runs = request.config.stash.get(CPU_RUNS, None)
    if runs is None:  # not started beside the tests: run them here, all at once
        runs = Runs("cpu")
        runs.prefetch(built_site.path, pages_run_by(request.session.items))
    runs.site = built_site.path  # for a run nobody started yet
    yield runs
    if runs.done:
        slowest = max(runs.done.values(), key=lambda ran: ran.seconds)
        print(f"\ndownloads: {len(runs.done)} runs in {runs.seconds:.0f} s ({runs.workers} at a time); slowest {slowest.file} {slowest.seconds:.0f} s")


# --- what a run must show -----------------------------------------------------------------


def differences(expected: str, got: str) -> str:
    diff = difflib.unified_diff(expected.splitlines(keepends=True), got.splitlines(keepends=True), "the page", "the download", n=1)
    return "".join(list(diff)[:40])


def problems_of_script(ran: Ran, shown: list[tuple[str, str]]) -> list[str]:
    where = f"{ran.page}: {ran.file}, run alone in an empty folder,"
    if ran.error:
        hint = " (it imports something it does not carry, from the repository?)" if "ModuleNotFoundError" in ran.error or "No such file" in ran.error else ""
        return [f"{where} failed{hint}: {ran.error}"]
    expected = "".join(text for _, text in shown)
    if ran.printed[0] != expected:
        return [f"{where} printed something else than the page shows (CPU):\n{differences(expected, ran.printed[0])}"]
    return []


def problems_of_notebook(ran: Ran, notebook, shown: list[tuple[str, str]]) -> list[str]:
    """The notebook's outputs are the page's, in order; run, the cells from one output to the
    next print exactly that output."""
    where = f"{ran.page}: {ran.file}"
    if ran.error:
        hint = " (it imports something it does not carry, from the repository?)" if "ModuleNotFoundError" in ran.error or "No such file" in ran.error else ""
        return [f"{where}, run alone in an empty folder, failed{hint}: {ran.error}"]
    attached = attached_outputs(notebook)
    problems = problems_of_attached(where, attached, shown)
    start = 0
    for number, snippet, text in attached:
        printed = "".join(ran.printed[start : number + 1])
        if printed != text:
            problems.append(f"{where}: code cells {start + 1} to {number + 1}, run, printed something else than the page shows for {snippet}:\n{differences(text, printed)}")
        start = number + 1
    if "".join(ran.printed[start:]):
        problems.append(f"{where}: code cells after {start} printed what the page does not show:\n{''.join(ran.printed[start:])[:500]}")
    return problems


def attached_outputs(notebook) -> list[tuple[int, str, str]]:
    """(code cell number from 0, snippet, text) of every output the notebook holds."""
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    return [(n, cell.metadata.get("output_of"), "".join(o.get("text", "") for o in cell.outputs)) for n, cell in enumerate(code) if cell.outputs]


def problems_of_attached(where: str, attached: list, shown: list[tuple[str, str]]) -> list[str]:
    """The notebook holds the page's outputs, in order."""
    problems = []
    if [(snippet, text) for _, snippet, text in attached] != shown:
        problems.append(f"{where} holds other outputs than the page shows: {[s for _, s, _ in attached]} against {[s for s, _ in shown]}")
    return problems


def cells_that_do_not_parse(notebook) -> list[str]:
    """A kernel runs cell by cell: a statement split across two cells fails there, though the
    cells joined (the script) parse."""
    problems = []
    for number, cell in enumerate((c for c in notebook.cells if c.cell_type == "code"), 1):
        try:
            ast.parse(cell.source)
        except SyntaxError as error:
            problems.append(f"code cell {number} does not parse on its own: {error.msg} (line {error.lineno})")
    return problems


def code_tree(text: str) -> str:
    return ast.dump(ast.parse(text))


def code_cells(path: Path) -> list[str]:
    """A download's code: a notebook's code cells, or a script as one cell."""
    if path.suffix == ".py":
        return [path.read_text(encoding="utf-8")]
    return [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def different_code(mine: Path, other: Path) -> str:
    """'' when two downloads hold the same code: the same syntax tree, cell by cell where both
    are notebooks (comments, the prose and the language aside)."""
    a, b = code_cells(mine), code_cells(other)
    if mine.suffix != other.suffix:
        a, b = ["\n\n".join(a)], ["\n\n".join(b)]
    same = len(a) == len(b) and all(code_tree(x) == code_tree(y) for x, y in zip(a, b))
    return "" if same else f"{mine.name} does not hold the same code as {other.name}"


# --- tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_page_links_its_two_downloads(built_site, page):
    language = page.split("/", 1)[0]
    address = built_folder(Path(), page).as_posix()
    html = built_site.soup("" if address == "." else address + "/")
    links = html.select("article p.page-downloads a[download]")
    assert [a["href"] for a in links] == [download(built_site.path, page, kind).name for kind in ("ipynb", "py")], f"{page}: download links {links}"
    assert [a.get_text(" ", strip=True) for a in links] == list(LABELS[language]), f"{page}: labels"
    for kind in ("ipynb", "py"):
        assert download(built_site.path, page, kind).is_file(), f"{page}: {kind} download missing"


@pytest.mark.parametrize("page", PAGES)
def test_download_is_a_notebook_and_a_script_of_the_page(built_site, page):
    notebook_path, script_path = (download(built_site.path, page, kind) for kind in ("ipynb", "py"))
    notebook = nbformat.read(notebook_path, as_version=4)
    nbformat.validate(notebook)
    assert [cell.id for cell in notebook.cells] == [f"cell-{n}" for n in range(1, len(notebook.cells) + 1)]
    first = notebook.cells[0]
    assert first.cell_type == "code" and re.search(r'^DEVICE = "cpu"  # .*cuda', first.source, re.M), f"{page}: the first cell picks the device"
    assert 'os.environ["SNIPPET_DEVICE"] = DEVICE' in first.source
    assert re.search(r"pip install [\w -]*\btorch\b", first.source), f"{page}: the first cell names the packages"
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    script = script_path.read_text(encoding="utf-8")
    assert code_tree(script) == code_tree("\n\n".join(code)), f"{page}: the script's code is not the notebook's"
    for path in (notebook_path, script_path):
        text = path.read_text(encoding="utf-8")
        assert str(ROOT) not in text, f"{page}: {path.name} names the repository's folder"
        assert "--8<--" not in text.replace("# --8<-- [", ""), f"{page}: {path.name} holds an include line"
        carries_data = any("file" in cell.metadata.get("tags", []) and "write_bytes" in cell.source for cell in notebook.cells)
        assert path.stat().st_size <= MAX_BYTES or carries_data, f"{page}: {path.name} is {path.stat().st_size:,} bytes"


def source_of(url_path: str) -> Path:
    """The file behind a path of the site: 'en/x/' -> docs/en/x.md, 'x/' -> docs/zh/x.md."""
    language, rest = ("en", url_path[3:]) if url_path.startswith("en/") else ("zh", url_path)
    if not rest.endswith("/"):
        return DOCS / rest  # an asset, shared by the languages
    rest = rest.rstrip("/")
    candidates = [DOCS / language / f"{rest}.md", DOCS / language / rest / "index.md"] if rest else [DOCS / language / "index.md"]
    return next((c for c in candidates if c.is_file()), candidates[0])


@pytest.mark.parametrize("page", PAGES)
def test_links_in_the_notebook_point_at_the_published_pages(built_site, page):
    from tests.conftest import mkdocs_config

    site_url = mkdocs_config().site_url
    notebook = nbformat.read(download(built_site.path, page, "ipynb"), as_version=4)
    problems = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        if "{{" in cell.source:
            problems.append(f"a result marker left: {cell.source[:80]!r}")
        for target in re.findall(r"\]\(([^)\s]+)", cell.source):
            if not re.match(r"^[a-z]+:", target):
                problems.append(f"relative link {target}")
            elif target.startswith(site_url):
                path, _, anchor = target[len(site_url):].partition("#")
                built = built_site.path / path
                built = built / "index.html" if built.is_dir() else built
                if built.is_file():
                    if anchor and f'id="{anchor}"' not in built.read_text(encoding="utf-8"):
                        problems.append(f"{target}: no such anchor")
                elif not source_of(path).is_file():  # a build of a few pages (--page) lacks the others
                    problems.append(f"{target}: no such page")
    assert not problems, f"{page}: " + "\n".join(problems[:10])


@pytest.mark.parametrize("kind", ["ipynb", "py"])
@pytest.mark.parametrize("page", PAGES)
def test_download_runs_alone_and_prints_what_the_page_shows(built_site, cpu_downloads, page, kind):
    language = page.split("/", 1)[0]
    if (language, kind) not in runs_for(page):
        # Another download of the page ran, and this one holds the same code; a notebook also
        # holds the page's outputs and cells that a kernel can run one by one.
        (ran_language, ran_kind), = runs_for(page)
        mine = download(built_site.path, page, kind)
        problems = [different_code(mine, download(built_site.path, twin(page, ran_language), ran_kind))]
        if kind == "ipynb":
            notebook = nbformat.read(mine, as_version=4)
            problems += cells_that_do_not_parse(notebook) + problems_of_attached(f"{page}: {mine.name}", attached_outputs(notebook), shown_outputs(page))
        assert not any(problems), "\n".join(filter(None, problems))
        return
    ran = cpu_downloads[(page, kind)]
    shown = shown_outputs(page)
    if kind == "py":
        problems = problems_of_script(ran, shown)
    else:
        problems = problems_of_notebook(ran, nbformat.read(download(built_site.path, page, kind), as_version=4), shown)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("kind", ["ipynb", "py"])
@pytest.mark.parametrize("page", [p for p in PAGES if p.startswith("en/")])
def test_download_runs_on_cuda(built_site, page, kind):
    import torch

    if not torch.cuda.is_available():
        skip_or_fail("no CUDA GPU on this machine", "REQUIRE_CUDA")
    ran = RUNNERS[kind](download(built_site.path, page, kind), page, "cuda")
    assert not ran.error, f"{page}: {ran.file} with DEVICE = \"cuda\" failed: {ran.error}"


NOTEBOOK_PAGES = [page.relative_to(DOCS).as_posix() for page in markdown_pages(DOCS) if is_notebook(page.relative_to(DOCS).as_posix())]


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_notebook_pages_offer_their_notebook_as_a_script_too(built_site, page):
    """Like their .ipynb, these run inside a clone of the repository (what they are about)."""
    folder = built_folder(built_site.path, page)
    name = Path(page).stem
    html = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    link = html.select_one("article div.nb-download a[download]")
    assert link is not None and link["href"] == f"{name}.py", f"{page}: no script link"
    assert link.get_text(" ", strip=True) == LABELS[page.split("/", 1)[0]][1]
    notebook = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    code = "\n\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert code_tree((folder / f"{name}.py").read_text(encoding="utf-8")) == code_tree(code), f"{page}: the script's code is not the notebook's"


# --- planted faults -------------------------------------------------------------------


PLANTED_PAGE = "en/planted.md"


def planted_script(tmp_path, code: str) -> Path:
    path = tmp_path / "planted.en.py"
    path.write_text('# %%\nimport os\n\nDEVICE = "cpu"  # "cuda" to run on a GPU\nos.environ["SNIPPET_DEVICE"] = DEVICE\n\n# %%\n' + code, encoding="utf-8")
    return path


def test_a_download_that_imports_the_repository_fails_naming_its_page(tmp_path):
    """It ran in the repository (snippets/experiments/ on its path); alone, `lab` is missing."""
    path = planted_script(tmp_path, "from lab import seeded\n\nprint(seeded(0).initial_seed())\n")
    problems = problems_of_script(run_script(path, PLANTED_PAGE), [("snippets/planted.py", "0\n")])
    assert len(problems) == 1 and problems[0].startswith(f"{PLANTED_PAGE}: planted.en.py, run alone in an empty folder, failed")
    assert "No module named 'lab'" in problems[0] and "from the repository?" in problems[0]


def test_a_download_whose_output_differs_fails_naming_its_page(tmp_path):
    path = planted_script(tmp_path, "print('mean 0.0001')\n")
    problems = problems_of_script(run_script(path, PLANTED_PAGE), [("snippets/planted.py", "mean 0.0000\n")])
    assert len(problems) == 1 and problems[0].startswith(f"{PLANTED_PAGE}: planted.en.py, run alone in an empty folder, printed something else")
    assert "-mean 0.0000" in problems[0] and "+mean 0.0001" in problems[0]


def test_a_notebook_whose_output_differs_fails_naming_its_page_and_cells(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('import os\n\nDEVICE = "cpu"\nos.environ["SNIPPET_DEVICE"] = DEVICE'),
        nbformat.v4.new_code_cell("print('a')"),
        nbformat.v4.new_code_cell("print('b')", outputs=[nbformat.v4.new_output("stream", name="stdout", text="a\nc\n")],
                                  metadata={"output_of": "snippets/planted.py"}),
    ])
    path = tmp_path / "planted.en.ipynb"
    nbformat.write(notebook, path)
    ran = run_notebook(path, PLANTED_PAGE)
    problems = problems_of_notebook(ran, notebook, [("snippets/planted.py", "a\nc\n")])
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{PLANTED_PAGE}: planted.en.ipynb: code cells 1 to 3, run, printed something else")
    assert "-c" in problems[0] and "+b" in problems[0]


def test_the_runs_do_not_see_the_repository(tmp_path):
    """The working folder is the download's; no sys.path entry is the repository or in it,
    the environment's own folders aside (the project keeps its .venv/ there)."""
    path = planted_script(tmp_path, (
        "import os, sys\nfrom pathlib import Path\n"
        f"root = Path({str(ROOT)!r})\n"
        "inside = [p for p in sys.path if Path(p or '.').resolve().is_relative_to(root) and not Path(p).resolve().is_relative_to(sys.prefix)]\n"
        "print(Path.cwd() == Path(__file__).resolve().parent, inside)\n"
    ))
    ran = run_script(path, PLANTED_PAGE)
    assert not ran.error and ran.printed == ["True []\n"], ran


def test_a_statement_split_across_cells_is_found():
    cells = [nbformat.v4.new_code_cell("for i in range(2):"), nbformat.v4.new_code_cell("    print(i)"), nbformat.v4.new_code_cell("x = 1")]
    found = cells_that_do_not_parse(nbformat.v4.new_notebook(cells=cells))
    assert [problem.split(":")[0] for problem in found] == ["code cell 1 does not parse on its own", "code cell 2 does not parse on its own"]
    assert code_tree("\n\n".join(cell.source for cell in cells)), "joined, the cells parse: only a cell-by-cell check finds it"


def test_downloads_of_different_code_are_told_apart(tmp_path):
    english, chinese, notebook = tmp_path / "x.en.py", tmp_path / "x.zh.py", tmp_path / "x.zh.ipynb"
    english.write_text("# English\nprint(1)\n", encoding="utf-8")
    chinese.write_text("# 中文\nprint(2)\n", encoding="utf-8")
    assert different_code(english, chinese) == "x.en.py does not hold the same code as x.zh.py"
    chinese.write_text("# 中文，只有注释不同\nprint(1)\n", encoding="utf-8")
    assert different_code(english, chinese) == ""
    cells = [nbformat.v4.new_markdown_cell("中文"), nbformat.v4.new_code_cell("print(1)")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), notebook)
    assert different_code(notebook, english) == ""
    cells[1].source = "print(1)  # 注释\nprint(3)"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), notebook)
    assert different_code(notebook, english) == "x.zh.ipynb does not hold the same code as x.en.py"
