"""Every page with code, downloadable as a notebook and as a script that run anywhere.

One job: next to each built page that includes a snippet (notebook pages excepted, they have
their own .ipynb), write ``<page>.<language>.ipynb`` and ``.py``, made from the same sources as
the page in the same build, so they cannot differ from it:

- the page's prose becomes Markdown cells (math stays ``$…$``; links and images point at
  the published site, ``site_url`` + the page's path; admonitions become quotes with their
  title in bold, content tabs a bold label; the explorer's widgets a link to the page),
- every code block becomes a code cell with the snippet text the page shows, in the page's
  order, and every output block the output of the cell that prints it;
- the first cell names the packages and holds the one line that picks the device
  (``DEVICE = "cpu"``), which it hands to the snippets as ``SNIPPET_DEVICE``;
- the modules the code imports from its own folder (``snippet_output.inputs_of``) or from a
  folder it puts on ``sys.path`` (``lab.py``, ``powernorm.py``…), and the data files they name
  (Tiny Shakespeare, shipped bz2-compressed with its sha256 checked), are written at their
  repository paths, relative to the working folder, by a cell placed before the first code
  that needs them; so a download runs in an empty folder, which plays the repository root;
- an output block whose code the page does not show in full before it (an experiment's
  smoke run comes from the file's ``__main__`` part) gets a cell that runs that file, written
  out as well, as ``python`` would: ``run_file("snippets/experiments/padding.py")``. An output
  only the repository can reproduce (``REPOSITORY_ONLY``) is quoted as prose, with the reason.

The script is the notebook's cells in jupytext's "percent" format: ``# %%`` before each code
cell, prose as ``#`` comments, no outputs. Cell ids are numbered, so a download is the same
file from build to build. The template shows the links (``page_downloads`` in the context);
tests/downloads/ runs each download alone in an empty folder and compares what it prints with
the page.

Notebook pages (``notebooks/``) get a ``.py`` made the same way from their ``.ipynb``; like
it, that script runs inside a clone of the repository, which is what those pages are about.
"""

from __future__ import annotations

import base64
import bz2
import functools
import hashlib
import importlib
import json
import posixpath
import re
import sys
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils.meta import get_data

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from hooks.notebook_pages import is_notebook  # noqa: E402
from hooks.snippets_lib import ROOT, Include, parse_include  # noqa: E402

# The build's own snippet_output and results_in_prose hooks (MkDocs loads hooks under their
# path), so that their caches serve both: they have read and parsed every snippet and result
# already. Imported when the tests load this module.
snippet_output = sys.modules.get("hooks/snippet_output.py") or importlib.import_module("hooks.snippet_output")
results_in_prose = sys.modules.get("hooks/results_in_prose.py") or importlib.import_module("hooks.results_in_prose")
CACHE = ROOT / ".cache" / "page-downloads"

# An output that only the repository can reproduce: the download shows it as prose, quoted
# from the page, and runs nothing for it. Each entry says why.
REPOSITORY_ONLY = {
    "snippets/experiments/figures.py": {
        "en": "it compares fresh drawings of the committed results with the figures committed under docs/assets/, so it needs a clone of the repository",
        "zh": "它把已提交结果的重新绘制与 docs/assets/ 下已提交的图逐一比较，所以需要克隆整个仓库",
    },
}
# Import names whose package is called differently on PyPI.
DISTRIBUTIONS = {"sklearn": "scikit-learn", "PIL": "pillow", "yaml": "pyyaml"}
PACKED = 64 * 1024  # data files larger than this are shipped bz2-compressed, in base64

