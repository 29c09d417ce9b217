from __future__ import annotations

import pytest

from tests.browser.tour import all_pages, tour_every_page
from tests.conftest import CHROMIUM_ARGS, find_chromium


@pytest.fixture(scope="session")
def tour(built_site, site_url, browser):
    """Every built page, loaded once (tests/browser/tour.py). The tour starts its own
    Chromiums; depending on `browser` makes it skip, or fail, as the other browser tests do."""
    return tour_every_page(find_chromium(), CHROMIUM_ARGS, site_url, all_pages(built_site))
