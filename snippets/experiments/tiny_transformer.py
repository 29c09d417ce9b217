"""Experiment 6: one tiny Transformer, six normalizations, several batch sizes.

The task (lab.counting_task) needs attention and comes with padding: label each real token
with how often its symbol occurs in its sequence. Every run makes the same optimizer steps
on the same 64 sequences per step; what changes is the micro-batch, the number of sequences
in one forward pass. That is the batch BatchNorm takes statistics over (gradient
accumulation, as in practice), so any difference between micro-batches comes from the
normalization alone. LayerNorm, RMSNorm, DyT and no normalization ignore the batch: each is
trained once (the smoke run checks that their micro-batch makes no difference).
"""

# --8<-- [start:experiment]
import torch

from lab import COUNTING, counting_task, evaluate, main, seeded, train_counting

BATCH_FREE = ["ln", "rms", "dyt", "dyt_0.5", "none"]  # dyt_0.5: DyT with the paper's default alpha0
BATCH_BOUND = ["bn", "masked_bn"]
MICRO = {"smoke": [2, 8], "full": [2, 4, 8, 16, 32, 64]}
STEPS = {"smoke": 4, "full": 400}
SEED_REPEATS = [2, 3]  # full mode: LN and BN (micro-batch 8) again with other seeds


def run(mode: str, device) -> dict:
    c = COUNTING
    val = counting_task(1024 if mode == "full" else 64, c["t"], c["vocab"], seeded(1000))  # held out, the same for all
    runs = []

    def one(norm, micro, seed=1):
        name, alpha0 = ("dyt", 0.5) if norm == "dyt_0.5" else (norm, 2.0)
        model, curve = train_counting(name, micro, STEPS[mode], device, seed=seed, val=val, dyt_alpha0=alpha0)
        eval_mode = evaluate(model, val, 64, False, device)
        train_mode = evaluate(model, val, micro, True, device)  # statistics of `micro` sequences
        runs.append({"norm": norm, "micro": micro, "seed": seed, "curve": curve,
                     "eval_loss": eval_mode["loss"], "eval_accuracy": eval_mode["accuracy"],
                     "train_mode_loss": train_mode["loss"], "train_mode_accuracy": train_mode["accuracy"]})

    for norm in BATCH_BOUND:
        for micro in MICRO[mode]:
            one(norm, micro)
    for norm in BATCH_FREE if mode == "full" else ["ln"]:
        for micro in (MICRO[mode] if mode == "smoke" else [64]):
            one(norm, micro)
    if mode == "full":  # how much of a difference is just the seed (initialization and data order)?
        for seed in SEED_REPEATS:
            one("ln", 64, seed)
            one("bn", 8, seed)
    return {"seed": 1, "mode": mode, "task": c, "steps": STEPS[mode], "runs": runs}
# --8<-- [end:experiment]


def result(data, norm, micro=None, seed=1):
    for r in data["runs"]:
        if r["norm"] == norm and (micro is None or r["micro"] == micro) and r.get("seed", 1) == seed:
            return r
    raise KeyError((norm, micro))


# --8<-- [start:check]
def check(data: dict, mode: str) -> None:
    small, large = MICRO[mode][0], MICRO[mode][-1]
    ln_small, ln_large = result(data, "ln", small if mode == "smoke" else None), result(data, "ln")
    if mode == "smoke":  # LN: the micro-batch changes nothing but rounding
        assert abs(ln_small["eval_loss"] - result(data, "ln", large)["eval_loss"]) < 1e-3
    assert abs(ln_large["eval_loss"] - ln_large["train_mode_loss"]) < 1e-5, "LN has no train/eval difference"
    bn_small, bn_large = result(data, "bn", small), result(data, "bn", large)
    assert abs(bn_small["eval_loss"] - bn_small["train_mode_loss"]) > 1e-3, "BN does: batch vs running statistics"
    if mode == "full":
        gap = lambda r: abs(r["train_mode_loss"] - r["eval_loss"])  # noqa: E731
        assert gap(bn_small) > 2 * gap(bn_large), "BN's train/eval gap grows as the micro-batch shrinks"
        assert bn_small["eval_loss"] > bn_large["eval_loss"], "BN at the smallest micro-batch ends worse"
        assert bn_large["eval_accuracy"] > ln_large["eval_accuracy"] - 0.05, "with a large batch BN is as good as LN here"
        ln_seeds = [r["eval_loss"] for r in data["runs"] if r["norm"] == "ln"]
        assert max(ln_seeds) > 1.5 * min(ln_seeds), "the seed alone moves LN's result a lot"
        assert result(data, "masked_bn", 4)["eval_loss"] > 2 * result(data, "bn", 4)["eval_loss"], "masked BN trails at 4"
        assert result(data, "dyt_0.5")["eval_loss"] > 1.5 > 0.5 > result(data, "dyt")["eval_loss"], "DyT: alpha0 decides"
        assert result(data, "none")["eval_loss"] < max(ln_seeds), "no normalization ties LN on this shallow model"
        assert result(data, "rms")["eval_loss"] > max(ln_seeds), "RMSNorm's one run is worse than every LN seed"
# --8<-- [end:check]


def report(data: dict) -> str:
    lines = ["norm        micro   eval-mode loss / acc   train-mode loss / acc"]
    for r in data["runs"]:
        lines.append(
            f"{r['norm']:<10}  {r['micro']:>5}   {r['eval_loss']:>8.3f} / {r['eval_accuracy']:.3f}"
            f"     {r['train_mode_loss']:>8.3f} / {r['train_mode_accuracy']:.3f}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main("tiny_transformer", run, check, report)
