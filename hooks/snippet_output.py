"""Show on a page what a snippet prints, by running it.

One job: a line  ``--8<-- "snippets/page/name.py" output``  (inside a fence that the page
writes, e.g. ```` ```text title="Output" ````) is replaced by the standard output of
``python snippets/page/name.py`` run on CPU. Nothing a page shows as output is typed.

Runs are cached in ``.cache/snippet-output/`` under a key made of the snippet's text, the
modules it imports from its folder and the data files there (``inputs_of``), the Python and
PyTorch versions and the thread count, so ``mkdocs serve`` re-runs only a snippet whose inputs
changed.
Before the pages are built, the snippets that the build's pages show and the cache does not
hold yet run two at a time.
A snippet that raises or hangs fails the build, naming the page line and the snippet.
With REQUIRE_CACHED_OUTPUTS=1 (the publishing workflow, after the tests) nothing is run: an
output that the tests did not produce fails the build.

In ``mkdocs serve`` the runs are forked from a Python that has imported PyTorch once
(hooks/forked_runs.py): a saved snippet shows its new output about 1.5 s sooner. The tests
run every snippet forked too, and require a shown output to be the same in two runs (the
session's two, or the session's and the cached one); a planted script shows that
a forked run sees what `python snippets/…` sees (tests/snippets/test_forked_runs.py).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import os
import re
import sys
from importlib.metadata import version
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from hooks.forked_runs import ForkPool  # noqa: E402
from hooks.snippets_lib import ROOT, DEFAULT_TIMEOUT_S, describe_failure, includes_in, parse_include, run_snippet, snippet_env  # noqa: E402

CACHE = ROOT / ".cache" / "snippet-output"


@functools.cache
def _versions() -> bytes:
    # The thread count is part of what a run depends on: float sums split over more threads
    # round differently in the last digits that some snippets print.
    threads = snippet_env("cpu")["OMP_NUM_THREADS"]
    return f"python {sys.version} torch {version('torch')} threads {threads}".encode()  # reading metadata is slow


@functools.lru_cache(maxsize=1024)
def _imported_names(source: bytes) -> tuple[str, ...]:
    """Top-level names of the absolute imports in a module's text (parsing is the slow part)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ()  # the run reports it
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module.split(".")[0])
    return tuple(names)


# sys.path.insert(0, "snippets/experiments"), or str(root / "snippets" / "experiments") where
# `root` is the repository (the notebooks find it from their working folder).
PATH_INSERT = re.compile(rb"""sys\.path\.insert\(\s*0\s*,\s*(?:["']([^"']+)["']|str\(\s*\w+((?:\s*/\s*["'][^"']+["'])+)\s*\))\s*\)""")


def _inserted_folders(source: bytes) -> list[Path]:
    folders = []
    for literal, parts in PATH_INSERT.findall(source):
        relative = literal.decode() if literal else "/".join(re.findall(r"""["']([^"']+)["']""", parts.decode()))
        folders.append(ROOT / relative)
    return folders


def inputs_of(path: Path) -> list[Path]:
    """What a snippet's output can depend on, besides Python and PyTorch: its own text, the
    modules it imports from its own folder (its ``sys.path[0]``) or from a folder it puts on
    ``sys.path`` by its path from the repository root (``sys.path.insert(0, "snippets/experiments")``),
    and theirs, and every data file under those folders (``snippets/experiments/`` keeps
    ``lab.py``, ``data/`` and ``results/``)."""
    folders = [path.parent, *_inserted_folders(path.read_bytes())]
    folders = [f for i, f in enumerate(folders) if f.is_dir() and f not in folders[:i]]
    found, todo = [], [path]
    while todo:
        current = todo.pop()
        if current not in found:
            found.append(current)
            names = _imported_names(current.read_bytes())
            todo += [module for name in names for folder in folders if (module := folder / f"{name}.py").is_file()]
    data = [p for folder in folders for p in folder.rglob("*") if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts]
    return [found[0], *sorted(found[1:]), *sorted(data)]


def cache_key(path: Path) -> str:
    digest = hashlib.sha256(_versions())
    for source in inputs_of(path):
        name = source.relative_to(path.parent) if source.is_relative_to(path.parent) else source.relative_to(ROOT)
        digest.update(f"\0{name.as_posix()}\0".encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:32]


def remember(path: Path, run) -> None:
    """Cache what a successful CPU run of ``path`` printed (the tests also hand in their runs)."""
    if run.returncode == 0:
        CACHE.mkdir(parents=True, exist_ok=True)
        (CACHE / f"{cache_key(path)}.txt").write_text(run.stdout, encoding="utf-8")


