"""Shared fixtures: the built site, a local server for it, and a headless Chromium.

Environment variables that turn skips into failures (CI sets them):
    REQUIRE_BROWSER=1   the browser tests must run (Chromium must be installed)
    REQUIRE_CUDA=1      the snippets must also run on a CUDA GPU
    REQUIRE_VALIDATOR=1 the Nu HTML checker must run (Java and tests/node's vnu-jar)
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hooks.snippets_lib import LANGUAGES  # noqa: E402


def required(name: str) -> bool:
    return os.environ.get(name, "") not in {"", "0", "false", "no"}


def skip_or_fail(reason: str, variable: str) -> None:
    """Skip with a reason locally; fail where ``variable`` says the check is mandatory."""
    if required(variable):
        pytest.fail(f"{reason} ({variable}=1 makes this mandatory)", pytrace=False)
    pytest.skip(reason)


def mkdocs_config():
    from mkdocs.config import load_config

    return load_config(str(ROOT / "mkdocs.yml"))


@functools.lru_cache(maxsize=1)
def snippets_options() -> dict:
    return dict(mkdocs_config().mdx_configs["pymdownx.snippets"])


@functools.lru_cache(maxsize=1)
def site_prefix() -> str:
    """The path the site is published under (from site_url), e.g. '/transformer-normalization/'.
    Ask first from the main thread: loading mkdocs.yml in two threads at once makes MkDocs see
    each plugin twice."""
    path = urlsplit(mkdocs_config().site_url).path or "/"
    return path if path.endswith("/") else path + "/"


def build_site(
    project: Path, site_dir: Path, env: dict | None = None, config: Path | None = None
) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of ``project`` (its mkdocs.yml, or ``config``) into ``site_dir``;
    the log is kept."""
    if project == ROOT:
        refuse_while_the_session_builds("build_site(ROOT)")
    chosen = ["--config-file", str(config)] if config else []
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", *chosen, "--site-dir", str(site_dir)],
        cwd=project,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1", **(env or {})),
        capture_output=True,
        text=True,
        timeout=900,
    )


@dataclass
class BuiltSite:
    path: Path
    log: str
    returncode: int
    _soups: dict = field(default_factory=dict, repr=False)

    def page(self, url_path: str) -> str:
        """HTML of a page by its path inside the site, e.g. 'en/bn-vs-ln/'."""
        target = self.path / url_path
        if url_path == "" or url_path.endswith("/"):
            target = target / "index.html"
        return target.read_text(encoding="utf-8")

    def html_pages(self) -> list[Path]:
        return sorted(p for p in self.path.rglob("*.html") if "assets" not in p.relative_to(self.path).parts)

    def soup(self, url_path: str):
        """The page parsed, once per session: parsing a long page takes a second, and many
        tests read the same pages. Read it only; a test that edits the tree parses its own."""
        if url_path not in self._soups:
            from bs4 import BeautifulSoup

            self._soups[url_path] = BeautifulSoup(self.page(url_path), "html.parser")
        return self._soups[url_path]


