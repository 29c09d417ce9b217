"""Padding leaks into BatchNorm's statistics.

The same real tokens are padded with more and more zero positions, as happens when a
batch is padded to its longest sequence. BatchNorm (training mode) counts the padded
positions in every channel's mean and variance, so the outputs of the real tokens drift.
LayerNorm never looks at another position, so they stay put. A BatchNorm that averages
over the real positions only (a mask) removes the drift.
"""

# --8<-- [start:setup]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))
torch.manual_seed(0)

B, T_real, C = 4, 10, 8
real = 1.5 * torch.randn(B, T_real, C, device=device) + 1.0  # real tokens, mean far from 0

bn = nn.BatchNorm1d(C).to(device).train()
ln = nn.LayerNorm(C).to(device)


def pad(x: torch.Tensor, n_pad: int) -> torch.Tensor:
    """Append n_pad all-zero positions to every sequence of a (B, T, C) tensor."""
    return torch.cat([x, x.new_zeros(x.shape[0], n_pad, x.shape[2])], dim=1)


def masked_bn(x: torch.Tensor, mask: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """Training-mode BatchNorm (no affine) whose statistics count real positions only.

    x is (B, T, C); mask is (B, T) with 1 for a real token and 0 for padding.
    """
    w = mask.unsqueeze(-1)  # (B, T, 1)
    m = w.sum()  # number of real positions
    mu = (x * w).sum(dim=(0, 1)) / m  # one mean per channel
    var = (((x - mu) ** 2) * w).sum(dim=(0, 1)) / m  # biased, as BN uses in training
    return (x - mu) / torch.sqrt(var + eps)
# --8<-- [end:setup]

# --8<-- [start:sweep]
reference_bn = bn(real.transpose(1, 2)).transpose(1, 2)  # no padding at all
reference_ln = ln(real)

print("padding | BN mean ch0 | BN var ch0 | BN shift | LN shift | masked BN shift")
bn_shifts = []
for n_pad in [0, 5, 20, 60]:
    x = pad(real, n_pad)
    mask = torch.zeros(B, T_real + n_pad, device=device)
    mask[:, :T_real] = 1.0
    flat = x.transpose(1, 2).reshape(C, -1)  # each channel's B * (T_real + n_pad) values
    mean0, var0 = flat[0].mean().item(), flat[0].var(unbiased=False).item()

    y_bn = bn(x.transpose(1, 2)).transpose(1, 2)[:, :T_real]  # outputs of the real tokens
    y_ln = ln(x)[:, :T_real]
    y_masked = masked_bn(x, mask)[:, :T_real]

    bn_shift = (y_bn - reference_bn).abs().max().item()
    ln_shift = (y_ln - reference_ln).abs().max().item()
    masked_shift = (y_masked - reference_bn).abs().max().item()  # bn still has γ = 1, β = 0
    bn_shifts.append(bn_shift)
    print(f"{n_pad:7d} | {mean0:11.4f} | {var0:10.4f} | {bn_shift:8.4f} | {ln_shift:8.4f} | {masked_shift:15.4f}")
    assert ln_shift < 1e-5, "padding must not move LayerNorm's outputs for real tokens"
    assert masked_shift < 1e-4, "counting only real positions must undo the drift"

assert all(a < b for a, b in zip(bn_shifts, bn_shifts[1:])), "more padding, more drift"
assert bn_shifts[-1] > 1.0
# --8<-- [end:sweep]
