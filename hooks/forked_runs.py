"""Snippet runs forked from a Python that has already imported PyTorch.

The suite runs every snippet on CPU, and a second time where the output cache does not hold
its output yet, to show that the output is deterministic. Importing PyTorch is about two
thirds of a short snippet's run (some 1.4 s of CPU), so each run forks a process that has done
that import once, instead of starting a new interpreter; two runs of one snippet fork from two
servers (tests/conftest.py, CpuRuns). The pages' downloads run
every page's code in new kernels (tests/downloads).

The forked child still runs the snippet as a fresh script: its own ``__main__``, ``sys.argv``
and ``sys.path[0]``, the repository root as working directory, the environment and hash
seed of ``snippet_env("cpu")``, its own standard output and error, and a new seed for
Python's ``random`` (which reseeds itself in a forked child, as a new process would). What
it inherits is its server's: PyTorch's default generator, which PyTorch seeds at random when
it is imported, and the memory layout, hence the addresses printed. Two runs forked from two
servers therefore still tell a snippet that leaves anything to chance apart, as two new
processes would (tested in tests/snippets/test_forked_runs.py); two forks of one server
would print the same unseeded draw.

    with ForkServer() as server:
        run = server.run(path, timeout=120)   # a hooks.snippets_lib.Run

ForkPool runs on up to n servers at once, from several threads. `mkdocs serve` uses one too
(hooks/snippet_output.py), so that a saved snippet shows its new output sooner; the tests
check with planted scripts that a forked run sees what a script sees.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYS_PATH = sys.path[1:]  # what a script's sys.path holds after its own folder
sys.path.insert(0, str(ROOT))

from hooks.snippets_lib import Run, _shown, run_snippet, snippet_env  # noqa: E402

READY = "ready"
FORKS = sys.platform.startswith("linux")


WARM = ("torch",)  # what a server imports before it forks: what every snippet would import


class ForkServer:
    """A child Python that imports ``imports`` (torch) once, then forks one process per snippet
    run. Tests of the pools' and of the session's runs that run planted scripts without torch
    pass ``imports=()``: a server that imports nothing starts in a tenth of the time."""

    def __init__(self, imports: tuple[str, ...] = WARM):
        self.process = subprocess.Popen(
            [sys.executable, __file__, *imports],
            cwd=ROOT,
            env=snippet_env("cpu"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline().strip()
        if line != READY:
            self.close()
            raise RuntimeError(f"hooks/forked_runs.py did not start: {line!r}")

    def run(self, path: Path, timeout: float) -> Run:
        self.process.stdin.write(json.dumps({"path": str(path), "timeout": timeout}) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            # Reap it first: a server that has just died can still look alive to poll(), and
            # the pool would hand it out again.
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            raise RuntimeError(f"hooks/forked_runs.py stopped while running {path}")
        done = json.loads(answer)
        return Run(done["returncode"], done["stdout"], done["stderr"])

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class ForkPool:
    """Up to ``size`` fork servers, each started when first needed; ``run`` is thread-safe.
    Off Linux, runs are ordinary ``python snippets/…`` runs: Windows has no fork, and on macOS
    forking a process that has loaded Apple's frameworks is unsafe (Python's multiprocessing
    stopped forking there by default in 3.8, bpo-33725)."""

    def __init__(self, size: int, imports: tuple[str, ...] = WARM):
        self.size = size
        self.imports = imports
        self.idle: queue.Queue = queue.Queue()
        self.started = 0
        self.lock = threading.Lock()

    def prestart(self) -> None:
        """Start one server in the background, so that the first run need not wait for it."""
        with self.lock:
            if not FORKS or self.started >= self.size:
                return
            self.started += 1

        def start() -> None:
            try:
                self.idle.put(self._start())
            except RuntimeError:
                pass  # _start has given the slot back; a run will try again and raise

        threading.Thread(target=start, daemon=True).start()

    def _start(self) -> ForkServer:
        """A new server for a slot already counted in ``started``; if it fails to start, the
        slot is given back (else every later run would wait for an idle server forever)."""
        try:
            return ForkServer(self.imports)
        except BaseException:
            with self.lock:
                self.started -= 1
            raise

    def run(self, path: Path, timeout: float) -> Run:
        if not FORKS:
            return run_snippet(path, "cpu", timeout)
        with self.lock:
            start = self.idle.empty() and self.started < self.size
            self.started += start
        server = self._start() if start else self.idle.get()
        try:
            return server.run(path, timeout)
        finally:
            if server.process.poll() is None:
                self.idle.put(server)
            else:  # it died (a snippet killed it): the next run starts another
                with self.lock:
                    self.started -= 1

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get().close()


# --- the server side: `python hooks/forked_runs.py MODULE...` imports those, then serves ---


def _child(path: Path, out: int, err: int) -> None:
    """In the forked process: become `python <path>` and never return."""
    import runpy
    import traceback

    os.dup2(out, 1)
    os.dup2(err, 2)
    sys.stdout = open(1, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
    sys.stdin = open(os.devnull, encoding="utf-8")
    script = str(path.resolve())  # what __file__ and tracebacks show, as for `python <path>`
    sys.argv = [_shown(path)]
    sys.path[:] = [str(path.resolve().parent), *SYS_PATH]
    code = 0
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            code = stop.code or 0
        else:
            print(stop.code, file=sys.stderr)
            code = 1
    except BaseException as error:  # noqa: BLE001 - report it as the interpreter would
        tb = error.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != script:  # runpy's frames
            tb = tb.tb_next
        traceback.print_exception(type(error), error, tb or error.__traceback__)
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def _run_one(path: Path, timeout: float) -> dict:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            try:
                _child(path, out.fileno(), err.fileno())
            finally:
                os._exit(70)
        deadline = time.monotonic() + timeout
        status = None
        while status is None:
            finished, status_word = os.waitpid(pid, os.WNOHANG)
            if finished:
                status = os.waitstatus_to_exitcode(status_word)
            elif time.monotonic() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                break
            else:
                time.sleep(0.01)
        texts = []
        for stream in (out, err):
            stream.seek(0)
            texts.append(stream.read().decode("utf-8", errors="replace"))
    return {"returncode": status, "stdout": texts[0], "stderr": texts[1]}


def serve(imports: list[str]) -> None:
    import importlib

    for name in imports:  # torch: the import every run would otherwise pay for
        importlib.import_module(name)

    os.chdir(ROOT)
    print(READY, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        print(json.dumps(_run_one(Path(request["path"]), float(request["timeout"]))), flush=True)


if __name__ == "__main__":
    serve(sys.argv[1:])
