"""`mkdocs serve` rebuilds when a snippet changes (snippets/ is in `watch:`), so an author
sees a changed example, and its new output, without restarting the server."""

from __future__ import annotations

import os
import subprocess
import sys
import time

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


def test_serve_rebuilds_when_a_snippet_changes(tmp_path):
    project = copy_project(tmp_path / "project")
    port = free_port()
    log_file = tmp_path / "serve.log"
    with open(log_file, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project, stdout=log, stderr=subprocess.STDOUT,
            env=dict(os.environ, NO_MKDOCS_2_WARNING="1", SITE_URL=f"http://127.0.0.1:{port}/"),
        )
    try:
        url = f"http://127.0.0.1:{port}/en/bn-vs-ln/"
        read_log = log_file.read_text
        wait_for(lambda: "LayerNorm" in fetch(url), 240, "the page was not served", read_log)

        snippet = project / "snippets" / "bn-vs-ln" / "invariants.py"
        text = snippet.read_text(encoding="utf-8")
        text = text.replace('print(f"LayerNorm  per-token  mean:', 'print("served-after-edit")\nprint(f"LayerNorm  per-token  mean:', 1)
        snippet.write_text(text, encoding="utf-8")
        # The edited code and its new output both appear.
        wait_for(lambda: fetch(url).count("served-after-edit") >= 2, 240, "the edit did not show", read_log)
    finally:
        server.terminate()
        server.wait(timeout=30)
