"""Performance report for the site. Prints Markdown tables; asserts nothing.

    python3 dev.py bench                 # page weight, time to math, builds, snippets
    python3 dev.py bench --runs 5        # more repetitions for the medians
    python3 dev.py bench --suite         # also time the whole test suite (about 5 minutes)
    python3 dev.py bench --lighthouse-only --runs 1 --kinds home,notebook   # Lighthouse alone

What it measures (medians over --runs repetitions; this machine is noisy, so read ratios):

- Page weight: bytes a cold visit transfers, raw and gzip-compressed, by kind, measured in
  Chromium, for our build and for the same pages built with Material's documented
  client-side KaTeX set-up (KaTeX's JavaScript and auto-render, served from the site so that
  the baseline also runs offline) and Material's own search start-up.
- Time to math: from navigation start until every formula is laid out and the fonts are loaded.
- Build: cold `mkdocs build` (empty .cache), a build after touching one snippet, the time
  `mkdocs serve` takes from saving a snippet to serving its page with the new output, and a
  build with the theme alone (no plugins, hooks or extensions), of the whole bilingual site.
- Snippets: the ten slowest snippets on CPU; with --suite, the whole test suite's wall time.
- Lighthouse (tests/node's locked `lighthouse`, with the machine's Chromium): performance,
  accessibility, best practices and SEO, CLS, TBT and LCP of one page of each kind (home,
  article, formula-heavy article, explorer, experiment page with figures, notebook; the English
  home page too), mobile and desktop, served under the site's path with gzip as GitHub Pages
  serves it; each row that misses a target lists the audits that cost the points. Each run
  takes 20-40 s on a small machine, 14 runs per repetition.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hooks.snippets_lib import all_snippets, run_snippet  # noqa: E402
from tests.conftest import (  # noqa: E402
    CHROMIUM_ARGS, build_site, copy_project, fetch, find_chromium, free_port, mkdocs_config, site_prefix,
)

PAGES = ["bn-vs-ln/", "batchnorm/", "layernorm-family/", "notebooks/statistics-axes/"]
TARGETS = {"article": 100_000, "notebook": 200_000}  # gzip bytes without fonts
LOCAL = {"SITE_URL": "http://127.0.0.1/"}  # build for serving at the root of a local server

CLIENT_SIDE_INIT = """\
// Material's documented client-side KaTeX set-up: render every page's math in the browser.
document$.subscribe(({ body }) => {
  renderMathInElement(body, {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "$", right: "$", display: false },
      { left: "\\\\(", right: "\\\\)", display: false },
      { left: "\\\\[", right: "\\\\]", display: true },
    ],
  });
});
"""

MATH_READY = """(() => {
  const expected = %d;
  const check = () => {
    const n = [...document.querySelectorAll('.katex')].filter(k => !k.parentElement.closest('.katex')).length;
    if (n >= expected && document.fonts.status === 'loaded') { window.__mathAt = performance.now(); return; }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();"""


def median(values):
    return statistics.median(values) if values else float("nan")


def client_side_project(destination: Path) -> Path:
    """A copy of the project that renders math in the browser instead of at build time."""
    project = copy_project(destination)
    assets = project / "docs" / "assets" / "katex-client"
    shutil.copytree(ROOT / "vendor" / "katex", assets, ignore=shutil.ignore_patterns("LICENSE", "VERSION"))
    (assets / "init.js").write_text(CLIENT_SIDE_INIT, encoding="utf-8")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  - hooks/katex_render.py\n", "")
    scripts = "  - assets/katex-client/init.js\n  - assets/katex-client/katex.min.js\n  - assets/katex-client/auto-render.min.js\n"
    # Add to the lists mkdocs.yml has (a second `extra_javascript:` key would replace the first).
    if "\nextra_javascript:\n" in config:
        config = config.replace("\nextra_javascript:\n", "\nextra_javascript:\n" + scripts, 1)
    else:
        config += "\nextra_javascript:\n" + scripts
    config = config.replace("\nextra_css:\n", "\nextra_css:\n  - assets/katex-client/katex.min.css\n", 1)
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    # Material's own search start-up (index and worker at page load), not ours (lazy-search.js).
    template = project / "overrides" / "main.html"
    lines = template.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if "lazy-search.js" not in line]
    if len(kept) != len(lines) - 1:
        sys.exit("bench: overrides/main.html no longer loads lazy-search.js on one line; update client_side_project")
    template.write_text("".join(kept), encoding="utf-8")
    return project


def bare_project(destination: Path) -> Path:
    """The same pages with the theme alone: no plugins, hooks or Markdown extensions."""
    project = destination
    project.mkdir(parents=True)
    shutil.copytree(ROOT / "docs", project / "docs")
    (project / "mkdocs.yml").write_text(
        "site_name: bare\ntheme:\n  name: material\n  font: false\nplugins: []\n", encoding="utf-8"
    )
    return project


def timed_build(project: Path, site: Path, env=None) -> float:
    start = time.perf_counter()
    done = build_site(project, site, env={**LOCAL, **(env or {})})
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"build of {project} failed:\n{(done.stdout + done.stderr)[-3000:]}")
    return elapsed


class Server:
    """A local static server for a built site (the report needs no network)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    def __init__(self, directory: Path):
        handler = functools.partial(self.Quiet, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def close(self):
        self.httpd.shutdown()


def kind_of(response) -> str:
    kind = response.request.resource_type
    if any(part in response.url for part in ("/search/search_index.json", "/workers/search.", "/javascripts/lunr/")):
        return "search"
    return {"document": "html", "stylesheet": "css", "script": "js", "font": "fonts", "image": "images"}.get(kind, "other")


def page_weight(browser, url: str) -> dict:
    context = browser.new_context()
    totals: dict = {}
    responses = []
    context.on("response", lambda response: responses.append(response))
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    for response in responses:
        if response.status != 200:
            continue
        try:
            body = response.body()
        except Exception:  # noqa: BLE001 - a redirect or a body the browser did not keep
            continue
        raw, packed = totals.setdefault(kind_of(response), [0, 0])
        totals[kind_of(response)] = [raw + len(body), packed + len(gzip.compress(body, 9))]
    context.close()
    return totals


def time_to_math(browser, url: str, expected: int, runs: int) -> float:
    times = []
    for _ in range(runs):
        context = browser.new_context()
        context.add_init_script(MATH_READY % expected)
        page = context.new_page()
        page.goto(url)
        page.wait_for_function("window.__mathAt !== undefined", timeout=60_000)
        times.append(page.evaluate("window.__mathAt"))
        context.close()
    return median(times)


def formula_count(site: Path, path: str) -> int:
    html = (site / path / "index.html").read_text(encoding="utf-8")
    return len(re.findall(r'<span class="katex">', html))


def kb(value: float) -> str:
    return f"{value / 1000:.1f}"


def report_pages(ours_site: Path, base_site: Path, runs: int) -> None:
    executable = find_chromium()
    if executable is None:
        print("\n(no Chromium found: page weight and time to math skipped)")
        return
    from playwright.sync_api import sync_playwright

    ours, base = Server(ours_site), Server(base_site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            verdicts: list[str] = []
            print("\n## Page weight (cold load, KB; gzip in brackets)\n")
            print("Totals leave out the fonts (the targets do). \"search\" is the search index, worker and")
            print("lunr scripts: Material loads them with every page (the client-side build keeps that), ours")
            print("when a reader goes to search. The last column leaves search out of both, to compare the math alone.\n")
            kinds = ["html", "css", "js", "fonts", "images", "search", "other"]
            print("| page | build | " + " | ".join(kinds) + " | total | total without search |")
            print("|" + " --- |" * (len(kinds) + 4))
            for path in PAGES:
                gzip_totals = {}
                for name, server in (("ours", ours), ("client-side KaTeX", base)):
                    totals = page_weight(browser, server.url + path)
                    whole = [sum(v[i] for k, v in totals.items() if k != "fonts") for i in (0, 1)]
                    lean = [sum(v[i] for k, v in totals.items() if k not in {"fonts", "search"}) for i in (0, 1)]
                    gzip_totals[name] = (whole[1], lean[1])
                    cells = [f"{kb(totals[k][0])} ({kb(totals[k][1])})" if k in totals else "-" for k in kinds]
                    print(f"| {path} | {name} | " + " | ".join(cells) + f" | {kb(whole[0])} ({kb(whole[1])}) | {kb(lean[0])} ({kb(lean[1])}) |")
                target = TARGETS["notebook" if "notebooks" in path else "article"]
                (ours_whole, ours_lean), (base_whole, base_lean) = gzip_totals["ours"], gzip_totals["client-side KaTeX"]
                verdicts.append(
                    f"| {path} | {kb(ours_whole)} / {kb(ours_lean)} | < {kb(target)}: "
                    f"{'met' if ours_whole < target else 'missed'} / {'met' if ours_lean < target else 'missed'} | "
                    f"{ours_whole / base_whole:.2f} / {ours_lean / base_lean:.2f} | ≤ 0.50: "
                    f"{'met' if ours_whole <= base_whole / 2 else 'missed'} / {'met' if ours_lean <= base_lean / 2 else 'missed'} |"
                )
            print("\n### Against the targets (gzip KB without fonts: total / without search)\n")
            print("| page | ours | target | ours ÷ client-side | target |")
            print("| --- | --- | --- | --- | --- |")
            print("\n".join(verdicts))

            print(f"\n## Time to math (ms from navigation start, median of {runs})\n")
            print("| page | formulas | ours | client-side KaTeX | ratio |")
            print("| --- | --- | --- | --- | --- |")
            for path in PAGES:
                expected = formula_count(ours_site, path)
                a = time_to_math(browser, ours.url + path, expected, runs)
                b = time_to_math(browser, base.url + path, expected, runs)
                print(f"| {path} | {expected} | {a:.0f} | {b:.0f} | {a / b:.2f} |")
            browser.close()
    finally:
        ours.close()
        base.close()


def report_builds(work: Path, runs: int) -> tuple[Path, Path]:
    print(f"\n## Build of the whole bilingual site (seconds, median of {runs})\n")
    ours = copy_project(work / "ours", with_cache=False)
    cold = []
    for run in range(runs):
        shutil.rmtree(ours / ".cache", ignore_errors=True)
        cold.append(timed_build(ours, work / "site-ours"))
    snippet = ours / "snippets" / "bn-vs-ln" / "invariants.py"
    touched = []
    for run in range(runs):
        snippet.write_text(snippet.read_text(encoding="utf-8") + f"# touched {run}\n", encoding="utf-8")
        touched.append(timed_build(ours, work / "site-ours"))
    served = serve_rebuild_times(work, runs)
    bare = bare_project(work / "bare")
    bare_times = [timed_build(bare, work / "site-bare") for _ in range(runs)]
    baseline = client_side_project(work / "client-side")
    timed_build(baseline, work / "site-client-side")
    print("| build | seconds | ratio to the bare build |")
    print("| --- | --- | --- |")
    rows = (("cold (empty .cache)", cold), ("warm (.cache filled), after touching one snippet", touched),
            ("`mkdocs serve`: from saving one snippet to its page served with the new output", served),
            ("theme alone (bare)", bare_times))
    for name, values in rows:
        print(f"| {name} | {median(values):.1f} | {median(values) / median(bare_times):.1f}× |")
    print(f"\nTargets: full build within 2× of the bare one; one-snippet rebuild under 3 s "
          f"(measured in `mkdocs serve`: {median(served):.1f} s).")
    return work / "site-ours", work / "site-client-side"


def serve_rebuild_times(work: Path, runs: int) -> list[float]:
    """Seconds from saving a snippet until `mkdocs serve` serves the page with its new output."""
    import os

    def wait_until(predicate, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                sys.exit(f"mkdocs serve did not show the change within {timeout:.0f} s")
            time.sleep(0.05)

    project = copy_project(work / "serve")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=project,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1", SITE_URL=f"http://127.0.0.1:{port}/"),
    )
    url = f"http://127.0.0.1:{port}/en/bn-vs-ln/"
    snippet = project / "snippets" / "bn-vs-ln" / "invariants.py"
    anchor = 'print(f"LayerNorm  per-token  mean:'
    times = []
    try:
        wait_until(lambda: "LayerNorm" in fetch(url), 300)
        time.sleep(2)  # let the first build's file watcher settle
        for run in range(runs):
            marker = f"rebuilt-{run}"
            text = snippet.read_text(encoding="utf-8").replace(anchor, f'print("{marker}")\n{anchor}', 1)
            start = time.perf_counter()
            snippet.write_text(text, encoding="utf-8")
            wait_until(lambda: fetch(url).count(marker) >= 2, 300)  # the code and its output
            times.append(time.perf_counter() - start)
            time.sleep(1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return times


def report_snippets() -> None:
    print("\n## Ten slowest snippets (CPU, seconds, one run each)\n")
    times = []
    for path in all_snippets():
        start = time.perf_counter()
        run_snippet(path, "cpu")
        times.append((time.perf_counter() - start, path.relative_to(ROOT).as_posix()))
    print("| snippet | seconds |")
    print("| --- | --- |")
    for seconds, name in sorted(times, reverse=True)[:10]:
        print(f"| {name} | {seconds:.1f} |")
    print(f"\n{len(times)} snippets, {sum(t for t, _ in times):.0f} s in all when run one after another.")


def report_suite() -> None:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "(no output)"
    print(f"\n## Test suite\n\n`pytest`: {elapsed:.0f} s wall time, target under 300 s: {summary}")


# --- Lighthouse -----------------------------------------------------------------------------

NODE_DIR = ROOT / "tests" / "node"
LIGHTHOUSE_CLI = NODE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
# One page of each kind, in Chinese (the site's root language), and the English home page:
# home, article, formula-heavy article, the explorer, an experiment page with figures, a notebook.
LIGHTHOUSE_PAGES = [
    ("home", ""),
    ("article", "bn-vs-ln/"),
    ("formula-heavy", "gradients-and-geometry/"),
    ("explorer", "explorer/"),
    ("experiment", "experiments/training/"),
    ("notebook", "notebooks/statistics-axes/"),
    ("home-en", "en/"),
]
LIGHTHOUSE_MODES = {"mobile": [], "desktop": ["--preset=desktop"]}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PERFORMANCE_TARGET = {"mobile": 95, "desktop": 100}
CLS_TARGET = 0.05
# GitHub Pages compresses text responses when the browser accepts gzip; fonts and images go as they are.
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")


class PagesServer:
    """Serves a built site under its published path the way GitHub Pages does: gzip
    Content-Encoding for text types when the request accepts it, a redirect from a folder
    without its slash, the site's 404.html for anything else, ten minutes' Cache-Control."""

    def __init__(self, directory: Path, prefix: str):
        compressed: dict[Path, bytes] = {}
        lock = threading.Lock()

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def respond(self, status: int, body: bytes, content_type: str, headers=()) -> io.BytesIO:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return io.BytesIO(body)

            def send_head(self):
                path = urlsplit(self.path).path
                if not path.startswith(prefix):
                    return self.not_found()
                target = directory / urllib.parse.unquote(path[len(prefix):])
                if target.is_dir():
                    if not path.endswith("/"):
                        return self.respond(301, b"", "text/html", [("Location", path + "/")])
                    target = target / "index.html"
                if not target.is_file() or directory not in target.resolve().parents:
                    return self.not_found()
                return self.file(target, 200)

            def not_found(self):
                return self.file(directory / "404.html", 404)

            def file(self, target: Path, status: int):
                content_type = self.guess_type(str(target))
                body = target.read_bytes()
                headers = [("Cache-Control", "max-age=600")]
                if content_type.startswith(COMPRESSED_TYPES):
                    if content_type.startswith(("text/", "application/javascript", "application/json")):
                        content_type += "; charset=utf-8"
                    headers.append(("Vary", "Accept-Encoding"))
                    if "gzip" in self.headers.get("Accept-Encoding", ""):
                        with lock:
                            if target not in compressed:
                                compressed[target] = gzip.compress(body, 6)
                            body = compressed[target]
                        headers.append(("Content-Encoding", "gzip"))
                return self.respond(status, body, content_type, headers)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}{prefix}"

    def close(self):
        self.httpd.shutdown()


def lighthouse_version() -> str:
    lock = json.loads((NODE_DIR / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"]["node_modules/lighthouse"]["version"]


def lighthouse_ready() -> str | None:
    """None when Lighthouse, Node and Chromium are there; else what is missing."""
    from tests.node.install import ensure_node_tools

    if not LIGHTHOUSE_CLI.is_file():
        ensure_node_tools(quiet=True)
    if shutil.which("node") is None:
        return "no node (Debian: apt install nodejs npm)"
    if not LIGHTHOUSE_CLI.is_file():
        return f"Lighthouse is not installed in {NODE_DIR.relative_to(ROOT)} (python3 tests/node/install.py says why)"
    if find_chromium() is None:
        return "no Chromium found"
    return None


METRICS = ["cumulative-layout-shift", "total-blocking-time", "largest-contentful-paint", "total-byte-weight"]


def lighthouse(url: str, mode: str, report: Path, attempts: int = 3) -> tuple[dict | None, int, str]:
    """One Lighthouse run of ``url`` (its JSON report kept at ``report``), how many runs were
    discarded first, and why the last was. A run is repeated, up to ``attempts`` runs, when its
    metrics are empty (the page painted nothing before Lighthouse stopped tracing: NO_FCP) or
    when the trace ended before DOMContentLoaded: the scripts that run then were still running,
    and TBT, which counts only the tasks in the trace, leaves them out (a page whose start-up
    takes seconds scored 100 that way). A page that keeps doing either gets None."""
    command = [
        shutil.which("node"), str(LIGHTHOUSE_CLI), url, *LIGHTHOUSE_MODES[mode],
        "--only-categories=" + ",".join(CATEGORIES), "--output=json", f"--output-path={report}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu", "--quiet",
    ]
    for attempt in range(attempts):
        done = subprocess.run(command, env=dict(os.environ, CHROME_PATH=find_chromium()), capture_output=True,
                              text=True, timeout=300)
        if done.returncode != 0 or not report.is_file():
            sys.exit(f"lighthouse {url} ({mode}) failed ({done.returncode}):\n{(done.stdout + done.stderr)[-3000:]}")
        result = json.loads(report.read_text(encoding="utf-8"))
        errors = [result["audits"][name].get("errorMessage") for name in METRICS
                  if result["audits"][name].get("numericValue") is None]
        problem = (result.get("runtimeError") or {}).get("message") or next((e for e in errors if e), None)
        observed = ((result["audits"]["metrics"].get("details") or {}).get("items") or [{}])[0]
        if problem is None and not errors and observed.get("observedDomContentLoaded") is None:
            problem = ("the trace ended before DOMContentLoaded, with the page's scripts still running "
                       f"(main-thread work {result['audits']['mainthread-work-breakdown'].get('displayValue')})")
        if problem is None and not errors and result["categories"]["performance"]["score"] is not None:
            return result, attempt, ""
    return None, attempts, problem or "no performance score"


def lighthouse_numbers(result: dict) -> dict:
    audits = result["audits"]
    numbers = {name: round(100 * (result["categories"][name]["score"] or 0)) for name in CATEGORIES}
    numbers["cls"] = audits["cumulative-layout-shift"]["numericValue"]
    numbers["tbt"] = audits["total-blocking-time"]["numericValue"]
    numbers["lcp"] = audits["largest-contentful-paint"]["numericValue"]
    numbers["bytes"] = audits["total-byte-weight"]["numericValue"]
    numbers["bi"] = result.get("environment", {}).get("benchmarkIndex") or float("nan")
    return numbers


def missed(numbers: dict, mode: str) -> set[str]:
    """The columns of one row that miss their target."""
    low = {name for name in CATEGORIES[1:] if numbers[name] < 100}
    if numbers["performance"] < PERFORMANCE_TARGET[mode]:
        low.add("performance")
    if numbers["cls"] >= CLS_TARGET:
        low.add("cls")
    return low


def costs(result: dict, categories: set[str]) -> list[str]:
    """What took points off in ``categories``: the weighted audits that did not pass, worst
    first; for performance, whose weights are all on its metrics, also the diagnostics that
    flag what drives them (main-thread work, DOM size, render-blocking requests, layout shifts)."""
    lines = []
    for name in sorted(categories):
        refs = result["categories"][name]["auditRefs"]
        weights = {ref["id"]: ref["weight"] for ref in refs if ref["weight"]}
        failing = [(weights[id_], audit) for id_, audit in result["audits"].items()
                   if id_ in weights and audit.get("score") is not None and audit["score"] < 1]
        for weight, audit in sorted(failing, key=lambda item: -item[0] * (1 - item[1]["score"])):
            shown = f" = {audit['displayValue']}" if audit.get("displayValue") else ""
            lines.append(f"{name}: `{audit['id']}`{shown} (score {audit['score']:.2f}, weight {weight})")
        if name == "performance":
            flagged = [result["audits"][ref["id"]] for ref in refs if not ref["weight"]]
            flagged = [audit for audit in flagged if audit.get("score") is not None and audit["score"] < 0.9
                       and audit.get("scoreDisplayMode") in {"metricSavings", "numeric", "binary"}]
            for audit in flagged:
                shown = f" = {audit['displayValue']}" if audit.get("displayValue") else ""
                lines.append(f"flagged: `{audit['id']}`{shown}")
    return lines


def report_lighthouse(work: Path, runs: int, kinds: list[str] | None = None, keep: Path | None = None) -> None:
    print(f"\n## Lighthouse {lighthouse_version()} (median of {runs} runs per page and mode)\n")
    problem = lighthouse_ready()
    if problem:
        print(f"(skipped: {problem})")
        return
    prefix = site_prefix()
    project = copy_project(work / "lighthouse")
    site = work / "site-lighthouse"
    timed_build(project, site, env={"SITE_URL": mkdocs_config().site_url})  # not LOCAL's root address
    reports = keep or (work / "lighthouse-reports")
    reports.mkdir(parents=True, exist_ok=True)
    pages = [(kind, path) for kind, path in LIGHTHOUSE_PAGES if not kinds or kind in kinds]
    server = PagesServer(site, prefix)
    print("The site as built for publishing, served under its path with gzip as GitHub Pages serves it;")
    print("Lighthouse's default mobile emulation (simulated slow 4G, 4× CPU slowdown) and `--preset=desktop`.")
    print(f"Targets: performance ≥ {PERFORMANCE_TARGET['mobile']} on mobile and {PERFORMANCE_TARGET['desktop']} on desktop,")
    print(f"the other three 100, CLS < {CLS_TARGET}; ✗ marks a miss. Each column is its own median;")
    print("TBT and LCP are Lighthouse's simulated values; KB is what the page transfers, fonts included.")
    print("BI is Lighthouse's benchmarkIndex of this machine during the runs: the 4× slowdown is relative to")
    print("it, so a slower moment of the machine (a lower BI) gives a slower \"phone\" and a lower score.\n")
    print("| page kind | URL | mode | performance | accessibility | best practices | SEO | CLS | TBT ms | LCP s | KB | BI |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    explanations = []
    repeated = 0
    broken: set[str] = set()  # audits this Lighthouse could not run with this Chromium
    weighed: set[str] = set()  # audits that count in a score
    try:
        for mode in LIGHTHOUSE_MODES:
            for kind, path in pages:
                url = server.url + path
                results = []
                for run in range(runs):
                    name = f"{mode}-{(path.strip('/') or 'home').replace('/', '-')}-{run + 1}.json"
                    result, discarded, problem = lighthouse(url, mode, reports / name)
                    if result is None:
                        break
                    results.append(result)
                    repeated += discarded
                    broken |= {id_ for id_, audit in result["audits"].items() if audit.get("scoreDisplayMode") == "error"}
                    weighed |= {ref["id"] for category in result["categories"].values() for ref in category["auditRefs"] if ref["weight"]}
                if not results or len(results) < runs:
                    print(f"| {kind} | {prefix}{path} | {mode} | no usable run ✗ | | | | | | | | |", flush=True)
                    explanations.append((f"{kind}, {mode}", [problem]))
                    continue
                numbers = [lighthouse_numbers(result) for result in results]
                row = {key: median([n[key] for n in numbers]) for key in numbers[0]}
                low = missed(row, mode)

                def cell(key: str, text: str) -> str:
                    return f"{text} ✗" if key in low else text

                print(f"| {kind} | {prefix}{path} | {mode} | "
                      + " | ".join(cell(name, f"{row[name]:.0f}") for name in CATEGORIES)
                      + f" | {cell('cls', format(row['cls'], '.3f'))} | {row['tbt']:.0f} | {row['lcp'] / 1000:.1f}"
                      + f" | {row['bytes'] / 1000:.0f} | {row['bi']:.0f} |", flush=True)
                if low:
                    # The run whose performance score is the median one explains the row.
                    middle = sorted(zip(numbers, results), key=lambda pair: pair[0]["performance"])[len(results) // 2][1]
                    lost = costs(middle, {name for name in low if name in CATEGORIES} | ({"performance"} if "cls" in low else set()))
                    explanations.append((f"{kind}, {mode}", lost))
    finally:
        server.close()
    if broken:
        counted = sorted(broken & weighed)
        print(f"\nAudits that failed to run (an older Lighthouse than the Chromium): {', '.join(sorted(broken))}; "
              + (f"in a score: {', '.join(counted)}." if counted else "none of them counts in a score."))
    if repeated:
        print(f"\n{repeated} run(s) painted nothing in time (NO_FCP) or ended before DOMContentLoaded, and were repeated.")
    if explanations:
        print("\n### What cost the points (the median run of each row that missed)\n")
        for title, lines in explanations:
            print(f"- {title}: " + ("; ".join(lines) if lines else "(no single weighted audit failed)"))
    if keep:
        print(f"\nReports (JSON, one per run) in {keep}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--suite", action="store_true", help="also time the whole test suite")
    parser.add_argument("--lighthouse-only", action="store_true", help="only the Lighthouse section")
    parser.add_argument("--kinds", help="Lighthouse: only these page kinds, comma-separated: "
                        + ", ".join(kind for kind, _ in LIGHTHOUSE_PAGES))
    parser.add_argument("--lighthouse-reports", type=Path, help="Lighthouse: keep each run's JSON report in this folder")
    options = parser.parse_args()
    kinds = [kind.strip() for kind in options.kinds.split(",")] if options.kinds else None
    unknown = set(kinds or ()) - {kind for kind, _ in LIGHTHOUSE_PAGES}
    if unknown:
        parser.error(f"unknown page kinds: {', '.join(sorted(unknown))}")
    print("# Performance report\n")
    print(f"Machine: {sys.platform}, Python {sys.version.split()[0]}; medians of {options.runs} runs.")
    with tempfile.TemporaryDirectory() as tmp:
        if not options.lighthouse_only:
            ours_site, base_site = report_builds(Path(tmp), options.runs)
            report_pages(ours_site, base_site, options.runs)
        report_lighthouse(Path(tmp), options.runs, kinds, options.lighthouse_reports)
    if options.lighthouse_only:
        return
    report_snippets()
    if options.suite:
        report_suite()


if __name__ == "__main__":
    main()
