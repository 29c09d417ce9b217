#!/usr/bin/env python3
"""The project's two commands, each doing its own set-up.

    python3 dev.py serve   # build and serve the site at http://127.0.0.1:8000/ with live reload
    python3 dev.py test    # run the whole test suite (extra arguments go to pytest)
    python3 dev.py build   # build the site into site/ (what the publishing workflow uploads)
    python3 dev.py bench   # print the performance report (benchmarks/bench.py; arguments go to it)
    python3 dev.py links   # check external links (needs the network; not part of the tests)

Both create `.venv/` and install `requirements.txt` into it the first time, and again only
when `requirements.txt` changes (a hash of it is kept in `.venv/requirements.sha256`), so
re-running them is quick. Needs Python 3.11 or newer; nothing else on the machine except,
for the browser tests, Debian's `chromium` and `fonts-noto-cjk` (without them those tests
skip, saying so, unless REQUIRE_BROWSER=1 makes them mandatory).
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
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = VENV / "requirements.sha256"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def ensure_environment() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not (BIN / "python").exists():
        print("Creating .venv/ ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing requirements.txt into .venv/ (first run only) ...", flush=True)
    subprocess.run(
        [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(REQUIREMENTS)],
        check=True,
    )
    STAMP.write_text(wanted + "\n")


def run(*command: str) -> int:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")  # silence Material's end-of-life banner
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(command, cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"serve", "test", "build", "bench", "links"}:
        print(__doc__)
        return 2
    ensure_environment()
    if argv[0] in {"serve", "build"}:
        return run(str(BIN / "mkdocs"), argv[0], *argv[1:])
    if argv[0] in {"bench", "links"}:
        script = "benchmarks/bench.py" if argv[0] == "bench" else "scripts/check_links.py"
        return run(str(BIN / "python"), script, *argv[1:])
    return run(str(BIN / "python"), "-m", "pytest", *argv[1:])


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
