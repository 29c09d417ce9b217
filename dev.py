#!/usr/bin/env python3
"""The project's commands, each doing its own set-up: serve and test for everyone, the rest
for authors and maintainers.

    python3 dev.py serve   # serve the site at http://127.0.0.1:8000/transformer-normalization/, live reload
    python3 dev.py test    # run the whole test suite (extra arguments go to pytest)
    python3 dev.py new NAME      # scaffold a page: both languages, a snippet, the nav entry
    python3 dev.py check PAGE    # what protects one page, in seconds (e.g. bn-vs-ln)
    python3 dev.py lab     # every page's notebook in JupyterLab (installs requirements/lab.txt first)
    python3 dev.py build   # build the site into site/ (what the publishing workflow uploads)
    python3 dev.py bench   # print the performance report (benchmarks/bench.py; arguments go to it)
    python3 dev.py links   # check external links (needs the network; not part of the tests)

Each creates `.venv/` and installs a hash-checked lock into it the first time, and again only
when that lock changes (`.venv/requirements.sha256` records which lock and its hash), so
re-running them is quick: `requirements/site.txt` for serve and build, `requirements/test.txt`
(which includes it) for the rest; DEV_LOCK names another (the GPU job: test-cuda.txt). torch
comes first, on its own, from PyTorch's CPU wheel index. Needs Python 3.11 or newer and, on
Debian or Ubuntu, python3-venv; for the browser tests, Chromium and `fonts-noto-cjk` (without
them those tests skip, saying so, unless REQUIRE_BROWSER=1 makes them mandatory).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCKS = ROOT / "requirements"
STAMP = VENV / "requirements.sha256"
# PyTorch's CPU wheel index; TORCH_CPU_INDEX names a mirror of it where that one is out of reach.
CPU_INDEX = os.environ.get("TORCH_CPU_INDEX", "https://download.pytorch.org/whl/cpu")
SUPERSETS = {"site.txt": ("test.txt", "lab.txt"), "test.txt": ("lab.txt",)}  # locks that hold another's packages
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def lock_for(command: str) -> Path:
    chosen = os.environ.get("DEV_LOCK")
    if chosen:
        return ROOT / chosen
    if command == "lab":
        return LOCKS / "lab.txt"
    return LOCKS / ("site.txt" if command in {"serve", "build"} else "test.txt")


def stamp_of(lock: Path) -> str:
    return f"{lock.name} {hashlib.sha256(lock.read_bytes()).hexdigest()}"


def torch_entries(lock: Path) -> str:
    """The lock's torch lines (pin and hashes), to install torch on its own first."""
    kept, inside = [], False
    for line in lock.read_text(encoding="utf-8").splitlines():
        if not line.startswith((" ", "\t")):
            inside = line.startswith("torch==")
        if inside:
            kept.append(line)
    return "\n".join(kept) + "\n"


def ensure_environment(lock: Path | None = None) -> None:
    lock = lock or LOCKS / "test.txt"
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    have = STAMP.read_text().strip() if STAMP.exists() else ""
    holds_it = [lock, *(LOCKS / name for name in SUPERSETS.get(lock.name, ()))]
    if any(candidate.exists() and have == stamp_of(candidate) for candidate in holds_it):
        return
    if not (BIN / "python").exists():
        try:
            import ensurepip  # noqa: F401 - Debian and Ubuntu split it off into python3-venv
        except ImportError:
            version = f"{sys.version_info.major}.{sys.version_info.minor}"
            sys.exit(
                f"Python {version} here cannot create a virtual environment with pip (no ensurepip).\n"
                f"On Debian or Ubuntu: sudo apt install python3-venv   (or python{version}-venv), then run this again."
            )
        print("Creating .venv/ ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print(f"Installing {lock.relative_to(ROOT).as_posix()} into .venv/ (first run only) ...", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--require-hashes"]
    torch = torch_entries(lock)
    if "+cpu" in torch:  # the CPU build lives on PyTorch's own index, not on PyPI
        only_torch = VENV / "torch-requirement.txt"
        only_torch.write_text(torch, encoding="utf-8")
        pin = next(line.split()[0] for line in torch.splitlines() if line.startswith("torch==") and "+cpu" in line)
        install(
            [*pip, "--no-deps", "--retries", "1", "--extra-index-url", CPU_INDEX, "-r", str(only_torch)],
            f"pip could not install {pin}, PyTorch's CPU build, from {CPU_INDEX} (pip's messages are above;\n"
            f"\"conflicting dependencies\" there usually means that index could not be reached). Where it is out of\n"
            f"reach, set TORCH_CPU_INDEX to a mirror of it and run this again.",
        )
    install([*pip, "-r", str(lock)], f"pip could not install {lock.relative_to(ROOT).as_posix()} (its messages are above).")
    STAMP.write_text(stamp_of(lock) + "\n")


def install(command: list[str], failure: str) -> None:
    """Run pip; if it fails, stop with ``failure``, not with a traceback of dev.py."""
    if subprocess.run(command).returncode != 0:
        sys.exit(failure)


def run(*command: str) -> int:
    """Become ``command`` (the environment's Python), so that the process started as
    `python3 dev.py …` is the tool itself: its PID stops it, and its exit status is the tool's."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")  # silence Material's end-of-life banner
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    os.chdir(ROOT)
    sys.stdout.flush()
    if os.name == "nt":  # no exec that keeps the PID there
        return subprocess.run(command, env=env).returncode
    os.execve(command[0], list(command), env)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"serve", "test", "build", "bench", "links", "new", "check", "lab"}:
        print(__doc__)
        return 2
    if argv[0] == "new":
        from scripts.new_page import main as new_page

        return new_page(argv[1:])
    ensure_environment(lock_for(argv[0]))
    python = str(BIN / "python")
    if argv[0] in {"serve", "build"}:
        return run(python, "-m", "mkdocs", argv[0], *argv[1:])
    if argv[0] in {"bench", "links", "lab"}:
        script = {"bench": "benchmarks/bench.py", "links": "scripts/check_links.py", "lab": "scripts/lab.py"}[argv[0]]
        return run(python, script, *argv[1:])
    if argv[0] == "check":
        if not argv[1:] or argv[1].startswith("-"):
            print("usage: python3 dev.py check PAGE [pytest arguments], e.g. python3 dev.py check bn-vs-ln")
            return 2
        tests = ["tests/content", "tests/snippets", "tests/site", "tests/downloads"]
        return run(python, "-m", "pytest", "-p", "no:cacheprovider", "--page", argv[1], *tests, *argv[2:])
    from tests.node.install import ensure_node_tools

    ensure_node_tools()  # vnu-jar for the HTML validator test; says why when it cannot, never stops the tests
    return run(python, "-m", "pytest", *argv[1:])


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
