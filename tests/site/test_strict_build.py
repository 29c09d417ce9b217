"""`mkdocs build --strict` passes with zero warnings."""

from __future__ import annotations

import re


def test_build_succeeds(built_site):
    assert built_site.returncode == 0


def test_build_log_has_no_warning_or_error(built_site):
    noisy = [line for line in built_site.log.splitlines() if re.match(r"^(WARNING|ERROR)\s+-", line)]
    assert not noisy, "\n".join(noisy)


def test_build_is_strict():
    """strict: true in mkdocs.yml, so `mkdocs serve` and plain builds are strict too."""
    from tests.conftest import mkdocs_config

    assert mkdocs_config().strict is True


def test_every_language_is_built(built_site):
    for page in ("index.html", "bn-vs-ln/index.html", "en/index.html", "en/bn-vs-ln/index.html"):
        assert (built_site.path / page).is_file(), page
