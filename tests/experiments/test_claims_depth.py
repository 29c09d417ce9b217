"""Experiment 10 (depth and learning rate): every claim, and a planted contradiction that
flips its verdict (moving the data across the line the sentence draws, whichever side the
committed data is on)."""

from __future__ import annotations

from tests.experiments.planted import claim_tests

EXPERIMENT = "depth"


def shift(a: dict, by: float) -> None:
    for key in ("mean", "min", "max"):
        a[key] += by


def flip_tie(norm, layers):
    """The arm's seed range moved off LayerNorm's if they overlap, onto it if they do not."""

    def plant(data):
        a, ln = data["summary"][f"{norm}@{layers}"], data["summary"][f"ln@{layers}"]
        overlap = not (a["max"] < ln["min"] or a["min"] > ln["max"])
        shift(a, (ln["max"] + 1.0 - a["min"]) if overlap else ((ln["min"] + ln["max"]) / 2 - a["mean"]))

    plant.__doc__ = f"{norm} at {layers} blocks moved off or onto LayerNorm's seed range"
    return plant


def flip_trails(norm, layers):
    """The arm's seed range moved onto LayerNorm's if it sits above it, above it if not."""

    def plant(data):
        a, ln = data["summary"][f"{norm}@{layers}"], data["summary"][f"ln@{layers}"]
        above = a["min"] > ln["max"]
        shift(a, ((ln["min"] + ln["max"]) / 2 - a["mean"]) if above else (ln["max"] + 1.0 - a["min"]))

    plant.__doc__ = f"{norm} at {layers} blocks moved onto, or above, LayerNorm's seed range"
    return plant


def flip_top_rate(data):
    """At 6 blocks and the top rate, BN's sweep loss put below (or above) LayerNorm's."""
    top = max(data["rates"])
    bn = next(r for r in data["sweep"] if r["norm"] == "bn" and r["layers"] == 6 and r["lr"] == top)
    ln = next(r for r in data["sweep"] if r["norm"] == "ln" and r["layers"] == 6 and r["lr"] == top)
    bn["val_loss"] = ln["val_loss"] - 0.5 if bn["val_loss"] > ln["val_loss"] else ln["val_loss"] + 0.5


PLANTS = {
    "none_ties_ln_2": flip_tie("none", 2),
    "none_trails_ln_6": flip_trails("none", 6),
    "bn_ties_ln_2": flip_tie("bn", 2),
    "bn_trails_ln_6": flip_trails("bn", 6),
    "bn_worse_at_top_rate": flip_top_rate,
}


test_table, test_verdicts, test_plants = claim_tests(EXPERIMENT, PLANTS)
