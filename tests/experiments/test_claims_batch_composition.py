"""Experiment 1 (a sample's output and the rest of its batch): every claim, and a planted
contradiction that flips its verdict. Each plant edits a copy of the committed data so that
the page's sentence becomes false."""

from __future__ import annotations

import math

from tests.experiments.planted import claim_tests

EXPERIMENT = "batch_composition"


def bn_ignores_batch_at_128(data):
    """Training-mode BN's output at batch size 128 no longer moves when the batch mates change."""
    data["rows"][-1]["bn_train_max_change"] = 0.0


def moved(key):
    def plant(data):
        data["rows"][len(data["rows"]) // 2][key] = 0.5

    plant.__doc__ = f"{key} set to 0.5 at one batch size: the output moved with its batch mates"
    return plant


def inverse_sqrt(data):
    """The spread made to fall like 1/√b from batch size 2, as if sample 0 were not part of its batch."""
    first = data["rows"][0]
    for r in data["rows"]:
        r["bn_train_std"] = first["bn_train_std"] * math.sqrt(first["batch"] / r["batch"])


PLANTS = {
    "bn_train_depends": bn_ignores_batch_at_128,
    "ln_unchanged": moved("ln_max_change"),
    "bn_eval_unchanged": moved("bn_eval_max_change"),
    "follows_law": inverse_sqrt,
}


test_table, test_verdicts, test_plants = claim_tests(EXPERIMENT, PLANTS)
