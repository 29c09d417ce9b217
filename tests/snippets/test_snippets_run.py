"""Every snippet runs on its own, as `python snippets/…` does, once per device: CPU always
(forked from a Python that has imported torch, tests/conftest.py CpuRuns), CUDA where a GPU is
present (a new interpreter; mandatory with REQUIRE_CUDA=1). A snippet that raises fails with its
path and the pages that show it; one that hangs is stopped at the per-snippet timeout
(SNIPPET_TIMEOUT seconds, 120 by default)."""

from __future__ import annotations

import functools

import pytest

from hooks.snippets_lib import DEFAULT_TIMEOUT_S, ROOT, all_snippets, describe_failure, run_snippet
from tests.conftest import skip_or_fail
from hooks.source_checks import markdown_pages, page_includes

SNIPPETS = all_snippets()


@functools.lru_cache(maxsize=1)
def pages_showing() -> dict:
    shown: dict = {}
    for page in markdown_pages(ROOT / "docs"):
        for include in page_includes(page):
            shown.setdefault((ROOT / include.path).resolve(), []).append(include.where)
    return shown


@functools.lru_cache(maxsize=1)
def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def check_snippet(path, device: str, timeout: float = DEFAULT_TIMEOUT_S, run=None) -> str:
    run = run or run_snippet(path, device, timeout)
    if run.returncode != 0:
        pytest.fail(describe_failure(path, run, timeout, pages_showing().get(path.resolve(), [])), pytrace=False)
    return run.stdout


@pytest.mark.parametrize("device", ["cpu", "cuda"])
@pytest.mark.parametrize("snippet", SNIPPETS, ids=[p.relative_to(ROOT / "snippets").as_posix() for p in SNIPPETS])
def test_snippet_runs(snippet, device, request):
    if device == "cuda" and not cuda_available():
        skip_or_fail("no CUDA GPU on this machine", "REQUIRE_CUDA")
    run = request.getfixturevalue("cpu_runs")[snippet][0] if device == "cpu" else None
    assert check_snippet(snippet, device, run=run).strip(), f"{snippet} printed nothing: a snippet prints what to look at"


def test_snippets_exist():
    assert SNIPPETS, "no snippet found under snippets/"


# --- planted faults -------------------------------------------------------------------


def test_raising_snippet_fails_with_its_path_and_traceback(planted):
    path = planted("print('start')\nraise RuntimeError('planted failure')\n")
    with pytest.raises(pytest.fail.Exception) as failure:
        check_snippet(path, "cpu")
    message = str(failure.value)
    assert f"{path} exited with status 1 (shown on: no page)" in message
    assert "RuntimeError: planted failure" in message and f'{path.name}", line 2' in message


def test_hanging_snippet_is_stopped_at_the_timeout(planted):
    path = planted("import time\ntime.sleep(60)\n")
    with pytest.raises(pytest.fail.Exception, match=r"did not finish within 2 s"):
        check_snippet(path, "cpu", timeout=2)


def test_snippet_sees_the_device_it_is_given(planted):
    path = planted("import os\nprint(os.environ['SNIPPET_DEVICE'])\n")
    assert check_snippet(path, "cpu").strip() == "cpu"

