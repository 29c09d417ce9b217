"""Exercise: nn.LayerNorm((T, C)) is not nn.LayerNorm(C) on a (B, T, C) activation.

With normalized_shape (T, C) the pool is a whole sequence of a sample, the same T * C values
that GroupNorm(1, C) pools, the weight holds one value per (token, feature), and the layer
refuses any other sequence length. nn.LayerNorm(C) pools one token and takes any length.
"""

import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
B, T, C, DT = 3, 6, 8, torch.float64
x = (2.0 * torch.randn(B, T, C, dtype=DT) + 1.0).to(device)

per_sequence = nn.LayerNorm((T, C)).to(device, DT)
per_token = nn.LayerNorm(C).to(device, DT)
gn = nn.GroupNorm(1, C, affine=False).to(device, DT)
with torch.no_grad():
    plain = nn.functional.layer_norm(x, (T, C))  # no affine, to compare with GroupNorm
    d_gn = (plain - gn(x.transpose(1, 2)).transpose(1, 2)).abs().max().item()

print(f"weight shapes: LayerNorm((T, C)) {tuple(per_sequence.weight.shape)}, LayerNorm(C) {tuple(per_token.weight.shape)}")
print(f"LayerNorm((T, C)) without affine vs GroupNorm(1, C): max |diff| = {d_gn:.1e}")
assert per_sequence.weight.shape == (T, C) and per_token.weight.shape == (C,)
assert d_gn < 1e-12, "the same pool: all T * C values of a sample"

shorter = x[:, : T - 2]  # a batch of sequences of another length
assert per_token(shorter).shape == shorter.shape  # any length is fine per token
try:
    per_sequence(shorter)
    refused = "no error"
except RuntimeError as error:
    refused = type(error).__name__
print(f"LayerNorm((T, C)) on sequences of length {T - 2}: {refused}; LayerNorm(C): works")
assert refused == "RuntimeError", "normalized_shape ties the layer to one sequence length"
