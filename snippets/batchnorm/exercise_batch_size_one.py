"""Exercise: BatchNorm with one value per channel.

For a (1, C) input in training mode each channel pools m = 1 value: x - mean is 0, so every
input gives beta and no gradient reaches x, and the unbiased variance would divide by
m - 1 = 0. PyTorch refuses the call. Eval mode works, since it reads the running buffers.
A (1, C, T) sequence has m = T values, and BN then equals InstanceNorm on that sequence.
"""

import os

import torch
import torch.nn.functional as F
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
C, T, EPS, DT = 4, 6, 1e-5, torch.float64
bn = nn.BatchNorm1d(C, eps=EPS).to(device, DT)
with torch.no_grad():
    bn.weight.copy_(torch.rand(C, dtype=DT) + 0.5)  # some gamma and beta
    bn.bias.copy_(torch.randn(C, dtype=DT))

try:
    bn.train()(torch.randn(1, C, dtype=DT, device=device))
except ValueError as error:
    print(f"training mode, input (1, {C}): ValueError: {str(error).split(',')[0]}")
else:
    raise AssertionError("expected BatchNorm1d to refuse one value per channel")

# The same formula written out with m = 1: every input comes out as beta, with zero gradient.
outputs = []
for _ in range(2):
    x = torch.randn(1, C, dtype=DT, device=device, requires_grad=True)
    x_hat = (x - x.mean(dim=0)) / torch.sqrt(x.var(dim=0, unbiased=False) + EPS)
    y = bn.weight * x_hat + bn.bias
    (y * torch.randn_like(y)).sum().backward()
    outputs.append(y.detach())
    assert torch.equal(y.detach()[0], bn.bias.detach()) and (x.grad == 0).all()
print("by hand, m = 1: two different inputs both give beta; gradient to x is 0")

with torch.no_grad():
    one, two = (torch.randn(1, C, dtype=DT, device=device) for _ in range(2))
    moved = (bn.eval()(one) - bn.eval()(two)).abs().max().item()
print(f"eval mode, input (1, {C}): runs; two inputs differ by up to {moved:.2f}")
assert moved > 0.1

with torch.no_grad():
    seq = torch.randn(1, C, T, dtype=DT, device=device)
    y_bn = bn.train()(seq)  # m = T values per channel
    y_in = F.instance_norm(seq, weight=bn.weight, bias=bn.bias, eps=EPS)
same = torch.allclose(y_bn, y_in, atol=1e-12)
print(f"training mode, input (1, {C}, {T}): runs, and equals InstanceNorm: {same}")
assert same
