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


# --8<-- [start:check]
def check(data: dict, mode: str) -> None:
    rows = data["rows"]
    for row in rows:
        assert row["bn_train_max_change"] > 0.01, "BN (training) must react to the other samples"
        assert row["ln_max_change"] < 1e-5, "LN must ignore the other samples"
        assert row["bn_eval_max_change"] < 1e-5, "BN (eval) must ignore the other samples"
    stds = [row["bn_train_std"] for row in rows]
    assert stds[0] > stds[-1], "the effect shrinks as the batch grows"
    if mode == "full":  # the spread falls like 1/sqrt(batch): over 64x more samples, about 8x less
        ratio = stds[0] / stds[-1]
        assert 4 < ratio < 16, ratio
# --8<-- [end:check]


def report(data: dict) -> str:
    lines = ["batch   BN (train): max change   std   LN: max change   BN (eval): max change"]
    for r in data["rows"]:
        lines.append(
            f"{r['batch']:>5}   {r['bn_train_max_change']:>22.4f}  {r['bn_train_std']:.4f}   {r['ln_max_change']:>14.1e}   {r['bn_eval_max_change']:>21.1e}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main("batch_composition", run, check, report)
