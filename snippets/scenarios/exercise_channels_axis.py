"""Exercise: feeding a (B, T, C) activation to nn.BatchNorm1d, two right ways and two wrong ones.

BatchNorm1d normalizes dimension 1. Transposing to (B, C, T) and flattening to (B * T, C) both
pool each channel over its B * T values: the same outputs and the same running statistics.
reshape(B, C, T) has the right shape but mixes tokens and features, without an error. Passing
(B, T, C) unchanged raises an error when T != C, but when T == C it silently normalizes each
token position instead of each channel.
"""

import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
DT = torch.float64
B, T, C = 4, 12, 8
offset = 3.0 * torch.randn(C, dtype=DT)  # every channel its own mean, so mixing channels shows
x = (torch.randn(B, T, C, dtype=DT) + offset).to(device)


def fresh() -> nn.BatchNorm1d:
    return nn.BatchNorm1d(C, affine=False).to(device, DT).train()


def by_transpose(h: torch.Tensor, bn: nn.BatchNorm1d) -> torch.Tensor:
    return bn(h.transpose(1, 2)).transpose(1, 2)  # (B, T, C) -> (B, C, T) -> back


bn_t, bn_f = fresh(), fresh()
right = by_transpose(x, bn_t)
ways = {
    "transpose(1, 2)": right,
    "reshape(B * T, C)": bn_f(x.reshape(B * T, C)).reshape(B, T, C),  # right as well
    "reshape(B, C, T)": fresh()(x.reshape(B, C, T)).reshape(B, T, C),  # wrong, and no error
}
print(f"{'way':17} | max |diff| from transpose | max |channel mean| of output")
gaps = {}
for name, y in ways.items():
    gaps[name] = (y - right).abs().max().item()
    print(f"{name:17} | {gaps[name]:25.2f} | {y.mean(dim=(0, 1)).abs().max().item():.2f}")
same_running = torch.allclose(bn_t.running_mean, bn_f.running_mean) and torch.allclose(bn_t.running_var, bn_f.running_var)
print(f"transpose and flatten leave the same running statistics: {same_running}")
assert gaps["reshape(B * T, C)"] < 1e-12 and same_running
assert gaps["reshape(B, C, T)"] > 0.1
assert right.mean(dim=(0, 1)).abs().max() < 1e-12  # each channel standardized over B * T values

try:  # no transpose, T = 12 tokens on dimension 1 against C = 8 channels
    fresh()(x)
    error = "no error"
except RuntimeError:
    error = "RuntimeError"
square = x[:, :C]  # now T == C: the same mistake goes through
silent = fresh()(square)
silent_gap = (silent - by_transpose(square, fresh())).abs().max().item()
print(f"no transpose, T = {T}: {error}; T = {C}: max |diff| from transpose = {silent_gap:.2f}")
assert error == "RuntimeError" and silent_gap > 0.1
assert silent.mean(dim=(0, 2)).abs().max() < 1e-12  # what it standardized: each token position
