"""What BatchNorm's running statistics hold under different momentum settings.

momentum=None keeps a cumulative (plain) average of the batch statistics; Keras's momentum is
the weight of the OLD value, so Keras 0.99 is PyTorch 0.01; track_running_stats=False keeps no
running statistics at all, and eval mode then standardizes with the batch's own statistics.
"""

# --8<-- [start:setup]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)

B, T, C, K = 8, 6, 3, 6  # batch, sequence length, channels, number of training steps
# K batches whose mean drifts upward, so that different averages disagree visibly
batches = [2.0 * torch.randn(B, T, C, device=device) + 0.5 * k for k in range(K)]


def feed(bn: nn.BatchNorm1d, x: torch.Tensor) -> torch.Tensor:
    """Run a (B, T, C) tensor through BatchNorm1d, which wants (B, C, T)."""
    return bn(x.transpose(1, 2)).transpose(1, 2)


batch_means = torch.stack([x.mean(dim=(0, 1)) for x in batches])  # (K, C)
batch_vars = torch.stack([x.var(dim=(0, 1), unbiased=True) for x in batches])  # unbiased, (K, C)
# --8<-- [end:setup]

# --8<-- [start:cumulative]
bn_cum = nn.BatchNorm1d(C, momentum=None).to(device).train()  # None: cumulative average
for x in batches:
    feed(bn_cum, x)

gap_mean = (bn_cum.running_mean - batch_means.mean(dim=0)).abs().max().item()
gap_var = (bn_cum.running_var - batch_vars.mean(dim=0)).abs().max().item()
print(f"momentum=None after {K} steps, |running_mean - mean of batch means|     = {gap_mean:.5f}")
print(f"momentum=None after {K} steps, |running_var  - mean of batch variances| = {gap_var:.5f}")
assert gap_mean < 1e-5 and gap_var < 1e-4
# --8<-- [end:cumulative]

# --8<-- [start:keras]
keras_momentum = 0.99  # Keras: the weight of the OLD value
moving_mean = torch.zeros(C, device=device)  # Keras also starts the moving mean at 0
for x in batches:
    moving_mean = keras_momentum * moving_mean + (1 - keras_momentum) * x.mean(dim=(0, 1))

bn_right = nn.BatchNorm1d(C, momentum=1 - keras_momentum).to(device).train()  # 0.01
bn_wrong = nn.BatchNorm1d(C, momentum=keras_momentum).to(device).train()  # 0.99 copied over
for x in batches:
    feed(bn_right, x)
    feed(bn_wrong, x)

gap_right = (bn_right.running_mean - moving_mean).abs().max().item()
gap_wrong = (bn_wrong.running_mean - moving_mean).abs().max().item()
print(f"Keras momentum 0.99 as PyTorch momentum=0.01: max |difference| = {gap_right:.5f}")
print(f"Keras momentum 0.99 as PyTorch momentum=0.99: max |difference| = {gap_wrong:.5f}")
last = (bn_wrong.running_mean - batch_means[-1]).abs().max().item()
print(f"  (with 0.99 the running mean is within {last:.3f} of the last batch's mean)")
assert gap_right < 1e-5
assert gap_wrong > 1.0 and last < 0.1
# --8<-- [end:keras]

# --8<-- [start:no-running-stats]
bn_batch = nn.BatchNorm1d(C, track_running_stats=False).to(device)
print("track_running_stats=False: running_mean is", bn_batch.running_mean)

x = batches[0]
y_train = feed(bn_batch.train(), x)
y_eval = feed(bn_batch.eval(), x)  # eval mode, yet the statistics come from x itself
same = torch.allclose(y_train, y_eval, atol=1e-6)
print(f"eval output equals train output on the same batch: {same}")
assert same

# So in eval mode a sample's output still depends on the batch it arrives in.
alone = feed(bn_batch, x[:2])  # the first two samples as a batch of their own
moved = (alone - y_eval[:2]).abs().max().item()
print(f"same two samples, different batch, eval mode: outputs move by up to {moved:.3f}")
assert moved > 0.1
# --8<-- [end:no-running-stats]
