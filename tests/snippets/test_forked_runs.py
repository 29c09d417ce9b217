"""Both CPU runs of each snippet are forked from a warm Python (hooks/forked_runs.py).
It must see what `python snippets/…` sees, report failures the same way, and still expose a
snippet whose output depends on chance."""

from __future__ import annotations

import os

import pytest

from hooks.forked_runs import ForkPool, ForkServer
from hooks.snippets_lib import run_snippet

WHAT_A_SCRIPT_SEES = """
import os, sys
print(__name__, sys.argv, os.path.basename(__file__), os.path.isabs(__file__))
print(sys.path[0] == os.path.dirname(os.path.abspath(__file__)), os.getcwd())
print(os.environ["SNIPPET_DEVICE"], os.environ["PYTHONHASHSEED"], hash("normalization"))
import torch
print("threads", torch.get_num_threads())
"""


@pytest.fixture(scope="module")
def server():
    with ForkServer() as started:
        yield started


def test_a_forked_run_sees_what_a_script_sees(server, planted):
    path = planted(WHAT_A_SCRIPT_SEES)
    fresh, forked = run_snippet(path, "cpu"), server.run(path, 60)
    assert fresh.returncode == forked.returncode == 0, fresh.stderr + forked.stderr
    assert forked.stdout == fresh.stdout
    # One PyTorch thread per run unless the environment asks for more (hooks/snippets_lib.snippet_env).
    assert f"threads {os.environ.get('OMP_NUM_THREADS', '1')}\n" in fresh.stdout, fresh.stdout


def test_a_raising_snippet_reports_file_line_and_error(server, planted):
    path = planted("print('start')\nraise RuntimeError('planted failure')\n")
    run = server.run(path, 60)
    assert (run.returncode, run.stdout) == (1, "start\n")
    assert f'{path.name}", line 2' in run.stderr and "RuntimeError: planted failure" in run.stderr
    assert "runpy" not in run.stderr, "the traceback starts at the snippet, as Python's does"


def test_sys_exit_keeps_its_status(server, planted):
    assert server.run(planted("import sys\nsys.exit(3)\n"), 60).returncode == 3
    stopped = server.run(planted("raise SystemExit('planted: no output')\n"), 60)
    assert stopped.returncode == 1 and "planted: no output" in stopped.stderr


def test_a_hanging_snippet_is_stopped_and_the_server_goes_on(server, planted):
    run = server.run(planted("import time\nprint('waiting', flush=True)\ntime.sleep(60)\n"), 2)
    assert run.returncode is None and run.stdout == "waiting\n"
    assert server.run(planted("print('next')\n"), 60).stdout == "next\n"


def test_a_snippet_left_to_chance_prints_differently(server, planted):
    """Python's random module reseeds itself in a forked child, as in a new process, so the
    determinism check (tests/snippets/test_outputs_match.py) still sees the difference."""
    path = planted("import random\nprint(random.random())\n")
    assert run_snippet(path, "cpu").stdout != server.run(path, 60).stdout
    assert server.run(path, 60).stdout != server.run(path, 60).stdout


def test_an_unseeded_torch_draw_prints_differently_in_the_two_session_runs(server, planted):
    """PyTorch seeds its generator at random when imported and a forked child inherits its
    server's: two forks of one server print the same draw, so the session's two runs of a
    snippet (tests/conftest.py, CpuRuns) fork from two servers, as two new processes would differ."""
    from tests.conftest import CpuRuns

    path = planted("import torch\nprint(torch.rand(1).item(), object())\n")
    assert server.run(path, 60).stdout == server.run(path, 60).stdout, "one server: the same draw (why two are needed)"
    first, second = CpuRuns(workers=1)[path]
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert first.stdout != second.stdout, first.stdout


def test_a_pool_runs_from_several_threads_on_at_most_its_size(planted):
    from concurrent.futures import ThreadPoolExecutor

    path = planted("import os\nprint(os.getppid())\n")
    pool = ForkPool(2, imports=())  # servers without torch: the mechanics are the same
    pool.prestart()  # as `mkdocs serve` does
    try:
        with ThreadPoolExecutor(max_workers=4) as threads:
            runs = list(threads.map(lambda _: pool.run(path, 60), range(8)))
    finally:
        pool.close()
    assert all(run.returncode == 0 for run in runs)
    assert pool.started == 2, "never more servers than the pool's size"
    assert len({run.stdout for run in runs}) <= 2, "every run forked from one of those servers"


def test_a_pool_replaces_a_server_that_died(planted):
    killer = planted("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n")
    pool = ForkPool(1, imports=())
    try:
        with pytest.raises(RuntimeError, match="stopped while running"):
            pool.run(killer, 60)
        assert pool.run(planted("print('after')\n"), 60).stdout == "after\n"
    finally:
        pool.close()


def test_off_linux_a_pool_runs_snippets_as_scripts(planted, monkeypatch, after_session_build):
    import hooks.forked_runs as forked_runs

    monkeypatch.setattr(forked_runs, "FORKS", False)
    pool = ForkPool(2)
    pool.prestart()
    path = planted(WHAT_A_SCRIPT_SEES)
    assert pool.run(path, 60).stdout == run_snippet(path, "cpu").stdout and pool.started == 0


def test_after_a_server_fails_to_start_the_next_run_tries_again(planted, monkeypatch, after_session_build):
    """A failed start gives its slot back: the next run starts a server instead of waiting
    forever for an idle one that will never come."""
    import threading

    import hooks.forked_runs as forked_runs

    real = forked_runs.ForkServer.__init__
    failures = iter([True])

    def flaky(self, *args):
        if next(failures, False):
            raise RuntimeError("hooks/forked_runs.py did not start: planted")
        real(self, *args)

    monkeypatch.setattr(forked_runs.ForkServer, "__init__", flaky)
    pool = ForkPool(1, imports=())
    path = planted("print('ran')\n")
    try:
        with pytest.raises(RuntimeError, match="did not start"):
            pool.run(path, 60)
        result = []
        runner = threading.Thread(target=lambda: result.append(pool.run(path, 60)), daemon=True)
        runner.start()
        runner.join(timeout=60)
        assert not runner.is_alive(), "the run after a failed start is waiting forever"
        assert result[0].stdout == "ran\n" and pool.started == 1
    finally:
        pool.close()