WORDS = {
    "en": {
        "made": "Made from the page when the site was built. Needs Python 3.11 or newer and: pip install {packages}",
        "versions": "The page's outputs come from {versions} on CPU; on CPU this gives the same numbers.",
        "device": '"cuda" to run on a GPU',
        "module": "{name}, which the code below imports: written here, at its place in the site's repository",
        "import_from": "the cells below import from here",
        "data": "{name} ({size:,} bytes), which the code below reads: written here, at its place in the site's repository, its sha256 checked",
        "packed": "shipped bz2-compressed, in base64",
        "runner": "run_file(path) runs a file written above as `python path` does, printing what it prints",
        "run": "The page shows what `python {path}` prints; this runs that file:",
        "repository": "On the page, `python {path}` prints the lines below. This download does not run it: {why}.",
        "widget": "*An interactive widget sits here on the page: [open the page]({url}).*",
        "titles": {"note": "Note", "warning": "Warning", "example": "Example", "question": "Question", "tip": "Tip"},
    },
    "zh": {
        "made": "构建网站时由该页面生成。需要 Python 3.11 或更新版本，以及：pip install {packages}",
        "versions": "页面上的输出来自 CPU 上的 {versions}；在 CPU 上运行得到相同的数字。",
        "device": '改为 "cuda" 即在 GPU 上运行',
        "module": "{name}：下面的代码导入的模块，写在这里，位置与网站仓库中相同",
        "import_from": "下面的单元从这里导入",
        "data": "{name}（{size:,} 字节）：下面的代码读取的数据，写在这里，位置与网站仓库中相同，并核对 sha256",
        "packed": "以 bz2 压缩、base64 编码附带",
        "runner": "run_file(path) 像 `python path` 那样运行上面写出的文件，打印它打印的内容",
        "run": "页面上展示的是 `python {path}` 的输出；这里运行该文件：",
        "repository": "页面上，`python {path}` 打印下面几行。本下载不运行它：{why}。",
        "widget": "*网页上此处是一个交互组件：[打开网页]({url})。*",
        "titles": {"note": "注意", "warning": "警告", "example": "示例", "question": "问题", "tip": "提示"},
    },
}

RUNNER = '''import runpy
import sys
from pathlib import Path


def run_file(path: str) -> None:
    argv, sys.argv = sys.argv, [path]
    folder = str(Path(path).resolve().parent)
    sys.path.insert(0, folder)
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as stop:
        if stop.code not in (None, 0):
            raise
    finally:
        sys.argv = argv
        sys.path.remove(folder)'''

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>`{3,}|~{3,})(?P<info>[^`]*)$")
ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?)[ \t]+(?P<kind>[\w-]+)(?:[ \t]+"(?P<title>.*)")?[ \t]*$')
TAB = re.compile(r'^===\+?[ \t]+"(?P<title>.*)"[ \t]*$')
HTML_BLOCK_OPEN = re.compile(r'^<div\b(?P<attrs>[^>]*)\bmarkdown="1"[^>]*>[ \t]*$')
HTML_BLOCK_CLOSE = re.compile(r"^</div>[ \t]*$")


def download_name(src_uri: str) -> str:
    """'en/bn-vs-ln.md' -> 'bn-vs-ln.en'; 'zh/experiments/index.md' -> 'experiments.zh'. The
    language keeps the two apart in a reader's folder, and the dot keeps a script from being
    importable: `python statistics.en.py` does not hide the standard library's statistics."""
    path = Path(src_uri)
    return f"{path.parent.name if path.stem == 'index' else path.stem}.{language_of(src_uri)}"


def language_of(src_uri: str) -> str:
    first = Path(src_uri).parts[0]
    return first if first in WORDS else "zh"


# --- reading a page -----------------------------------------------------------------------


@dataclass
class Code:
    includes: list[Include]
    texts: list[str]  # what each include shows

    @property
    def source(self) -> str:
        return "\n\n".join(text.strip("\n") for text in self.texts)


@dataclass
class Output:
    include: Include


@dataclass
class Prose:
    lines: list[str] = field(default_factory=list)


@functools.cache
def _snippets_preprocessor(options: str):
    import markdown

    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": json.loads(options)})
    return md.preprocessors["snippet"]


def shown_text(include: Include, options: dict) -> str:
    """The text a code block shows for an include, expanded as pymdownx.snippets does."""
    target = include.path + (f":{include.section}" if include.section else "")
    key = ("shown_text", target)
    if key not in _memo:
        preprocessor = _snippets_preprocessor(json.dumps(options, sort_keys=True, default=str))
        _memo[key] = "\n".join(preprocessor.run([f'--8<-- "{target}"']))
    return _memo[key]


