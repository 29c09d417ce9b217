"""Does a sample's output depend on the other samples in its batch?

BatchNorm in training mode: yes, because the per-channel mean and variance are taken over
the whole batch. LayerNorm: no, each token uses only its own features. BatchNorm in eval
mode: no again, because it switches to its fixed running statistics.
"""

# --8<-- [start:setup]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))
torch.manual_seed(0)

B, T, C = 8, 6, 16
sample0 = torch.randn(1, T, C, device=device)  # the sample we follow
mates_a = torch.randn(B - 1, T, C, device=device)  # two different sets of batch mates
mates_b = 2.0 * torch.randn(B - 1, T, C, device=device) + 0.5
batch_a = torch.cat([sample0, mates_a])  # sample0 sits at index 0 of both batches
batch_b = torch.cat([sample0, mates_b])

bn = nn.BatchNorm1d(C).to(device)
ln = nn.LayerNorm(C).to(device)


def apply_bn(x: torch.Tensor) -> torch.Tensor:
    """BatchNorm1d on a (B, T, C) activation: channels go to dim 1 and back."""
    return bn(x.transpose(1, 2)).transpose(1, 2)


def gap(u: torch.Tensor, v: torch.Tensor) -> float:
    """Largest absolute difference between two outputs for sample0."""
    return (u - v).abs().max().item()
# --8<-- [end:setup]

# --8<-- [start:train]
bn.train()
bn_gap = gap(apply_bn(batch_a)[0], apply_bn(batch_b)[0])
ln_gap = gap(ln(batch_a)[0], ln(batch_b)[0])
print("train mode, sample 0, max |difference| between the two batches:")
print(f"  BatchNorm: {bn_gap:.4f}")
print(f"  LayerNorm: {ln_gap:.4f}")
assert bn_gap > 0.1, "BN's output for sample 0 should move with its batch mates"
assert ln_gap < 1e-5, "LN's output for sample 0 should not depend on the batch"
# --8<-- [end:train]

# --8<-- [start:eval]
bn.eval()  # running statistics now replace the batch statistics
with torch.no_grad():
    eval_gap = gap(apply_bn(batch_a)[0], apply_bn(batch_b)[0])
    alone_gap = gap(apply_bn(batch_a)[0], apply_bn(sample0)[0])  # a batch of one
print(f"eval mode,  sample 0, BatchNorm: {eval_gap:.4f} between batches, {alone_gap:.4f} vs. alone")
assert eval_gap < 1e-5 and alone_gap < 1e-5, "in eval mode BN treats every sample on its own"
# --8<-- [end:eval]
