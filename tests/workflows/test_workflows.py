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
GPU_COMMAND = "python3 dev.py test tests/snippets/test_snippets_run.py tests/downloads -k cuda"
FORK_GUARD = "github.event.pull_request.head.repo.full_name == github.repository"
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
    def runs(job) -> str:
        return "\n".join(str(step.get("run", "")) for step in job.get("steps", []))

    def uses(job, action: str) -> bool:
        return any(action in str(step.get("uses", "")) for step in job.get("steps", []))

    cpu = [name for name, job in jobs.items() if TEST_COMMAND in runs(job)]
    gpu = [name for name, job in jobs.items() if "GPU_RUNNER" in str(job.get("runs-on", "")) or "gpu" in job.get("runs-on", [])]
    if not cpu:
        problems.append(f"no CPU job runs {TEST_COMMAND!r}")
    if not gpu:
        problems.append("no GPU job (runs-on: ${{ vars.GPU_RUNNER }})")
    for name in gpu:
        job = jobs[name]
        if str(job.get("env", {}).get("REQUIRE_CUDA")) != "1":
            problems.append(f"job {name}: a GPU job must set REQUIRE_CUDA=1")
        if FORK_GUARD not in str(job.get("if", "")):
            problems.append(f"job {name}: runs a fork's pull request on the GPU runner (no `if` with {FORK_GUARD!r})")
        if runs(job).strip() != GPU_COMMAND:
            problems.append(f"job {name}: runs {runs(job).strip()!r}; a GPU job runs only {GPU_COMMAND!r}")
        needs = job.get("needs", [])
        needs = [needs] if isinstance(needs, str) else needs
        if not any("GPU_RUNNER" in runs(jobs.get(n, {})) and "exit 1" in runs(jobs.get(n, {})) for n in needs):
            problems.append(f"job {name}: nothing fails at once when no GPU runner is configured")
    builders = [n for n, job in jobs.items() if uses(job, "upload-pages-artifact")]
    if builders != cpu[:1] or not cpu:
        problems.append(f"the site is uploaded by {builders}, not by the CPU test job {cpu} that verified its outputs")
    for name in builders:
        steps = jobs[name]["steps"]
        order = [i for i, step in enumerate(steps) if TEST_COMMAND in str(step.get("run", ""))]
        build = [i for i, step in enumerate(steps) if "dev.py build" in str(step.get("run", ""))]
        if not order or not build or build[0] < order[0]:
            problems.append(f"job {name}: the site must be built after the tests, from their outputs")
        elif str(steps[build[0]].get("env", {}).get("REQUIRE_CACHED_OUTPUTS")) != "1":
            problems.append(f"job {name}: the build may re-run snippets (set REQUIRE_CACHED_OUTPUTS=1)")
    deploy = [name for name, job in jobs.items() if uses(job, "deploy-pages")]
    if len(deploy) != 1:
        problems.append(f"expected one job that deploys to GitHub Pages, found {deploy}")
    for name in deploy:
        needs = jobs[name].get("needs", [])
        needs = [needs] if isinstance(needs, str) else needs
        for required in [*cpu, *gpu, *builders]:
            if required not in needs:
                problems.append(f"job {name}: deploys without waiting for {required} (needs: {needs})")
        if "refs/heads/main" not in str(jobs[name].get("if", "")):
            problems.append(f"job {name}: deploys from any branch (no `if` on refs/heads/main)")
    cancel = str(workflow.get("concurrency", {}).get("cancel-in-progress", False))
    if cancel == "True" or (cancel != "False" and "refs/heads/main" not in cancel):
        problems.append(f"cancel-in-progress {cancel!r} can cancel a deploy on main")
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
    assert "export REQUIRE_BROWSER=1 REQUIRE_VALIDATOR=1" in script
    assert "python3 dev.py test" in script and "python3 dev.py test" in readme
    assert "chromium" in script and "fonts-noto-cjk" in script


# --- planted faults -------------------------------------------------------------------


def test_lost_needs_is_reported():
    workflow = load()
    workflow["jobs"]["deploy"]["needs"] = ["gpu-runner"]
    found = problems_of(workflow)
    assert any("deploys without waiting for test-cpu" in p for p in found), found
    assert any("deploys without waiting for test-gpu" in p for p in found), found


@pytest.mark.parametrize("where", ["top", "job"])
def test_broad_permissions_are_reported(where):
    workflow = load()
    if where == "top":
        workflow["permissions"] = "write-all"
    else:
        workflow["jobs"]["test-cpu"]["permissions"] = {"contents": "write"}
    assert problems_of(workflow), "broad permissions went unnoticed"


def test_unpinned_action_and_any_branch_deploy_are_reported():
    workflow = load()
    workflow["jobs"]["test-cpu"]["steps"][0]["uses"] = "actions/checkout@v4"
    workflow["jobs"]["deploy"]["if"] = "always()"
    found = problems_of(workflow)
    assert any("not pinned" in p for p in found) and any("any branch" in p for p in found), found


def build_step(workflow) -> int:
    return next(i for i, step in enumerate(workflow["jobs"]["test-cpu"]["steps"]) if "dev.py build" in str(step.get("run", "")))


@pytest.mark.parametrize(
    ("plant", "expected"),
    [
        (lambda w: w["jobs"]["test-gpu"].pop("if"), "runs a fork's pull request on the GPU runner"),
        (lambda w: w["jobs"]["test-gpu"]["steps"].append({"run": "bash .ci/run"}), "a GPU job runs only"),
        (lambda w: w["jobs"]["test-gpu"].pop("needs"), "nothing fails at once when no GPU runner"),
        (lambda w: w["jobs"]["test-gpu"].pop("env"), "must set REQUIRE_CUDA=1"),
        (lambda w: w.__setitem__("concurrency", {"group": "x", "cancel-in-progress": True}), "can cancel a deploy on main"),
        (lambda w: w["jobs"]["test-cpu"]["steps"].insert(0, w["jobs"]["test-cpu"]["steps"].pop(build_step(w))), "built after the tests"),
    ],
    ids=["fork-pr-on-gpu", "gpu-runs-everything", "no-runner-check", "no-require-cuda", "cancel-main", "build-before-tests"],
)
def test_unsafe_or_untested_publishing_is_reported(plant, expected):
    workflow = load()
    plant(workflow)
    found = problems_of(workflow)
    assert any(expected in p for p in found), found


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
    """GitHub Actions security audit (offline audits only; the tests run without network), as
    an auditor: with the audits that cover self-hosted runners, unpinned images and
    undocumented permissions, which the default persona leaves out."""
    done = zizmor("--persona=auditor", str(WORKFLOW))
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


def test_zizmor_as_auditor_catches_a_self_hosted_runner(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\npermissions: {}\njobs:\n  a:\n    runs-on: [self-hosted, linux, gpu]\n"
        "    permissions: {}\n    steps:\n      - run: nvidia-smi\n"
    )
    done = zizmor("--persona=auditor", str(bad))
    assert done.returncode != 0 and "self-hosted-runner" in done.stdout + done.stderr, done.stdout + done.stderr


def test_dependabot_updates_the_locks_and_the_pinned_actions():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    watched = {(u["package-ecosystem"], u["directory"]) for u in config["updates"]}
    assert {("pip", "/requirements"), ("github-actions", "/")} <= watched, watched
