"""Exercise: the variance BatchNorm normalizes with, and the one it stores.

In training mode BatchNorm divides by the biased variance of the batch (sum / m), but
running_var accumulates the unbiased one (sum / (m - 1)). With momentum=1.0 the buffers hold
exactly the last batch's statistics, so eval mode on that same batch divides by a slightly
larger variance: its outputs are smaller by about sqrt((m - 1) / m).
"""

import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
C, DT = 3, torch.float64

for B, T in [(2, 2), (32, 128)]:
    m = B * T  # values per channel
    x = torch.randn(B, C, T, dtype=DT, device=device)
    bn = nn.BatchNorm1d(C, momentum=1.0, affine=False).to(device, DT).train()
    with torch.no_grad():
        y_train = bn(x)  # normalized with the biased variance
        y_eval = bn.eval()(x)  # normalized with running_var, the unbiased variance
    biased = x.var(dim=(0, 2), unbiased=False)
    assert torch.allclose(bn.running_var, x.var(dim=(0, 2), unbiased=True), atol=1e-12)
    assert torch.allclose(bn.running_var, biased * m / (m - 1), atol=1e-12)
    assert torch.allclose(y_train.var(dim=(0, 2), unbiased=False), biased / (biased + bn.eps))
    expected = torch.sqrt((biased + bn.eps) / (bn.running_var + bn.eps)).view(1, C, 1)
    assert torch.allclose(y_eval, y_train * expected, atol=1e-12)
    ratio = (bn.running_var / biased).mean().item()
    shrink = (y_eval / y_train).mean().item()
    print(f"m = {m:>4}: running_var / batch variance = {ratio:.5f}, "
          f"eval output / train output = {shrink:.5f}")
    assert abs(ratio - m / (m - 1)) < 1e-9
