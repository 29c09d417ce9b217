"""The Nu checker's run over the built site (test_valid_html.py) is a job of the session's thread
(tests/conftest.py, SessionSite, AFTER_BUILD), which offers and makes it, while the main thread
runs the tests before it. The test that reads it offers it too: it makes it itself where the
thread has not started it, waits for it where the thread is making it, and makes it again, to
fail or skip there, where the thread's attempt failed (Made)."""

from __future__ import annotations

import functools
import shutil

import pytest

from tests.conftest import AFTER_BUILD, Made

VALIDATION = pytest.StashKey[Made]()


def validate(made: Made, site) -> None:
    from tests.site.test_valid_html import VNU_JAR, check_site

    if shutil.which("java") and VNU_JAR.is_file():  # else the test skips, or fails, saying why
        made.offer({"site": functools.partial(check_site, site.path)})
        made.work()


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected
def pytest_collection_modifyitems(config, items):
    if any("site_check" in getattr(item, "fixturenames", ()) for item in items) and not config.option.collectonly:
        made = config.stash[VALIDATION] = Made()
        config.stash.setdefault(AFTER_BUILD, {})["the site validated"] = functools.partial(validate, made)


@pytest.hookimpl(tryfirst=True)  # before SessionSite waits for its thread
def pytest_unconfigure(config):
    made = config.stash.get(VALIDATION, None)
    if made is not None:
        made.stopping.set()
