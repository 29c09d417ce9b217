"""What zero padding does to BatchNorm's variance: (1 - p) sigma^2 + p (1 - p) mu^2.

With a share p of zero-padded positions, a channel whose real tokens have mean mu and
variance sigma^2 gets the pooled mean (1 - p) mu and the pooled variance
(1 - p) sigma^2 + p (1 - p) mu^2. The first term shrinks with padding; the second, the spread
between the real tokens and the zeros, grows. The result exceeds sigma^2 whenever
p < 1 - sigma^2 / mu^2. Both are checked against the statistics nn.BatchNorm1d computes.
"""

# --8<-- [start:pooled]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))
torch.manual_seed(0)
f64 = torch.float64

B, T_real = 8, 50
# two channels of real tokens: mean 1, std 1.5 (small mean) and mean 3, std 1 (large mean)
real = torch.randn(B, T_real, 2, device=device, dtype=f64) * torch.tensor([1.5, 1.0], device=device, dtype=f64)
real = real + torch.tensor([1.0, 3.0], device=device, dtype=f64)
mu = real.mean(dim=(0, 1))
var = real.var(dim=(0, 1), unbiased=False)


def pooled_by_bn(n_pad: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The batch mean and (biased) variance BatchNorm uses, read from its running buffers."""
    x = torch.cat([real, real.new_zeros(B, n_pad, 2)], dim=1)  # zero padding after the tokens
    bn = nn.BatchNorm1d(2, affine=False, momentum=1.0).to(device, f64).train()  # buffers := batch
    bn(x.transpose(1, 2))
    m = x.shape[0] * x.shape[1]  # positions pooled per channel, padding included
    return bn.running_mean, bn.running_var * (m - 1) / m  # running_var stores the unbiased value


print(f"{'padding share p':>15} | {'pooled / real variance, mean-1 channel':>38} | {'mean-3 channel':>14}")
ratios = {}
for n_pad in [0, 5, 25, 50, 150, 450]:
    p = n_pad / (T_real + n_pad)
    bn_mean, bn_var = pooled_by_bn(n_pad)
    formula = (1 - p) * var + p * (1 - p) * mu**2
    assert torch.allclose(bn_mean, (1 - p) * mu) and torch.allclose(bn_var, formula), "the formula is BN's"
    ratios[p] = (bn_var / var).tolist()
    print(f"{p:15.2f} | {ratios[p][0]:38.2f} | {ratios[p][1]:14.2f}")

small_mean = [r[0] for r in ratios.values()]
large_mean = [r[1] for r in ratios.values()]
threshold = (1 - var / mu**2).tolist()  # p below which the pooled variance exceeds sigma^2
print(f"the variance grows for p < 1 - sigma^2/mu^2: {threshold[1]:.2f} for the mean-3 channel, "
      f"{'never' if threshold[0] <= 0 else f'{threshold[0]:.2f}'} for the mean-1 channel")
assert all(a > b for a, b in zip(small_mean, small_mean[1:])), "mu^2 < sigma^2: padding only shrinks the variance"
assert max(large_mean) > 1.5, "mu^2 > sigma^2: a little padding makes the variance larger than without it"
assert all((r > 1) == (p < threshold[1]) for p, r in zip(ratios, large_mean) if p > 0)
# --8<-- [end:pooled]