_forked: ForkPool | None = None  # set in `mkdocs serve`


def on_startup(command, dirty) -> None:
    global _forked
    if command == "serve":
        _forked = ForkPool(2)
        _forked.prestart()


def on_shutdown() -> None:
    if _forked:
        _forked.close()


def _run_into_cache(path: Path):
    run = _forked.run(path, DEFAULT_TIMEOUT_S) if _forked else run_snippet(path, "cpu")
    remember(path, run)
    return run


def only_cached() -> bool:
    """REQUIRE_CACHED_OUTPUTS=1 (the publishing workflow): show only outputs the tests produced."""
    return os.environ.get("REQUIRE_CACHED_OUTPUTS", "") not in {"", "0"}


def uncached(pages) -> list[Path]:
    """Snippets whose output one of these pages (Markdown files) shows and the cache does not hold yet."""
    wanted = {
        ROOT / include.path
        for page in pages
        for include in includes_in(Path(page))
        if include.output and (ROOT / include.path).is_file()
    }
    return sorted(p for p in wanted if not (CACHE / f"{cache_key(p)}.txt").exists())


def cached_stdout(path: Path) -> str | None:
    """What the cache holds as ``path``'s CPU output now, or None."""
    cached = CACHE / f"{cache_key(path)}.txt"
    return cached.read_text(encoding="utf-8") if cached.exists() else None


def snippet_stdout(path: Path, where: str, docs_dir: Path | None = None) -> str:
    """What ``path`` prints on CPU, from the cache or from a fresh run."""
    cached = cached_stdout(path)
    if cached is not None:
        return cached
    if only_cached():
        raise PluginError(
            f"{where}: no verified output of {path.relative_to(ROOT).as_posix()} in .cache/snippet-output/ "
            "(REQUIRE_CACHED_OUTPUTS=1: the published site shows only what the tests ran; run them first)"
        )
    run = _run_into_cache(path)
    if run.returncode != 0:
        pages = shown_on(path, docs_dir) if docs_dir else [where]
        raise PluginError(f"{where}: {describe_failure(path, run, DEFAULT_TIMEOUT_S, pages)}")
    return run.stdout


def on_files(files, config):
    """Warm the cache in parallel for the pages this build includes (a build of a few pages,
    `dev.py check`, runs only theirs, not the whole site's); failures are reported, with their
    page line, by the pages."""
    from concurrent.futures import ThreadPoolExecutor

    missing = uncached(Path(f.abs_src_path) for f in files.documentation_pages())
    if missing and not only_cached():
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(_run_into_cache, missing))
    return files


def source_line(source_lines: list[str], line: str, occurrence: int) -> int | None:
    """The 1-based line of the ``occurrence``-th copy of ``line`` in the page's source. The
    markdown a hook gets has lost its front matter and may have been reshaped by other hooks
    (rendered formulas, result tables), so counting lines in it misnames the page's line."""
    seen = 0
    for number, text in enumerate(source_lines, 1):
        if text == line:
            if seen == occurrence:
                return number
            seen += 1
    return None


def shown_on(path: Path, docs_dir: Path) -> list[str]:
    """Every page line that shows ``path`` or its output, so that a failure names them all."""
    return [
        include.where
        for page in sorted(Path(docs_dir).rglob("*.md"))
        for include in includes_in(page)
        if (ROOT / include.path).resolve() == path.resolve()
    ]


def on_page_markdown(markdown: str, page, config, files) -> str:
    source = Path(config.docs_dir) / page.file.src_uri
    lines = markdown.split("\n")
    source_lines = source.read_text(encoding="utf-8").split("\n")
    seen: dict[str, int] = {}
    for index, line in enumerate(lines):
        if parse_include(line, source, 0) is None:
            continue
        occurrence = seen[line] = seen.get(line, -1) + 1
        include = parse_include(line, source, source_line(source_lines, line, occurrence) or index + 1)
        if not include.output:
            continue
        path = ROOT / include.path
        where = include.where
        if include.section or not path.is_file():
            raise PluginError(f"{where}: an output line must name a snippet file, got {include.path!r}")
        indent = line[: len(line) - len(line.lstrip())]
        text = snippet_stdout(path, where, Path(config.docs_dir)).rstrip("\n")
        lines[index] = "\n".join(indent + out if out else out for out in text.split("\n"))
    return "\n".join(lines)
