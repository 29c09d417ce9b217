"""The snippets' CPU runs and the site are made beside the tests (tests/conftest.py,
SessionSite): a test that asks for a run being made waits for it instead of making it again,
and a copy of the project cannot be built from a cache the session's build is still filling."""

from __future__ import annotations

import threading
import time

import pytest

from tests.conftest import CpuRuns, SessionSite, copy_project


def test_a_run_being_made_is_waited_for_not_made_again(planted, tmp_path):
    log = tmp_path / "started.txt"
    path = planted(f"""
        import time
        with open({str(log)!r}, "a") as log:
            log.write("run\\n")
        time.sleep(1)
        print("done")
    """)
    runs = CpuRuns(workers=2)
    beside = threading.Thread(target=runs.prefetch, args=({path},))
    beside.start()
    deadline = time.monotonic() + 60
    while not log.exists() and time.monotonic() < deadline:  # the prefetch has started the first run
        time.sleep(0.05)
    first, second = runs[path]
    beside.join()
    assert first.stdout == second.stdout == "done\n"
    assert log.read_text().count("run") == 2, "the two runs were made again by the test that asked for them"


def test_no_copy_of_the_project_with_its_cache_while_the_session_build_fills_it(tmp_path, monkeypatch):
    class Building:
        build = True
        built = threading.Event()  # never set: the build is still running

    monkeypatch.setattr(SessionSite, "current", Building())
    with pytest.raises(RuntimeError, match="after_session_build"):
        copy_project(tmp_path / "project")
    copy_project(tmp_path / "bare", with_cache=False)  # a copy without the cache is fine
