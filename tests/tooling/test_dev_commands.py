"""The README's commands and the small tools around them: dev.py sets up only when
requirements.txt changed, the skip-or-fail switches work, the KaTeX updater keeps woff2 only."""

from __future__ import annotations

import importlib.util
import subprocess

import pytest

from tests.conftest import ROOT, skip_or_fail


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, ROOT / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dev_py_skips_installation_when_requirements_are_unchanged(tmp_path, monkeypatch):
    dev = load_module("dev.py", "dev")
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("pytest==9.2.0\n")
    venv = tmp_path / ".venv"
    monkeypatch.setattr(dev, "REQUIREMENTS", requirements)
    monkeypatch.setattr(dev, "VENV", venv)
    monkeypatch.setattr(dev, "STAMP", venv / "requirements.sha256")
    monkeypatch.setattr(dev, "BIN", venv / "bin")
    calls = []
    monkeypatch.setattr(dev.subprocess, "run", lambda *a, **k: calls.append(a) or subprocess.CompletedProcess(a, 0))
    def fake_venv(**_):
        class Builder:
            def create(self, directory):
                (directory / "bin").mkdir(parents=True)
                (directory / "bin" / "python").touch()

        return Builder()

    monkeypatch.setattr(dev.venv, "EnvBuilder", fake_venv)

    dev.ensure_environment()
    assert len(calls) == 1, "first run installs"
    dev.ensure_environment()
    assert len(calls) == 1, "second run with the same requirements installs nothing"
    requirements.write_text("pytest==9.2.0\nnumpy==2.4.6\n")
    dev.ensure_environment()
    assert len(calls) == 2, "a changed requirements.txt installs again"


def test_dev_py_without_a_command_prints_usage():
    done = subprocess.run(["python3", "dev.py"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and "python3 dev.py serve" in done.stdout


@pytest.mark.parametrize(("value", "outcome"), [("", "skip"), ("0", "skip"), ("1", "fail")])
def test_skip_or_fail(monkeypatch, value, outcome):
    monkeypatch.setenv("REQUIRE_SOMETHING", value)
    expected = pytest.skip.Exception if outcome == "skip" else pytest.fail.Exception
    with pytest.raises(expected, match="no widget"):
        skip_or_fail("no widget", "REQUIRE_SOMETHING")


def test_katex_updater_keeps_only_woff2():
    update = load_module("scripts/update_katex.py", "update_katex")
    css = ('@font-face{font-family:KaTeX_Main;src:url(fonts/KaTeX_Main-Regular.woff2) format("woff2"),'
           'url(fonts/KaTeX_Main-Regular.woff) format("woff"),url(fonts/KaTeX_Main-Regular.ttf) format("truetype")}')
    assert update.strip_legacy_fonts(css) == (
        '@font-face{font-family:KaTeX_Main;src:url(fonts/KaTeX_Main-Regular.woff2) format("woff2")}'
    )


def test_link_checker_finds_the_external_links_of_every_page():
    check_links = load_module("scripts/check_links.py", "check_links")
    links = check_links.external_links(ROOT / "docs")
    assert "https://arxiv.org/abs/1502.03167" in links
    assert any(where.startswith("docs/zh/") for where in links["https://arxiv.org/abs/1502.03167"])
    assert all(url.startswith(("http://", "https://")) for url in links)
