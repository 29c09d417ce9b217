"""Exercise: what the epsilon under the square root does.

Without epsilon a constant feature gives 0 / 0 = NaN. With epsilon it gives 0, and a token
whose features barely vary comes out with variance sigma^2 / (sigma^2 + eps) instead of 1:
its noise is damped rather than blown up to unit size.
"""

import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
C, EPS, DT = 8, 1e-5, torch.float64


def standardize(x: torch.Tensor, eps: float) -> torch.Tensor:
    """Per-token standardization over the last axis, written out."""
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, unbiased=False, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)


constant = torch.full((1, C), 3.0, dtype=DT, device=device)  # a token whose features are all equal
no_eps, with_eps = standardize(constant, 0.0), standardize(constant, EPS)
print(f"constant token, eps = 0   : {no_eps[0, :3].tolist()} ...")
print(f"constant token, eps = 1e-5: {with_eps[0, :3].tolist()} ...")
assert torch.isnan(no_eps).all() and (with_eps == 0).all()

assert nn.LayerNorm(C).eps == nn.BatchNorm1d(C).eps == EPS  # PyTorch's default for both
ln = nn.LayerNorm(C, eps=EPS, elementwise_affine=False).to(device, DT)
for std in (1.0, 1e-3):  # an ordinary token, and one that barely varies
    x = std * torch.randn(1, C, dtype=DT, device=device)
    var_in = x.var(unbiased=False).item()
    var_out = ln(x).var(unbiased=False).item()
    print(f"input variance {var_in:.1e} -> output variance {var_out:.4f}")
    assert abs(var_out - var_in / (var_in + EPS)) < 1e-12  # sigma^2 / (sigma^2 + eps), not 1
    assert (var_out > 0.999) if std == 1.0 else (var_out < 0.2)
