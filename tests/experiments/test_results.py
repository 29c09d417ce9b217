"""The experiments' committed results: complete, recorded with where they came from, and
still saying what the pages claim: the claim verdicts recorded with the data, or, for an
experiment without declared claims, its own `check` in full mode."""

from __future__ import annotations

import importlib
import json
import sys

import pytest

from hooks.snippets_lib import ROOT

EXPERIMENTS_DIR = ROOT / "snippets" / "experiments"
sys.path.insert(0, str(EXPERIMENTS_DIR))
EXPERIMENTS = ["batch_composition", "padding", "stat_noise", "train_eval_gap", "causal_leakage", "tiny_transformer", "inference_cost", "char_lm", "vit_digits", "depth"]
RESULT_FILES = sorted((EXPERIMENTS_DIR / "results").glob("*.json"))
PROVENANCE = {"experiment", "seed", "device", "device_name", "torch", "python", "git_revision", "wall_time_s", "mode"}


def test_every_experiment_has_a_committed_full_cpu_result():
    missing = [name for name in EXPERIMENTS if not (EXPERIMENTS_DIR / "results" / f"{name}.cpu.json").exists()]
    assert not missing, f"no committed full result for {missing}: run `python snippets/experiments/<name>.py --full`"


def test_no_result_without_its_experiment():
    names = {path.name.split(".")[0] for path in RESULT_FILES}
    assert names <= set(EXPERIMENTS), names - set(EXPERIMENTS)
    assert {p.stem for p in EXPERIMENTS_DIR.glob("*.py")} >= set(EXPERIMENTS)


@pytest.mark.parametrize("path", RESULT_FILES, ids=[p.name for p in RESULT_FILES])
def test_result_records_where_it_came_from(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert PROVENANCE <= data.keys(), f"{path.name} lacks {sorted(PROVENANCE - data.keys())}"
    assert data["mode"] == "full", f"{path.name} is a {data['mode']} run; publish full runs only"
    assert f"{data['experiment']}.{data['device']}.json" == path.name
    assert data["git_revision"] != "unknown"


@pytest.mark.parametrize("path", RESULT_FILES, ids=[p.name for p in RESULT_FILES])
def test_published_result_supports_the_claims(path):
    """An experiment that declares CLAIMS: every verdict its full run recorded is the one its
    data gives now (a rejected claim is a result, not a failure). Otherwise: its full-mode check."""
    data = json.loads(path.read_text(encoding="utf-8"))
    experiment = importlib.import_module(data["experiment"])
    if not getattr(experiment, "CLAIMS", None):
        experiment.check(data, "full")
        return
    import lab

    recorded = {v["name"]: v["verdict"] for v in data.get("claims", [])}
    fresh = {v["name"]: v["verdict"] for v in lab.verdicts(experiment.CLAIMS, data)}
    assert recorded == fresh, f"{path.name} records {recorded}, its data gives {fresh}: re-run --full"


def test_a_result_that_contradicts_its_page_fails():
    """Planted: padding that no longer changes plain BatchNorm's outputs."""
    data = json.loads((EXPERIMENTS_DIR / "results" / "padding.cpu.json").read_text(encoding="utf-8"))
    for row in data["rows"]:
        row["bn_change"] = 0.0
    with pytest.raises(AssertionError, match="more padding, larger change"):
        importlib.import_module("padding").check(data, "full")
    gap = json.loads((EXPERIMENTS_DIR / "results" / "train_eval_gap.cpu.json").read_text(encoding="utf-8"))
    gap["rows"].reverse()  # the gap now shrinks as the batch shrinks
    with pytest.raises(AssertionError):
        importlib.import_module("train_eval_gap").check(gap, "full")
