"""Exercise: which axes BatchNorm and LayerNorm pool, for (B, C) and (B, T, C) inputs.

For (B, C), BN keeps C statistics of B values each, LN keeps B statistics of C values each.
For (B, T, C), BN keeps C statistics of m = B*T values each (it treats the tensor as a batch
of B*T rows), LN keeps B*T statistics of C values each. Passing (B, T, C) to BatchNorm1d
without the transpose fails, except when T == C: then it normalizes each position t instead.
"""

import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
B, T, C, DT = 4, 5, 6, torch.float64
bn = nn.BatchNorm1d(C, affine=False).to(device, DT).train()
ln = nn.LayerNorm(C, elementwise_affine=False).to(device, DT)


def standardize(x: torch.Tensor, dims: tuple[int, ...]) -> torch.Tensor:
    """Subtract the mean and divide by the biased standard deviation taken over dims."""
    mean = x.mean(dim=dims, keepdim=True)
    return (x - mean) / torch.sqrt(x.var(dim=dims, unbiased=False, keepdim=True) + 1e-5)


def close(a: torch.Tensor, b: torch.Tensor) -> bool:
    return torch.allclose(a, b, atol=1e-10)


def row(shape: str, name: str, x: torch.Tensor, y: torch.Tensor, dims: tuple[int, ...], axes: str):
    """Assert that y standardizes x over dims; print how many statistics that is, of how many values."""
    assert close(y, standardize(x, dims))
    count = x.mean(dim=dims).numel()  # one mean (and one variance) per remaining index
    print(f"{shape:<11}{name:<4}{axes:<13}{count:>11}{x.numel() // count:>13}")


print(f"{'input':<11}{'':<4}{'pooled axes':<13}{'statistics':>11}{'values each':>13}")
x2 = torch.randn(B, C, dtype=DT, device=device)
row("(B, C)", "BN", x2, bn(x2), (0,), "B")
row("(B, C)", "LN", x2, ln(x2), (1,), "C")
x3 = torch.randn(B, T, C, dtype=DT, device=device)
y_bn = bn(x3.transpose(1, 2)).transpose(1, 2)  # BatchNorm1d wants (B, C, T)
row("(B, T, C)", "BN", x3, y_bn, (0, 1), "B, T")
row("(B, T, C)", "LN", x3, ln(x3), (2,), "C")
assert close(y_bn, bn(x3.reshape(B * T, C)).reshape(B, T, C))  # the same as B*T rows of (B, C)

try:  # forgetting the transpose: BatchNorm1d(C) reads dimension 1 (here T) as the channels
    bn(x3)
except RuntimeError:
    print(f"BatchNorm1d({C}) on ({B}, {T}, {C}) without the transpose: RuntimeError")
else:
    raise AssertionError("expected a shape error when T != C")

square = torch.randn(B, C, C, dtype=DT, device=device)  # T == C: no error is raised
wrong = bn(square)
assert close(wrong, standardize(square, (0, 2)))  # each position t, pooled over batch and features
assert not close(wrong, standardize(square, (0, 1)))  # not the per-channel statistics
print(f"BatchNorm1d({C}) on ({B}, {C}, {C}): runs, and standardizes each position over B and C")
