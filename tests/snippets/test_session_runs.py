"""The snippets' CPU runs and the site are made beside the tests (tests/conftest.py,
SessionSite): a test that asks for a run being made waits for it instead of making it again,
and a copy of the project cannot be built from a cache the session's build is still filling."""

from __future__ import annotations

import threading
import time

import pytest

from tests.conftest import CpuRuns, Made, SessionSite, copy_project


def test_a_run_being_made_is_waited_for_not_made_again(planted, tmp_path):
    log = tmp_path / "started.txt"
    path = planted(f"""
        import time
        with open({str(log)!r}, "a") as log:
            log.write("run\\n")
        time.sleep(1)
        print("done")
    """)
    runs = CpuRuns(workers=2, imports=())  # fork servers without torch: planted scripts need none
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


def test_a_second_run_only_where_the_cache_did_not_hold_the_output(tmp_path):
    """Where the output cache held a snippet's output as the session began, that earlier run is
    the other run its page and its first run are compared with; elsewhere the session makes a
    second one (CpuRuns' ``twice``). One pair of fork servers for both snippets."""
    cached, edited = tmp_path / "cached.py", tmp_path / "edited.py"
    cached.write_text("print('from the cache')\n", encoding="utf-8")
    edited.write_text("print('edited since')\n", encoding="utf-8")
    runs = CpuRuns(workers=1, twice={edited.resolve()}, imports=())
    runs.prefetch([cached.resolve(), edited.resolve()])
    assert [run.stdout for run in runs[cached]] == ["from the cache\n"]
    assert [run.stdout for run in runs[edited]] == ["edited since\n"] * 2
    assert CpuRuns(workers=1).runs_of(cached.resolve()) == 2, "without a cache to go by, every snippet runs twice"


def test_an_offered_key_is_made_by_the_test_that_asks_for_it():
    made = Made()
    made.offer({"a": lambda: threading.current_thread().name})
    assert made.get("a", make_now=lambda: pytest.fail("made again")) == threading.current_thread().name
    assert not made.offered


def test_a_test_waiting_for_a_key_makes_offered_ones_meanwhile():
    """The thread beside the tests is on its last job: the waiting test's core does the rest."""
    made, release = Made(), threading.Event()
    assert made.claim(["slow"]) == ["slow"]
    beside = threading.Thread(target=made.make, args=("slow", lambda: release.wait(60) and "slow done"))
    beside.start()
    made.offer({"next": lambda: threading.current_thread().name, "last": lambda: release.set() or "last done"})
    assert made.get("slow", make_now=lambda: pytest.fail("made again")) == "slow done"
    beside.join()
    assert made.done == {"slow": "slow done", "next": threading.current_thread().name, "last": "last done"}


def test_a_failure_while_helping_is_left_to_the_test_that_reads_that_key():
    made, calls = Made(), []

    def fails():
        calls.append("run")
        raise RuntimeError("planted: the download could not start")

    assert made.claim(["mine"]) == ["mine"]
    made.offer({"other": fails})
    beside = threading.Thread(target=lambda: (time.sleep(0.2), made.make("mine", lambda: "mine done")))
    beside.start()
    assert made.get("mine", make_now=lambda: pytest.fail("made again")) == "mine done"  # helped, and was not failed by it
    beside.join()
    made.offer({"other": fails})  # as Runs.__getitem__ offers the key it reads
    with pytest.raises(RuntimeError, match="planted"):
        made.get("other", make_now=lambda: None)
    assert calls == ["run", "run"]


def test_a_skip_in_the_thread_beside_is_left_to_the_test_that_reads_the_key():
    """pytest.skip and pytest.fail raise BaseExceptions: in the session's thread they must not
    end the thread's other jobs; the reading test makes the key again and skips there."""
    made = Made()
    made.offer({"checked": lambda: pytest.skip("planted: no Java")})
    made.work()
    assert "checked" not in made.done and not made.running
    made.offer({"checked": lambda: pytest.skip("planted: no Java")})
    with pytest.raises(pytest.skip.Exception, match="planted"):
        made.get("checked", make_now=lambda: None)


def test_a_test_waiting_while_the_thread_beside_fails_gets_the_real_error():
    made, started, calls = Made(), threading.Event(), []

    def fails():
        calls.append(threading.current_thread().name)
        started.set()
        time.sleep(0.3)  # the test is waiting by then
        raise RuntimeError("planted: vnu exited with 1")

    made.offer({"site": fails})
    beside = threading.Thread(target=made.work, name="beside")
    beside.start()
    started.wait(10)
    with pytest.raises(RuntimeError, match="planted: vnu"):
        made.get("site", make_now=lambda: None)
    beside.join()
    assert calls == ["beside", threading.current_thread().name]
    made.offer({"site": fails})
    assert not made.offered, "a key taken once is not offered again"
