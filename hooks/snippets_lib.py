"""Shared by the build hooks and the tests: where snippets live and how one is run.

A snippet is a runnable Python file under ``snippets/``. It picks its device from the
``SNIPPET_DEVICE`` environment variable (``cpu`` or ``cuda``), seeds its randomness and
prints deterministic text.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
DOCS = ROOT / "docs"
LANGUAGES = ("zh", "en")

# `--8<-- "snippets/a/b.py"` or `--8<-- "snippets/a/b.py:section"`, optionally followed by
# the word `output` (then the line stands for what the snippet prints, see snippet_output.py).
INCLUDE = re.compile(r'^(?P<indent>[ \t]*)--8<--[ \t]+"(?P<target>[^"\n]+)"(?:[ \t]+(?P<output>output))?[ \t]*$')
SECTION_MARK = re.compile(r"--8<-- \[(?P<kind>start|end):(?P<name>[^\]]+)\]")
DEFAULT_TIMEOUT_S = float(os.environ.get("SNIPPET_TIMEOUT", "120"))


@dataclass(frozen=True)
class Include:
    page: Path  # the Markdown file
    line: int  # 1-based
    path: str  # as written, relative to the repository root
    section: str | None
    output: bool  # True: the line shows what the snippet prints

    @property
    def where(self) -> str:
        return f"{_shown(self.page)}:{self.line}"


def parse_include(line: str, page: Path, lineno: int) -> Include | None:
    match = INCLUDE.match(line)
    if not match:
        return None
    target = match["target"]
    path, _, section = target.partition(":")
    return Include(page, lineno, path, section or None, bool(match["output"]))


def includes_in(page: Path) -> list[Include]:
    found = []
    for lineno, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        include = parse_include(line, page, lineno)
        if include:
            found.append(include)
    return found


def expand_includes(text: str, snippets_options: dict) -> str:
    """Expand ``--8<--`` lines exactly as pymdownx.snippets does when a page is built."""
    import markdown

    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": snippets_options})
    return "\n".join(md.preprocessors["snippet"].run(text.split("\n")))


def all_snippets() -> list[Path]:
    return sorted(SNIPPETS.rglob("*.py"))


def snippet_env(device: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(SNIPPET_DEVICE=device, PYTHONHASHSEED="0", PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1")
    # One PyTorch thread per run and one process per experiment grid, unless set otherwise: the
    # build runs two snippets at once and the tests up to eight, and each would start a thread
    # (and an experiment a process) per core, 8 x 64 threads on a 64-core runner. The printed
    # outputs then also no longer depend on the machine's core count.
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("EXPERIMENT_WORKERS", "1")
    if device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""
    return env


@dataclass
class Run:
    returncode: int | None  # None: stopped at the timeout
    stdout: str
    stderr: str


def run_snippet(path: Path, device: str = "cpu", timeout: float = DEFAULT_TIMEOUT_S) -> Run:
    """Run one snippet as a reader would (`python snippets/…`) from the repository root."""
    try:
        done = subprocess.run(
            [sys.executable, _shown(path)],
            cwd=ROOT,
            env=snippet_env(device),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as stopped:
        def text(b):
            return b.decode(errors="replace") if isinstance(b, bytes) else (b or "")
        return Run(None, text(stopped.stdout), text(stopped.stderr))
    return Run(done.returncode, done.stdout, done.stderr)


def _shown(path: Path) -> str:
    """The path as a reader would type it: relative to the repository root when inside it."""
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def describe_failure(path: Path, run: Run, timeout: float, shown_on: list[str]) -> str:
    rel = _shown(path)
    what = f"did not finish within {timeout:g} s" if run.returncode is None else f"exited with status {run.returncode}"
    pages = ", ".join(shown_on) if shown_on else "no page"
    tail = "\n".join(run.stderr.strip().splitlines()[-15:])
    return f"{rel} {what} (shown on: {pages})\n{tail}"
