"""Experiment 2: padding shifts BatchNorm's statistics, and with them the outputs for real
tokens; LayerNorm does not notice, and a masked BatchNorm that counts only real tokens
removes the effect.

The same 16 sequences of 16 real tokens are padded with zeros to longer and longer lengths,
so that padding makes up a growing share of the batch.
"""

# --8<-- [start:experiment]
import torch

from lab import BatchNorm, LayerNorm, MaskedBatchNorm, main, seeded

B, REAL, C = 16, 16, 32
SHARES = {"smoke": [0.0, 0.5], "full": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]}


def run(mode: str, device) -> dict:
    g = seeded(0)
    centre, scale = torch.randn(C, generator=g), 0.5 + torch.rand(C, generator=g)  # each channel's mean and spread
    x_real = (centre + scale * torch.randn(B, REAL, C, generator=g)).to(device)
    layers = {"bn": BatchNorm(C), "masked_bn": MaskedBatchNorm(C), "ln": LayerNorm(C)}
    reference, rows = {}, []
    for share in SHARES[mode]:
        length = round(REAL / (1 - share))  # total positions per sequence
        x = torch.zeros(B, length, C, device=device)
        x[:, :REAL] = x_real
        mask = torch.arange(length, device=device) < REAL
        mask = mask.expand(B, length)
        row = {"padding_share": round(1 - REAL / length, 4), "length": length}
        with torch.no_grad():
            for name, layer in layers.items():
                out = layer.to(device).train()(x, mask)[:, :REAL]  # outputs for real tokens only
                reference.setdefault(name, out)
                row[name + "_change"] = (out - reference[name]).abs().mean().item()
            pooled = x.reshape(-1, C)  # every position, padded or not: what plain BN averages over
            real = x_real.reshape(-1, C)
            mean_r, std_r = real.mean(0), real.std(0, unbiased=False)
            row["bn_mean_drift"] = ((pooled.mean(0) - mean_r).abs() / std_r).mean().item()  # in units of the real std
            row["bn_std_ratio"] = (pooled.std(0, unbiased=False) / std_r).mean().item()
        rows.append(row)
    return {"seed": 0, "mode": mode, "B": B, "real_tokens": REAL, "C": C, "rows": rows}
# --8<-- [end:experiment]


# --8<-- [start:check]
def check(data: dict, mode: str) -> None:
    rows = data["rows"]
    bn = [r["bn_change"] for r in rows]
    assert all(a < b for a, b in zip(bn, bn[1:])), "more padding, larger change of BN's outputs"
    assert bn[-1] > 0.1, "half or more padding moves real tokens' outputs visibly"
    for r in rows:
        assert r["ln_change"] < 1e-6 and r["masked_bn_change"] < 1e-5, "LN and masked BN ignore padding"
# --8<-- [end:check]


def report(data: dict) -> str:
    lines = ["padding   BN mean drift   BN std ratio   BN change   masked BN change   LN change"]
    for r in data["rows"]:
        lines.append(
            f"{r['padding_share']:>7.0%}   {r['bn_mean_drift']:>13.3f}   {r['bn_std_ratio']:>12.3f}   {r['bn_change']:>9.3f}"
            f"   {r['masked_bn_change']:>16.1e}   {r['ln_change']:>9.1e}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main("padding", run, check, report)
