"""Exercise: which inputs LayerNorm and RMSNorm cannot tell apart.

LayerNorm (no affine, eps = 0) gives the same output for x and a*x + b*1 with a > 0, so it keeps
C - 2 degrees of freedom of a token; RMSNorm gives the same output for x and a*x only, C - 1.
"""

import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
C, DT = 8, torch.float64
x = torch.randn(5, C, dtype=DT).to(device)
a, b = 3.7, -1.2
ln = nn.LayerNorm(C, eps=0.0, elementwise_affine=False).to(device, DT)
rms = nn.RMSNorm(C, eps=0.0, elementwise_affine=False).to(device, DT)
print(f"max |LN(a x + b 1) - LN(x)|           = {(ln(a * x + b) - ln(x)).abs().max():.1e}")
print(f"max |RMSNorm(a x) - RMSNorm(x)|       = {(rms(a * x) - rms(x)).abs().max():.1e}")
print(f"max |RMSNorm(a x + b 1) - RMSNorm(x)| = {(rms(a * x + b) - rms(x)).abs().max():.2f}")
assert torch.allclose(ln(a * x + b), ln(x)) and torch.allclose(rms(a * x), rms(x))
assert not torch.allclose(rms(a * x + b), rms(x))  # RMSNorm keeps the shift along 1
