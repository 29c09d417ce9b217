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
            # Zeros pooled with real values: variance (1 - p) sigma^2 + p (1 - p) mu^2 per channel,
            # larger than sigma^2 wherever p < 1 - sigma^2 / mu^2.
            p = 1 - REAL / length
            predicted = (1 - p) * std_r**2 + p * (1 - p) * mean_r**2
            pooled_var = pooled.var(0, unbiased=False)
            row["variance_formula_error"] = ((pooled_var - predicted).abs() / predicted).max().item()  # relative, worst channel
            row["channels_inflated"] = int((pooled_var > std_r**2 * (1 + 1e-6)).sum())
        rows.append(row)
    return {"seed": 0, "mode": mode, "B": B, "real_tokens": REAL, "C": C, "rows": rows}
# --8<-- [end:experiment]


# Below this line: planning, reporting and claims, which do not change a run's results.


# --8<-- [start:check]
def check(data: dict, mode: str) -> None:
    """Smoke: the mechanism, with no padding and with half padding."""
    rows = data["rows"]
    bn = [r["bn_change"] for r in rows]
    assert all(a < b for a, b in zip(bn, bn[1:])), "more padding, larger change of BN's outputs"
    assert bn[-1] > 0.1, "half or more padding moves real tokens' outputs visibly"
    for r in rows:
        assert r["ln_change"] < 1e-6 and r["masked_bn_change"] < 1e-5, "LN and masked BN ignore padding"
# --8<-- [end:check]


def report(data: dict) -> str:
    lines = [f"padding   BN mean drift   BN std ratio   channels whose variance grew (of {data['C']})   BN change   masked BN change   LN change"]
    for r in data["rows"]:
        lines.append(
            f"{r['padding_share']:>7.0%}   {r['bn_mean_drift']:>13.3f}   {r['bn_std_ratio']:>12.3f}   {r['channels_inflated']:>38}   {r['bn_change']:>9.3f}"
            f"   {r['masked_bn_change']:>16.1e}   {r['ln_change']:>9.1e}"
        )
    return "\n".join(lines)


# --8<-- [start:claims]
from lab import Claim  # noqa: E402


def padded(data: dict) -> list[dict]:
    return [r for r in data["rows"] if r["padding_share"] > 0]


def change_grows(data):
    bn = [r["bn_change"] for r in data["rows"]]
    return all(a < b for a, b in zip(bn, bn[1:])), "BN change by padding share: " + ", ".join(f"{r['padding_share']:.0%} {r['bn_change']:.3f}" for r in data["rows"])


def large_at_most_padding(data):
    last = data["rows"][-1]
    return last["bn_change"] > 1.0, f"at {last['padding_share']:.0%} padding: mean change {last['bn_change']:.2f}"


def ln_and_masked_ignore(data):
    ln = max(r["ln_change"] for r in data["rows"])
    masked = max(r["masked_bn_change"] for r in data["rows"])
    return ln < 1e-5 and masked < 1e-5, f"largest mean change at any share: LN {ln:.1e}, masked BN {masked:.1e}"


def drift_linear(data):
    slopes = [r["bn_mean_drift"] / r["padding_share"] for r in padded(data)]
    return max(slopes) <= 1.01 * min(slopes), f"mean drift / padding share: {min(slopes):.4f} to {max(slopes):.4f}"


def variance_formula(data):
    worst = max(r["variance_formula_error"] for r in data["rows"])
    return worst < 1e-4, f"largest relative error of (1-p)σ² + p(1-p)μ², any channel and share: {worst:.1e}"


def inflated_at_low_padding(data):
    low = padded(data)[0]
    holds = low["bn_std_ratio"] > 1 and low["channels_inflated"] > 0
    return holds, f"at {low['padding_share']:.0%} padding: std ratio {low['bn_std_ratio']:.4f}, {low['channels_inflated']} of {data['C']} channels with a larger variance"


def shrunk_at_high_padding(data):
    high = data["rows"][-1]
    return high["bn_std_ratio"] < 1, f"at {high['padding_share']:.0%} padding: std ratio {high['bn_std_ratio']:.3f}, {high['channels_inflated']} of {data['C']} channels with a larger variance"


CLAIMS = [
    Claim("change_grows", "Plain BatchNorm's outputs for the real tokens move further from their unpadded values at every step up in padding share.",
          "填充占比每增加一档，普通 BatchNorm 对真实 token 的输出就离不填充时的值更远一些。", change_grows),
    Claim("large_at_most_padding", "At the largest padding share the real tokens' outputs move by more than 1 on average, more than the standard deviation of a normalized value.",
          "填充占比最大时，真实 token 的输出平均变化超过 1，比标准化后的值的标准差还大。", large_at_most_padding),
    Claim("ln_and_masked_ignore", "LayerNorm and masked BatchNorm leave the real tokens' outputs unchanged at every padding share (changes below 1e-5, rounding).",
          "在每一种填充占比下，LayerNorm 和掩码 BN 都不改变真实 token 的输出（变化小于 1e-5，只是舍入误差）。", ln_and_masked_ignore),
    Claim("drift_linear", "Each channel's pooled mean moves toward the padding value in proportion to the padding share: the drift divided by the share is the same at every share, within 1%.",
          "每个通道合并后的均值按填充占比的比例向填充值偏移：在每一种占比下，偏移量除以占比都相同，相差不超过 1%。", drift_linear),
    Claim("variance_formula", "The pooled variance of every channel equals (1−p)σ² + p(1−p)μ², with p the padding share and μ, σ² the real tokens' mean and variance.",
          "每个通道合并后的方差都等于 (1−p)σ² + p(1−p)μ²，其中 p 是填充占比，μ 和 σ² 是真实 token 的均值和方差。", variance_formula),
    Claim("inflated_at_low_padding", "Padding does not simply make the variance smaller: at the lowest padding share the pooled standard deviation is larger than the real tokens' one on average over channels.",
          "填充并不只是让方差变小：填充占比最低时，对所有通道取平均，合并后的标准差比真实 token 的标准差更大。", inflated_at_low_padding),
    Claim("shrunk_at_high_padding", "At the largest padding share the pooled standard deviation is below the real tokens' one on average over channels.",
          "填充占比最大时，对所有通道取平均，合并后的标准差比真实 token 的标准差小。", shrunk_at_high_padding),
]
# --8<-- [end:claims]


if __name__ == "__main__":
    main("padding", run, check, report, CLAIMS)
