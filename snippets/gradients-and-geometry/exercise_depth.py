"""Exercise: gradient growth through BatchNorm at initialization, with and without residuals.

In a stack of Linear -> BatchNorm (training mode) -> ReLU blocks at initialization, the gradient
grows block after block on its way down (Yang et al., 2019, study this in wide networks); with a
residual connection around each block it grows far less.
"""

import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda


def gradient_norms(residual: bool, width: int = 128, depth: int = 32, batch: int = 64) -> list[float]:
    """|dL/dh| after each block, first block first, at initialization, BN in training mode."""
    torch.manual_seed(1)
    blocks = [nn.Sequential(nn.Linear(width, width, bias=False), nn.BatchNorm1d(width), nn.ReLU()).to(device)
              for _ in range(depth)]
    h, outputs = torch.randn(batch, width, device=device), []
    for block in blocks:
        h = h + block(h) if residual else block(h)
        h.retain_grad()
        outputs.append(h)
    (h * torch.randn(batch, width, device=device)).sum().backward()
    return [out.grad.norm().item() for out in outputs]


plain, res = gradient_norms(residual=False), gradient_norms(residual=True)
growth_plain, growth_res = plain[0] / plain[-1], res[0] / res[-1]
print("32 blocks, gradient norm after block 1 / after block 32:")
print(f"  without residual connections: {growth_plain:.0f} ({growth_plain ** (1 / 31):.2f} per block)")
print(f"  with residual connections:    {growth_res:.1f}")
assert growth_plain > 50 and growth_res < growth_plain / 10
