"""`mkdocs build --strict` passes with zero warnings."""

from __future__ import annotations

import re

import pytest

from tests.conftest import build_site


def test_build_log_has_no_warning_or_error(built_site):
    noisy = [line for line in built_site.log.splitlines() if re.match(r"^(WARNING|ERROR)\s+-", line)]
    assert not noisy, "\n".join(noisy)


def test_build_log_is_free_of_repeated_noise(built_site):
    """hooks/quiet_log.py: the lines every build repeats are dropped, so that what matters shows."""
    for noise in ("Overriding '", "has no git logs", "Template skipped", "Building prefix dict", "Loading model"):
        assert noise not in built_site.log, f"{noise!r} in the build log"


def test_quiet_log_drops_noise_but_never_a_warning():
    import logging

    from hooks.quiet_log import DropNoise

    def record(level, message):
        return logging.LogRecord("mkdocs.plugins.x", level, __file__, 1, message, None, None)

    noise = DropNoise()
    assert not noise.filter(record(logging.INFO, "Overriding 'en' config 'site_name' with 'X'"))
    assert noise.filter(record(logging.INFO, "Documentation built in 4.80 seconds"))
    assert noise.filter(record(logging.WARNING, "Overriding 'en' config: but a warning"))


@pytest.mark.slow
def test_a_plain_build_is_strict_too(tmp_path):
    """strict: true in mkdocs.yml, so `mkdocs serve` and `mkdocs build` without --strict stop
    on a warning too (here a broken link in a small copy of the project)."""
    import os
    import subprocess
    import sys

    from tests.site.test_refused_mistakes import both, small_project

    pages = both("index.md", "Home")
    pages["en/index.md"] += "\nSee [a page that is not there](no-such-page.md).\n"
    project = small_project(tmp_path, pages, ["index.md"])
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "site")],
        cwd=project, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), capture_output=True, text=True, timeout=300,
    )
    assert done.returncode != 0 and "Aborted with 1 warnings in strict mode" in done.stdout + done.stderr


def test_every_language_is_built(built_site):
    for page in ("index.html", "bn-vs-ln/index.html", "en/index.html", "en/bn-vs-ln/index.html"):
        assert (built_site.path / page).is_file(), page


# --- planted faults -------------------------------------------------------------------


BROKEN = {"no-such-page.md": "is not found", "bn-vs-ln.md#no-such-anchor": "anchor"}


@pytest.fixture(scope="module")
def broken_links_build(tmp_path_factory):
    """A strict build of a small copy of the project whose English home links to a page that
    is not there and to an anchor that is not there, each planted once; a strict build lists
    every warning before it aborts, so one build shows both."""
    from tests.site.test_refused_mistakes import both, small_project

    tmp_path = tmp_path_factory.mktemp("broken-links")
    pages = {**both("index.md", "Home"), **both("bn-vs-ln.md", "Target")}
    pages["en/index.md"] += "".join(f"\nSee [this]({target}).\n" for target in BROKEN)
    project = small_project(tmp_path, pages, ["index.md", "bn-vs-ln.md"])
    done = build_site(project, tmp_path / "site")
    return done.returncode, done.stdout + done.stderr


@pytest.mark.slow
@pytest.mark.parametrize(("target", "reason"), BROKEN.items())
def test_broken_internal_link_or_anchor_fails_the_build(broken_links_build, target, reason):
    returncode, log = broken_links_build
    assert returncode != 0, log[-2000:]
    warning = next((line for line in log.splitlines() if line.startswith("WARNING") and target in line), "")
    assert f"Doc file 'en/index.md' contains a link '{target}'" in warning and reason in warning, log[-2000:]
