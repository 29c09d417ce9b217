"""The README's commands and the small tools around them: dev.py sets up from the right lock,
only when it changed, the skip-or-fail switches work, the KaTeX updater keeps woff2 only."""

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


def fake_environment(dev, tmp_path, monkeypatch) -> list:
    locks = tmp_path / "requirements"
    locks.mkdir()
    (locks / "site.txt").write_text("mkdocs==1.6.1 \\\n    --hash=sha256:aa\n")
    (locks / "test.txt").write_text(  # as uv writes it: macOS's plain wheel first, then the CPU build
        "pytest==9.2.0 \\\n    --hash=sha256:bb\ntorch==2.13.0 ; sys_platform == 'darwin' \\\n    --hash=sha256:dd\n"
        "torch==2.13.0+cpu ; sys_platform != 'darwin' \\\n    --hash=sha256:cc\n"
    )
    venv = tmp_path / ".venv"
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    monkeypatch.setattr(dev, "LOCKS", locks)
    monkeypatch.setattr(dev, "VENV", venv)
    monkeypatch.setattr(dev, "STAMP", venv / "requirements.sha256")
    monkeypatch.setattr(dev, "BIN", venv / "bin")
    calls = []
    monkeypatch.setattr(dev.subprocess, "run", lambda *a, **k: calls.append(a[0]) or subprocess.CompletedProcess(a, 0))

    def fake_venv(**_):
        class Builder:
            def create(self, directory):
                (directory / "bin").mkdir(parents=True)
                (directory / "bin" / "python").touch()

        return Builder()

    monkeypatch.setattr(dev.venv, "EnvBuilder", fake_venv)
    return calls


def test_dev_py_installs_a_lock_once_hash_checked_with_torch_from_its_cpu_index(tmp_path, monkeypatch):
    dev = load_module("dev.py", "dev")
    calls = fake_environment(dev, tmp_path, monkeypatch)
    dev.ensure_environment(dev.lock_for("test"))
    assert len(calls) == 2, "torch on its own, then the lock"
    assert "--extra-index-url" in calls[0] and "--no-deps" in calls[0] and all("--require-hashes" in c for c in calls)
    assert "torch==2.13.0+cpu ;" in (tmp_path / ".venv" / "torch-requirement.txt").read_text()
    assert "--extra-index-url" not in calls[1] and str(tmp_path / "requirements" / "test.txt") in calls[1]
    dev.ensure_environment(dev.lock_for("test"))
    dev.ensure_environment(dev.lock_for("serve"))
    assert len(calls) == 2, "an unchanged lock, or the site's when the tests' (a superset) is in, installs nothing"
    (tmp_path / "requirements" / "test.txt").write_text("pytest==9.2.0 \\\n    --hash=sha256:dd\n")
    dev.ensure_environment(dev.lock_for("check"))
    assert len(calls) == 3, "a changed lock installs again"
    assert dev.lock_for("lab") == tmp_path / "requirements" / "lab.txt"
    monkeypatch.setenv("DEV_LOCK", "requirements/site.txt")
    assert dev.lock_for("test") == tmp_path / "requirements" / "site.txt"


def test_dev_py_says_plainly_when_torch_cannot_be_installed(tmp_path, monkeypatch):
    """A machine that cannot reach PyTorch's CPU index gets a sentence that names the index,
    the pin and TORCH_CPU_INDEX, not pip's "conflicting dependencies" and a traceback."""
    monkeypatch.setenv("TORCH_CPU_INDEX", "https://mirror.invalid/whl/cpu")
    dev = load_module("dev.py", "dev_with_a_mirror")
    calls = fake_environment(dev, tmp_path, monkeypatch)
    monkeypatch.setattr(dev.subprocess, "run", lambda *a, **k: calls.append(a[0]) or subprocess.CompletedProcess(a, 1))
    with pytest.raises(SystemExit) as stop:
        dev.ensure_environment(dev.lock_for("test"))
    assert calls[0][calls[0].index("--extra-index-url") + 1] == "https://mirror.invalid/whl/cpu"
    message = str(stop.value)
    assert "torch==2.13.0+cpu," in message and "https://mirror.invalid/whl/cpu" in message and "TORCH_CPU_INDEX" in message
    assert len(calls) == 1 and not (tmp_path / ".venv" / "requirements.sha256").exists()


def test_the_locks_are_hash_checked_and_cpu_torch_accepts_each_platforms_wheel():
    for lock in ("site.txt", "test.txt", "test-cuda.txt", "lab.txt"):
        text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
        entries = [line for line in text.splitlines() if line and not line.startswith((" ", "#", "-"))]
        assert entries and all("==" in e and e.rstrip().endswith("\\") for e in entries), f"{lock}: an entry without hashes"
    cpu = (ROOT / "requirements" / "test.txt").read_text(encoding="utf-8")
    recorded = (ROOT / "requirements" / "torch-cpu.sha256").read_text(encoding="utf-8").split()[::2]
    assert all(digest in cpu for digest in recorded)
    assert "nvidia" not in cpu and "nvidia-cublas" in (ROOT / "requirements" / "test-cuda.txt").read_text()
    site = {line.split("==")[0].lower() for line in (ROOT / "requirements" / "site.txt").read_text().splitlines() if "==" in line}
    tests = {line.split("==")[0].lower() for line in cpu.splitlines() if "==" in line}
    assert site <= tests and {"pytest", "playwright", "zizmor"} <= tests - site, "the test lock holds the site's and the tools"


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


def test_bench_baseline_differs_from_the_site_in_math_and_search_start_up_only(tmp_path, after_session_build):
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


def test_a_hanging_test_is_stopped_by_the_suite_timeout(tmp_path):
    """pytest.ini sets a per-test timeout (pytest-timeout); planted: a test that sleeps."""
    import configparser
    import sys

    settings = configparser.ConfigParser()
    settings.read(ROOT / "pytest.ini")
    assert int(settings["pytest"]["timeout"]) > 0
    (tmp_path / "test_hangs.py").write_text("import time\n\ndef test_hangs():\n    time.sleep(60)\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\ntimeout = 2\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "Timeout" in done.stdout, done.stdout[-1500:]
