"""Exercise: re-estimating BatchNorm's running statistics with momentum=None.

With momentum=None the k-th update gets weight 1 / num_batches_tracked. After
reset_running_stats() the count starts again at 0, and K batches leave the plain average of
their statistics in the buffers. Without the reset, the count carries on from training, so
the new batches get tiny weights and the old statistics stay.
"""

import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
B, T, C, K, DT = 8, 4, 3, 10, torch.float64


def trained_bn() -> nn.BatchNorm1d:
    """A BatchNorm1d after 200 training steps on data with mean 0."""
    bn = nn.BatchNorm1d(C).to(device, DT).train()
    with torch.no_grad():
        for _ in range(200):
            bn(torch.randn(B, C, T, dtype=DT, device=device))
    return bn


new_data = [torch.randn(B, C, T, dtype=DT, device=device) + 3.0 for _ in range(K)]  # mean 3 now
target = torch.stack([x.mean(dim=(0, 2)) for x in new_data]).mean(dim=0)  # mean of the K batch means
print(f"target: the mean of the {K} new batch means, about {target.mean().item():.2f}")

for reset in (False, True):
    bn = trained_bn()
    bn.momentum = None  # cumulative average from here on
    if reset:
        bn.reset_running_stats()  # running_mean 0, running_var 1, num_batches_tracked 0
    with torch.no_grad():
        for x in new_data:
            bn(x)
    gap = (bn.running_mean - target).abs().max().item()
    print(f"reset: {str(reset):<5}  batches counted: {bn.num_batches_tracked.item():>3}  "
          f"max |running_mean - target| = {gap:.3f}")
    assert (gap < 1e-12) if reset else (gap > 2.0)
