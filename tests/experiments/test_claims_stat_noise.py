"""Experiment 3 (noise of batch statistics): every claim, and a planted contradiction that
flips its verdict. Each plant edits the per-measurement rows of a copy of the committed data
(the claims read those, not the summary) so that the page's sentence becomes false where the
data supports it, and true where the data rejects it."""

from __future__ import annotations

from tests.experiments.planted import claim_tests

import stat_noise  # noqa: E402  (planted.py puts snippets/experiments on sys.path)

EXPERIMENT = "stat_noise"


def rows(data, source):
    """Every (measurement, batch size) row of one source."""
    return [row for run in data["runs"] for row in run["rows"][source]]


def holds(data, name):
    return {c.name: c for c in stat_noise.CLAIMS}[name].test(data)[0]


def flip_iid(data):
    """Independent values at the largest batch made worth 1.5 times their tokens, or every
    i.i.d. row set to exactly B*T."""
    supported = holds(data, "iid_matches")
    for run in data["runs"]:
        for row in run["rows"]["iid"]:
            if not supported:
                row["n_eff"] = row["tokens"]
        if supported:
            run["rows"]["iid"][-1]["n_eff"] = 1.5 * run["rows"]["iid"][-1]["tokens"]


def flip_chars(data):
    """The character embedding's exponent at B = 1 set to 0.5, or every one set to 1."""
    supported = holds(data, "chars_near_tokens")
    for run in data["runs"]:
        for i, row in enumerate(run["rows"]["chars"]):
            if not supported:
                row["exponent"] = 1.0
            elif i == 0:
                row["exponent"] = 0.5


def flip_attention(data):
    """Block 1's feed-forward input made as independent as the embeddings (0.1 above their
    highest exponent), or every layer after the first attention put 0.1 below their lowest."""
    first = [r["exponent"] for r in rows(data, data["layers"][0])]
    supported = holds(data, "attention_correlates")
    for name in data["layers"][1:2] if supported else data["layers"][1:]:
        for row in rows(data, name):
            row["exponent"] = max(first) + 0.1 if supported else min(first) - 0.1


def flip_closer(data):
    """One layer's exponent at one batch size put at 0.3 (nearer B than B*T), or every
    exponent under 0.5 raised to 0.6."""
    supported = holds(data, "closer_to_tokens")
    for name in data["layers"]:
        for row in rows(data, name):
            if not supported and row["exponent"] <= 0.5:
                row["exponent"] = 0.6
    if supported:
        data["runs"][0]["rows"][data["layers"][-1]][0]["exponent"] = 0.3


def flip_proportional(data):
    """The final layer's exponent at the largest batch raised 0.3 above its value at B = 1,
    or every layer's largest-batch exponent set equal to its B = 1 value."""
    supported = holds(data, "proportional_to_b")
    for run in data["runs"]:
        for name in data["layers"][-1:] if supported else data["layers"]:
            first, last = run["rows"][name][0], run["rows"][name][-1]
            last["exponent"] = first["exponent"] + (0.3 if supported else 0.0)


def flip_variance(data):
    """Block 1's feed-forward input given a variance exponent 0.1 below its mean's, or every
    layer after the first attention one 0.1 above."""
    supported = holds(data, "variance_less_correlated")
    for name in data["layers"][1:2] if supported else data["layers"][1:]:
        for row in rows(data, name):
            row["exponent_var"] = row["exponent"] + (-0.1 if supported else 0.1)


def flip_depth(data):
    """The final normalization's exponents copied from block 1's feed-forward input (the
    ranges then coincide), or set 0.1 above that layer's highest."""
    shallow = data["layers"][1]
    supported = holds(data, "depth_decorrelates")
    top = max(r["exponent"] for r in rows(data, shallow))
    for run in data["runs"]:
        for deep, low in zip(run["rows"][data["layers"][-1]], run["rows"][shallow]):
            deep["exponent"] = low["exponent"] if supported else top + 0.1


PLANTS = {
    "iid_matches": flip_iid,
    "chars_near_tokens": flip_chars,
    "attention_correlates": flip_attention,
    "closer_to_tokens": flip_closer,
    "proportional_to_b": flip_proportional,
    "variance_less_correlated": flip_variance,
    "depth_decorrelates": flip_depth,
}


test_table, test_verdicts, test_plants = claim_tests(EXPERIMENT, PLANTS)
