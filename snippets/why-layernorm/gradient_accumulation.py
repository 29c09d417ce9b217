"""Gradient accumulation does not give BatchNorm a bigger batch.

One step on a batch of 32 is compared with 4 accumulated micro-batches of 8 (each loss
divided by 4, so the gradients would add up to the same mean). For a model whose
samples do not interact, the two gradients agree up to float rounding. BatchNorm
computes its statistics per forward pass, i.e. per micro-batch of 8, so both its
normalized outputs and the gradients differ. With LayerNorm they match.
"""

# --8<-- [start:setup]
import copy
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))
torch.manual_seed(0)

T, C = 4, 16
x = torch.randn(32, T, C, device=device)
target = torch.randn(32, T, 1, device=device)


class TokenBN(nn.Module):
    """BatchNorm1d for a (B, T, C) activation."""

    def __init__(self, c: int):
        super().__init__()
        self.bn = nn.BatchNorm1d(c)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return self.bn(h.transpose(1, 2)).transpose(1, 2)


def make_model(norm: nn.Module) -> nn.Sequential:
    return nn.Sequential(nn.Linear(C, C), norm, nn.Linear(C, 1)).to(device).train()


def full_batch(model: nn.Sequential):
    """One forward/backward pass on all 32 samples: (normalized activations, gradient)."""
    model.zero_grad()
    normalized = model[:2](x)
    nn.functional.mse_loss(model[2](normalized), target).backward()
    return normalized.detach(), model[0].weight.grad.clone()


def accumulated(model: nn.Sequential, micro: int = 8):
    """4 micro-batches of 8, gradients summed before the (omitted) optimizer step."""
    model.zero_grad()
    steps = x.shape[0] // micro
    pieces = []
    for xb, yb in zip(x.split(micro), target.split(micro)):
        normalized = model[:2](xb)
        (nn.functional.mse_loss(model[2](normalized), yb) / steps).backward()
        pieces.append(normalized.detach())
    return torch.cat(pieces), model[0].weight.grad.clone()


def relative_gap(u: torch.Tensor, v: torch.Tensor) -> float:
    return ((u - v).abs().max() / v.abs().max()).item()
# --8<-- [end:setup]

# --8<-- [start:compare]
gaps = {}
for name, norm in [("BatchNorm", TokenBN(C)), ("LayerNorm", nn.LayerNorm(C))]:
    model = make_model(norm)
    twin = copy.deepcopy(model)  # identical weights for the accumulated run
    out_full, grad_full = full_batch(model)
    out_acc, grad_acc = accumulated(twin)
    gaps[name] = (relative_gap(out_acc, out_full), relative_gap(grad_acc, grad_full))
    print(f"{name}: normalized outputs differ by {gaps[name][0]:.4f}, "
          f"first-layer gradient by {gaps[name][1]:.4f} (relative max)")

assert gaps["BatchNorm"][0] > 0.01 and gaps["BatchNorm"][1] > 0.01, "BN sees batches of 8, not 32"
assert gaps["LayerNorm"][0] < 1e-5 and gaps["LayerNorm"][1] < 1e-4, "LN: accumulation is exact"
# --8<-- [end:compare]
