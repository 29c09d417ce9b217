"""scripts/lab.py (`python3 dev.py lab`): every notebook the site offers, one folder each."""

from __future__ import annotations

import subprocess
import sys

from scripts.lab import gather
from tests.conftest import ROOT


def test_every_notebook_of_the_site_gets_a_folder_of_its_own(built_site, tmp_path):
    offered = sorted(p for p in built_site.path.rglob("*.ipynb") if "assets" not in p.relative_to(built_site.path).parts)
    stale = tmp_path / "en" / "removed-page"
    stale.mkdir(parents=True)
    copies = gather(built_site.path, tmp_path)
    assert len(copies) == len(offered) and len({c.parent for c in copies}) == len(copies)
    assert not stale.exists(), "a folder left by a page that is gone"
    names = {c.relative_to(tmp_path).as_posix() for c in copies}
    assert {"en/bn-vs-ln/bn-vs-ln.en.ipynb", "zh/bn-vs-ln/bn-vs-ln.zh.ipynb", "zh/experiments/experiments.zh.ipynb",
            "en/experiments-statistics/statistics.en.ipynb", "zh/notebooks-statistics-axes/statistics-axes.ipynb"} <= names


def test_without_jupyterlab_it_says_how_to_install_it():
    probe = "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('jupyterlab') else 1)"
    if subprocess.run([sys.executable, "-c", probe]).returncode == 0:
        return  # installed here: nothing to tell
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "lab.py")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "JupyterLab is not installed" in done.stderr and "-m pip install jupyterlab" in done.stderr
