"""Experiment 4: the gap between BatchNorm's training mode and eval mode as the batch shrinks.

A BatchNorm Transformer is trained on the counting task with micro-batches of 32 sequences.
Then the held-out set is run in eval mode (running statistics) and in training mode with
batches of 1 to 128 sequences (statistics of that batch). We record the loss in both modes
and how far the batch statistics of the first BatchNorm land from its running statistics,
the quantity PowerNorm (Shen et al., 2020) plots for Transformers.
"""

# --8<-- [start:experiment]
import torch

from lab import COUNTING, counting_task, evaluate, main, seeded, train_counting

SIZES = {"smoke": [1, 16], "full": [1, 2, 4, 8, 16, 32, 64, 128]}
STEPS = {"smoke": 4, "full": 400}


@torch.no_grad()
def statistics_deviation(model, val, batch: int, device) -> dict:
    """How far the first BatchNorm's batch mean and variance are from its running ones."""
    bn = model.blocks[0].norm1.norm
    seen = []
    hook = bn.register_forward_hook(lambda module, args, out: seen.append(args[0]))  # (b, C, T) input
    evaluate(model, val, batch, True, device)
    hook.remove()
    mean_dev, var_ratio = [], []
    for x in seen:
        flat = x.transpose(0, 1).reshape(x.shape[1], -1)  # C rows, every position of the batch
        mean_dev.append(((flat.mean(1) - bn.running_mean).abs() / bn.running_var.sqrt()).mean())
        var_ratio.append((flat.var(1) / bn.running_var).log().abs().mean())
    return {"mean_deviation": torch.stack(mean_dev).mean().item(), "log_var_ratio": torch.stack(var_ratio).mean().item()}


def run(mode: str, device) -> dict:
    c = COUNTING
    val = counting_task(1024 if mode == "full" else 64, c["t"], c["vocab"], seeded(1000))
    model, curve = train_counting("bn", 32, STEPS[mode], device)
    eval_mode = evaluate(model, val, 64, False, device)
    rows = []
    for b in SIZES[mode]:
        train_mode = evaluate(model, val, b, True, device)
        rows.append({"batch": b, "train_mode_loss": train_mode["loss"], "train_mode_accuracy": train_mode["accuracy"],
                     "gap": train_mode["loss"] - eval_mode["loss"], **statistics_deviation(model, val, b, device)})
    return {"seed": 1, "mode": mode, "task": c, "steps": STEPS[mode], "trained_micro_batch": 32,
            "eval_loss": eval_mode["loss"], "eval_accuracy": eval_mode["accuracy"], "rows": rows}
# --8<-- [end:experiment]


# --8<-- [start:check]
def check(data: dict, mode: str) -> None:
    rows = data["rows"]
    first, last = rows[0], rows[-1]
    assert first["mean_deviation"] > last["mean_deviation"], "small batches' statistics stray further"
    if mode == "full":  # after 4 smoke steps the running statistics are still far off
        assert first["gap"] > last["gap"], "the train/eval gap grows as the batch shrinks"
        assert first["gap"] > 0.5, "one sequence per batch: training mode is far off"
        assert abs(last["gap"]) < 0.05, "128 sequences per batch: the two modes nearly agree"
        devs = [r["mean_deviation"] for r in rows]
        assert all(a > b for a, b in zip(devs, devs[1:])), "deviation falls with every doubling"
# --8<-- [end:check]


def report(data: dict) -> str:
    lines = [f"eval mode (running statistics): loss {data['eval_loss']:.3f}, accuracy {data['eval_accuracy']:.3f}",
             "batch   train-mode loss   gap     accuracy   mean deviation   |log var ratio|"]
    for r in data["rows"]:
        lines.append(f"{r['batch']:>5}   {r['train_mode_loss']:>15.3f}   {r['gap']:+.3f}   {r['train_mode_accuracy']:>8.3f}"
                     f"   {r['mean_deviation']:>14.3f}   {r['log_var_ratio']:>15.3f}")
    return "\n".join(lines)


if __name__ == "__main__":
    main("train_eval_gap", run, check, report)
