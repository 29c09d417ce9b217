"""Dynamic Tanh (DyT): gamma * tanh(alpha * x) + beta, a drop-in for LayerNorm without statistics.

DyT computes no mean and no variance: each output element depends only on the matching input
element. The asserts check that a token's output ignores the other tokens of the batch and
the other features of the same token (LayerNorm's does not), and that |DyT(x)| <= |gamma| + |beta|.
"""

# --8<-- [start:module]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)


class DyT(nn.Module):
    """y = gamma * tanh(alpha * x) + beta, with one learned scalar alpha and per-channel gamma, beta."""

    def __init__(self, num_channels: int, alpha_init: float = 0.5):
        super().__init__()
        self.alpha = nn.Parameter(torch.tensor(alpha_init))  # a scalar: how hard to squash
        self.weight = nn.Parameter(torch.ones(num_channels))  # gamma
        self.bias = nn.Parameter(torch.zeros(num_channels))  # beta

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.weight * torch.tanh(self.alpha * x) + self.bias
# --8<-- [end:module]


# --8<-- [start:elementwise]
B, T, C = 4, 8, 16
dyt = DyT(C).to(device)
ln = nn.LayerNorm(C).to(device)
with torch.no_grad():  # trained-looking parameters instead of the initial ones
    dyt.weight.copy_(1.0 + 0.3 * torch.randn(C, device=device))
    dyt.bias.copy_(0.3 * torch.randn(C, device=device))

x = 2.0 * torch.randn(B, T, C, device=device)
changed = x.clone()
changed[1:] = 5.0 * torch.randn(B - 1, T, C, device=device)  # every other sample of the batch
changed[0, 0, 1:] = 5.0 * torch.randn(C - 1, device=device)  # the other features of token (0, 0)

with torch.no_grad():
    dyt_same = torch.equal(dyt(x)[0, 0, 0], dyt(changed)[0, 0, 0])  # feature 0 of token (0, 0)
    ln_same = torch.equal(ln(x)[0, 0, 0], ln(changed)[0, 0, 0])
print(f"feature 0 of token (0, 0) unchanged when everything else changes: DyT {dyt_same}, LayerNorm {ln_same}")
assert dyt_same, "DyT is element-wise"
assert not ln_same, "LayerNorm's output depends on the token's other features"
# --8<-- [end:elementwise]


# --8<-- [start:bounded]
huge = 1e4 * torch.randn(B, T, C, device=device)  # far outside any normal activation range
with torch.no_grad():
    y = dyt(huge)
    bound = dyt.weight.abs() + dyt.bias.abs()  # per channel: |gamma_c| + |beta_c|
    within = bool((y.abs() <= bound + 1e-6).all())
print(f"inputs as large as {huge.abs().max().item():.0f}: output max {y.abs().max().item():.3f}, "
      f"bound max {bound.max().item():.3f}; within |gamma| + |beta|: {within}")
assert within, "tanh is bounded by 1, so DyT is bounded by |gamma| + |beta|"
# --8<-- [end:bounded]
