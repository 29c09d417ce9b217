"""Exercise: GroupNorm with one group is not the LayerNorm of a Transformer.

nn.GroupNorm(1, C) on the channels-first view (B, C, T) standardizes all C * T values of a
sample at once; nn.LayerNorm(C) on (B, T, C) standardizes each token's C features on their
own. The two agree when every sample holds a single token (T = 1). With more tokens they
differ, and GroupNorm's output for token 0 moves when the other tokens of its sequence change.
"""

import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
B, T, C, DT = 3, 6, 8, torch.float64
x = (2.0 * torch.randn(B, T, C, dtype=DT) + 1.0).to(device)  # a (B, T, C) activation

gn = nn.GroupNorm(1, C, affine=False).to(device, DT)  # pool: one sample, all channels and tokens
ln = nn.LayerNorm(C, elementwise_affine=False).to(device, DT)  # pool: one token, its C features


def gn_tokens(h: torch.Tensor) -> torch.Tensor:
    """GroupNorm reads channels first: (B, T, C) -> (B, C, T) -> back."""
    return gn(h.transpose(1, 2)).transpose(1, 2)


d_tokens = (gn_tokens(x) - ln(x)).abs().max().item()
d_single = (gn_tokens(x[:, :1]) - ln(x[:, :1])).abs().max().item()  # T = 1: one token per sample

others = x.clone()
others[:, 1:] = torch.randn(B, T - 1, C, dtype=DT).to(device)  # every token but token 0 replaced
gn_moved = (gn_tokens(others)[:, 0] - gn_tokens(x)[:, 0]).abs().max().item()
ln_moved = (ln(others)[:, 0] - ln(x)[:, 0]).abs().max().item()

print(f"T = {T}: max |GroupNorm(1, C) - LayerNorm(C)| = {d_tokens:.2f}")
print(f"T = 1: max |GroupNorm(1, C) - LayerNorm(C)| = {d_single:.1e}")
print(f"token 0 after the other tokens change: GroupNorm moves {gn_moved:.2f}, LayerNorm {ln_moved:.1e}")
assert d_tokens > 0.1 and d_single < 1e-12, "the same pool only when a sample is one token"
assert gn_moved > 0.1 and ln_moved < 1e-12, "GroupNorm's pool spans the sequence, LayerNorm's does not"