class Reader:
    """Turns a page's Markdown into prose, code and output items, in order."""

    def __init__(self, page_path: Path, language: str, page_url: str, options: dict):
        self.page_path, self.language, self.page_url, self.options = page_path, language, page_url, options
        self.words = WORDS[language]
        self.items: list = []
        self.open_blocks = 0

    def prose(self, line: str) -> None:
        if not self.items or not isinstance(self.items[-1], Prose):
            self.items.append(Prose())
        self.items[-1].lines.append(line)

    def read(self, lines: list[str], numbers: list[int], prefix: str = "") -> None:
        i = 0
        while i < len(lines):
            line = lines[i]
            fence = FENCE.match(line)
            if fence:
                mark = fence["mark"]
                closing = re.compile(rf"^[ \t]*{re.escape(mark[0])}{{{len(mark)},}}[ \t]*$")
                end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j])), len(lines))
                body = lines[i + 1 : end]
                found = [parse_include(text.strip(), self.page_path, numbers[i + 1 + k]) for k, text in enumerate(body) if text.strip()]
                if found and all(found):
                    outputs = [inc for inc in found if inc.output]
                    if outputs:
                        self.items.extend(Output(inc) for inc in outputs)
                    else:
                        self.items.append(Code(found, [shown_text(inc, self.options) for inc in found]))
                else:
                    indent = fence["indent"]
                    for text in lines[i : end + 1]:
                        self.prose(prefix + (text[len(indent):] if text.startswith(indent) else text.lstrip()))
                i = end + 1
                continue
            admonition, tab = ADMONITION.match(line), TAB.match(line)
            if admonition or tab:
                end = i + 1
                while end < len(lines) and (not lines[end].strip() or lines[end].startswith(("    ", "\t"))):
                    end += 1
                while end > i + 1 and not lines[end - 1].strip():
                    end -= 1
                start = i + 1
                while start < end and not lines[start].strip():
                    start += 1
                body = [text[4:] if text.startswith("    ") else text.removeprefix("\t") for text in lines[start:end]]
                if admonition:
                    title = admonition["title"]
                    if title is None:
                        title = self.words["titles"].get(admonition["kind"], admonition["kind"].capitalize())
                    if title:
                        self.prose(f"{prefix}> **{title}**")
                        self.prose(f"{prefix}>")
                    self.read(body, numbers[start:end], prefix + "> ")
                else:
                    self.prose(f"{prefix}**{tab['title']}**")
                    self.prose(prefix.rstrip())
                    self.read(body, numbers[start:end], prefix)
                i = end
                continue
            opened = HTML_BLOCK_OPEN.match(line)
            if opened:
                self.open_blocks += 1
                if "norm-explorer" in opened["attrs"]:
                    self.prose(prefix + self.words["widget"].format(url=self.page_url))
                    self.prose(prefix.rstrip())
            elif self.open_blocks and HTML_BLOCK_CLOSE.match(line):
                self.open_blocks -= 1
            else:
                verdicts = results_in_prose.VERDICTS.match(line.strip())
                if verdicts:
                    for row in results_in_prose.verdict_table(verdicts["name"], self.language).split("\n"):
                        self.prose(prefix + row)
                else:
                    self.prose(prefix + line if line.strip() else prefix.rstrip())
            i += 1


# --- links --------------------------------------------------------------------------------


def _link_target_end(text: str, start: int) -> int:
    """Index just past the target that starts at ``start`` (after '](')."""
    depth, i = 0, start
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return i
            depth -= 1
        elif ch in " \n":
            return i
        i += 1
    return i


def absolute_links(text: str, resolve) -> str:
    """Every `[…](target)` and `![…](target)` with a relative target, made absolute."""
    out, pos = [], 0
    while True:
        at = text.find("](", pos)
        if at < 0:
            out.append(text[pos:])
            return "".join(out)
        start = at + 2
        end = _link_target_end(text, start)
        target = text[start:end]
        out.append(text[pos:start])
        out.append(resolve(target) if target and not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) else target)
        pos = end


