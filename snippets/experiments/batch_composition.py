"""Experiment 1: in training mode, BatchNorm's output for one sample depends on the rest of
its batch; LayerNorm's does not, and BatchNorm in eval mode is per-sample again.

Sample 0 stays fixed while the other samples of its batch are redrawn. For each batch size
we record how far sample 0's output moves (the largest change over all its values).
"""

# --8<-- [start:experiment]
import torch

from lab import BatchNorm, LayerNorm, main, seeded

T, C = 16, 32
SIZES = {"smoke": [2, 8], "full": [2, 4, 8, 16, 32, 64, 128]}
DRAWS = {"smoke": 4, "full": 40}


def run(mode: str, device) -> dict:
    g = seeded(0)
    mask = torch.ones(1, T, dtype=torch.bool, device=device)  # no padding here
    sample = 1.0 + 2.0 * torch.randn(1, T, C, generator=g).to(device)  # the sample we watch
    bn, ln = BatchNorm(C).to(device), LayerNorm(C).to(device)
    bn_eval = BatchNorm(C).to(device)
    with torch.no_grad():  # give eval-mode BN running statistics from a few batches
        for _ in range(50):
            bn_eval(1.0 + 2.0 * torch.randn(32, T, C, generator=g).to(device), mask.expand(32, T))
    bn_eval.eval()
    rows = []
    for b in SIZES[mode]:
        outputs = {"bn_train": [], "bn_eval": [], "ln": []}
        for _ in range(DRAWS[mode]):
            others = 1.0 + 2.0 * torch.randn(b - 1, T, C, generator=g).to(device)
            batch, m = torch.cat([sample, others]), mask.expand(b, T)
            with torch.no_grad():
                outputs["bn_train"].append(bn(batch, m)[0])
                outputs["bn_eval"].append(bn_eval(batch, m)[0])
                outputs["ln"].append(ln(batch, m)[0])
        row = {"batch": b}
        for name, outs in outputs.items():  # spread of sample 0's output across the draws
            stacked = torch.stack(outs)
            row[name + "_max_change"] = (stacked - stacked[0]).abs().max().item()
            row[name + "_std"] = stacked.std(dim=0).mean().item()
        rows.append(row)
    return {"seed": 0, "mode": mode, "T": T, "C": C, "draws": DRAWS[mode], "rows": rows}
# --8<-- [end:experiment]


# Below this line: planning, reporting and claims, which do not change a run's results.


# --8<-- [start:check]
def check(data: dict, mode: str) -> None:
    """Smoke: the mechanism, at two batch sizes."""
    rows = data["rows"]
    for row in rows:
        assert row["bn_train_max_change"] > 0.01, "BN (training) must react to the other samples"
        assert row["ln_max_change"] < 1e-5, "LN must ignore the other samples"
        assert row["bn_eval_max_change"] < 1e-5, "BN (eval) must ignore the other samples"
    stds = [row["bn_train_std"] for row in rows]
    assert stds[0] > stds[-1], "the effect shrinks as the batch grows"
# --8<-- [end:check]


def report(data: dict) -> str:
    lines = ["batch   BN (train): max change   std   std / (sqrt(b-1)/b)   LN: max change   BN (eval): max change"]
    for r in data["rows"]:
        lines.append(
            f"{r['batch']:>5}   {r['bn_train_max_change']:>22.4f}  {r['bn_train_std']:.4f}   {r['bn_train_std'] / law(r['batch']):>19.4f}"
            f"   {r['ln_max_change']:>14.1e}   {r['bn_eval_max_change']:>21.1e}"
        )
    return "\n".join(lines)


# --8<-- [start:claims]
import math  # noqa: E402

from lab import Claim  # noqa: E402


def law(b: int) -> float:
    """How the spread of the batch statistics scales when b - 1 of the b samples are redrawn
    and sample 0 stays: a mean over (b - 1) T random values, weighted (b - 1) / b."""
    return math.sqrt(b - 1) / b


def bn_train_depends(data):
    changes = {r["batch"]: r["bn_train_max_change"] for r in data["rows"]}
    return min(changes.values()) > 0.01, "largest change of sample 0's output, BN in training mode: " + ", ".join(f"{b}: {c:.2f}" for b, c in changes.items())


def unchanged(key: str, name: str):
    def test(data):
        worst = max(r[key] for r in data["rows"])
        return worst < 1e-5, f"largest change of sample 0's output, {name}, any batch size: {worst:.1e}"
    return test


def follows_law(data):
    ratios = {r["batch"]: r["bn_train_std"] / law(r["batch"]) for r in data["rows"]}
    lo, hi = min(ratios.values()), max(ratios.values())
    return hi <= 1.1 * lo, f"spread / (√(b−1)/b) from batch {min(ratios)} to {max(ratios)}: {lo:.3f} to {hi:.3f}"


CLAIMS = [
    Claim("bn_train_depends", "In training mode, BatchNorm's output for a fixed sample changes when its batch mates are redrawn, at every batch size from 2 to 128.",
          "训练模式下，只要同批的其他样本重新抽取，BatchNorm 对一个固定样本的输出就会改变，从批大小 2 到 128 都是如此。", bn_train_depends),
    Claim("ln_unchanged", "LayerNorm's output for the sample does not change at any batch size (largest change below 1e-5).",
          "在任何批大小下，LayerNorm 对这个样本的输出都不变（最大变化小于 1e-5）。", unchanged("ln_max_change", "LN")),
    Claim("bn_eval_unchanged", "In eval mode, BatchNorm's output for the sample does not change at any batch size (largest change below 1e-5).",
          "推理模式下，在任何批大小下 BatchNorm 对这个样本的输出都不变（最大变化小于 1e-5）。", unchanged("bn_eval_max_change", "BN in eval mode")),
    Claim("follows_law", "The spread of the sample's output is proportional to √(b−1)/b: divided by it, the spread varies by less than 10% from batch size 2 to 128. It falls like 1/√b only once the batch is large.",
          "样本输出的标准差与 √(b−1)/b 成正比：除以它之后，从批大小 2 到 128 的变化不超过 10%。只有在批很大时，它才像 1/√b 那样下降。", follows_law),
]
# --8<-- [end:claims]


if __name__ == "__main__":
    main("batch_composition", run, check, report, CLAIMS)
