"""Exercise: what changes between training mode and eval mode, for BatchNorm and LayerNorm.

BatchNorm in training mode uses the batch's statistics, so a sample's output moves when its
batch mates change, and every forward pass updates the running buffers. In eval mode it uses
the buffers: the output no longer depends on the batch, and the buffers stay put. LayerNorm
keeps no buffers and computes the same thing in both modes.
"""

import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
B, C, DT = 8, 4, torch.float64
batch = torch.randn(B, C, dtype=DT, device=device)
other = batch.clone()
other[1:] = torch.randn(B - 1, C, dtype=DT, device=device)  # the same sample 0, new batch mates


def check(name: str, layer: nn.Module) -> tuple[float, bool]:
    """How far sample 0's output moves with its batch mates, and whether any buffer changed."""
    before = [b.clone() for b in layer.buffers()]
    with torch.no_grad():
        moved = (layer(batch)[0] - layer(other)[0]).abs().max().item()
    changed = any(not torch.equal(a, b) for a, b in zip(before, layer.buffers()))
    print(f"{name:<20} sample 0 moves by {moved:.3f}, buffers changed: {changed}")
    return moved, changed


bn = nn.BatchNorm1d(C).to(device, DT)
ln = nn.LayerNorm(C).to(device, DT)
moved, changed = check("BatchNorm, training", bn.train())
assert moved > 0.01 and changed
moved, changed = check("BatchNorm, eval", bn.eval())
assert moved < 1e-12 and not changed
for mode in ("training", "eval"):
    moved, changed = check(f"LayerNorm, {mode}", ln.train(mode == "training"))
    assert moved < 1e-12 and not changed

with torch.no_grad():
    same = torch.equal(ln.train()(batch), ln.eval()(batch))
print(f"LayerNorm buffers: {len(list(ln.buffers()))}; train and eval outputs equal: {same}")
assert same and not list(ln.buffers())