class SessionSite:
    """The CPU runs of the selected snippets, then the site the tests read, made in a thread of
    the session's own that starts as soon as the tests are collected. The build keeps one core
    busy for a minute or two (on a cold cache after the runs, which it shows instead of running
    each snippet again); the tests that read neither, which run first
    (pytest_collection_modifyitems), use the other core meanwhile. Once the site is there, the
    thread goes on with the jobs test folders gave it at collection (AFTER_BUILD: the tour of
    every page in Chromium, the downloads' runs, the Nu checker's), while the tests read the site."""

    current: SessionSite | None = None  # this session's, for copy_project's check

    def __init__(self, config, runs: CpuRuns, needed: set, build: bool):
        self.config, self.runs, self.needed, self.build = config, runs, needed, build
        self.directory = Path(tempfile.mkdtemp(prefix="site-"))
        self.site: BuiltSite | None = None
        self.error: BaseException | None = None
        self.process: subprocess.Popen | None = None
        self.seconds: dict[str, float] = {}
        self.built = threading.Event()  # the site is there, or its build failed
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        # The environment as the session starts: tests that run meanwhile may patch os.environ.
        self.env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        SessionSite.current = self
        self.thread = threading.Thread(target=self._make, name="session site", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _make(self) -> None:
        try:
            started = time.perf_counter()
            from hooks.snippet_output import remember

            self.runs.prefetch(self.needed)
            if self.needed:
                twice = len(self.needed & self.runs.twice)
                self.seconds[f"{len(self.needed)} snippets run ({twice} of them twice)"] = time.perf_counter() - started
            if not self.build:
                return
            started = time.perf_counter()
            # Outputs the cache did not hold (all on a fresh clone): the build shows this
            # session's first run of each instead of running the snippet again; the second run
            # is the fresh one its page is compared with.
            for path in sorted(self.needed & self.runs.twice):
                remember(path, self.runs[path][0])
            pages = self.config.getoption("page")
            chosen = ["--config-file", str(pages_config(pages))] if pages else []
            with self.lock:
                if self.stopping.is_set():
                    return
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "mkdocs", "build", "--strict", *chosen, "--site-dir", str(self.directory)],
                    cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                    start_new_session=True,  # its own process group: close() stops its kernels too
                )
            log, _ = self.process.communicate(timeout=900)
            self.site = BuiltSite(self.directory, log, self.process.returncode)
            self.seconds["the site built"] = time.perf_counter() - started
        except BaseException as error:  # handed to the test that waits for the site
            self.error = error
        finally:
            self.built.set()
        if self.site is not None and self.site.returncode == 0:
            for name, job in self.config.stash.get(AFTER_BUILD, {}).items():
                if self.stopping.is_set():
                    break
                started = time.perf_counter()
                try:
                    job(self.site)
                except Exception:  # noqa: BLE001 - the tests that read its results make them again, and fail there
                    self.seconds[f"{name} failed (its tests made it again)"] = time.perf_counter() - started
                    continue
                self.seconds[name] = time.perf_counter() - started

    def wait(self) -> BuiltSite:
        self.built.wait()
        if self.error is not None:
            raise self.error
        return self.site

    def close(self) -> None:
        """At the session's end, also an early one (-x, Ctrl-C): no new work, the build stopped."""
        with self.lock:
            self.stopping.set()
            if self.process is not None and self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.runs.stopping.set()
        if self.thread.is_alive():
            self.thread.join(timeout=30)
        shutil.rmtree(self.directory, ignore_errors=True)
        SessionSite.current = None


def refuse_while_the_session_builds(what: str) -> None:
    made = SessionSite.current
    if made is not None and made.build and not made.built.is_set():
        raise RuntimeError(f"{what} while the session's build is still filling .cache/: it would run "
                           "every snippet itself; give the test the after_session_build fixture")


@pytest.fixture(scope="session")
def after_session_build(request) -> None:
    """Waits for the session's build, for two kinds of test:
    - one that builds the repository or a copy of it with its .cache/, which that build fills
      on a fresh clone (a copy built before it ran every snippet and notebook itself: 163 s
      instead of 6; copy_project and build_site refuse, naming this fixture);
    - one that patches what SessionSite's thread uses until then (hooks.snippet_output,
      hooks.forked_runs, pathlib.Path), which would otherwise change the runs or the build
      under it."""
    made = request.config.stash.get(SESSION_SITE, None)
    if made is not None and made.build:
        made.wait()


