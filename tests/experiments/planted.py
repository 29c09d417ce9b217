"""What every experiment's claims test file shares: the committed verdicts are what the data
gives, every declared claim has a planted contradiction, and planting it flips the verdict.

An experiment's test file holds its table, `PLANTS = {claim name: function}`: each function
edits a copy of the committed results so that the claim's sentence becomes false (or, for a
claim the data rejects, true), with its docstring saying how. See test_claims_char_lm.py."""

from __future__ import annotations

import copy
import importlib
import json
import sys

from hooks.snippets_lib import ROOT

EXPERIMENTS_DIR = ROOT / "snippets" / "experiments"
if str(EXPERIMENTS_DIR) not in sys.path:
    sys.path.insert(0, str(EXPERIMENTS_DIR))

import lab  # noqa: E402


def committed(experiment: str, device: str = "cpu") -> dict:
    return json.loads((EXPERIMENTS_DIR / "results" / f"{experiment}.{device}.json").read_text(encoding="utf-8"))


def claims_of(experiment: str) -> dict:
    return {c.name: c for c in importlib.import_module(experiment).CLAIMS}


def assert_table_covers_every_claim(experiment: str, plants: dict) -> None:
    declared = set(claims_of(experiment))
    assert declared, f"{experiment} declares no claims"
    assert set(plants) == declared, f"{experiment}: claims without a planted contradiction {sorted(declared - set(plants))}, plants without a claim {sorted(set(plants) - declared)}"


def assert_recorded_verdicts_are_the_datas(experiment: str) -> None:
    data = committed(experiment)
    recorded = {v["name"]: v["verdict"] for v in data["claims"]}
    fresh = {v["name"]: v["verdict"] for v in lab.verdicts(claims_of(experiment).values(), data)}
    assert recorded == fresh, f"results/{experiment}.cpu.json records {recorded}, its data gives {fresh}: re-run --full"


def assert_plant_flips(experiment: str, name: str, plant) -> None:
    data = committed(experiment)
    claim = claims_of(experiment)[name]
    before, _ = claim.test(copy.deepcopy(data))
    planted = copy.deepcopy(data)
    plant(planted)
    after, evidence = lab.verdicts([claim], planted)[0]["verdict"] == "supported", lab.verdicts([claim], planted)[0]["evidence"]
    assert after != before, f"{experiment}: {name} stays {'supported' if before else 'rejected'} after the plant ({plant.__doc__}): {evidence}"


def claim_tests(experiment: str, plants: dict):
    """The three tests every test_claims_<name>.py runs, for its experiment and PLANTS table:

        test_table, test_verdicts, test_plant = claim_tests(EXPERIMENT, PLANTS)
    """
    import pytest

    def test_every_claim_has_a_planted_contradiction():
        assert_table_covers_every_claim(experiment, plants)

    def test_recorded_verdicts_are_what_the_data_gives():
        assert_recorded_verdicts_are_the_datas(experiment)

    @pytest.mark.parametrize("claim", sorted(plants))
    def test_a_planted_contradiction_flips_the_verdict(claim):
        assert_plant_flips(experiment, claim, plants[claim])

    return test_every_claim_has_a_planted_contradiction, test_recorded_verdicts_are_what_the_data_gives, test_a_planted_contradiction_flips_the_verdict
