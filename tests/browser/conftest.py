"""The tour of every page (tour.py) is made in the session's thread as soon as the site is
built (tests/conftest.py, SessionSite: its first job after the build), while the main thread
runs the tests that read the site; the tests that read the tour run last and wait for it."""

from __future__ import annotations

import pytest

from tests.browser.tour import Tour, all_pages, tour_every_page
from tests.conftest import AFTER_BUILD, CHROMIUM_ARGS, Made, find_chromium, serve, site_prefix

TOUR = pytest.StashKey[Made]()


def walk(site) -> Tour:
    url, server = serve(site.path)
    try:
        return tour_every_page(find_chromium(), CHROMIUM_ARGS, url, all_pages(site))
    finally:
        server.shutdown()


def make_tour(made: Made, site) -> None:
    if made.claim(["tour"]):
        made.make("tour", lambda: walk(site))


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected
def pytest_collection_modifyitems(config, items):
    if any("tour" in getattr(item, "fixturenames", ()) for item in items) and not config.option.collectonly:
        made = config.stash[TOUR] = Made()
        site_prefix()  # read here, in the main thread (see site_prefix)
        # Without a Chromium there is nothing to make; the tour fixture skips, or fails, then.
        job = {"the tour": lambda site: find_chromium() and make_tour(made, site)}
        config.stash[AFTER_BUILD] = {**job, **config.stash.get(AFTER_BUILD, {})}  # before the downloads


@pytest.hookimpl(tryfirst=True)  # before SessionSite waits for its thread
def pytest_unconfigure(config):
    made = config.stash.get(TOUR, None)
    if made is not None:
        made.stopping.set()


@pytest.fixture(scope="session")
def tour(built_site, browser, request) -> Tour:
    """Every built page, loaded once. The tour starts its own Chromiums; depending on `browser`
    makes it skip, or fail, as the other browser tests do. Where the session's thread did not
    make it (or failed to), it is made here, and fails here."""
    made = request.config.stash.get(TOUR, None) or Made()
    return made.get("tour", lambda: make_tour(made, built_site))


@pytest.fixture
def phone(browser):
    """A page 375 px wide in a context of its own, for the tests that plant a fault in it."""
    context = browser.new_context(viewport={"width": 375, "height": 600})
    try:
        yield context.new_page()
    finally:
        context.close()
