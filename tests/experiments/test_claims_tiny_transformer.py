"""Experiment 6 (six normalizations and the masked-BN ablation): every claim, and a planted
contradiction that flips its verdict. A plant edits a copy of the committed results: where the
data supports the claim it makes the sentence false, where the data rejects it, true."""

from __future__ import annotations

from tests.experiments.planted import claim_tests

import tiny_transformer  # noqa: E402  (planted.py puts snippets/experiments on sys.path)

EXPERIMENT = "tiny_transformer"
CLAIMS = {c.name: c for c in tiny_transformer.CLAIMS}


def runs(data, norm, micro=64):
    return [r for r in data["final"] if r["norm"] == norm and r["micro"] == micro]


def values(data, norm, micro=64, key="val_loss"):
    return [r[key] for r in runs(data, norm, micro)]


def put(data, norm, micro, new, key="val_loss"):
    """Give the seeds of (norm, micro) the values `new` (one per seed, or one for all)."""
    rows = runs(data, norm, micro)
    new = new if isinstance(new, list) else [new] * len(rows)
    for r, v in zip(rows, new):
        r[key] = v


def above(data, norm, micro, key="val_loss"):
    """Values well above every seed of (norm, micro): separated from them, and worse."""
    return [max(values(data, norm, micro, key)) + 0.5 + 0.01 * i for i in range(len(runs(data, norm, micro)))]


def below(data, norm, micro, key="val_loss"):
    return [min(values(data, norm, micro, key)) / 3 * (1 - 0.01 * i) for i in range(len(runs(data, norm, micro)))]


def flipping(claim: str, make_true, make_false, doc: str):
    """A plant that makes the claim's sentence true if the data rejects it, false if not."""

    def plant(data):
        holds, _ = CLAIMS[claim].test(data)
        (make_false if holds else make_true)(data)

    plant.__doc__ = doc
    return plant


def worse_than(a, b, micros=(64,), claim=None, doc=""):
    """Claim: a ends worse than b at each micro-batch (a = (norm, micro or None))."""

    def true(data):
        for m in micros:
            put(data, a, m, above(data, b, m))

    def false(data):
        put(data, a, micros[0], values(data, b, micros[0]))

    return flipping(claim, true, false, doc or f"{a} put above {b}'s seed range, or onto it")


def better_than(a, b, micros, claim, doc=""):
    """Claim: a ends better than b at each micro-batch, beyond the seed spread."""

    def true(data):
        for m in micros:
            put(data, a, m, below(data, b, m))

    def false(data):
        put(data, a, micros[0], values(data, b, micros[0]))

    return flipping(claim, true, false, doc or f"{a} put below {b}'s seed range, or onto it")


def not_worse(a, b, micros, claim):
    """Claim: a is not worse than b, or indistinguishable from it."""

    def true(data):
        for m in micros:
            put(data, a, m, values(data, b, m))

    def false(data):
        put(data, a, micros[0], above(data, b, micros[0]))

    return flipping(claim, true, false, f"{a} copied onto {b}'s seeds, or put above them")


def cross(a_norm, a_micro, b_norm, b_micro, claim):
    def true(data):
        put(data, a_norm, a_micro, above(data, b_norm, b_micro))

    def false(data):
        put(data, a_norm, a_micro, values(data, b_norm, b_micro))

    return flipping(claim, true, false, f"{a_norm}@{a_micro} put above {b_norm}@{b_micro}, or onto it")


def bn_monotone(data):
    """BatchNorm at 64 put above BatchNorm at 2 (worse with more), or every micro-batch
    given BatchNorm at 2's values (never worse with more)."""
    micro = sorted({r["micro"] for r in data["final"] if r["norm"] == "bn"})
    if CLAIMS["bn_no_worse_with_more"].test(data)[0]:
        put(data, "bn", micro[-1], above(data, "bn", micro[0]))
    else:
        for m in micro[1:]:
            put(data, "bn", m, values(data, "bn", micro[0]))


