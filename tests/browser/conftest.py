from __future__ import annotations

import pytest

from tests.browser.tour import all_pages, tour_every_page


@pytest.fixture(scope="session")
def tour(built_site, site_url, browser):
    """Every built page, loaded once (tests/browser/tour.py)."""
    return tour_every_page(browser, site_url, all_pages(built_site))
