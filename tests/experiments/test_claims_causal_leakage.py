"""Experiment 5 (causal leakage): every claim, and a planted contradiction that flips its
verdict. Each plant edits a copy of the committed data in the direction that makes the page's
sentence false where the data supports it, and true where the data rejects it."""

from __future__ import annotations

from tests.experiments.planted import claim_tests

import causal_leakage  # noqa: E402  (planted.py puts snippets/experiments on sys.path)

EXPERIMENT = "causal_leakage"


def rows(data, norm, batch=1):
    return [r for r in data["rows"] if r["norm"] == norm and r["batch"] == batch]


def holds(data, test) -> bool:
    return test(data)[0]


def ln_beats_chance(data):
    """LayerNorm's held-out loss put 0.1 below chance on every seed (or, if the claim fails, at chance with no leak)."""
    supported = holds(data, causal_leakage.ln_at_chance)
    for r in rows(data, "ln"):
        r["train_mode_loss"] = data["entropy"] - 0.1 if supported else data["entropy"]
        if not supported:
            r["leak_train_mode"] = 0.0


def bn1_honest(data):
    """BN at batch 1 put at LayerNorm's training-mode losses (or 1 nat below chance if the claim fails)."""
    supported = holds(data, causal_leakage.bn1_cheats)
    ln = [r["train_mode_loss"] for r in rows(data, "ln")]
    for r, value in zip(rows(data, "bn"), ln):
        r["train_mode_loss"] = value if supported else data["entropy"] - 1.0


def bn1_fine_in_eval(data):
    """BN at batch 1 put at chance minus 0.05 in eval mode (or 1 nat above LayerNorm if the claim fails)."""
    supported = holds(data, causal_leakage.bn1_fails_in_eval)
    top = max(r["eval_mode_loss"] for r in rows(data, "ln"))
    for r in rows(data, "bn"):
        r["eval_mode_loss"] = data["entropy"] - 0.05 if supported else max(top, data["entropy"]) + 1.0


def bn2_like_bn1(data):
    """BN at batch 2 given batch 1's training-mode losses (or put halfway between batch 1 and LN)."""
    supported = holds(data, causal_leakage.bn2_smaller_cheat)
    b1 = [r["train_mode_loss"] for r in rows(data, "bn")]
    ln_low = min(r["train_mode_loss"] for r in rows(data, "ln"))
    for i, r in enumerate(rows(data, "bn", 2)):
        r["train_mode_loss"] = b1[i] if supported else (max(b1) + ln_low) / 2 + 1e-4 * i


def bn8_apart(data):
    """BN at batch 8 moved 0.5 below LayerNorm's range if they overlap, onto LayerNorm's values if not."""
    supported = holds(data, causal_leakage.bn8_ties_ln)
    ln = [r["train_mode_loss"] for r in rows(data, "ln")]
    for r, value in zip(rows(data, "bn", 8), ln):
        r["train_mode_loss"] = min(ln) - 0.5 if supported else value


def leak_closed(data):
    """BN's leak at batch 8 cut to 0.05 on every seed (or, if the claim fails, leaks set to 4, 2, 1, 0.5 by batch)."""
    supported = holds(data, causal_leakage.leak_diluted)
    for batch, value in ((1, 4.0), (2, 2.0), (4, 1.0), (8, 0.5)):
        for r in rows(data, "bn", batch):
            if supported:
                r["leak_train_mode"] = 0.05 if batch == 8 else r["leak_train_mode"]
            else:
                r["leak_train_mode"] = value


def eval_leaks(data):
    """One run's eval-mode leak set to 0.1 (or every eval-mode leak set to 0 if the claim fails)."""
    supported = holds(data, causal_leakage.nothing_leaks_in_eval)
    for i, r in enumerate(data["rows"]):
        r["leak_eval_mode"] = 0.1 if supported and i == 0 else (r["leak_eval_mode"] if supported else 0.0)


PLANTS = {
    "ln_at_chance": ln_beats_chance,
    "bn1_cheats": bn1_honest,
    "bn1_fails_in_eval": bn1_fine_in_eval,
    "bn2_smaller_cheat": bn2_like_bn1,
    "bn8_ties_ln": bn8_apart,
    "leak_diluted": leak_closed,
    "nothing_leaks_in_eval": eval_leaks,
}


test_table, test_verdicts, test_plants = claim_tests(EXPERIMENT, PLANTS)
