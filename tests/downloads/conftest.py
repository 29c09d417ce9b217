"""The downloads' runs are made in the session's thread once the site is built and the tour
is made (tests/conftest.py, SessionSite), one at a time, while the tests that read the site run
on the other core; each download test then waits for its own run only."""

from __future__ import annotations

import pytest

from tests.conftest import AFTER_BUILD

CPU_RUNS = pytest.StashKey["Runs"]()


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected
def pytest_collection_modifyitems(config, items):
    from tests.downloads.test_downloads import Runs, pages_run_by

    pages = pages_run_by(items)
    if pages and not config.option.collectonly:
        runs = config.stash[CPU_RUNS] = Runs("cpu", workers=1)
        config.stash.setdefault(AFTER_BUILD, {})["the downloads run"] = lambda site: runs.prefetch(site.path, pages)


@pytest.hookimpl(tryfirst=True)  # before SessionSite waits for its thread
def pytest_unconfigure(config):
    runs = config.stash.get(CPU_RUNS, None)
    if runs is not None:
        runs.stopping.set()
