"""Exercise: the weight of every past batch in BatchNorm's running statistics.

With momentum alpha, after K updates the starting value keeps a weight of (1 - alpha)^K and
the batch j steps back a weight of alpha * (1 - alpha)^j. The closed form is checked against
nn.BatchNorm1d's buffers, for the mean and for the (unbiased) variance.
"""

import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
B, T, C, K, ALPHA, DT = 4, 8, 3, 50, 0.1, torch.float64
bn = nn.BatchNorm1d(C, momentum=ALPHA).to(device, DT).train()
batches = [torch.randn(B, C, T, dtype=DT, device=device) + 0.1 * k for k in range(K)]  # drifting
with torch.no_grad():
    for x in batches:
        bn(x)

# weights[j] belongs to the batch j steps back (j = 0 is the latest); start: the initial 0 and 1
weights = [ALPHA * (1 - ALPHA) ** j for j in range(K)]
start = (1 - ALPHA) ** K
means = [x.mean(dim=(0, 2)) for x in reversed(batches)]
variances = [x.var(dim=(0, 2), unbiased=True) for x in reversed(batches)]
closed_mean = start * 0.0 + sum(w * m for w, m in zip(weights, means))
closed_var = start * 1.0 + sum(w * v for w, v in zip(weights, variances))
assert torch.allclose(bn.running_mean, closed_mean, atol=1e-12)
assert torch.allclose(bn.running_var, closed_var, atol=1e-12)
assert abs(start + sum(weights) - 1) < 1e-12  # the weights always sum to 1

print(f"after {K} updates with momentum {ALPHA}, buffers match the closed form")
print("weight of the latest three batches: " + ", ".join(f"{w:.3f}" for w in weights[:3]))
print(f"weight of the latest 10 batches together: {sum(weights[:10]):.3f}")
print(f"weight left on the starting value:        {start:.4f}")
