"""The site's notebooks in JupyterLab, from the project's environment (`python3 dev.py lab`).

    python3 dev.py lab                   # build, gather the notebooks, start JupyterLab
    python3 dev.py lab --no-browser      # arguments after `lab` go to JupyterLab
    python scripts/lab.py --gather-only  # build and gather, print where, start nothing

Every notebook a reader can download is opened as the reader gets it: the site is built (as
`dev.py build` does, into .cache/lab-site/), and each page's notebook (hooks/page_downloads.py)
and each notebook page's .ipynb is copied into a folder of its own under
.cache/lab/<language>/<page>/, since a download writes the files it carries next to itself.
The folders are made afresh at every start: change the pages and snippets, not the copies. The
notebook pages look for the repository above their folder, and find this one.

JupyterLab is not in the locks (the site and the tests do not need it); without it this
says how to install it into .venv/ and exits with status 2.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKSPACE = ROOT / ".cache" / "lab"
SITE = ROOT / ".cache" / "lab-site"
INSTALL = f"{Path(sys.executable).as_posix()} -m pip install jupyterlab"


def build(site: Path) -> None:
    """The site, built as `dev.py build` builds it; its log only when the build fails."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"the site did not build:\n{done.stdout}{done.stderr}")


def gather(site: Path, workspace: Path) -> list[Path]:
    """Copy every notebook the built ``site`` offers into ``workspace``/<language>/<page>/, in
    place of what the last start left there; return the copies.
    'en/bn-vs-ln/bn-vs-ln.en.ipynb' -> en/bn-vs-ln/bn-vs-ln.en.ipynb,
    'notebooks/statistics-axes/statistics-axes.ipynb' -> zh/notebooks-statistics-axes/…"""
    for language in ("zh", "en"):
        shutil.rmtree(workspace / language, ignore_errors=True)
    copies = []
    for notebook in sorted(site.rglob("*.ipynb")):
        parts = notebook.parent.relative_to(site).parts
        if not parts or parts[0] == "assets":
            continue
        language, page = ("en", parts[1:]) if parts[0] == "en" else ("zh", parts)
        folder = workspace / language / ("-".join(page) or "index")
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(notebook, folder / notebook.name)
        copies.append(folder / notebook.name)
    return copies


def main(argv: list[str]) -> int:
    gather_only = "--gather-only" in argv
    arguments = [a for a in argv if a != "--gather-only"]
    if not gather_only and importlib.util.find_spec("jupyterlab") is None:
        print(f"JupyterLab is not installed in this environment ({sys.prefix}).\nInstall it with:\n    {INSTALL}\nthen run this again.", file=sys.stderr)
        return 2
    print("Building the site ...", flush=True)
    build(SITE)
    copies = gather(SITE, WORKSPACE)
    print(f"{len(copies)} notebooks in {WORKSPACE.relative_to(ROOT).as_posix()}/ (made afresh at each start)", flush=True)
    if gather_only:
        return 0
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={WORKSPACE}", *arguments]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in arguments:
        command.append("--allow-root")  # a container's root user: JupyterLab refuses it otherwise
    sys.stdout.flush()
    if os.name == "nt":
        return subprocess.run(command).returncode
    os.execv(command[0], command)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
