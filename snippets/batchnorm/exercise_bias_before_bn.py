"""Exercise: why the layer before BatchNorm is usually built with bias=False.

In training mode BN subtracts each channel's batch mean, and a constant bias moves that mean
by exactly the bias: the outputs with and without it are the same, and the bias gets a zero
gradient. BN's beta already plays its part.
"""

import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
B, D_IN, C, DT = 16, 8, 4, torch.float64
with_bias = nn.Sequential(nn.Linear(D_IN, C, bias=True), nn.BatchNorm1d(C)).to(device, DT)
no_bias = nn.Sequential(nn.Linear(D_IN, C, bias=False), nn.BatchNorm1d(C)).to(device, DT)
with torch.no_grad():
    no_bias[0].weight.copy_(with_bias[0].weight)  # the same weights; only the bias differs
    with_bias[0].bias.copy_(torch.randn(C, dtype=DT) * 5.0)

x = torch.randn(B, D_IN, dtype=DT, device=device)
y1, y2 = with_bias.train()(x), no_bias.train()(x)
(y1 * torch.randn(B, C, dtype=DT, device=device)).sum().backward()  # any loss will do
gap = (y1 - y2).abs().max().item()
grad = with_bias[0].bias.grad.abs().max().item()
# Zero up to float64 rounding. The rounding residue itself is not printed: its last digits
# change with the order of the sums (the thread count, the device).
print(f"bias of size up to {with_bias[0].bias.abs().max().item():.1f}")
print(f"max |output difference| below 1e-12: {gap < 1e-12}")
print(f"max |gradient of the bias| below 1e-10: {grad < 1e-10}")
assert gap < 1e-12 and grad < 1e-10