def none_ties(data):
    """No normalization put far above everything, or given LayerNorm's values (LN is then
    within the best's range or is the best)."""
    if CLAIMS["none_ties_best"].test(data)[0]:
        worst = max(r["val_loss"] for r in data["final"])
        put(data, "none", 64, [worst + 1 + 0.01 * i for i in range(3)])
    else:
        arms = {(r["norm"], r["micro"]) for r in data["final"] if r["norm"] not in ("none", *tiny_transformer.ABLATION)}
        best = min(arms, key=lambda a: sum(values(data, *a)) / 3)
        put(data, "none", 64, values(data, *best))


def dyt_fails(data):
    """DyT with alpha0 0.5 given the loss of a model that ignores the sequence, or a tenth of it."""
    level = data["marginal_loss"] * (0.1 if CLAIMS["dyt_default_fails"].test(data)[0] else 1.0)
    put(data, "dyt_0.5", 64, level)


def noise(norm, other, claim, louder: bool):
    """Per-layer statistics deviation of `norm` set well above (or below) `other`'s in every
    layer at micro-batches 4 and 8, so that the claim's comparison turns."""

    def plant(data):
        holds, _ = CLAIMS[claim].test(data)
        up = louder != holds  # make `norm` noisier when that makes the sentence true
        for m in (4, 8):
            ref = runs(data, other, m)
            for r in runs(data, norm, m):
                for i, layer in enumerate(r["layers"]):
                    top = max(x["layers"][i]["mean_shift_population"] for x in ref)
                    low = min(x["layers"][i]["mean_shift_population"] for x in ref)
                    layer["mean_shift_population"] = top * 2 if up else low / 2

    plant.__doc__ = f"{norm}'s per-layer deviation put above or below {other}'s"
    return plant


def masked_train_mode(data):
    """Masked BN's training-mode losses put above its eval-mode losses at micro-batches 2 to 8,
    or onto them."""
    holds = CLAIMS["masked_train_mode_worse"].test(data)[0]
    for m in (2, 4, 8):
        for r in runs(data, "masked_bn", m):
            r["train_mode_loss"] = r["eval_loss"] if holds else max(values(data, "masked_bn", m, "eval_loss")) + 0.5


PLANTS = {
    "bn_2_trails_ln": flipping("bn_2_trails_ln", lambda d: put(d, "bn", 2, above(d, "ln", 64)), lambda d: put(d, "bn", 2, values(d, "ln")),
                               "BatchNorm at 2 put above LayerNorm's seed range, or onto it"),
    "bn_64_matches_ln": not_worse("bn", "ln", (64,), "bn_64_matches_ln"),
    "bn_no_worse_with_more": bn_monotone,
    "none_ties_best": none_ties,
    "rms_worse": worse_than("rms", "ln", claim="rms_worse"),
    "dyt_default_worse": worse_than("dyt_0.5", "dyt", claim="dyt_default_worse"),
    "dyt_default_fails": dyt_fails,
    "masked_trails_bn_small": worse_than("masked_bn", "bn", (2, 4, 8), claim="masked_trails_bn_small"),
    "masked_matches_bn_64": not_worse("masked_bn", "bn", (64,), "masked_matches_bn_64"),
    "masked_8_trails_bn_4": cross("masked_bn", 8, "bn", 4, "masked_8_trails_bn_4"),
    "count_matched_like_bn": not_worse("bn_count_matched", "bn", (4, 8), "count_matched_like_bn"),
    "count_matched_beats_masked": better_than("bn_count_matched", "masked_bn", (4, 8), "count_matched_beats_masked"),
    "zero_pad_like_bn": not_worse("bn_zero_pad", "bn", (4, 8), "zero_pad_like_bn"),
    "zero_pad_beats_masked": better_than("bn_zero_pad", "masked_bn", (4, 8), "zero_pad_beats_masked"),
    "masked_noisier": noise("masked_bn", "bn", "masked_noisier", louder=True),
    "count_matched_as_noisy": noise("bn_count_matched", "masked_bn", "count_matched_as_noisy", louder=True),
    "masked_train_mode_worse": masked_train_mode,
}


test_table, test_verdicts, test_plants = claim_tests(EXPERIMENT, PLANTS)
