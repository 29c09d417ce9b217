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


def test_bench_baseline_differs_from_the_site_in_math_and_search_start_up_only(tmp_path):
    """benchmarks/bench.py compares our pages with Material's client-side KaTeX set-up and
    Material's own search start-up; if our config or template moves, it must say so, not
    quietly measure the wrong baseline."""
    bench = load_module("benchmarks/bench.py", "bench")
    project = bench.client_side_project(tmp_path / "client-side")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - hooks/katex_render.py\n" not in config and "  - hooks/katex_render.py\n" in (ROOT / "mkdocs.yml").read_text()
    for asset in ("init.js", "katex.min.js", "auto-render.min.js", "katex.min.css"):
        assert f"assets/katex-client/{asset}" in config
        assert (project / "docs" / "assets" / "katex-client" / asset).is_file()
    assert config.count("extra_javascript:") == 1 and config.count("extra_css:") == 1
    ours = (ROOT / "overrides" / "main.html").read_text(encoding="utf-8")
    theirs = (project / "overrides" / "main.html").read_text(encoding="utf-8")
    assert "lazy-search.js" in ours and "lazy-search.js" not in theirs
    assert len(theirs.splitlines()) == len(ours.splitlines()) - 1


def test_the_serve_address_in_readme_and_dev_py_is_where_the_site_is_served():
    """`mkdocs serve` serves under the path of site_url; `/` only redirects there."""
    from tests.conftest import site_prefix

    address = f"http://127.0.0.1:8000{site_prefix()}"
    for name in ("README.md", "dev.py"):
        serve_line = next(line for line in (ROOT / name).read_text(encoding="utf-8").splitlines() if "dev.py serve " in line)
        assert address in serve_line, f"{name}: {serve_line.strip()!r} does not name {address}"


def test_dev_py_says_what_to_install_when_venv_cannot_have_pip(tmp_path, monkeypatch):
    import builtins

    dev = load_module("dev.py", "dev_without_ensurepip")
    monkeypatch.setattr(dev, "VENV", tmp_path / ".venv")
    monkeypatch.setattr(dev, "BIN", tmp_path / ".venv" / "bin")
    monkeypatch.setattr(dev, "STAMP", tmp_path / ".venv" / "requirements.sha256")
    real_import = builtins.__import__

    def no_ensurepip(name, *args, **kwargs):
        if name == "ensurepip":
            raise ImportError("No module named 'ensurepip'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ensurepip)
    with pytest.raises(SystemExit) as stop:
        dev.ensure_environment()
    assert "sudo apt install python3-venv" in str(stop.value)
    assert not (tmp_path / ".venv").exists()
