"""`python3 dev.py serve` rebuilds when a snippet changes (snippets/ is in `watch:`), so an
author sees a changed example, and its new output, without restarting the server; and it stops,
with what it started, when its pid is killed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import copy_project, fetch, free_port

pytestmark = pytest.mark.slow


def wait_for(predicate, timeout: float, what: str, log) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    pytest.fail(f"mkdocs serve: {what} within {timeout:.0f} s\n{log()[-3000:]}")


@dataclass
class Served:
    project: Path
    server: subprocess.Popen
    url: str  # of en/bn-vs-ln/
    log: Path
    folders: set[Path]  # the temporary build folders that appeared once it served


@pytest.fixture(scope="module")
def served(tmp_path_factory, after_session_build):
    """`python3 dev.py serve` in a copy of the project, as an author starts it, serving; one
    server for this module's tests (each start builds the whole site), stopped at the end
    unless a test stopped it."""
    from tests.conftest import ROOT

    tmp_path = tmp_path_factory.mktemp("serve")
    project = copy_project(tmp_path / "project")
    (project / "dev.py").write_bytes((ROOT / "dev.py").read_bytes())
    shutil.copytree(ROOT / "requirements", project / "requirements")
    (project / ".venv").symlink_to(ROOT / ".venv")  # set up already: dev.py installs nothing
    port = free_port()
    log_file = tmp_path / "serve.log"
    earlier = set(Path(tempfile.gettempdir()).glob("mkdocs_*"))
    with open(log_file, "w") as log:
        server = subprocess.Popen(
            ["python3", "dev.py", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project, stdout=log, stderr=subprocess.STDOUT,
            env=dict(os.environ, SITE_URL=f"http://127.0.0.1:{port}/"),
        )
    url = f"http://127.0.0.1:{port}/en/bn-vs-ln/"
    try:
        wait_for(lambda: "LayerNorm" in fetch(url), 240, "the page was not served", log_file.read_text)
        yield Served(project, server, url, log_file, set(Path(tempfile.gettempdir()).glob("mkdocs_*")) - earlier)
    finally:
        if server.poll() is None:  # stopped as `kill PID` stops it (hooks/stop_on_sigterm.py), so it cleans up
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=30)


def test_serve_rebuilds_when_a_snippet_changes(served):
    assert served.server.poll() is None, "the server had stopped before this test (it comes first in this file)"
    snippet = served.project / "snippets" / "bn-vs-ln" / "invariants.py"
    text = snippet.read_text(encoding="utf-8")
    text = text.replace('print(f"LayerNorm  per-token  mean:', 'print("served-after-edit")\nprint(f"LayerNorm  per-token  mean:', 1)
    snippet.write_text(text, encoding="utf-8")
    # The edited code and its new output both appear.
    wait_for(lambda: fetch(served.url).count("served-after-edit") >= 2, 240, "the edit did not show", served.log.read_text)


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for task in os.listdir(f"/proc/{parent}/task") if os.path.isdir(f"/proc/{parent}/task") else []:
            try:
                children = open(f"/proc/{parent}/task/{task}/children").read().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads process trees from /proc (Linux)")
def test_dev_py_serve_is_stopped_by_its_pid(served):
    """`python3 dev.py serve &` then `kill $!` stops the server and its snippet runner: dev.py
    becomes mkdocs (exec), and the fork server ends when mkdocs does. (It stops the module's
    server, so it comes last in this file.)"""
    server = served.server
    assert server.poll() is None, "the server had stopped before this test"
    assert b"mkdocs" in open(f"/proc/{server.pid}/cmdline", "rb").read(), "dev.py did not become mkdocs"
    children = descendants(server.pid)
    assert children, "the snippet runner (hooks/forked_runs.py) should be running"
    assert served.folders, "mkdocs serve builds into a temporary folder"
    server.terminate()
    server.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(alive(child) for child in children):
        time.sleep(0.2)
    assert not any(alive(child) for child in children), "a child of mkdocs serve outlived it"
    assert fetch(served.url) == "", "the port still answers"
    left = [folder for folder in served.folders if folder.exists()]
    assert not left, f"serve's build folder was left behind: {left}"