def resolver(page, files, site_url: str):
    base = posixpath.dirname(page.file.src_uri)
    page_url = site_url + page.url
    # The default language is served from the root: 'zh/x.md' -> 'x/', 'en/x.md' -> 'en/x/'.
    language = page.file.src_uri.split("/", 1)[0] + "/"
    served_as = language if page.url.startswith(language) else ""

    def url_of(path: str) -> str:
        """A page left out of this build (`dev.py check` builds a few): the URL it would have."""
        if path.endswith(".md"):
            path = path.removesuffix(".md").removesuffix("index").rstrip("/")
            path = path + "/" if path else ""
        return served_as + path.removeprefix(language) if path.startswith(language) else path

    def resolve(target: str) -> str:
        path, hash_, anchor = target.partition("#")
        if not path:
            return page_url + hash_ + anchor
        if path.startswith("/"):
            return target
        normal = posixpath.normpath(posixpath.join(base, path))
        found = files.get_file_from_path(normal)
        url = found.url if found is not None else url_of(normal)
        return site_url + url + hash_ + anchor

    return resolve


# --- the files a download carries ---

_memo: dict = {}  # what a build works out once for both languages, emptied when a build starts


def memoized(fn):
    @functools.wraps(fn)
    def wrapper(*args):
        key = (fn.__name__, *args)
        if key not in _memo:
            _memo[key] = fn(*args)
        return _memo[key]

    return wrapper


def on_pre_build(config) -> None:
    """mkdocs-static-i18n builds the default language, then each other one from its
    on_post_build: a build starts with the default language's."""
    i18n = config.plugins.get("i18n")
    if i18n is None or (i18n.current_language or i18n.default_language) == i18n.default_language:
        _memo.clear()


@memoized
def inputs_of(path: Path) -> list[Path]:
    return snippet_output.inputs_of(path)


# `sys.path.insert(0, "snippets/experiments")`: a snippet that imports from another folder,
# named from the repository root (the working folder of every snippet run).
SYS_PATH_ENTRY = re.compile(r"""sys\.path\.(?:insert\(\s*0\s*,|append\()\s*["']([^"']+)["']\s*\)""")


@memoized
def modules_of(path: Path) -> list[Path]:
    """The modules ``path`` imports from its own folder (``snippet_output.inputs_of``) or from
    a folder it puts on ``sys.path`` by its path from the repository root, and theirs."""
    found: list[Path] = []
    todo = [path]
    while todo:
        current = todo.pop()
        text = current.read_text(encoding="utf-8")
        modules = [p for p in inputs_of(current)[1:] if p.suffix == ".py"]
        for entry in SYS_PATH_ENTRY.findall(text):
            folder = (ROOT / entry).resolve()
            names = snippet_output._imported_names(text.encode("utf-8"))
            modules += [folder / f"{name}.py" for name in names if (folder / f"{name}.py").is_file()]
        for module in modules:
            if module != path and module not in found:
                found.append(module)
                todo.append(module)
    return sorted(found)


@memoized
def named_data(paths: tuple[Path, ...]) -> list[Path]:
    """The data files in these snippets' folders that their text names (by file name)."""
    texts = "\n".join(p.read_text(encoding="utf-8") for p in paths)
    data = {d for p in paths for d in inputs_of(p) if d.suffix != ".py"}
    return sorted(d for d in data if d.name in texts)


def text_literal(text: str) -> str:
    """A Python literal for ``text``, readable when it can be: a raw triple-quoted string."""
    for quote in ("'''", '"""'):
        if quote not in text and not text.endswith("\\"):
            literal = f"r{quote}{text}{quote}"
            break
    else:
        literal = repr(text)
    return literal


@functools.lru_cache(maxsize=64)
def _packed(digest: str, path: Path) -> str:
    """``path`` bz2-compressed, in base64, as the lines of a Python string; compressing takes
    longer than a build's other work for a download, so it is kept in .cache/ by content."""
    kept = CACHE / f"{digest}.b64"
    if kept.exists():
        encoded = kept.read_text(encoding="ascii")
    else:
        encoded = base64.b64encode(bz2.compress(path.read_bytes(), 9)).decode("ascii")
        CACHE.mkdir(parents=True, exist_ok=True)
        kept.write_text(encoded, encoding="ascii")
    return "\n".join(f'    "{encoded[i : i + 100]}"' for i in range(0, len(encoded), 100))


