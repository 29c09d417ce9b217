"""Before DyT: start every residual branch at zero and a deep stack needs no norm at initialization.

A plain residual stack without normalization adds one branch output per block, and the stream
grows with depth. ReZero multiplies each branch by a scalar alpha initialized to 0; Fixup sets
the last layer of each branch to 0 (and rescales the others). Either way the stack is exactly
the identity at initialization. Training still starts: ReZero's alphas and Fixup's last layers
get a gradient at the first step, while the weights behind the zero get none until it moves.
"""

# --8<-- [start:stacks]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)

B, C, L = 32, 64, 64  # batch, width, residual blocks


class Residual(nn.Module):
    """x + alpha * branch(x), with no normalization anywhere."""

    def __init__(self, dim: int, style: str):
        super().__init__()
        self.branch = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))
        # ReZero: a learned scalar gate that starts at 0; the other styles use a fixed 1
        self.alpha = nn.Parameter(torch.zeros(())) if style == "rezero" else None
        if style == "fixup":  # Fixup: the branch's last layer starts at 0
            nn.init.zeros_(self.branch[2].weight)
            nn.init.zeros_(self.branch[2].bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.branch(x)
        return x + (self.alpha * out if self.alpha is not None else out)


x = torch.randn(B, C).to(device)  # drawn on the CPU: the same numbers on every device
stacks = {style: nn.Sequential(*[Residual(C, style) for _ in range(L)]).to(device)
          for style in ("plain", "rezero", "fixup")}
with torch.no_grad():
    for style, stack in stacks.items():
        print(f"{style:6s}: RMS of the stream, input {x.pow(2).mean().sqrt().item():.2f} "
              f"-> after {L} blocks {stack(x).pow(2).mean().sqrt().item():.2f}")
    assert stacks["plain"](x).pow(2).mean() > 4 * x.pow(2).mean(), "the plain stream grows with depth"
    assert torch.equal(stacks["rezero"](x), x) and torch.equal(stacks["fixup"](x), x), "identity at init"
# --8<-- [end:stacks]


# --8<-- [start:first-step]
target = torch.randn(B, C).to(device)
for style in ("rezero", "fixup"):
    stack = stacks[style]
    nn.functional.mse_loss(stack(x), target).backward()
    first = stack[0].branch[0].weight.grad.abs().max().item()  # the weights behind the zero
    if style == "rezero":
        gate = max(block.alpha.grad.abs().item() for block in stack)
        print(f"rezero: largest gradient on an alpha {gate:.2e}; on the branch weights {first:.1e}")
        assert gate > 0 and first == 0, "only the gates move at the first step"
    else:
        last = max(block.branch[2].weight.grad.abs().max().item() for block in stack)
        print(f"fixup : largest gradient on a zeroed last layer {last:.2e}; on the first layer {first:.1e}")
        assert last > 0 and first == 0, "only the zeroed layers move at the first step"
# --8<-- [end:first-step]
