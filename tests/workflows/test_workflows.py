"""The GitHub workflow: actionlint is clean; a CPU job and a GPU job run the same test
command; publishing waits for both tests and the build and runs only on main; permissions
are least-privilege; every action is pinned to a full commit SHA."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"
TEST_COMMAND = "bash .ci/run"
WRITE_ALLOWED = {"deploy": {"pages", "id-token"}}  # the only job that may write anything


def load(path: Path = WORKFLOW) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML reads the key `on` as True
    return data


def problems_of(workflow: dict) -> list[str]:
    """What is wrong with the workflow's structure, one line each."""
    problems = []
    jobs = workflow.get("jobs", {})
    top = workflow.get("permissions")
    if top not in ({}, "read-all", None) and not (isinstance(top, dict) and set(top.values()) <= {"read", "none"}):
        problems.append(f"top-level permissions grant writes: {top!r}")
    if top is None:
        problems.append("no top-level permissions: the default token may write")
    tests = [name for name, job in jobs.items() if any(TEST_COMMAND in str(s.get("run", "")) for s in job.get("steps", []))]
    gpu = [name for name in tests if "gpu" in jobs[name].get("runs-on", [])]
    cpu = [name for name in tests if name not in gpu]
    if not cpu:
        problems.append(f"no CPU job runs {TEST_COMMAND!r}")
    if not gpu:
        problems.append(f"no GPU job (runs-on with label 'gpu') runs {TEST_COMMAND!r}")
    for name in gpu:
        if str(jobs[name].get("env", {}).get("REQUIRE_CUDA")) != "1":
            problems.append(f"job {name}: a GPU job must set REQUIRE_CUDA=1")
    deploy = [name for name, job in jobs.items() if any("deploy-pages" in str(s.get("uses", "")) for s in job.get("steps", []))]
    if len(deploy) != 1:
        problems.append(f"expected one job that deploys to GitHub Pages, found {deploy}")
    for name in deploy:
        needs = jobs[name].get("needs", [])
        needs = [needs] if isinstance(needs, str) else needs
        builders = [n for n, job in jobs.items() if any("upload-pages-artifact" in str(s.get("uses", "")) for s in job.get("steps", []))]
        for required in [*tests, *builders]:
            if required not in needs:
                problems.append(f"job {name}: deploys without waiting for {required} (needs: {needs})")
        if "refs/heads/main" not in str(jobs[name].get("if", "")):
            problems.append(f"job {name}: deploys from any branch (no `if` on refs/heads/main)")
    for name, job in jobs.items():
        permissions = job.get("permissions")
        if permissions is None:
            problems.append(f"job {name}: no permissions block (inherits the default token)")
        elif isinstance(permissions, str):
            problems.append(f"job {name}: broad permissions {permissions!r}")
        else:
            writes = {scope for scope, level in permissions.items() if level == "write"}
            if writes - WRITE_ALLOWED.get(name, set()):
                problems.append(f"job {name}: writes {sorted(writes - WRITE_ALLOWED.get(name, set()))}")
        for step in job.get("steps", []):
            uses = step.get("uses")
            if uses and not re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", uses):
                problems.append(f"job {name}: action not pinned to a full commit SHA: {uses}")
    return problems


def test_workflow_structure():
    problems = problems_of(load())
    assert not problems, "\n".join(problems)


def actionlint(*arguments: str) -> subprocess.CompletedProcess:
    binary = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    return subprocess.run([binary, "-no-color", *arguments], capture_output=True, text=True)


def test_actionlint_is_clean():
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.y*ml"))
    done = actionlint("-config-file", str(ROOT / ".github" / "actionlint.yaml"), *workflows)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ci_script_requires_the_browser_and_runs_the_readme_command():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "export REQUIRE_BROWSER=1" in script
    assert "python3 dev.py test" in script and "python3 dev.py test" in readme
    assert "chromium" in script and "fonts-noto-cjk" in script


# --- planted faults -------------------------------------------------------------------


def test_lost_needs_is_reported():
    workflow = load()
    workflow["jobs"]["deploy"]["needs"] = ["build"]
    found = problems_of(workflow)
    assert any("deploys without waiting for test-cpu" in p for p in found), found
    assert any("deploys without waiting for test-gpu" in p for p in found), found


@pytest.mark.parametrize("where", ["top", "job"])
def test_broad_permissions_are_reported(where):
    workflow = load()
    if where == "top":
        workflow["permissions"] = "write-all"
    else:
        workflow["jobs"]["build"]["permissions"] = {"contents": "write"}
    assert problems_of(workflow), "broad permissions went unnoticed"


def test_unpinned_action_and_any_branch_deploy_are_reported():
    workflow = load()
    workflow["jobs"]["build"]["steps"][0]["uses"] = "actions/checkout@v4"
    workflow["jobs"]["deploy"]["if"] = "always()"
    found = problems_of(workflow)
    assert any("not pinned" in p for p in found) and any("any branch" in p for p in found), found


def test_actionlint_catches_a_broken_workflow(tmp_path):
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "bad.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n"
    )
    done = actionlint(str(tmp_path / ".github" / "workflows" / "bad.yml"))
    assert done.returncode != 0 and "nope" in done.stdout


def zizmor(*arguments: str) -> subprocess.CompletedProcess:
    binary = shutil.which("zizmor") or str(Path(sys.executable).parent / "zizmor")
    return subprocess.run([binary, "--offline", "--no-progress", *arguments], capture_output=True, text=True)


def test_zizmor_finds_nothing():
    """GitHub Actions security audit (offline audits only; the tests run without network)."""
    done = zizmor(str(WORKFLOW))
    assert done.returncode == 0 and "No findings" in done.stdout + done.stderr, done.stdout + done.stderr


def test_zizmor_catches_an_insecure_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request_target\npermissions: write-all\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n"
        "      - run: echo \"${{ github.event.pull_request.title }}\"\n"
    )
    done = zizmor(str(bad))
    assert done.returncode != 0 and "template-injection" in done.stdout + done.stderr, done.stdout + done.stderr
