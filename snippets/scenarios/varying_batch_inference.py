"""The same request, served in batches of 1, 4 and 32, through a real BatchNorm.

In training mode the output for the request depends on how many other requests share
its batch and on what they contain. In eval mode BatchNorm uses its running statistics,
so the output is the same in every batch, but it is not what training mode computed.
A batch of one sequence of one token cannot be normalized in training mode at all.
"""

# --8<-- [start:setup]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))
torch.manual_seed(0)

T, C = 8, 16
bn = nn.BatchNorm1d(C).to(device)

# "Training": 200 batches from the data distribution fill the running statistics.
bn.train()
with torch.no_grad():
    for _ in range(200):
        bn((2.0 * torch.randn(32, T, C, device=device) + 0.5).transpose(1, 2))

request = 2.0 * torch.randn(1, T, C, device=device) + 0.5  # the request we follow
others = 2.0 * torch.randn(31, T, C, device=device) + 0.5  # other traffic
other_traffic = 2.0 * torch.randn(3, T, C, device=device) - 1.0  # a different-looking batch


def serve(batch_mates: torch.Tensor) -> torch.Tensor:
    """BatchNorm output for `request` when it shares a batch with `batch_mates`."""
    batch = torch.cat([request, batch_mates])
    with torch.no_grad():
        return bn(batch.transpose(1, 2)).transpose(1, 2)[0]


batches = {
    "alone (B=1)": others[:0],
    "B=4": others[:3],
    "B=32": others[:31],
    "B=4, other mates": other_traffic,
}
# --8<-- [end:setup]

# --8<-- [start:train_mode]
bn.train()  # the bug: serving with batch statistics
running_before = bn.running_mean.clone()
train_out = {name: serve(mates) for name, mates in batches.items()}
drift = (bn.running_mean - running_before).abs().max().item()  # serving rewrote them
reference = train_out["B=32"]
print("training mode, max |output - output in B=32|:")
for name, out in train_out.items():
    print(f"  {name:17s} {(out - reference).abs().max().item():.4f}")
assert (train_out["alone (B=1)"] - reference).abs().max() > 0.05
assert (train_out["B=4"] - reference).abs().max() > 0.05
assert (train_out["B=4, other mates"] - train_out["B=4"]).abs().max() > 0.05
print(f"running_mean changed by serving in training mode: {drift > 0}")
assert drift > 0, "each training-mode forward updates the running statistics, even under no_grad"
# --8<-- [end:train_mode]

# --8<-- [start:eval_mode]
bn.eval()  # the fix: running statistics, a fixed affine map per channel
eval_out = {name: serve(mates) for name, mates in batches.items()}
spread = max((out - eval_out["B=32"]).abs().max().item() for out in eval_out.values())
gap = (eval_out["B=32"] - train_out["B=32"]).abs().max().item()
print(f"eval mode, largest difference between batch sizes: {spread:.4f}")
print(f"eval mode vs. training mode in B=32:                {gap:.4f}")
assert spread < 1e-5, "eval-mode BN must not depend on the batch"
assert gap > 0.01, "running statistics are not this batch's statistics"
# --8<-- [end:eval_mode]

# --8<-- [start:degenerate]
bn.train()
one_token = request[:, :1]  # B = 1, T = 1: one value per channel
try:
    bn(one_token.transpose(1, 2))
    raised = None
except ValueError as error:
    raised = str(error)
print(f"training mode, B=1, T=1 raises ValueError: {raised}")
assert raised is not None and "more than 1 value per channel" in raised
# --8<-- [end:degenerate]
