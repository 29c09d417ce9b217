"""Experiment 8 (character-level LM on Tiny Shakespeare): every claim, and a planted
contradiction that flips its verdict. Each plant edits a copy of the committed data in the
direction that makes the page's sentence false where the data supports it, and true where the
data rejects it."""

from __future__ import annotations

from tests.experiments.planted import claim_tests

EXPERIMENT = "char_lm"


def final_rows(data, norm, group=None, lr=None):
    lr = data["best_lr"][norm] if lr is None else lr
    return [r for r in data["final"] if r["norm"] == norm and r["group"] == group and r["lr"] == lr]


def span(rows, key="val_loss"):
    values = [r[key] for r in rows]
    return min(values), max(values)


def flip_apart(norm, than="ln", group=None, key="val_loss", than_key="val_loss"):
    """norm's losses moved onto the other's range if they sit above it, or well above it if not."""

    def plant(data):
        rows, other = final_rows(data, norm, group), final_rows(data, than)
        lo, hi = span(other, than_key)
        above = span(rows, key)[0] > hi
        for r in rows:
            r[key] = (lo + hi) / 2 if above else hi + 1.0

    plant.__doc__ = f"{norm}'s {key} moved across {than}'s seed range"
    return plant


def flip_below(norm, than):
    """norm's losses moved below the other's range if they are not, onto it if they are."""

    def plant(data):
        rows, other = final_rows(data, norm), final_rows(data, than)
        lo, hi = span(other)
        below = span(rows)[1] < lo
        for r in rows:
            r["val_loss"] = (lo + hi) / 2 if below else lo - 1.0

    plant.__doc__ = f"{norm} moved across {than}'s seed range from below"
    return plant


def flip_tie(norm, than):
    """norm's losses moved far from the other's range if they overlap it, onto it if not."""

    def plant(data):
        rows, other = final_rows(data, norm), final_rows(data, than)
        lo, hi = span(other)
        overlap = not (span(rows)[1] < lo or span(rows)[0] > hi)
        for r in rows:
            r["val_loss"] = hi + 1.0 if overlap else (lo + hi) / 2

    plant.__doc__ = f"{norm} moved off or onto {than}'s seed range"
    return plant


def flip_anchor(data):
    """LayerNorm's final losses at nanoGPT's rate shifted 0.2 away from 1.88, or set to 1.88."""
    rows = final_rows(data, "ln", lr=data["nanogpt"]["lr"])
    near = abs(sum(r["final_val_loss"] for r in rows) / len(rows) - data["published_val_loss"]) <= 0.05
    for r in rows:
        r["final_val_loss"] = r["final_val_loss"] + 0.2 if near else data["published_val_loss"]


def flip_leak(group):
    def plant(data):
        rows = final_rows(data, "bn", group)
        leaking = all(r["train_mode_val_loss"] < r["val_loss"] for r in rows)
        for r in rows:
            r["train_mode_val_loss"] = r["val_loss"] + (0.1 if leaking else -0.1)

    plant.__doc__ = f"BN's training-mode loss (group {group}) put above, or below, its eval-mode loss"
    return plant


def flip_backward(data):
    """The backward statistic's fluctuation set below (or above) the forward one in every layer."""
    rows = [r for r in data["final"] if r["norm"] == "bn" and r["group"] is None and r.get("statistics")][0]["statistics"]
    noisier = all(r["grad_var_shift"] > r["var_ratio_shift"] for r in rows)
    for r in rows:
        r["grad_var_shift"] = r["var_ratio_shift"] * (0.5 if noisier else 2.0)


PLANTS = {
    "anchor": flip_anchor,
    "rms_ties_ln": flip_tie("rms", "ln"),
    "bn_trails_ln": flip_apart("bn"),
    "bn_ffn_not_better": flip_below("bn_ffn", "bn"),
    "powernorm_beats_bn": flip_below("powernorm", "bn"),
    "bn_small_group_worse": flip_apart("bn", "bn", group=2),
    "leak_small_group": flip_leak(2),
    "leak_full_batch": flip_leak(None),
    "precise_bn_no_rescue": flip_apart("bn", "ln", group=2, key="precise_bn_val_loss"),
    "dyt_trails_ln": flip_apart("dyt"),
    "none_trails_ln": flip_apart("none"),
    "backward_noisier": flip_backward,
}


test_table, test_verdicts, test_plants = claim_tests(EXPERIMENT, PLANTS)
