"""Experiment 2 (padding): every claim, and a planted contradiction that flips its verdict.
Each plant edits a copy of the committed data so that the page's sentence becomes false."""

from __future__ import annotations

from tests.experiments.planted import claim_tests

EXPERIMENT = "padding"


def change_dips(data):
    """BN's change at 50% padding set below the one at the share before it."""
    rows = data["rows"]
    i = len(rows) // 2
    rows[i]["bn_change"] = rows[i - 1]["bn_change"] / 2


def small_at_90(data):
    """BN's change at the largest padding share cut to 0.8."""
    data["rows"][-1]["bn_change"] = 0.8


def masked_moves(data):
    """Masked BN's outputs moved by 0.01 at the largest share, as if it counted padding."""
    data["rows"][-1]["masked_bn_change"] = 0.01


def drift_bends(data):
    """The mean drift at 90% padding made 5% larger than a straight line through the others gives."""
    data["rows"][-1]["bn_mean_drift"] *= 1.05


def formula_off(data):
    """The measured variance 1% away from (1-p)σ² + p(1-p)μ² in one channel at one share."""
    data["rows"][3]["variance_formula_error"] = 0.01


def only_shrinks(data):
    """The first padded share shows a std ratio below 1 and no channel whose variance grew."""
    row = next(r for r in data["rows"] if r["padding_share"] > 0)
    row["bn_std_ratio"], row["channels_inflated"] = 0.99, 0


def grows_at_90(data):
    """At the largest share the std ratio set to 1.2."""
    data["rows"][-1]["bn_std_ratio"] = 1.2


PLANTS = {
    "change_grows": change_dips,
    "large_at_most_padding": small_at_90,
    "ln_and_masked_ignore": masked_moves,
    "drift_linear": drift_bends,
    "variance_formula": formula_off,
    "inflated_at_low_padding": only_shrinks,
    "shrunk_at_high_padding": grows_at_90,
}


test_table, test_verdicts, test_plants = claim_tests(EXPERIMENT, PLANTS)
