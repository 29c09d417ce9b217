"""A Transformer feed-forward block normalized with BatchNorm, on (B, T, C) activations.

BatchNorm replaces the block's LayerNorm, and a second BatchNorm sits between the FFN's two
linear layers, where the hidden activations would otherwise go un-normalized. Each BN is
wrapped so that it sees channels on dim 1. The asserts check the shapes, that a sample's
output depends on the rest of the batch in training mode, and that it does not in eval mode.
"""

# --8<-- [start:block]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)


class TokenBatchNorm(nn.BatchNorm1d):
    """BatchNorm1d for (B, T, C): statistics per channel over all B*T tokens."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.transpose(1, 2)).transpose(1, 2)  # (B, C, T) inside


class BNFeedForward(nn.Module):
    """Residual FFN block: x + W2 GELU(BN(W1 BN(x)))."""

    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.norm_in = TokenBatchNorm(dim)  # where a Pre-LN block has its LayerNorm
        self.fc1 = nn.Linear(dim, hidden)
        self.norm_hidden = TokenBatchNorm(hidden)  # BN inside the FFN
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.fc2(self.act(self.norm_hidden(self.fc1(self.norm_in(x)))))
# --8<-- [end:block]


# --8<-- [start:train-mode]
B, T, C = 6, 12, 16
block = BNFeedForward(C, 4 * C).to(device)
x = torch.randn(B, T, C, device=device)

block.train()
with torch.no_grad():
    for _ in range(30):  # fill the running statistics with training-mode batches
        block(torch.randn(B, T, C, device=device))
    y = block(x)
    others = torch.cat([x[:1], 3.0 * torch.randn(B - 1, T, C, device=device)])  # same sample 0
    train_shift = (block(others)[0] - y[0]).abs().max().item()

print(f"input {tuple(x.shape)} -> output {tuple(y.shape)}")
print(f"train mode: sample 0 moves by {train_shift:.4f} when the other samples change")
assert y.shape == (B, T, C)
assert train_shift > 0.01, "in training mode BN mixes the batch"
# --8<-- [end:train-mode]


# --8<-- [start:eval-mode]
block.eval()
with torch.no_grad():
    alone = block(x[:1])  # a batch of one
    in_batch = block(x)[:1]
    in_other_batch = block(others)[:1]

per_sample = torch.allclose(alone, in_batch, atol=1e-4) and torch.allclose(alone, in_other_batch, atol=1e-4)
print(f"eval mode: sample 0 alone, in its batch, in another batch -> same output: {per_sample}")
assert alone.shape == (1, T, C)
assert per_sample, "in eval mode BN is a fixed per-channel affine map: per-sample"
# --8<-- [end:eval-mode]