def file_cell(path: Path, words: dict, on_path: bool) -> str:
    """A cell that writes ``path`` (a module or a data file) at its place in the repository,
    relative to the working folder, which plays the repository root's part (snippets run from
    there). ``on_path``: also put the module's folder on ``sys.path``, as running a file from
    it would, for the cells below that import from it."""
    relative = path.relative_to(ROOT).as_posix()
    raw = path.read_bytes()
    folder = posixpath.dirname(relative)
    mkdir = f'Path("{folder}").mkdir(parents=True, exist_ok=True)\n'
    if path.suffix == ".py":
        comment = words["module"].format(name=relative)
        lines = [f"# {comment}", "from pathlib import Path", "", mkdir.rstrip("\n"),
                 f'Path("{relative}").write_text({text_literal(raw.decode("utf-8"))}, encoding="utf-8")']
        if on_path:
            lines += ["import sys", "", f'sys.path.insert(0, str(Path("{folder}").resolve()))  # {words["import_from"]}']
        return "\n".join(lines)
    comment = words["data"].format(name=relative, size=len(raw))
    digest = hashlib.sha256(raw).hexdigest()
    if len(raw) > PACKED or b"\0" in raw:
        body = (
            f"# {comment}; {words['packed']}\nimport base64\nimport bz2\nimport hashlib\nfrom pathlib import Path\n\n"
            f"data = bz2.decompress(base64.b64decode(\n{_packed(digest, path)}\n))\n"
        )
    else:
        body = (
            f"# {comment}\nimport hashlib\nfrom pathlib import Path\n\n"
            f"data = {text_literal(raw.decode('utf-8'))}.encode(\"utf-8\")\n"
        )
    return body + f'assert hashlib.sha256(data).hexdigest() == "{digest}"\n{mkdir}Path("{relative}").write_bytes(data)'


def printed(path: Path, where: str, docs_dir: str) -> str:
    """What the page shows ``path`` prints: snippet_output's cached run, made for this page."""
    key = ("printed", path)
    if key not in _memo:
        _memo[key] = snippet_output.snippet_stdout(path, where, Path(docs_dir))
    return _memo[key]


@memoized
def snippet_modules() -> set[str]:
    """Every module name a snippet can import from snippets/ (not a package to install)."""
    return {p.stem for p in (ROOT / "snippets").glob("*/*.py")}


@functools.cache
def installed(package: str) -> str:
    """'torch 2.6.0' (a local build tag such as +cpu left out), or the name alone."""
    try:
        return f"{package} {version(package).split('+')[0]}"
    except PackageNotFoundError:
        return package


def imported_packages(files: list[Path], local: set[str]) -> list[str]:
    """The packages the code of these files imports (a file's parts shown import no more)."""
    names: set[str] = set()
    for path in files:
        names |= set(snippet_output._imported_names(path.read_bytes()))
    third_party = sorted(n for n in names if n not in sys.stdlib_module_names and n not in local and n != "__future__")
    return [DISTRIBUTIONS.get(n, n) for n in third_party]


DOCSTRING = re.compile(r'^\s*[rRuU]?("""|\'\'\')[\s\S]*?\1')


def _code(text: str) -> list[str]:
    """The lines of ``text`` that are code: no blank line, no comment line."""
    return [line.rstrip() for line in text.split("\n") if line.strip() and not line.lstrip().startswith("#")]


@functools.lru_cache(maxsize=256)
def same_code(full: str, shown: tuple[str, ...]) -> bool:
    """Whether the parts shown are the whole file, its docstring and ``from __future__`` aside.
    pymdownx.snippets copies a section's lines as they are, so comparing code lines is exact;
    a dedented section compares unequal, and the download then runs the file instead."""

    def body(text: str) -> list[str]:
        return [line for line in _code(DOCSTRING.sub("", text, count=1)) if not line.startswith("from __future__ import")]

    return body(full) == body("\n".join(shown))


def trimmed(lines: list[str]) -> list[str]:
    """Without the blank lines, quoted or not, at either end, and no two blank lines in a row."""

    def blank(line: str) -> bool:
        return not line.replace(">", "").strip()

    start, end = 0, len(lines)
    while start < end and blank(lines[start]):
        start += 1
    while end > start and blank(lines[end - 1]):
        end -= 1
    kept: list[str] = []
    for line in lines[start:end]:
        if not (blank(line) and kept and blank(kept[-1])):
            kept.append(line)
    return kept


