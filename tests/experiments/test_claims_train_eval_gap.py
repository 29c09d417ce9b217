"""Experiment 4 (the train/eval gap of models trained at each micro-batch): every claim, and a
planted contradiction that flips its verdict. A plant edits a copy of the committed results:
where the data supports the claim it makes the sentence false, where the data rejects it, true."""

from __future__ import annotations

from tests.experiments.planted import claim_tests

import train_eval_gap  # noqa: E402  (planted.py puts snippets/experiments on sys.path)

EXPERIMENT = "train_eval_gap"
CLAIMS = {c.name: c for c in train_eval_gap.CLAIMS}


def runs(data, micro):
    return [r for r in data["final"] if r["micro"] == micro]


def top(data, micro, key):
    return max(r[key] for r in runs(data, micro))


def holds(data, claim):
    return CLAIMS[claim].test(data)[0]


def gap_grows(data):
    """Eval-mode losses set to the training-mode loss plus 1/micro (a gap that shrinks with
    every doubling), or plus the same 0.01 at every micro-batch (no trend)."""
    grows = not holds(data, "gap_grows")
    for r in data["final"]:
        r["eval_loss"] = r["train_mode_loss"] + (1.0 / r["micro"] if grows else 0.01)


def gap_vanishes(data):
    """At micro-batch 64, eval mode set equal to training mode seed by seed, or well above it."""
    same = not holds(data, "gap_vanishes_64")
    high = top(data, 64, "train_mode_loss") + 0.5
    for r in runs(data, 64):
        r["eval_loss"] = r["train_mode_loss"] if same else high


def precise_rescue(data):
    """At micro-batches 1 and 2, PreciseBN's losses put above training mode's, or set equal to them."""
    apart = not holds(data, "precise_bn_no_rescue")
    for m in (1, 2):
        high = top(data, m, "train_mode_loss") + 0.5
        for r in runs(data, m):
            r["precise_bn_loss"] = high if apart else r["train_mode_loss"]


def ema_matches(data):
    """Running-average losses set equal to PreciseBN's everywhere, or put well above them at micro-batch 1."""
    if holds(data, "ema_matches_precise"):
        high = top(data, 1, "precise_bn_loss") + 0.5
        for r in runs(data, 1):
            r["eval_loss"] = high
    else:
        for r in data["final"]:
            r["eval_loss"] = r["precise_bn_loss"]


def deviation_falls(data):
    """Every layer's deviation set to 1/micro (falls with every doubling), or the first
    layer's values at the smallest and largest micro-batches swapped."""
    micro = data["micro"]
    if holds(data, "deviation_falls_every_layer"):
        small, large = runs(data, micro[0]), runs(data, micro[-1])
        for a, b in zip(small, large):
            a["layers"][0]["mean_shift_population"], b["layers"][0]["mean_shift_population"] = (
                b["layers"][0]["mean_shift_population"], a["layers"][0]["mean_shift_population"])
    else:
        for r in data["final"]:
            for layer in r["layers"]:
                layer["mean_shift_population"] = 1.0 / r["micro"]


def small_worse(data):
    """The models trained at micro-batches 1 and 2 put above the 64 ones' range, or given their values."""
    worse = not holds(data, "small_trained_worse")
    ref = [r["val_loss"] for r in runs(data, 64)]
    for m in (1, 2):
        for i, r in enumerate(runs(data, m)):
            r["val_loss"] = max(ref) + 0.5 if worse else ref[i]


def train_mode_same(data):
    """Training-mode losses at micro-batch 2 given the 64 ones' values, or put above them."""
    same = not holds(data, "train_mode_same")
    ref = [r["train_mode_loss"] for r in runs(data, 64)]
    for i, r in enumerate(runs(data, 2)):
        r["train_mode_loss"] = ref[i] if same else max(ref) + 0.5


PLANTS = {
    "gap_grows": gap_grows,
    "gap_vanishes_64": gap_vanishes,
    "precise_bn_no_rescue": precise_rescue,
    "ema_matches_precise": ema_matches,
    "deviation_falls_every_layer": deviation_falls,
    "small_trained_worse": small_worse,
    "train_mode_same": train_mode_same,
}


test_table, test_verdicts, test_plants = claim_tests(EXPERIMENT, PLANTS)
