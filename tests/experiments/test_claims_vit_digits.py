"""Experiment 9 (a small ViT on the 8x8 digits): every claim, and a planted contradiction that
flips its verdict. Each plant edits a copy of the committed data so that the page's sentence
becomes false where the data supports it, and true where the data rejects it."""

from __future__ import annotations

from tests.experiments.planted import claim_tests

EXPERIMENT = "vit_digits"


def runs(data, norm, group=None):
    return [r for r in data["final"] if r["norm"] == norm and r["group"] == group]


def ln_loss_cut(data):
    """LayerNorm's test losses cut to 0.3 times their value: below BN with the FFN BN."""
    for r in runs(data, "ln"):
        r["test_loss"] *= 0.3


def lower_accuracy(norm, group, by):
    def plant(data):
        for r in runs(data, norm, group):
            r["test_accuracy"] -= by

    plant.__doc__ = f"{norm} with statistics over {group} images: test accuracy lowered by {by:.0%} in every seed, below all of LayerNorm's range"
    return plant


def precise_bn_lifts(data):
    """PreciseBN made to add 3 points of test accuracy to naive BN at group 64 in every seed."""
    for r in runs(data, "bn", 64):
        r["precise_test_accuracy"] = r["final_test_accuracy"] + 0.03


def naive_bn_crashes(data):
    """One naive-BN run of the sweep (groups of 2, the highest rate) marked as diverged."""
    r = next(r for r in data["sweep"] if r["norm"] == "bn" and r["group"] == 2 and r["lr"] == max(data["rates"]))
    r["diverged"] = True
    r["val_accuracy"] = float("nan")


def ffn_bn_copies_naive(data):
    """BN with the FFN BN given naive BN's test accuracy, seed by seed, at every group size."""
    for r in data["final"]:
        if r["norm"] == "bn_ffn":
            r["test_accuracy"] = next(b["test_accuracy"] for b in runs(data, "bn", r["group"]) if b["seed"] == r["seed"])


def bn_fits_training_set(data):
    """Naive BN at groups of 2 given LayerNorm's training loss curve: it fits the training set as well."""
    ln_curve = runs(data, "ln")[0]["curve"]["train_loss"]
    for r in runs(data, "bn", 2):
        r["curve"]["train_loss"] = list(ln_curve)


PLANTS = {
    "bn_ffn_beats_ln_64": ln_loss_cut,
    "bn_matches_ln_64": lower_accuracy("bn", 64, 0.05),
    "bn_small_group_not_worse": lower_accuracy("bn", 2, 0.03),
    "precise_bn_within_spread": precise_bn_lifts,
    "naive_bn_trains_stably": naive_bn_crashes,
    "ffn_bn_no_difference": ffn_bn_copies_naive,
    "small_group_regularizes": bn_fits_training_set,
}


test_table, test_verdicts, test_plants = claim_tests(EXPERIMENT, PLANTS)