# --- the cells ----------------------------------------------------------------------------


@dataclass
class Cell:
    kind: str  # "markdown" or "code"
    source: str
    role: str = "page"  # page, setup, file, run
    output: str | None = None  # what the page shows it prints (the last cell of a group)
    output_of: str | None = None  # the snippet whose output that is


def build_cells(page, config, files) -> tuple[list[Cell], Path | None] | None:
    source_path = Path(config.docs_dir) / page.file.src_uri
    text, _ = get_data(source_path.read_text(encoding="utf-8"))
    if "--8<--" not in text:
        return None
    language = language_of(page.file.src_uri)
    words = WORDS[language]
    site_url = config.site_url or "/"
    site_url = site_url if site_url.endswith("/") else site_url + "/"
    page_url = site_url + page.url
    offset = source_path.read_text(encoding="utf-8").count("\n") - text.count("\n")  # front matter lines
    lines = text.split("\n")
    reader = Reader(source_path, language, page_url, config.mdx_configs["pymdownx.snippets"])
    reader.read(lines, [n + 1 + offset for n in range(len(lines))])
    if not any(isinstance(item, Code) for item in reader.items):
        return None
    resolve = resolver(page, files, site_url)

    cells: list[Cell] = []
    written: list[Path] = []
    on_sys_path: set[Path] = set()
    group: list[Cell] = []  # code cells since the last output
    group_includes: list[Include] = []  # what those cells include
    pending: dict[str, list[str]] = {}  # per snippet: the parts shown since its last output

    def carry(needed: list[Path], importers: list[Path]) -> None:
        """Cells that write each file not written yet; the folders of ``importers`` (snippets
        whose code runs as a cell) go on sys.path with their first module."""
        for path in needed:
            if path in written:
                continue
            on_path = path.suffix == ".py" and path.parent in {p.parent for p in importers} and path.parent not in on_sys_path
            if on_path:
                on_sys_path.add(path.parent)
            written.append(path)
            cells.append(Cell("code", file_cell(path, words, on_path), role="file"))

    def needs(paths: list[Path]) -> list[Path]:
        """What running code from these snippets needs: the data files they or the modules
        they import name, then those modules."""
        found: list[Path] = []
        for path in paths:
            modules = modules_of(path)
            found += [*named_data((path, *modules)), *modules]
        return found

    for item in reader.items:
        if isinstance(item, Prose):
            markdown = "\n".join(trimmed(item.lines))
            if markdown:
                if "{{" in markdown:
                    src = f"docs/{page.file.src_uri}"
                    markdown = "\n".join(results_in_prose.fill(line, src) if "{{" in line else line for line in markdown.split("\n"))
                markdown = absolute_links(markdown, resolve)
                if cells and cells[-1].kind == "markdown" and cells[-1].role == "page":
                    cells[-1].source += "\n\n" + markdown  # only an output block came between
                else:
                    cells.append(Cell("markdown", markdown))
        elif isinstance(item, Code):
            snippets = [ROOT / inc.path for inc in item.includes]
            carry(needs(snippets), snippets)
            cell = Cell("code", item.source)
            cells.append(cell)
            group.append(cell)
            group_includes.extend(item.includes)
            for inc, shown_part in zip(item.includes, item.texts):
                pending.setdefault(inc.path, []).append(shown_part)
        else:
            include = item.include
            path = ROOT / include.path
            shown = printed(path, include.where, config.docs_dir)
            mine = pending.pop(include.path, [])
            if include.path in REPOSITORY_ONLY:
                why = REPOSITORY_ONLY[include.path][language]
                note = words["repository"].format(path=include.path, why=why)
                fenced = "```text\n" + shown.rstrip("\n") + "\n```"
                cells.append(Cell("markdown", f"{note}\n\n{fenced}", role="repository-only", output_of=include.path))
                continue
            in_group = any(inc.path == include.path for inc in group_includes)
            if in_group and same_code(path.read_text(encoding="utf-8"), tuple(mine)):
                target = group[-1]
            else:
                carry([*needs([path]), path], [])
                if "run_file" not in {c.role for c in cells}:
                    cells.append(Cell("code", f"# {words['runner']}\n{RUNNER}", role="run_file"))
                comment = words["run"].format(path=include.path)
                target = Cell("code", f'# {comment}\nrun_file("{include.path}")', role="run")
                cells.append(target)
            if target.output is not None:
                raise PluginError(f"{include.where}: two outputs for one code block; the download cannot place the second")
            target.output, target.output_of = shown, include.path
            group, group_includes = [], []

    code_files = sorted({ROOT / inc.path for item in reader.items if isinstance(item, Code) for inc in item.includes} | set(written))
    local = snippet_modules()
    packages = imported_packages([p for p in code_files if p.suffix == ".py"], local)
    versions = [installed(package) for package in packages]
    title = next((line[2:].strip() for line in lines if line.startswith("# ")), page.file.src_uri)
    setup = "\n".join(
        [
            f"# {config.site_name} · {title}",
            f"# {page_url}",
            f"# {words['made'].format(packages=' '.join(packages))}",
            f"# {words['versions'].format(versions=', '.join(versions))}",
            "import os",
            "",
            f"DEVICE = \"cpu\"  # {words['device']}",
            'os.environ["SNIPPET_DEVICE"] = DEVICE',
        ]
    )
    return [Cell("code", setup, role="setup"), *cells]


