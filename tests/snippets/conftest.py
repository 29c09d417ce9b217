from __future__ import annotations

import textwrap

import pytest


@pytest.fixture
def planted(tmp_path):
    """Write a throwaway snippet (dedented) and return its path."""

    def make(code: str):
        path = tmp_path / "planted.py"
        path.write_text(textwrap.dedent(code), encoding="utf-8")
        return path

    return make