@pytest.fixture(scope="session")
def built_site(request) -> BuiltSite:
    made = request.config.stash.get(SESSION_SITE, None)
    if made is None or not made.build:
        pytest.fail("the built site was asked for by a test that did not name built_site at collection", pytrace=False)
    site = made.wait()
    if site.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{site.log[-4000:]}", pytrace=False)
    return site


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site under its published prefix; unknown paths get 404.html,
    as GitHub Pages does."""

    prefix = "/"

    def log_message(self, *args):  # keep pytest's output clean
        pass

    def translate_path(self, path):
        clean = urlsplit(path).path
        if not clean.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_prefix__")
        return super().translate_path("/" + clean[len(self.prefix):])

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.exists():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().send_error(code, message, explain)


def serve(site: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    """The site in ``site`` served on 127.0.0.1 under its published prefix, from a thread:
    its base URL (http://127.0.0.1:PORT/prefix/) and the server, to shut down."""
    prefix = site_prefix()
    handler = functools.partial(type("H", (_SiteHandler,), {"prefix": prefix}), directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}{prefix}", server


@pytest.fixture(scope="session")
def site_url(built_site) -> str:
    """Base URL of the built site served on 127.0.0.1, e.g. http://127.0.0.1:PORT/prefix/."""
    url, server = serve(built_site.path)
    yield url
    server.shutdown()


CHROMIUM_ARGS = [
    # Headless Chromium as root in a container, with no background traffic of its own.
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def find_chromium() -> str | None:
    """Debian's chromium (or one named by CHROMIUM), else the build `playwright install
    chromium` puts in Playwright's own folder (where the distribution has no package)."""
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            bundled = playwright.chromium.executable_path
    except Exception as error:  # noqa: BLE001 - no Playwright driver: no bundled browser either
        # Say why: on a minimal Ubuntu the driver cannot start without libatomic1, and
        # "no Chromium found" alone sent the reader to install a browser that was there.
        global PLAYWRIGHT_PROBLEM
        PLAYWRIGHT_PROBLEM = f"; Playwright's driver did not start: {str(error).strip().splitlines()[-1][:200]}"
        return None
    return bundled if bundled and os.path.isfile(bundled) else None


PLAYWRIGHT_PROBLEM = ""  # why find_chromium could not ask Playwright for its build, if it could not


@pytest.fixture(scope="session")
def browser():
    executable = find_chromium()
    if executable is None:
        skip_or_fail("no Chromium found (Debian: apt install chromium fonts-noto-cjk libatomic1; elsewhere: "
                     f".venv/bin/python -m playwright install chromium){PLAYWRIGHT_PROBLEM}", "REQUIRE_BROWSER")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def languages() -> tuple[str, ...]:
    return LANGUAGES


PROJECT_PARTS = ("mkdocs.yml", "docs", "snippets", "hooks", "overrides", "vendor")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    """The page at ``url`` as text, or "" while it cannot be had (a server still starting)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def copy_project(destination: Path, with_cache: bool = True) -> Path:
    """A throwaway copy of what the build reads, for planting faults without touching the tree."""
    if with_cache:
        refuse_while_the_session_builds("copy_project(with_cache=True)")
    destination.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, destination / part)
    if with_cache and (ROOT / ".cache").is_dir():  # reuse executed notebooks and snippet outputs
        shutil.copytree(ROOT / ".cache", destination / ".cache")
    return destination


SESSION_SITE = pytest.StashKey["SessionSite"]()
# name -> job(site): what SessionSite's thread runs once the site is built, put there at
# collection by a test folder's conftest: the tour of every page in Chromium first
# (tests/browser/conftest.py puts it there), then, in the order pytest registered the conftests
# (that of the folders on a full run), the downloads' runs (tests/downloads/conftest.py) and the
# Nu checker's run (tests/site/conftest.py)
AFTER_BUILD = pytest.StashKey[dict]()
# The fixtures whose results those jobs make: the tests that use them run last, the downloads'
# first (a test makes its offered run itself while the thread beside it is still on the tour).
MADE_AFTER_BUILD = ("cpu_downloads", "tour")
RUN_WORKERS = max(2, min(os.cpu_count() or 2, 8))


def pytest_addoption(parser):
    parser.addoption(
        "--page",
        action="append",
        default=[],
        metavar="NAME",
        help="run only what protects this page, both languages (e.g. bn-vs-ln or experiments/training): "
        "its snippets, the source checks, and the built-page tests on a build of just this page",
    )


def page_name(given: str, root: Path = ROOT) -> str:
    """'docs/en/bn-vs-ln.md', 'en/bn-vs-ln', 'bn-vs-ln.md' -> 'bn-vs-ln'."""
    name = given.strip("/").removeprefix("docs/")
    for language in LANGUAGES:
        name = name.removeprefix(f"{language}/")
    name = name.removesuffix(".md")
    if not all((root / "docs" / language / f"{name}.md").is_file() for language in LANGUAGES):
        raise pytest.UsageError(f"--page {given}: no page docs/<zh|en>/{name}.md")
    return name


def about_pages(names: list[str]) -> set:
    """Every parameter value by which a test can be about these pages: their files, their
    built paths, the snippets they include and those includes."""
    from hooks.snippets_lib import includes_in

    related: set = set()
    for name in names:
        url = "" if name == "index" else (name.removesuffix("/index") + "/")
        related |= {url, "en/" + url, f"{name}.md"}
        for language in LANGUAGES:
            page = ROOT / "docs" / language / f"{name}.md"
            related |= {page, f"{language}/{name}.md"}
            for include in includes_in(page):
                related |= {include, (ROOT / include.path).resolve()}
    return related


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected
def pytest_collection_modifyitems(config, items):
    """With --page: keep the tests about that page, and the source checks of tests/content,
    which read the whole tree in seconds. Then note which snippets the kept tests are about
    (their parameters name them), so that the session runs those snippets and no others, and
    start making them and the site (SessionSite) while the tests that need neither run."""
    from hooks.snippets_lib import SNIPPETS, Include

    if config.getoption("page"):
        related = about_pages([page_name(given) for given in config.getoption("page")])
        kept, dropped = [], []
        for item in items:
            params = getattr(getattr(item, "callspec", None), "params", {})
            if params:
                keep = any(isinstance(v, (str, Path, Include)) and v in related for v in params.values())
            else:
                keep = Path(item.path).is_relative_to(ROOT / "tests" / "content")
            (kept if keep else dropped).append(item)
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept
    needed = set()
    needs = []  # per test: 4 the tour, 3 a download's run, 2 the built site or its cache, 1 a snippet's runs, 0 none
    for item in items:
        about = set()
        params = getattr(getattr(item, "callspec", None), "params", {})
        for value in params.values() if params.get("device", "cpu") == "cpu" else ():
            if isinstance(value, Include):
                about.add((ROOT / value.path).resolve())
            elif isinstance(value, Path) and value.is_relative_to(SNIPPETS) and value.suffix == ".py":
                about.add(value.resolve())
        needed |= about
        names = set(getattr(item, "fixturenames", ()))
        made_after = [3 + i for i, name in enumerate(MADE_AFTER_BUILD) if name in names]
        needs.append(max(made_after) if made_after else 2 if {"built_site", "after_session_build"} & names
                     else 1 if about or "cpu_runs" in names else 0)
    # The tests that read none of what SessionSite makes in its thread first; then those that
    # read the snippets' runs, those that read the site, those that read a download's run, and
    # last those that read the tour.
    if max(needs, default=0) and not config.option.collectonly:
        items[:] = [item for _, item in sorted(zip(needs, items), key=lambda pair: pair[0])]
        from hooks.snippet_output import uncached

        # Read before the build fills the cache: the outputs it does not hold yet.
        cold = {path.resolve() for path in uncached((ROOT / "docs").rglob("*.md"))}
        runs = CpuRuns(workers=RUN_WORKERS, twice=cold)
        config.stash[SESSION_SITE] = SessionSite(config, runs, needed, build=max(needs) >= 2)


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    """Start SessionSite's thread once collection went through (not when it failed)."""
    made = session.config.stash.get(SESSION_SITE, None)
    if made is not None and not (session.testsfailed and not session.config.option.continue_on_collection_errors):
        made.start()


def pytest_terminal_summary(terminalreporter, config):
    made = config.stash.get(SESSION_SITE, None)
    if made is not None and made.seconds:
        terminalreporter.write_line("made beside the tests: " + "; ".join(f"{what} in {s:.0f} s" for what, s in made.seconds.items()))


def pytest_unconfigure(config):
    made = config.stash.get(SESSION_SITE, None)
    if made is not None:
        made.close()


def pages_config(given: list[str], root: Path = ROOT) -> Path:
    """A config for a build of only these pages (both languages) and the home page, which
    i18n needs: `mkdocs.check.yml` next to mkdocs.yml (so that its relative paths hold), which
    INHERITs it. Links to pages left out are info lines, not warnings."""
    names = sorted({page_name(g, root) for g in given} | {"index"})
    keep = "".join(f"  !/{language}/{name}.md\n" for name in names for language in LANGUAGES)
    config = root / "mkdocs.check.yml"
    config.write_text(
        "# Written by the tests for `--page` (python3 dev.py check): the site with these pages only.\n"
        "INHERIT: mkdocs.yml\n"
        f"nav: [{', '.join(f'{name}.md' for name in names)}]\n"
        "exclude_docs: |\n  coverage.yml\n  /zh/**\n  /en/**\n" + keep +
        "validation:\n"
        "  nav: {omitted_files: ignore, not_found: info}\n"
        "  links: {not_found: info, anchors: info, unrecognized_links: info}\n",
        encoding="utf-8",
    )
    return config


class Made:
    """Results made once per session, some by a thread beside the tests: a key is done, being
    made (with an event set when it is), offered (queued, with how to make it), or not started.
    A test asking for a key being made waits for that key only, and meanwhile makes offered
    ones (when the thread beside it is on its last jobs, the test's core would idle otherwise);
    an offered key it asks for it makes itself at once; one nobody made (or whose making failed)
    it makes itself."""

    def __init__(self):
        self.done: dict = {}
        self.running: dict = {}
        self.offered: dict = {}  # key -> how, in the order they are to be made
        self.taken: set = set()  # keys ever taken from offered: not offered again
        self.failed: dict = {}  # key -> how, where making it for others failed
        self.lock = threading.Lock()
        self.stopping = threading.Event()  # the session is ending: start nothing new

    def offer(self, jobs: dict) -> None:
        """Keys (-> how to make each) for work() or a waiting get(), unless made or being made."""
        with self.lock:
            for key, how in jobs.items():
                if key not in self.done and key not in self.running and key not in self.taken:
                    self.offered.setdefault(key, how)

    def take(self, key=None):
        """(key, how) of an offered key (the first, or ``key``), now being made by the caller;
        None where there is none."""
        with self.lock:
            if self.stopping.is_set() or not self.offered or (key is not None and key not in self.offered):
                return None
            key = next(iter(self.offered)) if key is None else key
            how = self.offered.pop(key)
            self.taken.add(key)
            self.running[key] = threading.Event()
        return key, how

    def work(self) -> None:
        """Make offered keys, one after another, until none is left."""
        while (job := self.take()) is not None:
            self.make_for_others(*job)

    def make_for_others(self, key, how) -> None:
        """make(), where a failure (also a pytest.skip or pytest.fail) is left to the test that
        reads ``key``: get() makes it again there, and it fails, or skips, there. In the main
        thread a pytest.fail still ends the test that was helping: pytest-timeout's."""
        try:
            self.make(key, how)
        except (Exception, pytest.skip.Exception, pytest.fail.Exception) as error:  # noqa: BLE001
            if isinstance(error, pytest.fail.Exception) and threading.current_thread() is threading.main_thread():
                raise
            with self.lock:
                self.failed[key] = how

    def claim(self, keys, order=None) -> list:
        """The keys nobody has made or is making, now marked as being made by the caller."""
        with self.lock:
            todo = sorted(set(keys) - set(self.done) - set(self.running), key=order)
            self.running.update({key: threading.Event() for key in todo})
            for key in todo:
                self.offered.pop(key, None)
        return todo

    def make(self, key, how) -> None:
        """``key``'s result from ``how()``, unless the session is ending; whoever waits is woken."""
        try:
            if not self.stopping.is_set():
                value = how()
                with self.lock:
                    self.done[key] = value
        finally:
            with self.lock:
                self.running.pop(key).set()

    def get(self, key, make_now):
        """``key``'s result: done; made now where it is offered, or where making it for others
        failed; waited for where it is being made, making offered keys meanwhile; else
        ``make_now()``."""
        if (job := self.take(key)) is not None:
            self.make(*job)
        with self.lock:
            found, running = self.done.get(key), self.running.get(key)
        while found is None and running is not None and not running.is_set():
            if (job := self.take()) is None:
                running.wait()
            else:
                self.make_for_others(*job)
        if found is None:
            with self.lock:
                found = self.done.get(key)
                how = self.failed.pop(key, None) if found is None else None
                if how is not None:
                    self.running[key] = threading.Event()
            if how is not None:
                self.make(key, how)  # made for others, it failed: again here, to fail, or skip, here
                return self.done[key]
        if found is None:
            make_now()  # which makes nothing where another thread claimed the key meanwhile
            with self.lock:
                running = self.running.get(key)
            if running is not None:
                running.wait()
            with self.lock:
                found = self.done.get(key)
            if found is None:
                raise RuntimeError(f"{key!r} was not made: the session is ending")
        return found


class CpuRuns(Made):
    """path -> [run] or [run, run]: CPU runs of a snippet, made once per test session, each
    forked from a Python that has imported torch already (hooks/forked_runs.py: the child runs
    the file as `python snippets/…` would, and `mkdocs serve` runs snippets that way), a second
    one from a second such Python. The first run serves every test that needs a snippet's CPU
    result. A page is compared with a run that did not produce what it shows, and a shown
    output must print the same twice: where the output cache held a snippet's output when the
    session began (an earlier run made it), the first run is that other run; where it did not
    (a fresh clone, an edited snippet), the session's build shows the first run, and a second
    run is made, in ``twice``. Without ``twice`` every snippet runs twice.
    A new interpreter per run would cost every run PyTorch's import (1.4 s of CPU, 95 s per
    session): the pages' downloads run every page's code in a new kernel (tests/downloads), and
    so does the build for the notebook pages. The snippets the selected tests name are run up
    front, ``workers`` at a time; any other when a test first asks."""

    def __init__(self, workers: int, twice: set | None = None, imports: tuple[str, ...] | None = None):
        super().__init__()
        self.workers = workers
        self.twice = twice
        self.imports = imports  # what the fork servers import (hooks/forked_runs.py); None: torch

    def runs_of(self, path: Path) -> int:
        return 2 if self.twice is None or path in self.twice else 1

    def prefetch(self, paths) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from hooks.forked_runs import WARM, ForkPool
        from hooks.snippets_lib import DEFAULT_TIMEOUT_S

        todo = self.claim(paths)
        if not todo:
            return
        # The two runs of a snippet fork from two servers started apart: a forked child inherits
        # its server's torch generator (seeded at random when torch is imported) and its memory
        # layout, so two forks of one server would print the same unseeded draw or address.
        imports = WARM if self.imports is None else self.imports
        first, second = (ForkPool(min(self.workers, len(todo)), imports) for _ in range(2))
        try:
            with ThreadPoolExecutor(max_workers=self.workers) as pool:
                list(pool.map(lambda path: self.make(path, lambda: [forked.run(path, DEFAULT_TIMEOUT_S) for forked in (first, second)[: self.runs_of(path)]]), todo))
        finally:
            first.close()
            second.close()

    def __getitem__(self, path: Path):
        path = Path(path).resolve()
        return self.get(path, lambda: self.prefetch([path]))

    def items(self):
        return self.done.items()


@pytest.fixture(scope="session")
def cpu_runs(request) -> CpuRuns:
    made = request.config.stash.get(SESSION_SITE, None)
    return made.runs if made is not None else CpuRuns(workers=RUN_WORKERS)
