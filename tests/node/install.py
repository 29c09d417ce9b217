"""Node packages the tests and the benchmark use, installed from tests/node/package-lock.json
(exact versions, integrity hashes): `vnu-jar`, the Nu Html Checker that
tests/site/test_valid_html.py runs with the machine's Java, and `lighthouse` (12.2.3, a version
that runs on Node 20), which `dev.py bench` runs with the machine's Chromium.

    python3 tests/node/install.py     # install, or do nothing when already up to date

`npm ci` runs only when tests/node/node_modules is missing or older than the lock, and with
`--ignore-scripts`: no package here needs its install script, and vnu-jar's would download a
Java runtime from GitHub when the machine has none; the tests use the machine's Java (or skip,
saying so). Standard library only, so that dev.py can call `ensure_node_tools()` before its
virtual environment exists.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCK = HERE / "package-lock.json"
MODULES = HERE / "node_modules"
INSTALLED = MODULES / ".package-lock.json"  # npm writes it at the end of every install
VNU_JAR = MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


def up_to_date() -> bool:
    return INSTALLED.is_file() and VNU_JAR.is_file() and INSTALLED.stat().st_mtime >= LOCK.stat().st_mtime


def ensure_node_tools(quiet: bool = False) -> str | None:
    """Install the locked Node packages when needed. Returns None when they are in place, else
    why not (no npm, or npm failed), which it also prints: it does not stop the caller, since
    the tests that need the packages skip saying so (or fail where REQUIRE_VALIDATOR=1)."""
    if up_to_date():
        return None
    npm = shutil.which("npm")
    if npm is None:
        problem = "npm not found, so vnu-jar is not installed: the HTML validator test will skip (Debian: apt install npm)"
    else:
        if not quiet:
            print(f"Installing the tests' Node packages from {LOCK.relative_to(HERE.parent.parent)} ...", flush=True)
        done = subprocess.run(
            [npm, "ci", "--prefix", str(HERE), "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel", "error"],
            capture_output=True,
            text=True,
        )
        if done.returncode == 0 and VNU_JAR.is_file():
            return None
        problem = f"npm ci in {HERE} failed ({done.returncode}):\n{(done.stdout + done.stderr).strip()[-2000:]}"
    if not quiet:
        print(problem, file=sys.stderr, flush=True)
    return problem


if __name__ == "__main__":
    sys.exit(1 if ensure_node_tools() else 0)
