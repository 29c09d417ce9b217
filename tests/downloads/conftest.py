"""The downloads' runs are offered at collection and made in the session's thread once the
site is built and the tour is made (tests/conftest.py, SessionSite), one at a time, while the
tests that read the site run on the other core. A download test makes its own run where nobody
has started it yet, and while it waits for its own, it makes other offered ones (Made)."""

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
        # Offered now: a download test that comes while the thread is still on the tour makes
        # its run itself, and one that waits makes other offered runs meanwhile (Made.get).
        runs.offer_pages(pages)
        config.stash.setdefault(AFTER_BUILD, {})["the downloads run"] = lambda site: runs.prefetch(site.path, pages)


@pytest.hookimpl(tryfirst=True)  # before SessionSite waits for its thread
def pytest_unconfigure(config):
    runs = config.stash.get(CPU_RUNS, None)
    if runs is not None:
        runs.stopping.set()