# --- writing ------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def notebook_json(cells: list[Cell]) -> str:
    out = []
    for number, cell in enumerate(cells, 1):
        metadata: dict = {"tags": [cell.role]} if cell.role != "page" else {}
        if cell.role in ("file", "run_file"):
            metadata["jupyter"] = {"source_hidden": True}
        if cell.output_of:
            metadata["output_of"] = cell.output_of
        entry: dict = {"cell_type": cell.kind, "id": f"cell-{number}", "metadata": metadata, "source": _lines(cell.source)}
        if cell.kind == "code":
            entry["execution_count"] = None
            entry["outputs"] = (
                [{"name": "stdout", "output_type": "stream", "text": _lines(cell.output)}] if cell.output else []
            )
        out.append(entry)
    notebook = {
        "cells": out,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, ensure_ascii=False, indent=1) + "\n"


def script_text(cells: list[Cell]) -> str:
    """jupytext's percent format: code runs as it is, prose becomes comments."""
    parts = []
    for cell in cells:
        if cell.kind == "markdown":
            prose = "\n".join(f"# {line}".rstrip() for line in cell.source.split("\n"))
            parts.append(f"# %% [markdown]\n{prose}")
        else:
            parts.append(f"# %%\n{cell.source}")
    return "\n\n".join(parts) + "\n"


_made: dict[str, tuple[str, str]] = {}  # page src_uri -> (notebook, script), from on_page_markdown


def on_page_markdown(markdown: str, page, config, files) -> str:
    if is_notebook(page.file.src_uri):
        return markdown
    cells = build_cells(page, config, files)
    if cells:
        _made[page.file.src_uri] = (notebook_json(cells), script_text(cells))
    else:
        _made.pop(page.file.src_uri, None)
    return markdown


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def on_post_page(output: str, page, config) -> str:
    folder = Path(page.file.abs_dest_path).parent
    if page.file.src_uri in _made:
        name = download_name(page.file.src_uri)
        notebook, script = _made[page.file.src_uri]
        _write(folder / f"{name}.ipynb", notebook)
        _write(folder / f"{name}.py", script)
    elif is_notebook(page.file.src_uri):
        notebook = folder / f"{Path(page.file.src_uri).stem}.ipynb"  # written by hooks/notebook_pages.py
        if notebook.exists():
            cells = [
                Cell(c["cell_type"], "".join(c["source"]))
                for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
                if c["cell_type"] in ("markdown", "code")
            ]
            _write(notebook.with_suffix(".py"), script_text(cells))
    return output


def on_page_context(context, page, config, nav):
    if page.file.src_uri in _made:
        name = download_name(page.file.src_uri)
        context["page_downloads"] = {"notebook": f"{name}.ipynb", "script": f"{name}.py"}
    elif is_notebook(page.file.src_uri):
        context["script_download"] = f"{Path(page.file.src_uri).stem}.py"
    return context
