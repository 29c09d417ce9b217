"""Two checks of the whole site are jobs of the session's thread (tests/conftest.py, SessionSite,
AFTER_BUILD), which offers and makes them while the main thread runs the tests before them: the
Nu checker's run over the built site (test_valid_html.py), then a second build of the site, for
a given base URL and repository, as the publishing workflow builds it (test_published_urls.py).
The tests that read them offer them too: each makes its job itself where the thread has not
started it, waits for it where the thread is making it, and makes it again, to fail or skip
there, where the thread's attempt failed (Made)."""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.conftest import AFTER_BUILD, Made

SITE_JOBS = pytest.StashKey[Made]()
JOBS = {"site_check": "the site validated", "published": "the site built for publishing"}


def validate(made: Made, site) -> None:
    from tests.site.test_valid_html import VNU_JAR, check_site

    if shutil.which("java") and VNU_JAR.is_file():  # else the test skips, or fails, saying why
        made.offer({"site": functools.partial(check_site, site.path)})
        made.work()


def build_published(made: Made, site=None) -> None:
    from tests.site.test_published_urls import build_for_publishing

    made.offer({"published": build_for_publishing})
    made.work()


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected
def pytest_collection_modifyitems(config, items):
    if config.option.collectonly:
        return
    wanted = [fixture for fixture in JOBS if any(fixture in getattr(item, "fixturenames", ()) for item in items)]
    if wanted:
        made = config.stash[SITE_JOBS] = Made()
        jobs = {"site_check": validate, "published": build_published}
        for fixture in wanted:
            config.stash.setdefault(AFTER_BUILD, {})[JOBS[fixture]] = functools.partial(jobs[fixture], made)


@pytest.hookimpl(tryfirst=True)  # before SessionSite waits for its thread
def pytest_unconfigure(config):
    made = config.stash.get(SITE_JOBS, None)
    if made is not None:
        made.stopping.set()


def site_jobs(config) -> Made:
    return config.stash.get(SITE_JOBS, None) or Made()


def temporary_folder(prefix: str) -> Path:
    """A folder that lives as long as the session (the test process)."""
    import atexit

    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder
