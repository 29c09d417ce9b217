"""Exercise: in a decoder block, training-mode BatchNorm lets earlier positions see a later token.

The block is a Pre-norm decoder block: causal self-attention, then the feed-forward half of
this page's BN block (a norm where a Pre-LN block has its LN, and with BN a second norm
between the two linear layers). Only the last token of every sequence is edited. The
attention mask keeps positions 0..T-2 from reading it, and with LayerNorm they do not move.
With BatchNorm in training mode they do: the edited token is part of every channel's batch
statistics. In eval mode BN uses its running statistics and the block is causal again.
"""

import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
B, T, C, DT = 4, 8, 16, torch.float64


class TokenBatchNorm(nn.BatchNorm1d):
    """BatchNorm1d for (B, T, C): statistics per channel over all B*T tokens."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.transpose(1, 2)).transpose(1, 2)


class DecoderBlock(nn.Module):
    """x + Attn_causal(N(x)), then x + W2 GELU(N_hidden(W1 N(x))); N is BN or LN."""

    def __init__(self, norm: str):
        super().__init__()
        make = TokenBatchNorm if norm == "bn" else nn.LayerNorm
        self.norm_attn, self.norm_ffn = make(C), make(C)
        self.qkv, self.proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.fc1, self.fc2 = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)
        self.norm_hidden = TokenBatchNorm(4 * C) if norm == "bn" else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.qkv(self.norm_attn(x)).chunk(3, dim=-1)
        scores = q @ k.transpose(1, 2) / C**0.5
        future = torch.ones(T, T, dtype=torch.bool, device=x.device).triu(diagonal=1)
        attn = scores.masked_fill(future, float("-inf")).softmax(dim=-1)  # position t reads 0..t only
        x = x + self.proj(attn @ v)
        return x + self.fc2(nn.functional.gelu(self.norm_hidden(self.fc1(self.norm_ffn(x)))))


x = torch.randn(B, T, C, device=device, dtype=DT)
edited = x.clone()
edited[:, -1] = 3.0 * torch.randn(B, C, device=device, dtype=DT)  # only position T-1 changes


@torch.no_grad()
def leak(block: nn.Module) -> float:
    """Largest change at positions 0..T-2 when only position T-1 is edited."""
    return (block(edited)[:, :-1] - block(x)[:, :-1]).abs().max().item()


bn_block = DecoderBlock("bn").to(device, DT).train()
ln_block = DecoderBlock("ln").to(device, DT).train()
with torch.no_grad():
    for _ in range(20):  # training-mode batches fill BN's running statistics
        bn_block(torch.randn(B, T, C, device=device, dtype=DT))
leak_bn_train = leak(bn_block)
leak_ln = leak(ln_block)
bn_block.eval()
leak_bn_eval = leak(bn_block)

print("largest change at positions 0..T-2 after editing token T-1:")
print(f"  BatchNorm, training mode: {leak_bn_train:.4f}")
print(f"  BatchNorm, eval mode:     {leak_bn_eval:.1e}")
print(f"  LayerNorm:                {leak_ln:.1e}")
assert leak_bn_train > 0.05, "training-mode BN carries the later token into earlier positions"
assert leak_bn_eval < 1e-12 and leak_ln < 1e-12, "with running statistics or LN the block is causal"
